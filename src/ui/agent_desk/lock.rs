//! The locked agent session: nothing about any customer, only the way back in.

use egui::{RichText, Ui};

use super::command::AgentCommand;
use crate::ui::theme;
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};
use crate::ui::widgets::{centered_column, error_text_ui, progress_ui};

/// The width of the unlock form.
const FORM_WIDTH: f32 = 360.0;

/// What the lock screen holds.
#[derive(Debug, Default)]
pub struct LockView {
    /// The password field.
    pub password: SecretField,
    /// Whether the password is being checked.
    pub busy: bool,
    /// Why the last unlock failed.
    pub error: Option<String>,
}

/// Draws the lock screen for the agent `identity`; returns the unlock or sign-out command.
pub fn lock_ui(ui: &mut Ui, view: &mut LockView, identity: &str) -> Option<AgentCommand> {
    centered_column(ui, FORM_WIDTH, |ui| {
        ui.add_space(theme::SPACE_L);
        ui.label(RichText::new("Session locked").size(theme::TITLE_SIZE).strong());
        ui.label(format!("The session of {identity} was locked after a while without input."));
        ui.label(RichText::new("Enter your password to go on.").weak());
        ui.add_space(theme::SPACE_M);
        let field = secret_input_ui(ui, "Password", &mut view.password, true, !view.busy);
        focus_when_idle(ui, &field);
        let entered = submitted_with_enter(ui, &field);
        ui.add_space(theme::SPACE_S);
        let ready = !view.busy && !view.password.is_empty();
        let (unlock, sign_out) = ui
            .horizontal(|ui| {
                let unlock = ui.add_enabled(ready, egui::Button::new("Unlock")).clicked();
                (unlock, ui.button("Sign out").clicked())
            })
            .inner;
        if view.busy {
            progress_ui(ui, "Checking the password…");
        }
        if let Some(error) = &view.error {
            error_text_ui(ui, error);
        }
        if (unlock || entered) && ready {
            forget_undo_history(ui, &field);
            return Some(AgentCommand::Unlock(view.password.take()));
        }
        sign_out.then_some(AgentCommand::SignOut)
    })
}
