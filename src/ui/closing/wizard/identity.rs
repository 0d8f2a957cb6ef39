//! Step 2: the password, entered again.

use egui::Ui;
use jiff::Timestamp;

use crate::ui::closing::command::ClosureCommand;
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::notice_ui;
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};

use super::back_button;

/// Draws the password form; Enter or "Continue" sends the password (and empties the field).
pub fn identity_step_ui(
    ui: &mut Ui,
    password: &mut SecretField,
    locked_until: Option<Timestamp>,
    busy: bool,
) -> Option<ClosureCommand> {
    ui.label("Enter your password again, so that nobody else can close your account from a computer left signed in.");
    ui.add_space(theme::SPACE_S);
    if let Some(until) = locked_until {
        notice_ui(ui, &format!("Closure is locked after too many wrong entries until {}.", local_minute(until)));
        ui.add_space(theme::SPACE_S);
    }
    let enabled = !busy && locked_until.is_none();
    let field = secret_input_ui(ui, "Password", password, true, enabled);
    focus_when_idle(ui, &field);
    let entered = submitted_with_enter(ui, &field);
    ui.add_space(theme::SPACE_S);
    let (go, back) = ui
        .horizontal(|ui| {
            let go = ui.add_enabled(enabled && !password.is_empty(), egui::Button::new("Continue")).clicked();
            (go, back_button(ui, !busy))
        })
        .inner;
    if (go || entered) && enabled && !password.is_empty() {
        forget_undo_history(ui, &field);
        return Some(ClosureCommand::SubmitPassword(password.take()));
    }
    back.then_some(ClosureCommand::Back)
}
