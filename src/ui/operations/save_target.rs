//! A file the operations pages write (the audit CSV, the database copy): chosen in the save
//! dialog or typed, where it stands, and the prompt that shows it.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::ui::save_file::SaveAction;
use crate::ui::theme;
use crate::ui::widgets::save_file::{SaveProgress, SavePrompt, save_file_ui};
use crate::ui::widgets::{error_text_ui, progress_ui};

/// A file written by the operations pages: chosen in the save dialog or typed.
#[derive(Debug, Default)]
pub struct SaveTarget {
    /// The text of the typed-path field.
    pub typed_path: String,
    /// Where it stands.
    pub stage: SaveStage,
    /// The save dialog answered at once without a file: it cannot open here.
    pub dialog_unavailable: bool,
}

impl SaveTarget {
    /// Whether the dialog is open or the file is being written.
    pub fn is_busy(&self) -> bool {
        matches!(self.stage, SaveStage::ChoosingFile | SaveStage::Writing(_))
    }

    /// Takes in the writer's result: what to tell the person, or why nothing was written.
    pub fn finish(&mut self, result: Result<String, impl std::fmt::Display>) {
        self.stage = match result {
            Ok(saved) => {
                // The file was written, so the typed path needs no more pointing to.
                self.dialog_unavailable = false;
                SaveStage::Saved(saved)
            }
            Err(err) => SaveStage::Failed(err.to_string()),
        };
    }
}

/// Where a [`SaveTarget`] stands.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum SaveStage {
    /// Nothing is happening.
    #[default]
    Idle,
    /// The native save dialog is open.
    ChoosingFile,
    /// The file is being written.
    Writing(PathBuf),
    /// The file was written; what to tell the person.
    Saved(String),
    /// Writing failed, or nothing was written.
    Failed(String),
}

/// A file target: "… button" for the native dialog, and a typed path with its own button,
/// then the file being written or the outcome.
pub fn save_target_ui(
    ui: &mut Ui,
    target: &mut SaveTarget,
    dialog_label: &str,
    path_label: &str,
    example_file: &str,
    save_label: &str,
    enabled: bool,
) -> Option<SaveAction> {
    let prompt = SavePrompt {
        dialog_button: dialog_label,
        dialog_hover: "Choose where to save the file",
        typed_heading: None,
        path_label,
        example_file,
        save_button: save_label,
        field_width: Some(360.0),
    };
    let progress = SaveProgress {
        enabled: enabled && !target.is_busy(),
        choosing: target.stage == SaveStage::ChoosingFile,
        dialog_unavailable: target.dialog_unavailable,
    };
    let action = save_file_ui(ui, &mut target.typed_path, &prompt, progress);
    match &target.stage {
        SaveStage::Idle | SaveStage::ChoosingFile => {}
        SaveStage::Writing(path) => {
            progress_ui(ui, &format!("Writing {}…", path.display()));
        }
        SaveStage::Saved(text) => {
            ui.label(RichText::new(text).color(theme::accent(ui.visuals())));
        }
        SaveStage::Failed(text) => {
            error_text_ui(ui, text);
        }
    }
    action
}
