//! The closure-readiness panel: what stands between the account and closing it, each with
//! what to do and a link to exactly those rows, and what closing would mean.
//!
//! The verdict comes from [`crate::core::readiness::readiness`], the same function the
//! closure wizard runs, so the panel and the wizard cannot disagree.

use egui::{RichText, Ui};
use jiff::Timestamp;

use super::DashboardCommand;
use crate::core::readiness::{Blocker, Readiness, Warning};
use crate::core::words::counted;
use crate::service::dashboard::Listing;
use crate::ui::format::local_minute;
use crate::ui::theme;

/// The table and statuses a blocker points at: the rows the customer must deal with.
pub fn blocker_rows(blocker: &Blocker) -> (Listing, Vec<&'static str>) {
    match blocker {
        Blocker::UnfinishedOrders { status, .. } => (Listing::Orders, vec![status.as_str()]),
        Blocker::OpenDisputes { status, .. } => (Listing::Disputes, vec![status.as_str()]),
        Blocker::Balance { kind, .. } => (Listing::Ledger, vec![kind.as_str()]),
    }
}

/// The table and statuses a warning points at.
pub fn warning_rows(warning: &Warning) -> (Listing, Vec<&'static str>) {
    match warning {
        Warning::CouponsLost { .. } => (Listing::Coupons, vec!["active"]),
        Warning::ReviewsStay { .. } => (Listing::Reviews, Vec::new()),
    }
}

/// Draws the panel. `scheduled` is the purge date of a closure already confirmed; `as_of_backup`
/// says the verdict describes a backup, not the account now.
pub fn readiness_ui(
    ui: &mut Ui,
    readiness: &Readiness,
    scheduled: Option<Timestamp>,
    as_of_backup: bool,
) -> Option<DashboardCommand> {
    let mut command = None;
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Closure readiness").heading());
        if as_of_backup {
            ui.label(RichText::new("As it was when the backup was taken.").weak());
        }
        ui.add_space(theme::SPACE_S);
        if let Some(purge_after) = scheduled {
            // Closing was confirmed: what is left to say is when it becomes final.
            ui.label(
                RichText::new(format!(
                    "This account is scheduled for deletion on {}; until then the closure can be cancelled.",
                    local_minute(purge_after)
                ))
                .color(theme::error_text(ui.visuals()))
                .strong(),
            );
        } else if readiness.can_close() {
            ui.label(
                RichText::new("Nothing blocks closing this account.").color(theme::ok_text(ui.visuals())).strong(),
            );
        } else {
            let count = readiness.blockers.len();
            let things = counted(count as i64, "thing must", "things must");
            ui.label(
                RichText::new(format!("{things} be cleared before this account can close:"))
                    .color(theme::error_text(ui.visuals()))
                    .strong(),
            );
            for blocker in &readiness.blockers {
                ui.add_space(theme::SPACE_S);
                ui.horizontal_wrapped(|ui| {
                    let (listing, statuses) = blocker_rows(blocker);
                    let link =
                        ui.link(blocker.title()).on_hover_text(format!("Show these rows in {}", listing.label()));
                    if link.clicked() {
                        command = Some(DashboardCommand::ShowRows { listing, statuses });
                    }
                    ui.label(blocker.what_to_do());
                });
            }
        }
        if !readiness.warnings.is_empty() {
            ui.add_space(theme::SPACE_M);
            ui.label(RichText::new("Closing would also mean").strong());
            for warning in &readiness.warnings {
                let (listing, statuses) = warning_rows(warning);
                let link = ui.link(warning.title()).on_hover_text(format!("Show these rows in {}", listing.label()));
                if link.clicked() {
                    command = Some(DashboardCommand::ShowRows { listing, statuses });
                }
            }
        }
    });
    command
}
