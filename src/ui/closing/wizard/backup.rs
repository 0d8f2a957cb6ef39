//! Step 4: a last backup, or an explicit "Continue without a backup".

use egui::{RichText, Ui};

use crate::core::permissions::Principal;
use crate::ui::closing::command::{ClosingCommand, ClosureCommand};
use crate::ui::closing::export::{ExportStage, ExportState};
use crate::ui::closing::export_panel::export_panel_ui;
use crate::ui::format::local_minute;
use crate::ui::theme;

use super::back_button;

/// Draws the backup panel and the ways on: with the backup just taken, or without one.
pub fn backup_step_ui(ui: &mut Ui, export: &mut ExportState, busy: bool) -> Option<ClosingCommand> {
    let assisted = matches!(export.principal, Principal::Agent { .. });
    let whose = if assisted { "the customer's" } else { "your" };
    ui.label(format!(
        "This is the last chance to keep a copy of {whose} orders, addresses, messages and everything else: after \
         the deletion nothing can be recovered. The backup is a file on this computer that closedesk can verify \
         and open again."
    ));
    if assisted {
        ui.label(
            RichText::new(
                "The backup is for the customer and holds their data unmasked. Writing it is recorded in the audit \
                 trail under your name.",
            )
            .weak(),
        );
    }
    ui.add_space(theme::SPACE_S);
    let mut command = export_panel_ui(ui, export).map(ClosingCommand::Export);
    ui.add_space(theme::SPACE_M);
    if let Some(saved) = export.last_saved.as_ref().filter(|_| !matches!(export.stage, ExportStage::Saved(_))) {
        ui.label(
            RichText::new(format!("A backup was saved at {}: {}", local_minute(saved.at), saved.path.display())).weak(),
        );
    }
    let enabled = !busy && !export.is_busy();
    ui.horizontal(|ui| {
        if export.last_saved.is_some() && ui.add_enabled(enabled, egui::Button::new("Continue")).clicked() {
            command = Some(ClosingCommand::Closure(ClosureCommand::DecideBackup { taken: true }));
        }
        if ui.add_enabled(enabled, egui::Button::new("Continue without a backup")).clicked() {
            command = Some(ClosingCommand::Closure(ClosureCommand::DecideBackup { taken: false }));
        }
        if back_button(ui, enabled) {
            command = Some(ClosingCommand::Closure(ClosureCommand::Back));
        }
    });
    command
}
