//! What the window shows before anyone can sign in: the database opening, or why it cannot.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::command::SessionCommand;
use crate::ui::theme;
use crate::ui::widgets::{centered_column, progress_ui};

/// The state of opening the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartupView {
    /// A worker is opening (or creating) the database.
    Opening {
        /// The database file.
        path: PathBuf,
    },
    /// The database cannot be used; nothing else works until this is fixed.
    Failed {
        /// The database file.
        path: PathBuf,
        /// The store's one-line explanation, which names the file and the reason.
        message: String,
    },
}

/// Draws the start-up screen; returns a command when the person retries or quits.
pub fn startup_ui(ui: &mut Ui, view: &StartupView) -> Option<SessionCommand> {
    ui.add_space(theme::SPACE_XL * 2.0);
    match view {
        StartupView::Opening { path } => {
            centered_column(ui, theme::FORM_WIDTH * 1.5, |ui| {
                progress_ui(ui, "Opening the database…");
                ui.label(RichText::new(path.display().to_string()).small().weak());
            });
            None
        }
        StartupView::Failed { path, message } => centered_column(ui, theme::FORM_WIDTH * 1.8, |ui| {
            let visuals = ui.visuals().clone();
            ui.label(RichText::new("closedesk cannot start").size(theme::TITLE_SIZE).strong());
            ui.add_space(theme::SPACE_M);
            theme::error_frame(&visuals).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(message).color(theme::error_text(&visuals)));
            });
            ui.add_space(theme::SPACE_M);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Database file:").weak());
                ui.label(RichText::new(path.display().to_string()).monospace());
            });
            ui.label(
                RichText::new("To use another database, start closedesk with --db PATH or set CLOSEDESK_DB.").weak(),
            );
            ui.add_space(theme::SPACE_L);
            ui.horizontal(|ui| {
                let retry = ui.button("Try again").clicked();
                let quit = ui.button("Quit").clicked();
                if retry {
                    Some(SessionCommand::RetryOpen)
                } else if quit {
                    Some(SessionCommand::Quit)
                } else {
                    None
                }
            })
            .inner
        }),
    }
}
