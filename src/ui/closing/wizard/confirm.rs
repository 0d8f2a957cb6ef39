//! Step 6: the mailed code, the account's email and the words "Deactivate my account".

use egui::{RichText, Ui};

use crate::core::closure::CONFIRM_PHRASE;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::theme;
use crate::ui::widgets::code_entry::{CodeAction, CodeWords, code_entry_ui};
use crate::ui::widgets::labelled_input_ui;
use crate::ui::widgets::secret_field::submitted_with_enter;

use super::{BACK, WizardView};

/// Where a person finds the code: mail never leaves this computer.
pub const MAILBOX_HINT: &str = "The mail stays on this computer: open \"Mailbox (local outbox)\" below to read it.";

/// Where the code comes from in an assisted closure.
pub const ASSISTED_HINT: &str =
    "Ask the customer to read the code out of their mail, and to tell you their email address.";

/// Draws the confirmation; "Confirm & Close" sends the three values (and empties the code).
pub fn confirm_step_ui(ui: &mut Ui, view: &mut WizardView, assisted: bool) -> Option<ClosureCommand> {
    let fallback = if assisted { "the customer's registered address" } else { "your registered address" };
    let sent_to = view.info.as_ref().map_or(fallback, |info| info.masked_email.as_str()).to_owned();
    let words = CodeWords {
        sent_to: &sent_to,
        hint: if assisted { ASSISTED_HINT } else { MAILBOX_HINT },
        field: "Code",
        confirm: "Confirm & Close",
        other: Some(BACK),
    };
    let (email, phrase) = (&mut view.typed_email, &mut view.phrase);
    let action = code_entry_ui(ui, view.flow.code_entry(), words, view.now, |ui, busy| {
        ui.label(RichText::new("To be sure, type the account's email address and the words shown as well.").weak());
        ui.add_enabled_ui(!busy, |ui| {
            labelled_input_ui(ui, "Email", egui::TextEdit::singleline(email).hint_text("you@example.com"));
        });
        ui.add_space(theme::SPACE_S);
        ui.label(format!("Type: {CONFIRM_PHRASE}"));
        let phrase_field = ui
            .add_enabled_ui(!busy, |ui| {
                labelled_input_ui(ui, "Confirmation phrase", egui::TextEdit::singleline(phrase))
            })
            .inner;
        submitted_with_enter(ui, &phrase_field)
    });
    match action? {
        CodeAction::Confirm(code) => {
            Some(ClosureCommand::Confirm { code, email: view.typed_email.clone(), phrase: view.phrase.clone() })
        }
        CodeAction::Resend => Some(ClosureCommand::ResendCode),
        CodeAction::Other => Some(ClosureCommand::Back),
    }
}
