//! The account overview: the profile, what the account holds, and a scheduled deletion.

use egui::{RichText, Ui};

use crate::core::{AccountId, AccountStatus};
use crate::store::accounts::{AccountCounts, AccountRow, ClosureRow};
use crate::ui::command::Command;
use crate::ui::format::{local_date, local_minute};
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, notice_ui, progress_ui};

/// Everything the overview shows about one account, read in one go by a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountOverview {
    /// The profile.
    pub account: AccountRow,
    /// Rows per table.
    pub counts: AccountCounts,
    /// The pending closure, if one was confirmed.
    pub closure: Option<ClosureRow>,
}

/// The overview of one account, as it loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverviewView {
    /// The account shown.
    pub account: AccountId,
    /// Its data.
    pub data: Remote<AccountOverview>,
}

impl OverviewView {
    /// An overview of `account` waiting for its data.
    pub fn loading(account: AccountId) -> Self {
        Self { account, data: Remote::Loading }
    }
}

/// The sentence announcing a scheduled deletion, with the purge date in local time.
pub fn deletion_notice(closure: Option<&ClosureRow>) -> String {
    match closure {
        Some(closure) => {
            format!("This account is scheduled for deletion on {}.", local_minute(closure.purge_after))
        }
        None => "This account is scheduled for deletion.".to_owned(),
    }
}

/// Draws an account's overview; returns a command when the person asks to load it again.
pub fn overview_ui(ui: &mut Ui, view: &OverviewView) -> Option<Command> {
    match &view.data {
        Remote::Loading => {
            progress_ui(ui, "Loading the account…");
            None
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            ui.add_space(theme::SPACE_S);
            ui.button("Try again").clicked().then_some(Command::ReloadAccount)
        }
        Remote::Ready(overview) => {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| account_ui(ui, overview));
            None
        }
    }
}

fn account_ui(ui: &mut Ui, overview: &AccountOverview) {
    let account = &overview.account;
    ui.label(RichText::new(&account.display_name).size(theme::TITLE_SIZE).strong());
    ui.add_space(theme::SPACE_M);

    if account.status == AccountStatus::ClosurePending {
        notice_ui(ui, &deletion_notice(overview.closure.as_ref()));
        ui.add_space(theme::SPACE_M);
    }

    egui::Grid::new("profile").num_columns(2).spacing([theme::SPACE_L, theme::SPACE_S]).show(ui, |ui| {
        let rows = [
            ("Email", account.email.clone()),
            ("Country", account.country.clone()),
            ("Member since", local_date(account.created_at)),
            ("Status", account.status.label().to_owned()),
        ];
        for (label, value) in rows {
            ui.label(RichText::new(label).weak());
            ui.label(value);
            ui.end_row();
        }
    });

    ui.add_space(theme::SPACE_L);
    ui.label(RichText::new("What the account holds").heading());
    ui.add_space(theme::SPACE_S);
    counts_ui(ui, &overview.counts);
}

/// One card per table, in as many columns as fit the window.
fn counts_ui(ui: &mut Ui, counts: &AccountCounts) {
    let columns = ((ui.available_width() + theme::SPACE_M) / (theme::CARD_OUTER_WIDTH + theme::SPACE_M)).floor();
    let columns = (columns as usize).max(1);
    egui::Grid::new("counts").spacing([theme::SPACE_M, theme::SPACE_M]).show(ui, |ui| {
        for (index, (label, count)) in counts.labelled().into_iter().enumerate() {
            theme::card_frame(ui.visuals()).show(ui, |ui| {
                ui.set_width(theme::CARD_WIDTH);
                ui.vertical(|ui| {
                    ui.label(RichText::new(count.to_string()).size(theme::CARD_NUMBER_SIZE).strong());
                    ui.label(RichText::new(label).weak());
                });
            });
            if (index + 1) % columns == 0 {
                ui.end_row();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deletion_notice_names_the_purge_date_when_known() {
        let purge_after = "2026-12-02T09:00:00Z".parse().unwrap();
        let closure = ClosureRow { requested_at: purge_after, purge_after, reason_code: "other".to_owned() };
        let text = deletion_notice(Some(&closure));
        assert!(text.starts_with("This account is scheduled for deletion on 2026-12-0"), "{text}");
        assert_eq!(deletion_notice(None), "This account is scheduled for deletion.");
    }
}
