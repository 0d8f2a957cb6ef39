//! The closure queue: every closure-pending account with its purge date and a live
//! countdown, cancelling a closure with the customer's code, and (for admins) the purge.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use egui::{RichText, Ui};
use egui_extras::Column;
use jiff::Timestamp;

use crate::core::masking::mask_email;
use crate::core::{AccountId, Role};
use crate::service::staff::QueueRow;
use crate::service::staff::{PurgePreview, PurgeReceipt};
use crate::ui::closing::flow::{ClosureFlow, ClosureRequest};
use crate::ui::format::local_minute;
use crate::ui::operations::command::OpsCommand;
use crate::ui::operations::purge_confirm::{PurgeConfirm, purge_confirm_ui};
use crate::ui::quantity::{counted, grouped};
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::code_entry::{CodeAction, CodeWords, code_entry_ui};
use crate::ui::widgets::{error_text_ui, escape_pressed, notice_ui, progress_ui, sideways_ui, table_keys};

/// Progress shared between the purge worker and the page: accounts done, and in all.
#[derive(Clone, Debug, Default)]
pub struct SharedProgress(Arc<[AtomicUsize; 2]>);

impl SharedProgress {
    /// Stores a report of the worker.
    pub fn set(&self, done: usize, total: usize) {
        self.0[1].store(total, Ordering::Relaxed);
        self.0[0].store(done, Ordering::Relaxed);
    }

    /// The last report: `(done, total)`.
    pub fn get(&self) -> (usize, usize) {
        (self.0[0].load(Ordering::Relaxed), self.0[1].load(Ordering::Relaxed))
    }
}

/// Where the purge stands.
#[derive(Debug, Default)]
pub enum PurgeStage {
    /// Not run in this session.
    #[default]
    Idle,
    /// The worker counts what a purge would delete.
    Previewing,
    /// The admin is shown what would go and asked for their password.
    Confirming(PurgeConfirm),
    /// The worker checks the password, then purges; its progress, and the confirmed list (shown
    /// again if the password is refused).
    Running(SharedProgress, Vec<PurgePreview>),
    /// The purge ended; one receipt per purged account.
    Done(Vec<PurgeReceipt>),
    /// The purge failed or was refused.
    Failed(String),
}

/// Cancelling one account's closure with the customer: the code goes to the customer's
/// registered address, and the customer reads it out to the agent.
#[derive(Debug)]
pub struct CancelView {
    /// The account.
    pub account: AccountId,
    /// Its email, masked.
    pub email_masked: String,
    /// The assisted cancellation: its request, worker and code field.
    pub flow: ClosureFlow,
}

impl CancelView {
    /// A panel for `account` whose code goes out as soon as the closure worker is free.
    pub fn new(account: AccountId, email_masked: String) -> Self {
        Self { account, email_masked, flow: ClosureFlow::new(Some(ClosureRequest::BeginAssistedCancel { account })) }
    }
}

/// The closure queue page.
#[derive(Debug)]
pub struct QueueView {
    /// The closure-pending accounts, earliest purge date first.
    pub rows: Remote<Vec<QueueRow>>,
    /// A (re)load is due.
    pub wanted: bool,
    /// "Now" by the app's clock, for the countdowns (set every frame).
    pub now: Timestamp,
    /// The cancel panel, if one is open.
    pub cancel: Option<CancelView>,
    /// The purge.
    pub purge: PurgeStage,
}

impl Default for QueueView {
    fn default() -> Self {
        Self { rows: Remote::Loading, wanted: true, now: Timestamp::UNIX_EPOCH, cancel: None, purge: PurgeStage::Idle }
    }
}

/// `1 d 02 h 03 min 04 s`: the time left to the second, with days for a grace period.
pub fn time_left(secs: i64) -> String {
    let (days, hours, mins, secs) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min {secs:02} s"),
        (0, _) => format!("{hours} h {mins:02} min {secs:02} s"),
        _ => format!("{days} d {hours:02} h {mins:02} min {secs:02} s"),
    }
}

/// Draws the closure queue; `role` decides whether the purge is offered (core checks again).
pub fn agent_queue_ui(ui: &mut Ui, view: &mut QueueView, role: Role) -> Option<OpsCommand> {
    let mut command = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Closure queue").strong());
        if ui.button("Refresh").clicked() {
            command = Some(OpsCommand::ReloadQueue);
        }
    });
    ui.label(
        RichText::new("Accounts whose closure was confirmed, purged once their grace period ends. Times are local.")
            .weak(),
    );
    ui.add_space(theme::SPACE_S);

    let listed = view.rows.ready().map(Vec::as_slice).unwrap_or_default();
    if role == Role::Admin
        && let Some(purge) = purge_ui(ui, &mut view.purge, listed)
    {
        command = Some(purge);
    }
    let now = view.now;
    if let Some(cancel) = view.cancel.as_mut()
        && let Some(step) = cancel_ui(ui, cancel, now)
    {
        command = Some(step);
    }
    ui.add_space(theme::SPACE_M);

    match &view.rows {
        Remote::Loading => {
            progress_ui(ui, "Loading the closure queue…");
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            if ui.button("Try again").clicked() {
                command = Some(OpsCommand::ReloadQueue);
            }
        }
        Remote::Ready(rows) if rows.is_empty() => {
            ui.label(RichText::new("No account is waiting for its purge.").weak());
        }
        Remote::Ready(rows) => {
            // The countdowns move every second while the page is on screen.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
            let busy = view.cancel.as_ref().is_some_and(|cancel| cancel.flow.is_busy());
            let now = view.now;
            if let Some(row_command) =
                sideways_ui(ui, "closedesk-queue-across", |ui| queue_table_ui(ui, rows, now, busy))
            {
                command = Some(row_command);
            }
        }
    }
    command
}

/// The queue's table; only the visible rows are laid out.
fn queue_table_ui(ui: &mut Ui, rows: &[QueueRow], now: Timestamp, busy: bool) -> Option<OpsCommand> {
    let mut command = None;
    let due_color = theme::error_text(ui.visuals());
    let lines_id = egui::Id::unique("closedesk-queue-lines");
    let mut seen = None;
    table_keys::keyed_table(ui, lines_id, rows.len())
        .striped(true)
        // Narrow enough that the cancel button fits on one line in the smallest window.
        .column(Column::exact(70.0))
        .column(Column::initial(180.0).at_least(100.0).clip(true))
        .column(Column::initial(150.0).at_least(120.0))
        .column(Column::initial(140.0).at_least(100.0).clip(true))
        .column(Column::remainder())
        .header(theme::TABLE_ROW_HEIGHT, |mut header| {
            for title in ["Account", "Email", "Purge date", "Time left", "Action"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::TABLE_ROW_HEIGHT, rows.len(), |mut row| {
                seen = Some(table_keys::seen_line(seen.take(), row.index()));
                let Some(entry) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(entry.account.to_string());
                });
                row.col(|ui| {
                    ui.label(mask_email(&entry.email));
                });
                row.col(|ui| {
                    ui.label(local_minute(entry.purge_after));
                });
                row.col(|ui| {
                    if entry.is_due(now) {
                        ui.label(RichText::new("due").color(due_color).strong())
                            .on_hover_text("The grace period has ended: the next purge removes this account.");
                    } else {
                        ui.label(time_left(entry.purge_after.duration_since(now).as_secs()));
                    }
                });
                row.col(|ui| {
                    let button = ui
                        .add_enabled(
                            !busy,
                            egui::Button::new(format!("Cancel closure of account {}…", entry.account))
                                .wrap_mode(egui::TextWrapMode::Extend),
                        )
                        .on_hover_text("Mail the customer a cancel code, then type the code the customer reads out");
                    if button.clicked() {
                        command = Some(OpsCommand::BeginCancel(entry.account));
                    }
                });
            });
        });
    table_keys::remember_lines(ui, lines_id, seen);
    command
}

/// "Purge due now", its confirmation, its progress bar, and the receipts of the last purge.
fn purge_ui(ui: &mut Ui, purge: &mut PurgeStage, queue: &[QueueRow]) -> Option<OpsCommand> {
    let mut command = None;
    let idle = matches!(purge, PurgeStage::Idle | PurgeStage::Done(_) | PurgeStage::Failed(_));
    ui.horizontal(|ui| {
        let button = ui
            .add_enabled(idle, egui::Button::new("Purge due now…"))
            .on_hover_text("See which accounts' grace period has ended, then remove them for good");
        if button.clicked() {
            command = Some(OpsCommand::PreviewPurge);
        }
    });
    match purge {
        PurgeStage::Idle => {}
        PurgeStage::Previewing => {
            progress_ui(ui, "Counting what the purge would delete…");
        }
        PurgeStage::Confirming(confirm) => {
            if let Some(step) = purge_confirm_ui(ui, confirm, queue) {
                command = Some(step);
            }
        }
        PurgeStage::Running(progress, _) => {
            let (done, total) = progress.get();
            if total == 0 {
                progress_ui(ui, "Checking your password…");
                return command;
            }
            let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(format!("{done} of {total} accounts purged"))
                    .desired_width(360.0),
            );
        }
        PurgeStage::Failed(message) => {
            error_text_ui(ui, message);
        }
        PurgeStage::Done(receipts) if receipts.is_empty() => {
            ui.label("No account was due: nothing was purged.");
        }
        PurgeStage::Done(receipts) => receipts_ui(ui, receipts),
    }
    command
}

/// The most room the receipts of one purge take before they scroll.
const RECEIPTS_MAX_HEIGHT: f32 = 220.0;

/// One line per purged account: counts only, never a personal value.
fn receipts_ui(ui: &mut Ui, receipts: &[PurgeReceipt]) {
    let purged = format!("Purged {}", counted(receipts.len() as u64, "account", "accounts"));
    ui.label(RichText::new(purged).color(theme::accent(ui.visuals())));
    // A run may purge hundreds: the receipts scroll, and the queue stays on screen below them.
    egui::ScrollArea::vertical().id_salt("purge_receipts").max_height(RECEIPTS_MAX_HEIGHT).show(ui, |ui| {
        receipts_grid_ui(ui, receipts);
        super::purge_scan::scanned_places_ui(ui, receipts);
    });
}

fn receipts_grid_ui(ui: &mut Ui, receipts: &[PurgeReceipt]) {
    egui::Grid::new("purge_receipts").striped(true).show(ui, |ui| {
        for title in ["Account", "Rows deleted", "Reviews kept", "Mail files removed", "Scan hits", "Checkpoint"] {
            ui.strong(title);
        }
        ui.end_row();
        for receipt in receipts {
            ui.label(format!("Receipt for account {}", receipt.account));
            ui.label(grouped(receipt.rows_deleted));
            ui.label(grouped(receipt.reviews_kept));
            ui.label(grouped(receipt.mail_files_deleted));
            let hits = grouped(receipt.scan.hits as u64);
            if receipt.scan.is_clean() {
                ui.label(hits);
            } else {
                error_text_ui(ui, &hits);
            }
            if receipt.checkpoint_complete {
                ui.label("complete");
            } else {
                ui.label("incomplete").on_hover_text(
                    "Another program had the database open, so its log still holds old pages; SQLite empties \
                     the log when the last program using the database closes.",
                );
            }
            ui.end_row();
        }
    });
}

/// The cancel panel: mail the code, type what the customer reads out.
fn cancel_ui(ui: &mut Ui, cancel: &mut CancelView, now: Timestamp) -> Option<OpsCommand> {
    let mut command = None;
    ui.add_space(theme::SPACE_M);
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(560.0));
        ui.label(RichText::new(format!("Cancel the closure of account {}", cancel.account)).strong());
        ui.label(crate::ui::closing::flow::CANCEL_KEEPS);
        if cancel.flow.is_done() {
            notice_ui(ui, &format!("The closure was cancelled: account {} is active again.", cancel.account));
            if ui.button("Close").clicked() || escape_pressed(ui) {
                command = Some(OpsCommand::CloseCancel);
            }
            return;
        }
        if cancel.flow.code_out().is_some() {
            let words = CodeWords {
                sent_to: &cancel.email_masked,
                hint: "Ask the customer to read it out of their mail, and type it here.",
                field: "Customer's code",
                confirm: "Cancel closure",
                other: None,
            };
            command = match code_entry_ui(ui, cancel.flow.code_entry(), words, now, |_, _| false) {
                Some(CodeAction::Confirm(code)) => Some(OpsCommand::ConfirmCancel(code)),
                Some(CodeAction::Resend) => Some(OpsCommand::ResendCancelCode),
                Some(CodeAction::Other) | None => None,
            };
        }
        if let Some(busy) = cancel.flow.busy {
            progress_ui(ui, busy);
        }
        if let Some(message) = &cancel.flow.message {
            error_text_ui(ui, message);
        }
        if !cancel.flow.is_busy() && (ui.button("Close").clicked() || escape_pressed(ui)) {
            command = Some(OpsCommand::CloseCancel);
        }
    });
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_reads_in_days_hours_minutes_and_seconds() {
        assert_eq!(time_left(42), "0 min 42 s");
        assert_eq!(time_left(3 * 3600 + 65), "3 h 01 min 05 s");
        assert_eq!(time_left(2 * 86_400 + 3600), "2 d 01 h 00 min 00 s");
    }
}
