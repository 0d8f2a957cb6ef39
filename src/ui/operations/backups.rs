//! The admin page's copies of the whole database: the catalogue (age, retain-until, past
//! due), deleting a copy past its retention, and restoring a copy — each irreversible step
//! confirmed first, naming the file. The work runs on workers (see `backups_logic.rs`).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use jiff::Timestamp;

use crate::core::time::utc_minute;
use crate::service::backups::CopyStatus;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, escape_pressed, outcome_ui, progress_ui};

/// The most rows the list shows before it scrolls.
const VISIBLE_ROWS: usize = 6;

/// The copies panel.
#[derive(Debug)]
pub struct CopiesView {
    /// The catalogued copies closedesk has not deleted.
    pub copies: Remote<Vec<CopyStatus>>,
    /// A (re)load of the catalogue is due.
    pub wanted: bool,
    /// The irreversible step waiting for its confirmation.
    pub confirm: Option<Confirm>,
    /// The typed path of a copy to restore.
    pub restore_path: String,
    /// What the worker is doing, if anything.
    pub busy: Option<&'static str>,
    /// The outcome of the last step.
    pub notice: Option<String>,
    /// Why the last step failed.
    pub error: Option<String>,
    /// The file picker answered at once without a file: it cannot open here.
    pub dialog_unavailable: bool,
    /// The desk's clock, for the copies' ages.
    pub now: Timestamp,
}

impl Default for CopiesView {
    fn default() -> Self {
        Self {
            copies: Remote::Loading,
            wanted: true,
            confirm: None,
            restore_path: String::new(),
            busy: None,
            notice: None,
            error: None,
            dialog_unavailable: false,
            now: Timestamp::UNIX_EPOCH,
        }
    }
}

/// An irreversible step the admin is asked to confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Delete the catalogued copy `id` at `path`.
    Delete {
        /// The catalogue's id.
        id: i64,
        /// Where it is.
        path: String,
    },
    /// Restore the copy at this path over the database.
    Restore(PathBuf),
}

/// What the copies panel asks for.
#[derive(Debug)]
pub enum CopiesCommand {
    /// Read the catalogue again.
    Reload,
    /// Ask to confirm deleting a copy past its retention.
    AskDelete {
        /// The catalogue's id.
        id: i64,
        /// Where it is.
        path: String,
    },
    /// "Restore…": choose the copy in the file picker.
    PickRestore,
    /// Ask to confirm restoring the copy at the typed path.
    AskRestoreTyped,
    /// The confirmation's button.
    Confirmed,
    /// The confirmation's "Cancel".
    Cancel,
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_owned(), |name| name.to_string_lossy().into_owned())
}

/// How old a copy taken at `taken_at` is at `now`.
fn age(taken_at: Timestamp, now: Timestamp) -> String {
    let hours = now.duration_since(taken_at).as_hours().max(0);
    if hours < 24 { format!("{hours} h") } else { format!("{} days", hours / 24) }
}

/// Draws the copies panel.
pub fn copies_ui(ui: &mut Ui, view: &mut CopiesView) -> Option<CopiesCommand> {
    let mut command = None;
    let now = view.now;
    ui.label(RichText::new("Copies of the database").strong());
    ui.label(
        RichText::new(
            "Each copy is kept until its retain-until date (backup_retention_days); past it, delete it. \
             A restore erases every purged account again.",
        )
        .weak(),
    );
    let idle = view.busy.is_none() && view.confirm.is_none();
    match &view.copies {
        Remote::Loading => {
            progress_ui(ui, "Loading the copies…");
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            if ui.button("Load the copies again").clicked() {
                command = Some(CopiesCommand::Reload);
            }
        }
        Remote::Ready(copies) if copies.is_empty() => {
            ui.label("No copy of the database is catalogued.");
        }
        Remote::Ready(copies) => {
            if let Some(asked) = copies_table_ui(ui, copies, now, idle) {
                command = Some(asked);
            }
        }
    }
    ui.horizontal(|ui| {
        ui.add_enabled_ui(idle, |ui| {
            if ui.button("Restore…").on_hover_text("Choose a copy to put back in place of the database").clicked() {
                command = Some(CopiesCommand::PickRestore);
            }
            let label = ui.label("Copy to restore");
            ui.add(
                egui::TextEdit::singleline(&mut view.restore_path).desired_width(280.0).hint_text("a backup-db copy"),
            )
            .labelled_by(label.id);
            if ui.button("Restore from path").clicked() {
                command = Some(CopiesCommand::AskRestoreTyped);
            }
        });
    });
    if view.dialog_unavailable {
        ui.label(RichText::new("The file picker cannot open here: type the copy's path instead.").weak());
    }
    if let Some(confirm) = &view.confirm
        && let Some(answer) = confirm_ui(ui, confirm, view.busy.is_none())
    {
        command = Some(answer);
    }
    outcome_ui(ui, view.busy, view.notice.as_deref(), view.error.as_deref());
    command
}

/// The catalogue; only the visible rows are built. A copy past its retention that still
/// exists gets a delete button naming its file.
fn copies_table_ui(ui: &mut Ui, copies: &[CopyStatus], now: Timestamp, idle: bool) -> Option<CopiesCommand> {
    let mut command = None;
    let shown = copies.len().min(VISIBLE_ROWS) as f32 + 1.0;
    ui.allocate_ui(egui::vec2(ui.available_width(), shown * theme::TABLE_ROW_HEIGHT + theme::SPACE_M), |ui| {
        // Its own id: the agents' table above is a table of the same page.
        TableBuilder::new(ui)
            .id_salt("db_copies")
            .striped(true)
            .max_scroll_height(VISIBLE_ROWS as f32 * theme::TABLE_ROW_HEIGHT)
            .column(Column::initial(240.0).at_least(120.0).clip(true))
            .column(Column::exact(70.0))
            .column(Column::exact(150.0))
            .column(Column::exact(80.0))
            .column(Column::remainder())
            .header(theme::TABLE_ROW_HEIGHT, |mut header| {
                for title in ["Copy", "Age", "Retain until", "Retention", ""] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(theme::TABLE_ROW_HEIGHT, copies.len(), |mut row| {
                    let Some(copy) = copies.get(row.index()) else {
                        return;
                    };
                    let name = file_name(&copy.row.path);
                    row.col(|ui| {
                        ui.label(&name).on_hover_text(&copy.row.path);
                    });
                    row.col(|ui| {
                        ui.label(age(copy.row.taken_at, now));
                    });
                    row.col(|ui| {
                        ui.label(utc_minute(copy.row.retain_until));
                    });
                    row.col(|ui| {
                        ui.label(if copy.past_due { "past due" } else { "kept" });
                    });
                    row.col(|ui| {
                        if !copy.exists {
                            ui.label("file missing");
                        } else if copy.past_due
                            && ui.add_enabled(idle, egui::Button::new(format!("Delete {name}…")).small()).clicked()
                        {
                            command = Some(CopiesCommand::AskDelete { id: copy.row.id, path: copy.row.path.clone() });
                        }
                    });
                });
            });
    });
    command
}

fn confirm_ui(ui: &mut Ui, confirm: &Confirm, idle: bool) -> Option<CopiesCommand> {
    let mut command = None;
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(560.0));
        let (question, button) = match confirm {
            Confirm::Delete { path, .. } => {
                (format!("Delete {path}? It is past its retention. This cannot be undone."), "Delete the copy")
            }
            Confirm::Restore(path) => (
                format!(
                    "Restore {} in place of the database? Every purged account is erased again in it; changes \
                     made since the copy was taken are lost. Close other closedesk windows first.",
                    path.display()
                ),
                "Restore this copy",
            ),
        };
        ui.label(question);
        ui.horizontal(|ui| {
            if ui.add_enabled(idle, egui::Button::new(button)).clicked() {
                command = Some(CopiesCommand::Confirmed);
            }
            if ui.add_enabled(idle, egui::Button::new("Cancel")).clicked() || (idle && escape_pressed(ui)) {
                command = Some(CopiesCommand::Cancel);
            }
        });
    });
    command
}
