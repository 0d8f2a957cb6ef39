//! The account overview: the account's name, a scheduled deletion, and the dashboards' tabs,
//! for a signed-in customer, an agent who opened an account, or a backup opened read-only.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use jiff::Timestamp;

use crate::backup::BackupHeader;
use crate::core::permissions::Principal;
use crate::core::{AccountId, AccountStatus};
use crate::service::closure::ClosureRow;
use crate::service::dashboard::next_ticket;
use crate::service::dashboard::{Source, Summary};
use crate::ui::dashboards::open_backup::OpenedBackup;
use crate::ui::dashboards::summary::summary_ui;
use crate::ui::dashboards::table::{filter_id, table_ui};
use crate::ui::dashboards::{
    ChildrenRequest, Dashboard, DashboardCommand, OverviewLoaded, OverviewRequest, RowsRequest, Tab, total_rows,
};
use crate::ui::format::local_minute;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::figures::thousands;
use crate::ui::widgets::{error_text_ui, notice_ui, progress_ui};

/// What the overview asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverviewCommand {
    /// A command of the dashboards' tabs and tables.
    Dashboard(DashboardCommand),
    /// Load the account again after it failed to load.
    Reload,
    /// Leave the backup shown read-only.
    CloseBackup,
}

/// Everything the overview tab shows about one account, read in one go by a worker.
pub type AccountOverview = Summary;

/// Whose backup is shown, and when it was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// The file it came from.
    pub path: PathBuf,
    /// Its header: account, format version, when it was taken.
    pub header: BackupHeader,
    /// `Name <email>` of the account backed up.
    pub owner: String,
}

/// The dashboards of one account, as they load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverviewView {
    /// The account shown.
    pub account: AccountId,
    /// Where its data comes from: the live database or a backup.
    pub source: Source,
    /// The overview tab's data.
    pub data: Remote<AccountOverview>,
    /// The tabs and their tables.
    pub dashboard: Dashboard,
    /// Set when the data is a backup opened read-only.
    pub backup: Option<BackupInfo>,
    /// Personal data is masked on the worker before it reaches the window (agent screens,
    /// until the agent reveals it).
    pub masked: bool,
    /// The ticket of the overview load in flight, if any.
    in_flight: Option<u64>,
}

impl OverviewView {
    /// An overview of `account` in the live database, waiting for its data.
    pub fn loading(account: AccountId) -> Self {
        Self {
            account,
            source: Source::Live,
            data: Remote::Loading,
            dashboard: Dashboard::default(),
            backup: None,
            masked: false,
            in_flight: None,
        }
    }

    /// The read-only dashboards of an opened backup, waiting for their data.
    pub fn backup(opened: OpenedBackup) -> Self {
        let account = opened.header.account;
        Self {
            account,
            source: Source::Snapshot(opened.snapshot),
            backup: Some(BackupInfo { path: opened.path, header: opened.header, owner: opened.owner }),
            ..Self::loading(account)
        }
    }

    /// The instant the figures describe: a backup's as it was taken, the live account's now.
    fn as_of(&self, now: Timestamp) -> Timestamp {
        self.backup.as_ref().map_or(now, |backup| backup.header.exported_at)
    }

    /// Loads everything again: the data changed (a closure step, a purge) or loading failed.
    /// Rows loaded before are dropped, and answers to loads already in flight are ignored.
    pub fn reload(&mut self) {
        self.data = Remote::Loading;
        self.in_flight = None;
        self.dashboard.reload();
    }

    /// Applies a command of the dashboards.
    pub fn apply(&mut self, command: DashboardCommand) {
        if command == DashboardCommand::Refresh {
            self.reload();
        } else {
            self.dashboard.apply(command);
        }
    }

    /// The overview load the screen waits for, if it waits and none is in flight, asked for
    /// by `principal` (the session's; `None` only for a backup opened before signing in).
    pub fn overview_request(&mut self, now: Timestamp, principal: Option<Principal>) -> Option<OverviewRequest> {
        if !self.data.is_loading() || self.in_flight.is_some() {
            return None;
        }
        let ticket = next_ticket();
        self.in_flight = Some(ticket);
        Some(OverviewRequest {
            ticket,
            account: self.account,
            source: self.source.clone(),
            now: self.as_of(now),
            principal,
            masked: self.masked,
        })
    }

    /// Takes in a loaded overview if it answers the load in flight.
    pub fn on_overview(&mut self, loaded: OverviewLoaded) {
        if self.in_flight == Some(loaded.ticket) {
            self.in_flight = None;
            self.data = loaded.result.map(|summary| *summary).into();
        }
    }

    /// The overview load could not start or its worker died.
    pub fn on_overview_failed(&mut self, message: String) {
        self.in_flight = None;
        if self.data.is_loading() {
            self.data = Remote::Failed(message);
        }
    }

    /// The rows the table on screen waits for, asked for by `principal`.
    pub fn rows_request(&mut self, now: Timestamp, principal: Option<Principal>) -> Option<RowsRequest> {
        // Tables fill once the overview is in: their counts are shown against its totals.
        self.data.ready()?;
        let as_of = self.as_of(now);
        let mut request = self.dashboard.rows_request(self.account, &self.source, as_of)?;
        request.principal = principal;
        request.masked = self.masked;
        Some(request)
    }

    /// The children the table on screen waits for, asked for by `principal`.
    pub fn children_request(&mut self, principal: Option<Principal>) -> Option<ChildrenRequest> {
        self.data.ready()?;
        let mut request = self.dashboard.children_request(self.account, &self.source)?;
        request.principal = principal;
        Some(request)
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

/// The banner over a backup: whose it is, when it was taken, and that nothing can change.
pub fn backup_banner(info: &BackupInfo) -> String {
    format!(
        "Read-only backup of {}, taken {}. Nothing here can be changed.",
        info.owner,
        local_minute(info.header.exported_at)
    )
}

/// Draws an account's dashboards; returns a command when the person asks for something.
pub fn overview_ui(ui: &mut Ui, view: &mut OverviewView) -> Option<OverviewCommand> {
    let mut command = None;
    if let Some(info) = &view.backup {
        ui.horizontal(|ui| {
            notice_ui_inline(ui, &backup_banner(info));
            if ui.button("Close backup").clicked() {
                command = Some(OverviewCommand::CloseBackup);
            }
        });
        ui.label(RichText::new(info.path.display().to_string()).weak().small());
        ui.add_space(theme::SPACE_S);
    }
    match &view.data {
        Remote::Loading => {
            progress_ui(ui, "Loading the account…");
            command
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            ui.add_space(theme::SPACE_S);
            if ui.button("Try again").clicked() {
                command = Some(OverviewCommand::Reload);
            }
            command
        }
        Remote::Ready(_) => command.or_else(|| dashboards_ui(ui, view).map(OverviewCommand::Dashboard)),
    }
}

/// The title, the tab bar and the tab shown.
fn dashboards_ui(ui: &mut Ui, view: &mut OverviewView) -> Option<DashboardCommand> {
    let Remote::Ready(summary) = &view.data else {
        return None;
    };
    let mut command = None;
    let account = &summary.account;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&account.display_name).size(theme::TITLE_SIZE).strong());
        // A backup never changes; the live account may, from another window or the CLI.
        if view.backup.is_none() {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Refresh").on_hover_text("Read the account again").clicked() {
                    command = Some(DashboardCommand::Refresh);
                }
            });
        }
    });
    ui.add_space(theme::SPACE_S);
    if account.status == AccountStatus::ClosurePending {
        notice_ui(ui, &deletion_notice(summary.closure.as_ref()));
        ui.add_space(theme::SPACE_S);
    }

    ui.horizontal_wrapped(|ui| {
        for tab in Tab::all() {
            let label = match tab {
                Tab::Overview => tab.label().to_owned(),
                Tab::List(listing) => {
                    format!("{} ({})", listing.label(), thousands(total_rows(&summary.counts, listing).max(0) as u64))
                }
            };
            if ui.selectable_label(view.dashboard.tab == tab, label).clicked() && view.dashboard.tab != tab {
                command = Some(DashboardCommand::ShowTab(tab));
            }
        }
    });
    ui.separator();

    let focus_filter = ui.input_mut(|input| input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)));
    let from_backup = view.backup.is_some();
    let tab = view.dashboard.tab;
    let inner = match tab {
        Tab::Overview => {
            let mut area =
                egui::ScrollArea::vertical().id_salt("closedesk-overview-scroll").auto_shrink([false, false]);
            if view.dashboard.take_summary_to_top() {
                area = area.vertical_scroll_offset(0.0);
            }
            area.show(ui, |ui| summary_ui(ui, summary, from_backup)).inner
        }
        Tab::List(listing) => {
            if focus_filter {
                ui.memory_mut(|memory| memory.request_focus(filter_id(listing)));
            }
            let total = Some(total_rows(&summary.counts, listing).max(0) as u64);
            table_ui(ui, view.dashboard.table_mut(listing), total)
        }
    };
    command.or(inner)
}

/// The notice frame, sized to its text so that a button fits beside it.
fn notice_ui_inline(ui: &mut Ui, text: &str) {
    let visuals = ui.visuals().clone();
    theme::notice_frame(&visuals).show(ui, |ui| {
        ui.label(RichText::new(text).color(theme::notice_text(&visuals)).strong());
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

    #[test]
    fn a_reload_drops_the_answer_to_a_load_started_before_it() {
        let now = Timestamp::UNIX_EPOCH;
        let mut view = OverviewView::loading(AccountId(7));
        let first = view.overview_request(now, None).unwrap();
        assert!(view.overview_request(now, None).is_none(), "one load at a time");
        view.reload();
        view.on_overview(OverviewLoaded {
            ticket: first.ticket,
            result: Err(crate::service::ServiceError::Refused("x".to_owned())),
        });
        assert!(view.data.is_loading(), "the stale answer was ignored");
        let second = view.overview_request(now, None).unwrap();
        assert_ne!(second.ticket, first.ticket);
    }
}
