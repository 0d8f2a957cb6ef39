//! The dashboards' background work: an account's overview, windows of a table, a row's
//! children, and the read-only backup viewer's file dialog and loading. Each load names the
//! session's principal, which the service checks before it reads; a masked load has its
//! personal data masked on the worker (agent screens).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::masking::{mask_overview_loaded, mask_rows_loaded};
use super::open_backup::OpenedBackup;
use crate::backup;
use crate::service::dashboard::{
    ChildrenLoaded, ChildrenRequest, OverviewLoaded, OverviewRequest, RowsLoaded, RowsRequest,
};
use crate::ui::jobs::{JobError, JobKey};
use crate::ui::workers::Workers;

/// The dashboards' workers; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DashboardJob {
    /// Load an account's profile, counts and closure.
    LoadAccount,
    /// Read a window of a dashboard table's rows (and count them).
    LoadRows,
    /// Read the children of a dashboard row: an order's items, a conversation's messages.
    LoadChildren,
    /// Hold the native open dialog for a backup file (it blocks its thread).
    PickBackup,
    /// Verify a backup file and load it for the read-only dashboards.
    OpenBackup,
}

impl JobKey for DashboardJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::LoadAccount => "load-account",
            Self::LoadRows => "load-rows",
            Self::LoadChildren => "load-children",
            Self::PickBackup => "pick-backup",
            Self::OpenBackup => "open-backup",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::LoadAccount => "loading the account",
            Self::LoadRows => "loading the table",
            Self::LoadChildren => "loading the details",
            Self::PickBackup => "waiting for the file dialog",
            Self::OpenBackup => "opening the backup",
        }
    }
}

/// What the dashboards' workers hand back.
#[derive(Debug)]
pub enum DashboardOutput {
    /// An account's overview.
    AccountLoaded(OverviewLoaded),
    /// Windows of a dashboard table.
    RowsLoaded(RowsLoaded),
    /// The children of a dashboard row.
    ChildrenLoaded(ChildrenLoaded),
    /// The file chosen in the open dialog, if any.
    BackupPicked(Option<PathBuf>),
    /// A verified backup loaded for the dashboards, or why it could not be opened (boxed:
    /// a backup's header is larger than the other results).
    BackupOpened(Result<Box<OpenedBackup>, String>),
}

impl DashboardOutput {
    /// Whether the worker found the session over (the agent disabled or removed, the account
    /// purged since sign-in).
    pub fn ends_session(&self) -> bool {
        match self {
            Self::AccountLoaded(OverviewLoaded { result: Err(err), .. })
            | Self::RowsLoaded(RowsLoaded { result: Err(err), .. })
            | Self::ChildrenLoaded(ChildrenLoaded { result: Err(err), .. }) => err.ends_session(),
            _ => false,
        }
    }
}

/// The app's runner as the dashboards start their loads.
pub type DashboardWorkers<'a> = Workers<'a, DashboardJob, DashboardOutput>;

/// Loads the overview of an account, from the database or a backup, if the request's
/// principal may view it; a masked request has its personal data masked on the worker
/// (agent screens).
pub fn load_account(jobs: &mut DashboardWorkers<'_>, request: OverviewRequest) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(DashboardJob::LoadAccount, move || {
        let masked = request.masked;
        let mut loaded = request.run(&path);
        if masked {
            mask_overview_loaded(&mut loaded);
        }
        DashboardOutput::AccountLoaded(loaded)
    })
}

/// Loads windows of a dashboard table, if the request's principal may view the account;
/// a masked request has its personal columns masked on the worker.
pub fn load_rows(jobs: &mut DashboardWorkers<'_>, request: RowsRequest) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(DashboardJob::LoadRows, move || {
        let masked = request.masked;
        let mut loaded = request.run(&path);
        if masked {
            mask_rows_loaded(&mut loaded);
        }
        DashboardOutput::RowsLoaded(loaded)
    })
}

/// Loads the children of a dashboard row, if the request's principal may view the account.
pub fn load_children(jobs: &mut DashboardWorkers<'_>, request: ChildrenRequest) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(DashboardJob::LoadChildren, move || DashboardOutput::ChildrenLoaded(request.run(&path)))
}

/// Shows the native open dialog for a backup file until the person chooses or cancels.
pub fn pick_backup(jobs: &mut DashboardWorkers<'_>) -> Result<(), JobError> {
    let dialog = jobs.file_dialog();
    jobs.start(DashboardJob::PickBackup, || DashboardOutput::BackupPicked(pick_backup_file(dialog)))
}

/// Verifies the backup at `path` and loads it for the read-only dashboards.
pub fn open_backup(jobs: &mut DashboardWorkers<'_>, path: PathBuf) -> Result<(), JobError> {
    jobs.start(DashboardJob::OpenBackup, move || DashboardOutput::BackupOpened(open_backup_file(&path).map(Box::new)))
}

/// Shows `dialog` as the native "open" dialog for closedesk backups and waits for the answer.
/// Run it on a worker: it blocks until the person chooses.
pub fn pick_backup_file(dialog: rfd::FileDialog) -> Option<PathBuf> {
    dialog.set_title("Open a closedesk backup").add_filter("closedesk backup", &["json", "zip"]).pick_file()
}

/// Verifies the backup at `path` and loads it read-only; the error names what is wrong.
///
/// The rows are streamed from the file into the snapshot, never all held in memory.
pub fn open_backup_file(path: &Path) -> Result<OpenedBackup, String> {
    let opened = backup::open_backup_snapshot(path).map_err(|err| err.to_string())?;
    let owner = opened.profile.as_ref().map_or_else(
        || format!("account {}", opened.header.account),
        |profile| format!("{} <{}>", profile.display_name, profile.email),
    );
    Ok(OpenedBackup { path: path.to_owned(), header: opened.header, owner, snapshot: Arc::new(opened.snapshot) })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jiff::Timestamp;

    use super::*;
    use crate::core::AccountId;
    use crate::core::permissions::Principal;
    use crate::service::dashboard::{Listing, Query, Source};
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    type Loads = Work<DashboardJob, DashboardOutput>;

    /// A demo database in `dir`, loads over it, and the first two demo customers' ids.
    fn demo(dir: &Path) -> (Loads, AccountId, AccountId) {
        let db = dir.join("closedesk.db");
        let now = "2026-11-29T10:00:00Z".parse().unwrap();
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now).unwrap();
        let id = |demo: &crate::demo::DemoAccount| crate::demo::account_id(&conn, demo).unwrap();
        let (own, other) = (id(&crate::demo::DEMO_ACCOUNTS[0]), id(&crate::demo::DEMO_ACCOUNTS[1]));
        (Loads::new(egui::Context::default(), db), own, other)
    }

    fn overview_of(work: &mut Loads, account: AccountId, principal: Option<Principal>) -> OverviewLoaded {
        let request = OverviewRequest {
            ticket: 1,
            account,
            source: Source::Live,
            now: Timestamp::now(),
            principal,
            masked: false,
        };
        load_account(&mut work.workers(), request).unwrap();
        match work.jobs.wait_for_events().pop() {
            Some(JobEvent::Finished(DashboardOutput::AccountLoaded(loaded))) => loaded,
            other => panic!("{other:?}"),
        }
    }

    fn rows_of(work: &mut Loads, account: AccountId, principal: Option<Principal>) -> RowsLoaded {
        let listing = Listing::Orders;
        let request = RowsRequest {
            ticket: 2,
            account,
            source: Source::Live,
            listing,
            query: Query::default_for(listing),
            now: Timestamp::now(),
            count: true,
            windows: vec![0],
            principal,
            masked: false,
        };
        load_rows(&mut work.workers(), request).unwrap();
        match work.jobs.wait_for_events().pop() {
            Some(JobEvent::Finished(DashboardOutput::RowsLoaded(loaded))) => loaded,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_customer_asking_for_another_accounts_overview_or_rows_is_refused_and_gets_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let (mut work, own, other) = demo(dir.path());
        let customer = Some(Principal::Customer(own));
        let denied = "You are not allowed to do this.";

        let loaded = overview_of(&mut work, other, customer);
        assert!(matches!(&loaded.result, Err(err) if err.to_string() == denied), "{:?}", loaded.result);
        let loaded = rows_of(&mut work, other, customer);
        assert!(matches!(&loaded.result, Err(err) if err.to_string() == denied), "{:?}", loaded.result);
        // Nobody signed in reads nothing from the live database either.
        assert!(overview_of(&mut work, own, None).result.is_err());

        // Their own account loads.
        assert_eq!(overview_of(&mut work, own, customer).result.unwrap().account.id, own);
        assert!(rows_of(&mut work, own, customer).result.is_ok());
    }

    #[test]
    fn an_agent_may_load_any_customers_overview_and_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (mut work, own, other) = demo(dir.path());
        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent });
        for account in [own, other] {
            assert_eq!(overview_of(&mut work, account, agent).result.unwrap().account.id, account);
            let (count, windows) = rows_of(&mut work, account, agent).result.unwrap();
            assert!(count.is_some() && windows.len() == 1);
        }
    }
}
