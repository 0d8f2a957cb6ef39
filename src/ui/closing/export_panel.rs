//! The backup panel: format, "Back up account…", the typed path, progress and the result.
//! The same panel serves the settings page and the closure wizard's backup step.

use egui::{RichText, Ui};

use crate::backup::Format;
use crate::core::money::group_thousands;
use crate::ui::closing::export::{ExportCommand, ExportStage, ExportState};
use crate::ui::format::local_minute;
use crate::ui::quantity::byte_size;
use crate::ui::save_file::SaveAction;
use crate::ui::theme;

use crate::ui::widgets::save_file::{SaveProgress, SavePrompt, save_file_ui};
use crate::ui::widgets::{error_text_ui, progress_ui};

/// The formats offered, with their words.
const FORMATS: [(Format, &str); 2] = [
    (Format::Json, "JSON (one verifiable document)"),
    (Format::Bundle, "Bundle (.zip with JSON, CSV per table, README)"),
];

/// The backup panel's words for choosing its file.
const PROMPT: SavePrompt<'static> = SavePrompt {
    dialog_button: "Back up account…",
    dialog_hover: "Choose where to save the backup",
    typed_heading: Some("Type a path instead"),
    path_label: "Backup file path",
    example_file: "closedesk-backup.json",
    save_button: "Save",
    field_width: None,
};

/// Draws the backup panel of `export`; returns a command when a button is pressed.
pub fn export_panel_ui(ui: &mut Ui, export: &mut ExportState) -> Option<ExportCommand> {
    let mut command = None;
    let busy = export.is_busy();

    ui.add_enabled_ui(!busy, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Format").weak());
            for (format, label) in FORMATS {
                if ui.radio(export.format == format, label).clicked() && export.format != format {
                    command = Some(ExportCommand::SetFormat(format));
                }
            }
        });
    });
    ui.add_space(theme::SPACE_S);
    let progress = SaveProgress {
        enabled: !busy,
        choosing: export.stage == ExportStage::ChoosingFile,
        dialog_unavailable: export.dialog_unavailable,
    };
    match save_file_ui(ui, &mut export.typed_path, &PROMPT, progress) {
        Some(SaveAction::Dialog) => command = Some(ExportCommand::OpenDialog),
        Some(SaveAction::Typed) => command = Some(ExportCommand::SaveTyped),
        None => {}
    }

    ui.add_space(theme::SPACE_S);
    if let Some(stage_command) = stage_ui(ui, &export.stage) {
        command = Some(stage_command);
    }
    command
}

/// The running export, or the outcome of the last one.
fn stage_ui(ui: &mut Ui, stage: &ExportStage) -> Option<ExportCommand> {
    match stage {
        ExportStage::Idle | ExportStage::ChoosingFile => None,
        ExportStage::Writing { target, progress, cancelling } => {
            ui.label(format!("Writing {}", target.display()));
            let (fraction, text) = match progress {
                Some(progress) if progress.rows_total > 0 => (
                    progress.rows_done as f32 / progress.rows_total as f32,
                    format!("{} of {} rows", group_thousands(progress.rows_done), group_thousands(progress.rows_total)),
                ),
                _ => (0.0, "Starting…".to_owned()),
            };
            let mut cancel = false;
            ui.horizontal(|ui| {
                ui.add(egui::ProgressBar::new(fraction).text(text).desired_width(320.0));
                if *cancelling {
                    progress_ui(ui, "Cancelling…");
                } else {
                    cancel = ui.button("Cancel").clicked();
                }
            });
            cancel.then_some(ExportCommand::Cancel)
        }
        ExportStage::Exists { target } => {
            error_text_ui(ui, &format!("{} already exists. Replace it?", target.display()));
            ui.horizontal(|ui| {
                if ui.button("Replace it").clicked() {
                    Some(ExportCommand::Replace)
                } else if ui.button("Choose another name").clicked() {
                    Some(ExportCommand::KeepExisting)
                } else {
                    None
                }
            })
            .inner
        }
        ExportStage::Saved(saved) => {
            ui.label(
                RichText::new(format!("Backup saved to {}", saved.path.display())).color(theme::accent(ui.visuals())),
            );
            ui.label(
                RichText::new(format!(
                    "{} backup, {} rows, {}, taken {}. closedesk can verify it and open it again.",
                    match saved.format {
                        Format::Json => "JSON",
                        Format::Bundle => "Bundle",
                    },
                    group_thousands(saved.rows),
                    byte_size(saved.bytes),
                    local_minute(saved.at)
                ))
                .weak(),
            );
            None
        }
        ExportStage::Cancelled => {
            ui.label("The backup was cancelled; no file was written.");
            None
        }
        ExportStage::Failed(message) => {
            error_text_ui(ui, message);
            None
        }
    }
}
