//! Choosing where a file goes: a button for the native save dialog and a typed path with its
//! own button, for the account backup, the audit CSV and the database copy alike.

use egui::{RichText, Ui};

use crate::ui::save_file::{SaveAction, example_path, missing_folder};
use crate::ui::theme;

use super::{notice_ui, progress_ui};

/// What a panel says when the native dialog answered at once without a file.
pub const DIALOG_UNAVAILABLE: &str = "The save dialog could not open here; type a path instead.";

/// The words and width of one save-file prompt.
#[derive(Clone, Copy, Debug)]
pub struct SavePrompt<'a> {
    /// The button that opens the dialog: "Back up account…".
    pub dialog_button: &'a str,
    /// That button's hover text.
    pub dialog_hover: &'a str,
    /// A heading above the typed path, if any.
    pub typed_heading: Option<&'a str>,
    /// The typed path's label: "Backup file path".
    pub path_label: &'a str,
    /// The file name of the example path in the empty field, shown in a folder that exists.
    pub example_file: &'a str,
    /// The button that saves to the typed path.
    pub save_button: &'a str,
    /// The field's width in points; `None` fills the row beside the button.
    pub field_width: Option<f32>,
}

/// Where the prompt stands, as its owner keeps it.
#[derive(Clone, Copy, Debug)]
pub struct SaveProgress {
    /// Whether the buttons may be pressed (not while the dialog is open or the file is written).
    pub enabled: bool,
    /// The dialog is open.
    pub choosing: bool,
    /// The dialog answered at once without a file: point to the typed path.
    pub dialog_unavailable: bool,
}

/// Draws the prompt over the text of `typed_path`; returns how a file was asked for, if it was.
pub fn save_file_ui(
    ui: &mut Ui,
    typed_path: &mut String,
    prompt: &SavePrompt<'_>,
    progress: SaveProgress,
) -> Option<SaveAction> {
    let mut action = None;
    ui.add_enabled_ui(progress.enabled, |ui| {
        ui.horizontal(|ui| {
            if ui.button(prompt.dialog_button).on_hover_text(prompt.dialog_hover).clicked() {
                action = Some(SaveAction::Dialog);
            }
            if progress.choosing {
                progress_ui(ui, "Waiting for the save dialog…");
            }
        });
        ui.add_space(theme::SPACE_S);
        if let Some(heading) = prompt.typed_heading {
            ui.label(RichText::new(heading).strong());
        }
        let label = ui.label(prompt.path_label);
        ui.horizontal(|ui| {
            // Room for a short button beside a field that fills the row.
            let save_width = 80.0;
            let width = prompt.field_width.unwrap_or_else(|| (ui.available_width() - save_width).max(120.0));
            let hint = format!("e.g. {}", example_path(prompt.example_file));
            let field = ui
                .add(egui::TextEdit::singleline(typed_path).hint_text(hint).desired_width(width))
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
            if ui.button(prompt.save_button).clicked() || entered {
                action = Some(SaveAction::Typed);
            }
        });
        if let Some(folder) = missing_folder(typed_path) {
            ui.label(
                RichText::new(format!("The folder {} does not exist yet: saving creates it.", folder.display())).weak(),
            );
        }
    });
    if progress.dialog_unavailable {
        ui.add_space(theme::SPACE_S);
        notice_ui(ui, DIALOG_UNAVAILABLE);
    }
    action
}
