//! "Back up account…": the native save dialog and the export, each on its own worker, with
//! progress, a Cancel button, and a typed path for when the dialog cannot open.
//!
//! The dialog runs on the `save-dialog` worker, so the frame loop carries on; how it is
//! opened, and told apart from a dialog that cannot open here, is [`crate::ui::save_file`]'s.
//!
//! The export itself runs on the `export` worker through `backup::export_to_file`, which
//! writes a temporary file and renames it into place: a cancel or a failure leaves no file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use jiff::Timestamp;

use crate::backup::{self, BackupError, Format, Progress};
use crate::core::AccountId;
use crate::core::permissions::Principal;
use crate::service;
use crate::service::export::{Acting, ExportError};

use crate::ui::closing::flow::ClosingJob;
use crate::ui::save_file::{DialogAnswer, SaveDialog, create_missing_folder, resolve_typed_path};
use crate::ui::workers::Workers;

/// Progress reports that may wait for the UI thread; later ones are dropped when it is full,
/// and the next report (or the result) brings the bar up to date.
const PROGRESS_CAPACITY: usize = 4;

/// The closure flow's workers as the backup panel starts them.
pub type ExportWorkers<'a> = Workers<'a, ClosingJob, ExportOutput>;

/// What the backup panel asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportCommand {
    /// Pick JSON or the zip bundle.
    SetFormat(Format),
    /// "Back up account…": open the native save dialog.
    OpenDialog,
    /// "Save": export to the typed path.
    SaveTyped,
    /// Replace the existing file the typed path names.
    Replace,
    /// Keep the existing file: choose another name.
    KeepExisting,
    /// Stop the running export; no file is left behind.
    Cancel,
}

/// A backup that was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedBackup {
    /// The file.
    pub path: PathBuf,
    /// JSON or bundle.
    pub format: Format,
    /// Rows in the backup.
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
    /// When it was taken.
    pub at: Timestamp,
}

/// Why an export did not write a file.
#[derive(Debug)]
pub enum ExportFailure {
    /// The file exists and replacing it was not (yet) allowed.
    Exists(PathBuf),
    /// The person cancelled.
    Cancelled,
    /// Anything else, in words that name the file and the reason.
    Other(String),
}

/// What the dialog and export workers hand back.
#[derive(Debug)]
pub enum ExportOutput {
    /// The save dialog closed.
    DialogClosed {
        /// Whose backup it was for.
        account: AccountId,
        /// The chosen file, or why there is none.
        answer: DialogAnswer,
    },
    /// An export finished.
    Finished {
        /// The account exported.
        account: AccountId,
        /// The backup written, or why none was.
        result: Result<SavedBackup, ExportFailure>,
    },
}

/// Where the backup panel stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportStage {
    /// Nothing is happening.
    Idle,
    /// The native save dialog is open.
    ChoosingFile,
    /// The export runs.
    Writing {
        /// The file as chosen or typed.
        target: PathBuf,
        /// The last progress report.
        progress: Option<Progress>,
        /// Cancel was pressed; the worker stops at its next report.
        cancelling: bool,
    },
    /// The typed file exists: replace it, or choose another name?
    Exists {
        /// The existing file.
        target: PathBuf,
    },
    /// The backup was written.
    Saved(SavedBackup),
    /// The export was cancelled; no file was written.
    Cancelled,
    /// The export or the dialog failed.
    Failed(String),
}

/// The backup panel of one account: format, typed path, and the export under way.
pub struct ExportState {
    /// The account backed up.
    pub account: AccountId,
    /// Who asks for the backup: the export worker checks in core that they may export it.
    pub principal: Principal,
    /// The file format.
    pub format: Format,
    /// The text of the "Backup file path" field.
    pub typed_path: String,
    /// Where the panel stands.
    pub stage: ExportStage,
    /// The save dialog answered at once without a file: it cannot open here.
    pub dialog_unavailable: bool,
    /// The last backup written in this session, which the closure wizard counts as taken.
    pub last_saved: Option<SavedBackup>,
    cancel: Arc<AtomicBool>,
    progress: Option<Receiver<Progress>>,
}

impl std::fmt::Debug for ExportState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportState")
            .field("account", &self.account)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

impl Drop for ExportState {
    fn drop(&mut self) {
        // The panel goes away on sign-out: an export still running is stopped and leaves no file.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl ExportState {
    /// An idle panel for `account`, used by `principal` (the session's).
    pub fn new(account: AccountId, principal: Principal) -> Self {
        Self {
            account,
            principal,
            format: Format::Json,
            typed_path: String::new(),
            stage: ExportStage::Idle,
            dialog_unavailable: false,
            last_saved: None,
            cancel: Arc::new(AtomicBool::new(false)),
            progress: None,
        }
    }

    /// Whether the dialog is open or an export runs.
    pub fn is_busy(&self) -> bool {
        matches!(self.stage, ExportStage::ChoosingFile | ExportStage::Writing { .. })
    }

    /// Applies a command from the panel at `now`, starting workers through `jobs`.
    pub fn apply(&mut self, command: ExportCommand, jobs: &mut ExportWorkers<'_>, now: Timestamp) {
        match command {
            ExportCommand::SetFormat(format) if !self.is_busy() => {
                // Keep a typed file name's extension in step with the format.
                let old = format!(".{}", self.format.extension());
                if let Some(stem) = self.typed_path.trim_end().strip_suffix(&old) {
                    self.typed_path = format!("{stem}.{}", format.extension());
                }
                self.format = format;
            }
            ExportCommand::OpenDialog if !self.is_busy() => self.open_dialog(jobs, now),
            ExportCommand::SaveTyped if !self.is_busy() => {
                let typed = self.typed_path.trim();
                if typed.is_empty() {
                    self.stage = ExportStage::Failed("Type the path of the backup file first.".to_owned());
                    return;
                }
                let target = PathBuf::from(typed);
                self.start_export(jobs, target, false, now);
            }
            ExportCommand::Replace => {
                if let ExportStage::Exists { target } = &self.stage {
                    let target = target.clone();
                    self.start_export(jobs, target, true, now);
                }
            }
            ExportCommand::KeepExisting => {
                if matches!(self.stage, ExportStage::Exists { .. }) {
                    self.stage = ExportStage::Idle;
                }
            }
            ExportCommand::Cancel => {
                if let ExportStage::Writing { cancelling, .. } = &mut self.stage {
                    self.cancel.store(true, Ordering::Relaxed);
                    *cancelling = true;
                }
            }
            ExportCommand::SetFormat(_) | ExportCommand::OpenDialog | ExportCommand::SaveTyped => {}
        }
    }

    /// Takes in a worker's result. Returns the backup when one was written.
    pub fn on_output(
        &mut self,
        output: ExportOutput,
        jobs: &mut ExportWorkers<'_>,
        now: Timestamp,
    ) -> Option<SavedBackup> {
        match output {
            ExportOutput::DialogClosed { account, answer } => {
                if account != self.account || self.stage != ExportStage::ChoosingFile {
                    return None;
                }
                self.stage = ExportStage::Idle;
                self.dialog_unavailable = answer.could_not_open();
                if let Some(target) = answer.chosen {
                    // The dialog already asked before replacing an existing file.
                    self.start_export(jobs, target, true, now);
                }
                None
            }
            ExportOutput::Finished { account, result } => {
                if account != self.account || !matches!(self.stage, ExportStage::Writing { .. }) {
                    return None;
                }
                self.progress = None;
                match result {
                    Ok(saved) => {
                        self.dialog_unavailable = false;
                        self.stage = ExportStage::Saved(saved.clone());
                        self.last_saved = Some(saved.clone());
                        Some(saved)
                    }
                    Err(ExportFailure::Exists(target)) => {
                        self.stage = ExportStage::Exists { target };
                        None
                    }
                    Err(ExportFailure::Cancelled) => {
                        self.stage = ExportStage::Cancelled;
                        None
                    }
                    Err(ExportFailure::Other(message)) => {
                        self.stage = ExportStage::Failed(message);
                        None
                    }
                }
            }
        }
    }

    /// A worker of this panel died without a result.
    pub fn on_crashed(&mut self, kind: ClosingJob, message: String) {
        let ours = match kind {
            ClosingJob::SaveDialog => self.stage == ExportStage::ChoosingFile,
            ClosingJob::Export => matches!(self.stage, ExportStage::Writing { .. }),
            _ => false,
        };
        if ours {
            self.progress = None;
            self.dialog_unavailable |= kind == ClosingJob::SaveDialog;
            self.stage = ExportStage::Failed(message);
        }
    }

    /// Takes in the progress the export worker reported since the last frame.
    pub fn poll_progress(&mut self) {
        let Some(receiver) = &self.progress else {
            return;
        };
        let latest = receiver.try_iter().last();
        if let (Some(latest), ExportStage::Writing { progress, .. }) = (latest, &mut self.stage) {
            *progress = Some(latest);
        }
    }

    fn open_dialog(&mut self, jobs: &mut ExportWorkers<'_>, now: Timestamp) {
        let (account, format) = (self.account, self.format);
        let dialog = jobs.file_dialog();
        match jobs.start(ClosingJob::SaveDialog, move || choose_file(dialog, account, format, now)) {
            Ok(()) => {
                self.stage = ExportStage::ChoosingFile;
                self.dialog_unavailable = false;
            }
            Err(err) => self.stage = ExportStage::Failed(err.to_string()),
        }
    }

    fn start_export(&mut self, jobs: &mut ExportWorkers<'_>, target: PathBuf, overwrite: bool, now: Timestamp) {
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = sync_channel(PROGRESS_CAPACITY);
        let job = ExportJob {
            db_path: jobs.db_path().to_owned(),
            account: self.account,
            principal: self.principal,
            target: target.clone(),
            format: self.format,
            overwrite,
            now,
            cancel: Arc::clone(&cancel),
            progress: sender,
            ctx: jobs.ctx().clone(),
        };
        let account = self.account;
        match jobs.start(ClosingJob::Export, move || ExportOutput::Finished { account, result: job.run() }) {
            Ok(()) => {
                self.cancel = cancel;
                self.progress = Some(receiver);
                self.stage = ExportStage::Writing { target, progress: None, cancelling: false };
            }
            Err(err) => self.stage = ExportStage::Failed(err.to_string()),
        }
    }
}

/// Opens the native save dialog (blocking: on the `save-dialog` worker only).
fn choose_file(dialog: rfd::FileDialog, account: AccountId, format: Format, now: Timestamp) -> ExportOutput {
    let (filter, extension) = match format {
        Format::Json => ("closedesk backup (JSON)", "json"),
        Format::Bundle => ("closedesk backup bundle (zip)", "zip"),
    };
    let file_name = backup::default_file_name(account, format, now);
    let answer = SaveDialog { title: "Back up account", file_name, filter, extension }.run(dialog);
    ExportOutput::DialogClosed { account, answer }
}

/// One export, as the `export` worker runs it.
struct ExportJob {
    db_path: PathBuf,
    account: AccountId,
    principal: Principal,
    target: PathBuf,
    format: Format,
    overwrite: bool,
    now: Timestamp,
    cancel: Arc<AtomicBool>,
    progress: SyncSender<Progress>,
    ctx: egui::Context,
}

impl ExportJob {
    fn run(self) -> Result<SavedBackup, ExportFailure> {
        let target = resolve_target(&self.target, self.account, self.format, self.now);
        create_missing_folder(&target).map_err(ExportFailure::Other)?;
        let report = |progress: Progress| {
            // A full channel only means the UI has not caught up; the next report will do.
            let _ = self.progress.try_send(progress);
            self.ctx.request_repaint();
            !self.cancel.load(Ordering::Relaxed)
        };
        let written = service::export::export_account(
            &self.db_path,
            Acting::Session(self.principal),
            self.account,
            &target,
            self.format,
            self.overwrite,
            self.now,
            &report,
        );
        match written {
            Ok(summary) => Ok(SavedBackup {
                path: target,
                format: self.format,
                rows: summary.counts.total(),
                bytes: summary.bytes,
                at: self.now,
            }),
            Err(ExportError::Cancelled) => Err(ExportFailure::Cancelled),
            Err(ExportError::Exists(BackupError::Exists { path })) => Err(ExportFailure::Exists(path)),
            Err(err) => Err(ExportFailure::Other(err.to_string())),
        }
    }
}

/// The file a typed path means (see [`resolve_typed_path`]); an existing folder gets the
/// default file name inside it.
fn resolve_target(typed: &Path, account: AccountId, format: Format, now: Timestamp) -> PathBuf {
    let mut target = resolve_typed_path(typed);
    if target.is_dir() {
        target.push(backup::default_file_name(account, format, now));
    }
    target
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::auth::{Credentials, Secret};
    use crate::service::staff::{AuditFilter, AuditQuery};
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    type Jobs = Work<ClosingJob, ExportOutput>;

    fn now() -> Timestamp {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    /// A demo database in `dir`, jobs over it, and the first demo customer's id.
    fn demo(dir: &Path) -> (Jobs, AccountId) {
        let db = dir.join("closedesk.db");
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now()).unwrap();
        let account = crate::demo::account_id(&conn, &crate::demo::DEMO_ACCOUNTS[0]).unwrap();
        (Jobs::new(egui::Context::default(), db), account)
    }

    /// Feeds the export's result to `state` once the worker has sent it.
    fn finish(state: &mut ExportState, jobs: &mut Jobs) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            for event in jobs.jobs.poll() {
                if let JobEvent::Finished(output) = event {
                    state.on_output(output, &mut jobs.workers(), now());
                    return;
                }
            }
            state.poll_progress();
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the export did not finish");
    }

    #[test]
    fn a_typed_path_is_written_and_the_same_path_asks_before_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut jobs, account) = demo(dir.path());
        let mut state = ExportState::new(account, Principal::Customer(account));
        let target = dir.path().join("backup.json");
        state.typed_path = target.display().to_string();

        state.apply(ExportCommand::SaveTyped, &mut jobs.workers(), now());
        assert!(state.is_busy());
        finish(&mut state, &mut jobs);
        let ExportStage::Saved(saved) = &state.stage else { panic!("{:?}", state.stage) };
        assert_eq!(saved.path, target);
        assert!(saved.rows > 0 && saved.bytes > 0);
        assert_eq!(state.last_saved.as_ref(), Some(saved));
        crate::backup::verify(&target, None).unwrap();

        state.apply(ExportCommand::SaveTyped, &mut jobs.workers(), now());
        finish(&mut state, &mut jobs);
        assert_eq!(state.stage, ExportStage::Exists { target: target.clone() });
        state.apply(ExportCommand::Replace, &mut jobs.workers(), now());
        finish(&mut state, &mut jobs);
        assert!(matches!(state.stage, ExportStage::Saved(_)), "{:?}", state.stage);
        let customer = ("customer".to_owned(), Some(account.0), "json".to_owned());
        assert_eq!(backup_lines(&jobs, account), [customer.clone(), customer], "each backup written is recorded");
    }

    /// The backup lines of `account`'s audit trail: actor kind, actor id and format.
    fn backup_lines(jobs: &Jobs, account: AccountId) -> Vec<(String, Option<i64>, String)> {
        // Read as support reads the trail: through the service, signed in as the demo agent.
        let password = Secret::from(crate::demo::DEMO_AGENT_PASSWORD);
        let credentials = Credentials::Agent { name: crate::demo::DEMO_AGENTS[0].0.to_owned(), password };
        let agent = service::session::sign_in(jobs.db_path(), credentials, now()).unwrap().principal();
        let filter = AuditFilter { account: Some(account), ..AuditFilter::default() };
        let page = service::staff::load_audit(jobs.db_path(), agent, AuditQuery { filter, agent_name: None }, 100);
        page.unwrap()
            .rows
            .into_iter()
            .filter(|line| line.action == backup::AUDIT_ACTION)
            .map(|line| (line.actor_kind, line.actor_id, line.outcome))
            .collect()
    }

    #[test]
    fn a_customer_may_not_export_another_account_and_an_agent_may() {
        let dir = tempfile::tempdir().unwrap();
        let (mut jobs, account) = demo(dir.path());
        let other = AccountId(account.0 + 1);
        let target = dir.path().join("theirs.json");

        let mut state = ExportState::new(other, Principal::Customer(account));
        state.typed_path = target.display().to_string();
        state.apply(ExportCommand::SaveTyped, &mut jobs.workers(), now());
        finish(&mut state, &mut jobs);
        assert_eq!(state.stage, ExportStage::Failed("You are not allowed to do this.".to_owned()));
        assert!(state.last_saved.is_none());
        assert!(!target.exists(), "no data was written");
        assert!(backup_lines(&jobs, other).is_empty(), "a refused export is no backup");

        let agent = Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent };
        let mut state = ExportState::new(other, agent);
        state.typed_path = target.display().to_string();
        state.apply(ExportCommand::SaveTyped, &mut jobs.workers(), now());
        finish(&mut state, &mut jobs);
        assert!(matches!(state.stage, ExportStage::Saved(_)), "{:?}", state.stage);
        crate::backup::verify(&target, None).unwrap();
        assert_eq!(
            backup_lines(&jobs, other),
            [("agent".to_owned(), Some(1), "json".to_owned())],
            "the agent is named"
        );
    }

    #[test]
    fn a_cancelled_export_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let (jobs, account) = demo(dir.path());
        let (progress, _reports) = sync_channel(PROGRESS_CAPACITY);
        let target = dir.path().join("cancelled.json");
        let job = ExportJob {
            db_path: jobs.db_path().to_owned(),
            account,
            principal: Principal::Customer(account),
            target: target.clone(),
            format: Format::Bundle,
            overwrite: false,
            now: now(),
            cancel: Arc::new(AtomicBool::new(true)),
            progress,
            ctx: egui::Context::default(),
        };
        assert!(matches!(job.run(), Err(ExportFailure::Cancelled)));
        assert!(!target.exists());
        let litter: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(litter.is_empty(), "no temporary file remains");
    }

    #[test]
    fn an_empty_path_is_refused_and_the_format_keeps_the_extension_in_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut jobs = Jobs::new(egui::Context::default(), dir.path().join("none.db"));
        let mut state = ExportState::new(AccountId(1), Principal::Customer(AccountId(1)));
        state.apply(ExportCommand::SaveTyped, &mut jobs.workers(), now());
        assert_eq!(state.stage, ExportStage::Failed("Type the path of the backup file first.".to_owned()));
        assert!(!jobs.jobs.is_running(ClosingJob::Export));

        state.typed_path = "~/mine.json".to_owned();
        state.apply(ExportCommand::SetFormat(Format::Bundle), &mut jobs.workers(), now());
        assert_eq!((state.format, state.typed_path.as_str()), (Format::Bundle, "~/mine.zip"));
    }

    #[test]
    fn a_typed_folder_gets_the_default_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let target = resolve_target(dir.path(), AccountId(7), Format::Json, now);
        assert_eq!(target, dir.path().join("closedesk-7-2026-11-29.json"));
        let file = dir.path().join("mine.zip");
        assert_eq!(resolve_target(&file, AccountId(7), Format::Bundle, now), file);
    }
}
