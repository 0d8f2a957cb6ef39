//! The one owner of background work. Anything slow (opening the database, argon2, queries)
//! runs here on a named worker thread, so that the window never freezes.
//!
//! At most one job of each kind runs at a time. A worker opens its own connection (a
//! `rusqlite::Connection` must not be shared between threads), sends its result over a bounded
//! channel and asks egui for a repaint, so that `App::logic` picks the result up at once.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use jiff::Timestamp;

use crate::auth::{Credentials, Session, SignInError};
use crate::core::permissions::Principal;
use crate::service;
use crate::service::ServiceResult;

use super::agent_desk::{self, AgentOutput};
use super::agent_ops::{OpsJob, OpsOutput};
use super::closure::ClosureOutput;
use super::export::ExportOutput;
use super::screens::agent::{CustomerPage, CustomerQuery};
use super::screens::dashboard::open_backup::{self, OpenedBackup};
use super::screens::dashboard::{
    ChildrenLoaded, ChildrenRequest, OverviewLoaded, OverviewRequest, RowsLoaded, RowsRequest,
};

/// Results that may wait for the UI thread: more than there are kinds of job, so that a
/// finishing worker never blocks on a full channel.
const RESULT_CAPACITY: usize = 16;

/// The kinds of background work; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Open (and on first launch create and fill) the database.
    OpenDatabase,
    /// Check a login with argon2.
    SignIn,
    /// Load an account's profile, counts and closure.
    LoadAccount,
    /// Search the customer list (agents).
    ListCustomers,
    /// Run one step of the closure wizard or its cancellation (argon2, mail, commit).
    Closure,
    /// Read an account's newest mails from the outbox.
    Mailbox,
    /// Read the account settings page's data.
    LoadSettings,
    /// Hold the native save dialog open (it blocks its thread).
    SaveDialog,
    /// Write an account backup.
    Export,
    /// Read a window of a dashboard table's rows (and count them).
    LoadRows,
    /// Read the children of a dashboard row: an order's items, a conversation's messages.
    LoadChildren,
    /// Hold the native open dialog for a backup file (it blocks its thread).
    PickBackup,
    /// Verify a backup file and load it for the read-only dashboards.
    OpenBackup,
    /// (Agents) record a reveal of a customer's personal data in the audit trail.
    Reveal,
    /// (Agents) check the password on the lock screen with argon2.
    Unlock,
    /// (Agents) the closure queue, the audit viewer and the admin page (see `agent_ops`).
    Ops(OpsJob),
}

impl JobKind {
    /// The worker thread's name, as debuggers and `top -H` show it.
    pub fn thread_name(self) -> &'static str {
        match self {
            Self::OpenDatabase => "open-db",
            Self::SignIn => "sign-in",
            Self::LoadAccount => "load-account",
            Self::ListCustomers => "list-customers",
            Self::Closure => "closure",
            Self::Mailbox => "mailbox",
            Self::LoadSettings => "load-settings",
            Self::SaveDialog => "save-dialog",
            Self::Export => "export",
            Self::LoadRows => "load-rows",
            Self::LoadChildren => "load-children",
            Self::PickBackup => "pick-backup",
            Self::OpenBackup => "open-backup",
            Self::Reveal => "reveal",
            Self::Unlock => "unlock",
            Self::Ops(job) => job.thread_name(),
        }
    }

    /// What the job does, for messages: "opening the database".
    pub fn describe(self) -> &'static str {
        match self {
            Self::OpenDatabase => "opening the database",
            Self::SignIn => "checking the login",
            Self::LoadAccount => "loading the account",
            Self::ListCustomers => "listing customers",
            Self::Closure => "working on the closure",
            Self::Mailbox => "reading the mailbox",
            Self::LoadSettings => "loading the settings",
            Self::SaveDialog => "waiting for the save dialog",
            Self::Export => "writing the backup",
            Self::LoadRows => "loading the table",
            Self::LoadChildren => "loading the details",
            Self::PickBackup => "waiting for the file dialog",
            Self::OpenBackup => "opening the backup",
            Self::Reveal => "recording the reveal",
            Self::Unlock => "checking the password",
            Self::Ops(job) => job.describe(),
        }
    }
}

/// What a finished job hands back to the UI thread.
#[derive(Debug)]
pub enum JobOutput {
    /// The database is ready and the settings file read (or why either is not).
    DatabaseOpened(Result<OpenedDatabase, String>),
    /// The outcome of a sign-in.
    SignedIn(Result<Session, SignInError>),
    /// An account's overview.
    AccountLoaded(OverviewLoaded),
    /// A page of the customer list.
    CustomersListed {
        /// The search the list answers.
        query: CustomerQuery,
        /// The matching accounts, or why the search failed or was refused.
        result: ServiceResult<CustomerPage>,
    },
    /// A closure step, the mailbox or the settings page's data (boxed: a wizard is large).
    Closure(Box<ClosureOutput>),
    /// The save dialog closed, or a backup was written.
    Export(ExportOutput),
    /// Windows of a dashboard table.
    RowsLoaded(RowsLoaded),
    /// The children of a dashboard row.
    ChildrenLoaded(ChildrenLoaded),
    /// The file chosen in the open dialog, if any.
    BackupPicked(Option<PathBuf>),
    /// A verified backup loaded for the dashboards, or why it could not be opened (boxed:
    /// a backup's header is larger than the other results).
    BackupOpened(Result<Box<OpenedBackup>, String>),
    /// A result of the agent desk's workers (reveal, unlock).
    Agent(AgentOutput),
    /// A result of the closure queue, audit viewer or admin page (boxed: receipts and pages are large).
    Ops(Box<OpsOutput>),
}

pub use crate::service::session::OpenedDatabase;

impl JobOutput {
    /// Whether the worker found the session over (the agent disabled or removed, the account
    /// purged since sign-in): the window then signs out instead of showing a stale screen.
    pub fn ends_session(&self) -> bool {
        match self {
            Self::CustomersListed { result: Err(err), .. }
            | Self::AccountLoaded(OverviewLoaded { result: Err(err), .. })
            | Self::RowsLoaded(RowsLoaded { result: Err(err), .. })
            | Self::ChildrenLoaded(ChildrenLoaded { result: Err(err), .. })
            | Self::Agent(AgentOutput::Revealed { result: Err(err), .. }) => err.ends_session(),
            _ => false,
        }
    }
}

/// What [`Jobs::poll`] reports.
#[derive(Debug)]
pub enum JobEvent {
    /// A job finished and sent its result.
    Finished(JobOutput),
    /// A worker stopped without a result (it panicked); its kind is free again.
    Crashed(JobKind),
}

/// Why a job did not start.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A job of the same kind is still running.
    #[error("closedesk is still {}", .0.describe())]
    Busy(JobKind),
    /// The operating system refused a new thread.
    #[error("could not start a worker thread for {}: {source}", .kind.describe())]
    Spawn {
        /// The job that did not start.
        kind: JobKind,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

struct Message {
    kind: JobKind,
    generation: u64,
    output: JobOutput,
}

struct Running {
    kind: JobKind,
    generation: u64,
    handle: JoinHandle<()>,
}

/// Starts background jobs against one database and collects their results.
pub struct Jobs {
    ctx: egui::Context,
    db_path: PathBuf,
    sender: SyncSender<Message>,
    receiver: Receiver<Message>,
    running: Vec<Running>,
    /// Results of jobs started under an older generation are dropped (see [`Self::discard_running`]).
    generation: u64,
    /// Every native file dialog starts from this one, which knows the window it belongs to.
    dialog: Option<rfd::FileDialog>,
}

impl Jobs {
    /// A job owner for the database at `db_path`; finished jobs repaint `ctx`.
    pub fn new(ctx: egui::Context, db_path: PathBuf) -> Self {
        let (sender, receiver) = sync_channel(RESULT_CAPACITY);
        Self { ctx, db_path, sender, receiver, running: Vec::new(), generation: 0, dialog: None }
    }

    /// Makes the native file dialogs children of `window`, so that they open over it and keep
    /// it from taking input meanwhile, instead of opening as separate windows somewhere.
    /// The first call counts: the window stays the same for the life of the app.
    pub fn parent_dialogs_to(&mut self, window: &eframe::Frame) {
        if self.dialog.is_none() {
            self.dialog = Some(rfd::FileDialog::new().set_parent(window));
        }
    }

    /// A new native file dialog, parented to the window when it is known.
    pub fn file_dialog(&self) -> rfd::FileDialog {
        self.dialog.clone().unwrap_or_default()
    }

    /// The database file the jobs work on.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The context a worker repaints when it reports progress before its result.
    pub fn ctx(&self) -> &egui::Context {
        &self.ctx
    }

    /// Whether a job of `kind` is running.
    pub fn is_running(&self, kind: JobKind) -> bool {
        self.running.iter().any(|job| job.kind == kind)
    }

    /// Drops the results of every job running now, e.g. on sign-out, so that no account data
    /// arrives after the session ended. The jobs still finish; their kinds stay busy until then.
    pub fn discard_running(&mut self) {
        self.generation += 1;
    }

    /// Opens the database, creating it with demo accounts on first launch, and reads the
    /// settings file beside it (file reads stay off the UI thread too). A settings file that
    /// cannot be used stops start-up with its reason, as it would stop every closure step.
    pub fn open_database(&mut self, now: Timestamp) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::OpenDatabase, move || {
            let result = service::session::open_database(&path, now).map_err(|err| err.to_string());
            JobOutput::DatabaseOpened(result)
        })
    }

    /// Checks a login. The credentials (and the password in them) are dropped, and so wiped,
    /// on the worker once checked.
    pub fn sign_in(&mut self, credentials: Credentials, now: Timestamp) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::SignIn, move || {
            let result = service::session::sign_in(&path, credentials, now);
            JobOutput::SignedIn(result)
        })
    }

    /// Loads the overview of an account, from the database or a backup, if the request's
    /// principal may view it; a masked request has its personal data masked on the worker
    /// (agent screens).
    pub fn load_account(&mut self, request: OverviewRequest) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::LoadAccount, move || {
            let masked = request.masked;
            let mut loaded = request.run(&path);
            if masked {
                agent_desk::mask_overview_loaded(&mut loaded);
            }
            JobOutput::AccountLoaded(loaded)
        })
    }

    /// Loads windows of a dashboard table, if the request's principal may view the account;
    /// a masked request has its personal columns masked on the worker.
    pub fn load_rows(&mut self, request: RowsRequest) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::LoadRows, move || {
            let masked = request.masked;
            let mut loaded = request.run(&path);
            if masked {
                agent_desk::mask_rows_loaded(&mut loaded);
            }
            JobOutput::RowsLoaded(loaded)
        })
    }

    /// Loads the children of a dashboard row, if the request's principal may view the account.
    pub fn load_children(&mut self, request: ChildrenRequest) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::LoadChildren, move || JobOutput::ChildrenLoaded(request.run(&path)))
    }

    /// Shows the native open dialog for a backup file until the person chooses or cancels.
    pub fn pick_backup(&mut self) -> Result<(), JobError> {
        let dialog = self.file_dialog();
        self.start(JobKind::PickBackup, || JobOutput::BackupPicked(open_backup::pick_backup_file(dialog)))
    }

    /// Verifies the backup at `path` and loads it for the read-only dashboards.
    pub fn open_backup(&mut self, path: PathBuf) -> Result<(), JobError> {
        self.start(JobKind::OpenBackup, move || {
            JobOutput::BackupOpened(open_backup::open_backup_file(&path).map(Box::new))
        })
    }

    /// Lists the first `query.limit` customers matching `query.search` (all customers when it is
    /// empty), if `principal` may search customers.
    pub fn list_customers(&mut self, query: CustomerQuery, principal: Principal) -> Result<(), JobError> {
        let path = self.db_path.clone();
        self.start(JobKind::ListCustomers, move || {
            let result = service::search::customers(&path, principal, &query.search, query.limit);
            JobOutput::CustomersListed { query, result }
        })
    }

    /// The results that arrived since the last call, and the workers that died without one.
    pub fn poll(&mut self) -> Vec<JobEvent> {
        // Which workers had ended before the channel is read: a worker sends before it ends,
        // so one that had ended and whose result is not in the channel has crashed.
        let ended: Vec<usize> =
            self.running.iter().enumerate().filter(|(_, job)| job.handle.is_finished()).map(|(i, _)| i).collect();
        let mut events = Vec::new();
        let mut reported = Vec::new();
        while let Ok(message) = self.receiver.try_recv() {
            reported.push((message.kind, message.generation));
            if message.generation == self.generation {
                tracing::debug!(job = message.kind.thread_name(), "finished");
                events.push(JobEvent::Finished(message.output));
            }
        }
        let mut index = 0;
        self.running.retain(|job| {
            let this = index;
            index += 1;
            let has_result = reported.contains(&(job.kind, job.generation));
            if !has_result && ended.contains(&this) && job.generation == self.generation {
                tracing::error!(job = job.kind.thread_name(), "worker stopped without a result");
                events.push(JobEvent::Crashed(job.kind));
            }
            !(has_result || ended.contains(&this))
        });
        events
    }

    /// Runs `work` on a new worker thread named after `kind`, unless a job of that kind runs.
    ///
    /// The screens' own modules (the closure flow, the export) build their work and start it here.
    pub(super) fn start(
        &mut self,
        kind: JobKind,
        work: impl FnOnce() -> JobOutput + Send + 'static,
    ) -> Result<(), JobError> {
        if self.is_running(kind) {
            return Err(JobError::Busy(kind));
        }
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let generation = self.generation;
        let handle = std::thread::Builder::new()
            .name(kind.thread_name().to_owned())
            .spawn(move || {
                let output = work();
                // Sending fails only when the window has closed, and then nobody needs the result.
                let _ = sender.send(Message { kind, generation, output });
                ctx.request_repaint();
            })
            .map_err(|source| JobError::Spawn { kind, source })?;
        tracing::debug!(job = kind.thread_name(), "started");
        self.running.push(Running { kind, generation, handle });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::core::AccountId;
    use crate::service::dashboard::{Listing, Query, Source};

    fn wait_for_events(jobs: &mut Jobs) -> Vec<JobEvent> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let events = jobs.poll();
            if !events.is_empty() || Instant::now() > deadline {
                return events;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn one_job_of_a_kind_at_a_time_and_the_kind_is_free_once_it_reports() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        jobs.start(JobKind::ListCustomers, move || {
            wait.recv().ok();
            JobOutput::CustomersListed { query: CustomerQuery::default(), result: Ok(CustomerPage::default()) }
        })
        .unwrap();
        assert!(jobs.is_running(JobKind::ListCustomers));
        let agent = Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent };
        assert!(matches!(
            jobs.list_customers(CustomerQuery::default(), agent),
            Err(JobError::Busy(JobKind::ListCustomers))
        ));
        assert!(!jobs.is_running(JobKind::LoadAccount));

        release.send(()).unwrap();
        let events = wait_for_events(&mut jobs);
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(JobOutput::CustomersListed { result: Ok(page), .. })] if page.rows.is_empty())
        );
        assert!(!jobs.is_running(JobKind::ListCustomers));
    }

    #[test]
    fn results_of_discarded_jobs_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        jobs.start(JobKind::LoadAccount, move || {
            wait.recv().ok();
            JobOutput::AccountLoaded(OverviewLoaded {
                ticket: 1,
                result: Err(crate::service::ServiceError::Refused("x".into())),
            })
        })
        .unwrap();
        jobs.discard_running();
        release.send(()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while jobs.is_running(JobKind::LoadAccount) && Instant::now() < deadline {
            assert!(jobs.poll().is_empty(), "a discarded result arrived");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!jobs.is_running(JobKind::LoadAccount));
    }

    #[test]
    fn a_worker_that_panics_is_reported_and_frees_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        jobs.start(JobKind::SignIn, || panic!("boom")).unwrap();
        let events = wait_for_events(&mut jobs);
        assert!(matches!(events.as_slice(), [JobEvent::Crashed(JobKind::SignIn)]), "{events:?}");
        assert!(!jobs.is_running(JobKind::SignIn));
    }

    #[test]
    fn a_customer_may_not_search_customers_even_if_a_screen_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        jobs.list_customers(CustomerQuery::default(), Principal::Customer(crate::core::AccountId(1))).unwrap();
        let events = wait_for_events(&mut jobs);
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(JobOutput::CustomersListed { result: Err(err), .. })] if err.to_string() == "You are not allowed to do this."),
            "{events:?}"
        );
    }

    /// A demo database in `dir`, jobs over it, and the first two demo customers' ids.
    fn demo(dir: &Path) -> (Jobs, AccountId, AccountId) {
        let db = dir.join("closedesk.db");
        let now = "2026-11-29T10:00:00Z".parse().unwrap();
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now).unwrap();
        let id = |demo: &crate::demo::DemoAccount| crate::demo::account_id(&conn, demo).unwrap();
        let (own, other) = (id(&crate::demo::DEMO_ACCOUNTS[0]), id(&crate::demo::DEMO_ACCOUNTS[1]));
        (Jobs::new(egui::Context::default(), db), own, other)
    }

    fn overview_of(jobs: &mut Jobs, account: AccountId, principal: Option<Principal>) -> OverviewLoaded {
        let request = OverviewRequest {
            ticket: 1,
            account,
            source: Source::Live,
            now: Timestamp::now(),
            principal,
            masked: false,
        };
        jobs.load_account(request).unwrap();
        match wait_for_events(jobs).pop() {
            Some(JobEvent::Finished(JobOutput::AccountLoaded(loaded))) => loaded,
            other => panic!("{other:?}"),
        }
    }

    fn rows_of(jobs: &mut Jobs, account: AccountId, principal: Option<Principal>) -> RowsLoaded {
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
        jobs.load_rows(request).unwrap();
        match wait_for_events(jobs).pop() {
            Some(JobEvent::Finished(JobOutput::RowsLoaded(loaded))) => loaded,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_customer_asking_for_another_accounts_overview_or_rows_is_refused_and_gets_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let (mut jobs, own, other) = demo(dir.path());
        let customer = Some(Principal::Customer(own));
        let denied = "You are not allowed to do this.";

        let loaded = overview_of(&mut jobs, other, customer);
        assert!(matches!(&loaded.result, Err(err) if err.to_string() == denied), "{:?}", loaded.result);
        let loaded = rows_of(&mut jobs, other, customer);
        assert!(matches!(&loaded.result, Err(err) if err.to_string() == denied), "{:?}", loaded.result);
        // Nobody signed in reads nothing from the live database either.
        assert!(overview_of(&mut jobs, own, None).result.is_err());

        // Their own account loads.
        assert_eq!(overview_of(&mut jobs, own, customer).result.unwrap().account.id, own);
        assert!(rows_of(&mut jobs, own, customer).result.is_ok());
    }

    #[test]
    fn an_agent_may_load_any_customers_overview_and_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (mut jobs, own, other) = demo(dir.path());
        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent });
        for account in [own, other] {
            assert_eq!(overview_of(&mut jobs, account, agent).result.unwrap().account.id, account);
            let (count, windows) = rows_of(&mut jobs, account, agent).result.unwrap();
            assert!(count.is_some() && windows.len() == 1);
        }
    }

    #[test]
    fn opening_the_database_reads_the_agent_idle_lock_from_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        std::fs::write(dir.path().join(crate::settings::SETTINGS_FILE_NAME), r#"{ "agent_idle_lock_secs": 300 }"#)
            .unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), db);
        jobs.open_database(Timestamp::now()).unwrap();
        let events = wait_for_events(&mut jobs);
        let [JobEvent::Finished(JobOutput::DatabaseOpened(Ok(opened)))] = events.as_slice() else {
            panic!("{events:?}");
        };
        assert_eq!(opened.policy.agent_idle_lock_secs, 300);

        // A value out of range stops start-up with the reason, as it would stop every closure step.
        std::fs::write(dir.path().join(crate::settings::SETTINGS_FILE_NAME), r#"{ "agent_idle_lock_secs": 5 }"#)
            .unwrap();
        jobs.open_database(Timestamp::now()).unwrap();
        let events = wait_for_events(&mut jobs);
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(JobOutput::DatabaseOpened(Err(message)))] if message.contains("agent_idle_lock_secs must be between 60")),
            "{events:?}"
        );
    }

    #[test]
    fn workers_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        jobs.start(JobKind::LoadAccount, || {
            let name = std::thread::current().name().unwrap_or_default().to_owned();
            JobOutput::CustomersListed {
                query: CustomerQuery { search: name, limit: 1 },
                result: Ok(CustomerPage::default()),
            }
        })
        .unwrap();
        let events = wait_for_events(&mut jobs);
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(JobOutput::CustomersListed { query, .. })] if query.search == "load-account")
        );
    }
}
