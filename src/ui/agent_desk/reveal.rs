//! The form an agent fills before a customer's personal data is shown unmasked: a reason from
//! a fixed list (what the audit trail keeps) and the agent's own words (which it does not).

use egui::{RichText, Ui};

use super::command::AgentCommand;
use crate::service::reveal::RevealReason;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, escape_pressed, focus_first_field, labelled_input_ui, progress_ui};

/// What the reveal form holds while the agent fills it.
#[derive(Debug, Default)]
pub struct RevealForm {
    /// The reason picked from the list.
    pub reason: Option<RevealReason>,
    /// What the agent typed; required, kept only on this screen, never stored or logged.
    pub text: String,
    /// Whether the audit line is being written.
    pub busy: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Whether the first reason got the keyboard when the form opened.
    pub first_field_focused: bool,
}

impl RevealForm {
    /// Whether both a reason and the agent's words are there.
    pub fn is_complete(&self) -> bool {
        self.reason.is_some() && !self.text.trim().is_empty()
    }
}

/// Draws the reveal form; returns the command to reveal, or to give up.
pub fn reveal_form_ui(ui: &mut Ui, form: &mut RevealForm) -> Option<AgentCommand> {
    let mut command = None;
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.label(RichText::new("Reveal personal data").strong());
        ui.label(
            RichText::new(
                "The unmasked email, phone and addresses of this customer are shown, and the audit trail records \
                 that you looked and why.",
            )
            .weak(),
        );
        ui.add_space(theme::SPACE_S);
        ui.add_enabled_ui(!form.busy, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (index, reason) in RevealReason::ALL.into_iter().enumerate() {
                    let choice = ui.radio_value(&mut form.reason, Some(reason), reason.label());
                    if index == 0 {
                        focus_first_field(&choice, &mut form.first_field_focused);
                    }
                }
            });
            ui.add_space(theme::SPACE_S);
            labelled_input_ui(
                ui,
                "Reason for revealing",
                egui::TextEdit::singleline(&mut form.text).hint_text("what the customer asked for"),
            );
        });
        ui.label(RichText::new("Your words stay on this screen; the trail keeps only the reason picked.").weak());
        ui.add_space(theme::SPACE_S);
        ui.horizontal(|ui| {
            let ready = !form.busy && form.is_complete();
            if ui.add_enabled(ready, egui::Button::new("Show unmasked")).clicked()
                && let Some(reason) = form.reason
            {
                command = Some(AgentCommand::Reveal { reason });
            }
            if ui.add_enabled(!form.busy, egui::Button::new("Cancel")).clicked() || (!form.busy && escape_pressed(ui)) {
                command = Some(AgentCommand::CloseReveal);
            }
        });
        if form.busy {
            progress_ui(ui, "Recording the reveal…");
        }
        if let Some(error) = &form.error {
            error_text_ui(ui, error);
        }
    });
    command
}
