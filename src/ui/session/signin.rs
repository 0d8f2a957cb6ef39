//! The sign-in screen: customers sign in with their email, support agents with their name.

use super::command::{SessionCommand, SignInMode};
use crate::auth::Credentials;
use crate::ui::dashboards::open_backup::{OpenBackupForm, open_backup_form_ui};
use crate::ui::theme;
use crate::ui::widgets::secret_field::{SecretField, forget_undo_history};
use crate::ui::widgets::{centered_column, error_text_ui, focus_first_field, labelled_input_ui, progress_ui};
use egui::{RichText, Ui};

/// What the sign-in screen shows and what has been typed into it.
#[derive(Debug, Default)]
pub struct SignInView {
    /// Customer or agent.
    pub mode: SignInMode,
    /// The typed email (customer mode).
    pub email: String,
    /// The typed agent name (agent mode).
    pub agent_name: String,
    /// The typed password, wiped from memory when replaced or dropped.
    pub password: SecretField,
    /// Whether a sign-in is being checked.
    pub busy: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// The "Open a backup" form below the sign-in card.
    pub backup: OpenBackupForm,
    /// Whether the login field got the keyboard when the form (or its mode) appeared.
    pub first_field_focused: bool,
}

impl SignInView {
    /// The credentials typed in the current mode, emptying the password field.
    fn take_credentials(&mut self) -> Credentials {
        let password = self.password.take();
        match self.mode {
            SignInMode::Customer => Credentials::Customer { email: self.email.trim().to_owned(), password },
            SignInMode::Agent => Credentials::Agent { name: self.agent_name.trim().to_owned(), password },
        }
    }
}

/// Draws the sign-in form; returns a command when the mode changes or the form is submitted.
///
/// On submit the password field is emptied at once: the password leaves in the command.
pub fn signin_ui(ui: &mut Ui, view: &mut SignInView) -> Option<SessionCommand> {
    let mut command = None;
    // The two cards are taller than the smallest window.
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.add_space(theme::SPACE_XL);
        command = signin_cards_ui(ui, view);
    });
    command
}

fn signin_cards_ui(ui: &mut Ui, view: &mut SignInView) -> Option<SessionCommand> {
    let mut command = None;
    centered_column(ui, theme::FORM_WIDTH, |ui| {
        theme::card_frame(ui.visuals()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Welcome to closedesk").size(theme::TITLE_SIZE).strong());
            ui.label(RichText::new("Look at your account, back it up, and close it for good.").weak());
            ui.add_space(theme::SPACE_L);

            ui.add_enabled_ui(!view.busy, |ui| {
                ui.horizontal(|ui| {
                    for mode in [SignInMode::Customer, SignInMode::Agent] {
                        if ui.selectable_label(view.mode == mode, mode.label()).clicked() && view.mode != mode {
                            command = Some(SessionCommand::SetMode(mode));
                        }
                    }
                });
                ui.add_space(theme::SPACE_M);

                let (login, hint) = match view.mode {
                    SignInMode::Customer => (&mut view.email, "you@example.com"),
                    SignInMode::Agent => (&mut view.agent_name, "agent name"),
                };
                let login_response =
                    labelled_input_ui(ui, view.mode.login_label(), egui::TextEdit::singleline(login).hint_text(hint));
                ui.add_space(theme::SPACE_S);
                let password_response = labelled_input_ui(ui, "Password", view.password.text_edit(true));
                let enter = ui.input(|input| input.key_pressed(egui::Key::Enter));
                if login_response.lost_focus() && enter {
                    password_response.request_focus();
                }
                focus_first_field(&login_response, &mut view.first_field_focused);
                ui.add_space(theme::SPACE_M);

                let submitted_with_enter = password_response.lost_focus() && enter;
                let clicked = ui
                    .horizontal(|ui| {
                        let clicked = ui.add_enabled(!view.busy, egui::Button::new("Sign in")).clicked();
                        if view.busy {
                            progress_ui(ui, "Checking…");
                        }
                        clicked
                    })
                    .inner;
                if (clicked || submitted_with_enter) && !view.busy {
                    command = Some(SessionCommand::SignIn { credentials: view.take_credentials() });
                    forget_undo_history(ui, &password_response);
                }
            });

            if let Some(error) = &view.error {
                ui.add_space(theme::SPACE_S);
                error_text_ui(ui, error);
            }
            ui.add_space(theme::SPACE_M);
            ui.label(RichText::new("Demo logins are listed in the README.").small().weak());
        });
        ui.add_space(theme::SPACE_L);
        theme::card_frame(ui.visuals()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if let Some(backup) = open_backup_form_ui(ui, &mut view.backup) {
                command = Some(SessionCommand::Backup(backup));
            }
        });
    });
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_the_credentials_empties_the_password_field_and_trims_the_login() {
        let mut view = SignInView { email: " ann@example.com ".to_owned(), ..SignInView::default() };
        view.password.push_str("hunter22");
        let Credentials::Customer { email, password } = view.take_credentials() else {
            panic!("customer mode gives customer credentials");
        };
        assert_eq!(email, "ann@example.com");
        assert_eq!(password.expose(), "hunter22");
        assert!(view.password.is_empty());
    }

    #[test]
    fn agent_mode_gives_agent_credentials() {
        let mut view = SignInView { mode: SignInMode::Agent, agent_name: "sam".to_owned(), ..SignInView::default() };
        assert!(matches!(view.take_credentials(), Credentials::Agent { name, .. } if name == "sam"));
    }
}
