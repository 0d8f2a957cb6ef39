//! Step 6: the mailed code, the account's email and the words "Deactivate my account".

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::closure::{CONFIRM_PHRASE, IssuedCode, Refusal};
use crate::ui::closure::ClosureCommand;
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::countdown::countdown_ui;
use crate::ui::widgets::labelled_input_ui;
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};

use super::{back_button, refusal_text};

/// What the confirmation shows.
pub struct ConfirmView<'a> {
    /// The code last mailed.
    pub code: Option<&'a IssuedCode>,
    /// The registered address, masked.
    pub masked_email: &'a str,
    /// A resend was refused until then.
    pub cooldown_until: Option<Timestamp>,
    /// The time as of this frame.
    pub now: Timestamp,
    /// Whether the worker is busy.
    pub busy: bool,
    /// Run by a support agent: the customer reads the code out of their mail.
    pub assisted: bool,
}

/// The fields the confirmation fills.
pub struct ConfirmFields<'a> {
    /// The code as typed.
    pub code: &'a mut SecretField,
    /// The email as typed.
    pub email: &'a mut String,
    /// The phrase as typed.
    pub phrase: &'a mut String,
}

/// Where a person finds the code: mail never leaves this computer.
pub const MAILBOX_HINT: &str = "The mail stays on this computer: open \"Mailbox (local outbox)\" below to read it.";

/// Where the code comes from in an assisted closure.
pub const ASSISTED_HINT: &str =
    "Ask the customer to read the code out of their mail, and to tell you their email address.";

/// Draws the confirmation; "Confirm & Close" sends the three values (and empties the code).
pub fn confirm_step_ui(ui: &mut Ui, view: &ConfirmView<'_>, fields: &mut ConfirmFields<'_>) -> Option<ClosureCommand> {
    let busy = view.busy;
    match view.code {
        Some(code) if !code.spent => ui.label(format!(
            "We sent a 6-digit code to {}. It expires at {} and works once.",
            view.masked_email,
            local_minute(code.expires_at)
        )),
        _ => ui.label("The last code can no longer be used: ask for a new one."),
    };
    ui.label(RichText::new(if view.assisted { ASSISTED_HINT } else { MAILBOX_HINT }).weak());
    ui.label(RichText::new("To be sure, type the account's email address and the words shown as well.").weak());
    ui.add_space(theme::SPACE_S);

    let code_field = secret_input_ui(ui, "Code", fields.code, false, !busy);
    focus_when_idle(ui, &code_field);
    ui.add_space(theme::SPACE_S);
    ui.add_enabled_ui(!busy, |ui| {
        labelled_input_ui(ui, "Email", egui::TextEdit::singleline(fields.email).hint_text("you@example.com"));
    });
    ui.add_space(theme::SPACE_S);
    ui.label(format!("Type: {CONFIRM_PHRASE}"));
    let phrase_field = ui
        .add_enabled_ui(!busy, |ui| {
            labelled_input_ui(ui, "Confirmation phrase", egui::TextEdit::singleline(fields.phrase))
        })
        .inner;
    let entered = submitted_with_enter(ui, &phrase_field) || submitted_with_enter(ui, &code_field);
    ui.add_space(theme::SPACE_S);

    let waiting = view
        .cooldown_until
        .and_then(|until| countdown_ui(ui, &refusal_text(Refusal::ResendTooSoon { until }), until, view.now));
    let ready = !busy && !fields.code.is_empty();
    let (confirm, resend, back) = ui
        .horizontal(|ui| {
            let confirm = ui.add_enabled(ready, egui::Button::new("Confirm & Close")).clicked();
            let resend = ui.add_enabled(!busy && waiting.is_none(), egui::Button::new("Resend code")).clicked();
            (confirm, resend, back_button(ui, !busy))
        })
        .inner;
    if (confirm || entered) && ready {
        forget_undo_history(ui, &code_field);
        return Some(ClosureCommand::Confirm {
            code: fields.code.take(),
            email: fields.email.clone(),
            phrase: fields.phrase.clone(),
        });
    }
    if resend {
        return Some(ClosureCommand::ResendCode);
    }
    back.then_some(ClosureCommand::Back)
}
