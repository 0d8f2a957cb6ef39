//! The mailed-code entry every closure screen shares: where the code went and until when, the
//! code field, "Resend code" (or the wait before a resend), and the button that confirms.

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::auth::Secret;
use crate::core::closure::{IssuedCode, Refusal};
use crate::ui::format::local_minute;
use crate::ui::theme;

use super::countdown::countdown_ui;
use super::secret_field::{SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter};

/// What the code entry shows and edits: the code field, and where the flow it belongs to stands.
#[derive(Debug)]
pub struct CodeEntry<'a> {
    /// The mailed code as it is typed.
    pub code: &'a mut SecretField,
    /// The code last mailed, while the flow waits for it.
    pub out: Option<IssuedCode>,
    /// A resend was refused until then: the entry counts down to it.
    pub cooldown_until: Option<Timestamp>,
    /// A step of the flow is queued or running.
    pub busy: bool,
}

/// The words of one screen's code entry.
#[derive(Clone, Copy, Debug)]
pub struct CodeWords<'a> {
    /// Who the code went to, e.g. `am***@example.com` or "the customer's registered address".
    pub sent_to: &'a str,
    /// Where the person reads the code, shown under the first line.
    pub hint: &'a str,
    /// The field's label, e.g. "Code" or "Customer's code".
    pub field: &'a str,
    /// The confirming button, e.g. "Cancel closure".
    pub confirm: &'a str,
    /// A button of the screen's own at the end of the row, e.g. "Back".
    pub other: Option<&'a str>,
}

/// What the person asked for.
#[derive(Debug)]
pub enum CodeAction {
    /// Confirm with the typed code (the field is emptied).
    Confirm(Secret),
    /// Mail a new code.
    Resend,
    /// The screen's own button ([`CodeWords::other`]) was pressed.
    Other,
}

/// Draws the code entry of a flow as of `now`; `extra` draws more fields under the code (the
/// wizard's email and phrase) and says whether they were submitted with Enter.
pub fn code_entry_ui(
    ui: &mut Ui,
    entry: CodeEntry<'_>,
    words: CodeWords<'_>,
    now: Timestamp,
    extra: impl FnOnce(&mut Ui, bool) -> bool,
) -> Option<CodeAction> {
    let CodeEntry { code: field_text, out, cooldown_until, busy } = entry;
    match out {
        Some(code) if !code.spent => ui.label(format!(
            "We sent a 6-digit code to {}. It expires at {} and works once.",
            words.sent_to,
            local_minute(code.expires_at)
        )),
        _ => ui.label("The last code can no longer be used: ask for a new one."),
    };
    ui.label(RichText::new(words.hint).weak());
    ui.add_space(theme::SPACE_S);
    let field = secret_input_ui(ui, words.field, field_text, false, !busy);
    focus_when_idle(ui, &field);
    let entered = extra(ui, busy) | submitted_with_enter(ui, &field);
    ui.add_space(theme::SPACE_S);
    let waiting = cooldown_until
        .and_then(|until| countdown_ui(ui, &Refusal::ResendTooSoon { until }.message(local_minute), until, now));
    let ready = !busy && !field_text.is_empty();
    let (confirm, resend, other) = ui
        .horizontal(|ui| {
            let confirm = ui.add_enabled(ready, egui::Button::new(words.confirm)).clicked();
            let resend = ui.add_enabled(!busy && waiting.is_none(), egui::Button::new("Resend code")).clicked();
            let other = words.other.is_some_and(|label| ui.add_enabled(!busy, egui::Button::new(label)).clicked());
            (confirm, resend, other)
        })
        .inner;
    if (confirm || entered) && ready {
        forget_undo_history(ui, &field);
        return Some(CodeAction::Confirm(field_text.take()));
    }
    if resend {
        return Some(CodeAction::Resend);
    }
    other.then_some(CodeAction::Other)
}
