//! "Open backup…": pick a backup file (or type its path), verify it, and show it read-only in
//! the same dashboards.
//!
//! The native dialog and the loading both run on workers (see `loads.rs`): rfd blocks while
//! its dialog is open, and a backup of 100,000 orders takes a moment to verify and load. On
//! a Linux session without a desktop portal or zenity rfd answers "nothing chosen" at once,
//! so the form always offers a path field beside the button.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{RichText, Ui};

use crate::backup::BackupHeader;
use crate::service::dashboard::Snapshot;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, labelled_input_ui, progress_ui};

/// What the backup form asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupCommand {
    /// Open the native file dialog.
    PickFile,
    /// Verify and open the backup at this path.
    Open(PathBuf),
    /// Leave the backup and go back to the sign-in screen.
    Close,
}

/// The "Open a backup" form on the sign-in screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenBackupForm {
    /// The typed (or picked) path.
    pub path: String,
    /// Whether the file dialog is open.
    pub picking: bool,
    /// Whether a backup is being verified and loaded.
    pub opening: bool,
    /// A note about the last dialog, e.g. that it could not open.
    pub notice: Option<String>,
    /// Why the last backup could not be opened.
    pub error: Option<String>,
}

impl OpenBackupForm {
    /// Whether the form waits for a worker.
    pub fn is_busy(&self) -> bool {
        self.picking || self.opening
    }

    /// Takes in the dialog's answer; returns the path to open, if one was chosen.
    pub fn on_picked(&mut self, picked: Option<PathBuf>) -> Option<PathBuf> {
        self.picking = false;
        if let Some(path) = &picked {
            self.path = path.display().to_string();
            self.notice = None;
        } else {
            self.notice = Some(
                "No file was chosen. If no dialog appeared, type the backup's path below and press Open.".to_owned(),
            );
        }
        picked
    }
}

/// A verified backup loaded for the dashboards.
#[derive(Clone, Debug)]
pub struct OpenedBackup {
    /// The file it came from.
    pub path: PathBuf,
    /// Whose backup it is and when it was taken.
    pub header: BackupHeader,
    /// `Name <email>` of the account backed up.
    pub owner: String,
    /// Its rows, in a read-only database of their own.
    pub snapshot: Arc<Snapshot>,
}

/// Draws the form: "Open backup…", and a path field with "Open" for when no dialog can show.
pub fn open_backup_form_ui(ui: &mut Ui, form: &mut OpenBackupForm) -> Option<BackupCommand> {
    let mut command = None;
    ui.label(RichText::new("Open a backup").strong());
    ui.label(RichText::new("Look at a closedesk backup file, read-only, without signing in.").weak());
    ui.add_space(theme::SPACE_S);
    ui.add_enabled_ui(!form.is_busy(), |ui| {
        if ui.button("Open backup…").on_hover_text("Choose a backup file in a dialog").clicked() {
            command = Some(BackupCommand::PickFile);
        }
        ui.add_space(theme::SPACE_S);
        let field = labelled_input_ui(
            ui,
            "Backup file path",
            egui::TextEdit::singleline(&mut form.path)
                .hint_text(crate::ui::save_file::example_path("closedesk-12-2026-03-15.json")),
        );
        let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        ui.add_space(theme::SPACE_S);
        let clicked = ui.button("Open").clicked();
        let path = form.path.trim();
        if (clicked || entered) && !path.is_empty() {
            command = Some(BackupCommand::Open(PathBuf::from(path)));
        } else if clicked {
            form.error = Some("Type the path of a backup file first.".to_owned());
        }
    });
    if form.picking {
        progress_ui(ui, "Waiting for the file dialog…");
    }
    if form.opening {
        progress_ui(ui, "Checking and loading the backup…");
    }
    if let Some(notice) = &form.notice {
        ui.label(RichText::new(notice).weak());
    }
    if let Some(error) = &form.error {
        error_text_ui(ui, error);
    }
    command
}
