//! The operations side of the agent desk, as the app drives it: the closure queue (cancel with
//! the customer's code, purge), the audit viewer and its CSV export, and the admin page
//! (agents, whole-database backup).
//!
//! Screens return an [`OpsCommand`]; [`apply`] turns it into work on a named worker
//! ([`OpsJob`], through the app's one [`Jobs`] owner), each running an operation of
//! [`crate::service::staff`], which checks the permission in core first; [`on_output`] takes the result
//! back into the page that asked.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::{Secret, password};
use crate::backup::DbBackupReport;
use crate::core::permissions::Principal;
use crate::core::{AccountId, AgentId, Role};
use crate::service::staff::AgentRow;
use crate::service::staff::QueueRow;
use crate::service::staff::{self, AuditPage};
use crate::service::staff::{PurgePreview, PurgeReceipt};

use super::agent_backups_ops::{self, CopiesOutput};
use super::jobs::JobKey;
use super::remote::Remote;
use super::save_file::{DialogAnswer, SaveAction, SaveDialog, create_missing_folder, resolve_typed_path};
use super::screens::agent::{AgentPage, AgentView};
use super::screens::agent_audit::AuditFilterInput;
use super::screens::agent_backups::CopiesCommand;
use super::screens::agent_queue::{CancelView, PurgeStage, SharedProgress};
use super::screens::purge_confirm::PurgeConfirm;
use super::theme;
use super::widgets::save_file::{SaveProgress, SavePrompt, save_file_ui};
use super::widgets::{error_text_ui, progress_ui};
use super::workers::Workers;

/// Audit lines the viewer loads at first, and adds with each "Show more".
pub const AUDIT_PAGE: usize = 500;
/// The longest agent name the admin page accepts.
const AGENT_NAME_MAX_CHARS: usize = 64;

/// The workers of the operations pages; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpsJob {
    /// Read the closure queue.
    LoadQueue,
    /// Count what a purge would delete.
    PreviewPurge,
    /// Purge the accounts whose grace period has ended.
    Purge,
    /// Query the audit trail.
    LoadAudit,
    /// Write the filtered audit trail as CSV.
    ExportAudit,
    /// Hold the native save dialog of the operations pages open (it blocks its thread).
    SaveDialog,
    /// Read the agents list.
    LoadAgents,
    /// Add, disable, enable an agent or reset a password (argon2).
    ManageAgent,
    /// Copy the whole database.
    BackupDatabase,
    /// List, delete or restore copies of the database.
    Copies,
    /// Hold the file picker of "Restore…" open (it blocks its thread).
    RestoreDialog,
}

impl JobKey for OpsJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::LoadQueue => "load-queue",
            Self::PreviewPurge => "purge-preview",
            Self::Purge => "purge",
            Self::LoadAudit => "load-audit",
            Self::ExportAudit => "export-audit",
            Self::SaveDialog => "ops-save-dialog",
            Self::LoadAgents => "load-agents",
            Self::ManageAgent => "manage-agent",
            Self::BackupDatabase => "backup-db",
            Self::Copies => "db-copies",
            Self::RestoreDialog => "restore-dialog",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::LoadQueue => "loading the closure queue",
            Self::PreviewPurge => "counting what the purge would delete",
            Self::Purge => "purging the due accounts",
            Self::LoadAudit => "reading the audit trail",
            Self::ExportAudit => "writing the audit CSV",
            Self::SaveDialog => "waiting for the save dialog",
            Self::LoadAgents => "loading the agents",
            Self::ManageAgent => "changing the agent",
            Self::BackupDatabase => "backing up the database",
            Self::Copies => "working on the copies of the database",
            Self::RestoreDialog => "waiting for the file picker",
        }
    }
}

/// What the operations pages ask for.
#[derive(Debug)]
pub enum OpsCommand {
    /// Read the closure queue again.
    ReloadQueue,
    /// "Cancel closure…": mail the customer a cancel code.
    BeginCancel(AccountId),
    /// Mail the customer another cancel code.
    ResendCancelCode,
    /// "Cancel closure" with the code the customer read out.
    ConfirmCancel(Secret),
    /// Close the cancel panel.
    CloseCancel,
    /// (Admins) "Purge due now…": list what would go.
    PreviewPurge,
    /// (Admins) Purge the listed accounts, once the admin's password is checked again.
    ConfirmPurge {
        /// The admin's password; checked on the worker.
        password: Secret,
        /// The accounts the admin was shown.
        accounts: Vec<AccountId>,
    },
    /// Close the purge confirmation (or its outcome) without purging.
    DismissPurge,
    /// Query the audit trail again after it failed.
    ReloadAudit,
    /// Load more audit lines.
    MoreAudit,
    /// "Export CSV…" through the save dialog, or to the typed path.
    ExportAudit(SaveAction),
    /// Read the agents list again.
    ReloadAgents,
    /// "Add agent".
    AddAgent {
        /// The sign-in name.
        name: String,
        /// What the agent may do.
        role: Role,
        /// The first password; hashed on the worker.
        password: Secret,
    },
    /// Ask to confirm disabling an agent (or, with `None`, close the question).
    AskDisable(Option<AgentId>),
    /// Disable (or enable again) an agent's sign-in.
    SetDisabled {
        /// The agent.
        agent: AgentId,
        /// Whether sign-in is to be refused.
        disabled: bool,
    },
    /// Open (or, with `None`, close) the password reset form of an agent.
    ShowReset(Option<AgentId>),
    /// "Set password" in the reset form.
    ResetPassword {
        /// The agent.
        agent: AgentId,
        /// The new password; hashed on the worker.
        password: Secret,
    },
    /// "Back up database…" through the save dialog, or to the typed path.
    BackupDatabase(SaveAction),
    /// A step of the copies panel.
    Copies(CopiesCommand),
}

/// Which file the operations save dialog is choosing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    /// The audit CSV.
    AuditCsv,
    /// The whole-database copy.
    DatabaseBackup,
}

/// A file written by the operations pages: chosen in the save dialog or typed.
#[derive(Debug, Default)]
pub struct SaveTarget {
    /// The text of the typed-path field.
    pub typed_path: String,
    /// Where it stands.
    pub stage: SaveStage,
    /// The save dialog answered at once without a file: it cannot open here.
    pub dialog_unavailable: bool,
}

impl SaveTarget {
    /// Whether the dialog is open or the file is being written.
    pub fn is_busy(&self) -> bool {
        matches!(self.stage, SaveStage::ChoosingFile | SaveStage::Writing(_))
    }

    /// Takes in the writer's result: what to tell the person, or why nothing was written.
    fn finish(&mut self, result: Result<String, String>) {
        self.stage = match result {
            Ok(saved) => {
                // The file was written, so the typed path needs no more pointing to.
                self.dialog_unavailable = false;
                SaveStage::Saved(saved)
            }
            Err(message) => SaveStage::Failed(message),
        };
    }
}

/// Where a [`SaveTarget`] stands.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum SaveStage {
    /// Nothing is happening.
    #[default]
    Idle,
    /// The native save dialog is open.
    ChoosingFile,
    /// The file is being written.
    Writing(PathBuf),
    /// The file was written; what to tell the person.
    Saved(String),
    /// Writing failed, or nothing was written.
    Failed(String),
}

/// The app's runner as the operations pages start their workers.
pub type OpsWorkers<'a> = Workers<'a, OpsJob, OpsOutput>;

/// What the operations workers hand back.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "it always travels boxed, in the app's results")]
pub enum OpsOutput {
    /// The closure queue.
    Queue(Result<Vec<QueueRow>, String>),
    /// What a purge would delete.
    PurgePreview(Result<Vec<PurgePreview>, String>),
    /// The password given to confirm the purge was refused: nothing was purged.
    PurgeRefused(String),
    /// The purge ended.
    Purged(Result<Vec<PurgeReceipt>, String>),
    /// A page of the audit trail.
    Audit {
        /// The filter as typed that the page answers.
        input: AuditFilterInput,
        /// How many lines were asked for.
        limit: usize,
        /// The page, or why there is none.
        result: Result<AuditPage, String>,
    },
    /// The save dialog closed.
    DialogClosed {
        /// What the file is for.
        purpose: DialogPurpose,
        /// The chosen file, or why there is none.
        answer: DialogAnswer,
    },
    /// The audit CSV was written (with its number of lines), or why not.
    AuditExported(Result<(PathBuf, usize), String>),
    /// The agents list.
    Agents(Result<Vec<AgentRow>, String>),
    /// An agent change: what to tell the admin, or why it failed.
    AgentChanged(Result<String, String>),
    /// The database copy was written, or why not.
    DatabaseBackedUp(Result<DbBackupReport, String>),
    /// A worker of the copies panel.
    Copies(CopiesOutput),
}

/// The session as core sees it.
fn principal(view: &AgentView) -> Principal {
    Principal::Agent { id: view.id, role: view.role }
}

/// Starts `work` as the `job` worker; a refusal to start is reported through `failed`.
fn start(
    jobs: &mut OpsWorkers<'_>,
    job: OpsJob,
    work: impl FnOnce() -> OpsOutput + Send + 'static,
) -> Result<(), String> {
    jobs.start(job, work).map_err(|err| err.to_string())
}

/// Applies a command of an operations page at `now`, starting workers through `jobs`.
pub fn apply(view: &mut AgentView, command: OpsCommand, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
    let session = principal(view);
    let db = jobs.db_path().to_owned();
    match command {
        OpsCommand::ReloadQueue => view.queue.wanted = true,
        OpsCommand::BeginCancel(account) => {
            if view.queue.cancel.as_ref().is_some_and(|cancel| cancel.flow.is_busy()) {
                return;
            }
            let masked = view
                .queue
                .rows
                .ready()
                .and_then(|rows| rows.iter().find(|row| row.account == account))
                .map(|row| crate::core::masking::mask_email(&row.email))
                .unwrap_or_default();
            // The desk's closure logic starts the step and routes its reply here.
            view.queue.cancel = Some(CancelView::new(account, masked));
        }
        OpsCommand::ResendCancelCode => {
            if let Some(cancel) = view.queue.cancel.as_mut() {
                cancel.flow.resend();
            }
        }
        OpsCommand::ConfirmCancel(code) => {
            if let Some(cancel) = view.queue.cancel.as_mut() {
                cancel.flow.confirm_code(code);
            }
        }
        OpsCommand::CloseCancel => {
            if view.queue.cancel.as_ref().is_none_or(|cancel| !cancel.flow.is_busy()) {
                view.queue.cancel = None;
            }
        }
        OpsCommand::PreviewPurge => {
            if !matches!(view.queue.purge, PurgeStage::Idle | PurgeStage::Done(_) | PurgeStage::Failed(_)) {
                return;
            }
            let started = start(jobs, OpsJob::PreviewPurge, move || {
                OpsOutput::PurgePreview(staff::preview_purge(&db, session, now).map_err(|err| err.to_string()))
            });
            view.queue.purge = match started {
                Ok(()) => PurgeStage::Previewing,
                Err(message) => PurgeStage::Failed(message),
            };
        }
        OpsCommand::ConfirmPurge { password, accounts } => {
            let PurgeStage::Confirming(confirm) = std::mem::take(&mut view.queue.purge) else {
                return;
            };
            let progress = SharedProgress::default();
            let shared = progress.clone();
            let ctx = jobs.ctx().clone();
            let started = start(jobs, OpsJob::Purge, move || {
                let mut report = |done: usize, total: usize| {
                    shared.set(done, total);
                    ctx.request_repaint();
                };
                match staff::run_confirmed_purge(&db, session, &password, &accounts, now, &mut report) {
                    Ok(receipts) => OpsOutput::Purged(Ok(receipts)),
                    Err(staff::StaffError::Refused(message)) => OpsOutput::PurgeRefused(message),
                    Err(err) => OpsOutput::Purged(Err(err.to_string())),
                }
            });
            view.queue.purge = match started {
                Ok(()) => PurgeStage::Running(progress, confirm.list),
                Err(message) => PurgeStage::Failed(message),
            };
        }
        OpsCommand::DismissPurge => {
            if !matches!(view.queue.purge, PurgeStage::Previewing | PurgeStage::Running(..)) {
                view.queue.purge = PurgeStage::Idle;
            }
        }
        OpsCommand::ReloadAudit => view.audit.shown_for = None,
        OpsCommand::MoreAudit => view.audit.limit += AUDIT_PAGE,
        OpsCommand::ExportAudit(action) => save(view, jobs, DialogPurpose::AuditCsv, action, now),
        OpsCommand::ReloadAgents => view.admin.agents_wanted = true,
        OpsCommand::AddAgent { name, role, password } => {
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > AGENT_NAME_MAX_CHARS {
                view.admin.error = Some(format!("Give the agent a name of 1 to {AGENT_NAME_MAX_CHARS} characters."));
                return;
            }
            if password.expose().chars().count() < password::MIN_LENGTH {
                view.admin.error =
                    Some(format!("The password must have at least {} characters.", password::MIN_LENGTH));
                return;
            }
            start_agent_change(view, jobs, "Adding the agent…", move || {
                staff::add_agent(&db, session, &name, role, &password, now)
            });
        }
        OpsCommand::AskDisable(agent) => {
            if view.admin.busy.is_none() {
                view.admin.confirm_disable = agent;
            }
        }
        OpsCommand::SetDisabled { agent, disabled } => {
            let busy = if disabled { "Disabling the agent…" } else { "Enabling the agent…" };
            start_agent_change(view, jobs, busy, move || staff::set_disabled(&db, session, agent, disabled, now));
        }
        OpsCommand::ShowReset(agent) => {
            if view.admin.busy.is_none() {
                view.admin.reset_for = agent;
                view.admin.reset_password = super::widgets::secret_field::SecretField::default();
                view.admin.reset_focused = false;
            }
        }
        OpsCommand::ResetPassword { agent, password } => {
            if password.expose().chars().count() < password::MIN_LENGTH {
                view.admin.error =
                    Some(format!("The password must have at least {} characters.", password::MIN_LENGTH));
                return;
            }
            start_agent_change(view, jobs, "Setting the password…", move || {
                staff::reset_password(&db, session, agent, &password, now)
            });
        }
        OpsCommand::BackupDatabase(action) => save(view, jobs, DialogPurpose::DatabaseBackup, action, now),
        OpsCommand::Copies(command) => agent_backups_ops::apply(&mut view.admin.copies, command, session, jobs, now),
    }
}

/// Takes in an operations worker's result.
pub fn on_output(view: &mut AgentView, output: OpsOutput, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
    match output {
        OpsOutput::Queue(result) => view.queue.rows = result.into(),
        OpsOutput::PurgePreview(result) => {
            view.queue.purge = match result {
                Ok(list) => PurgeStage::Confirming(PurgeConfirm { list, ..PurgeConfirm::default() }),
                Err(message) => PurgeStage::Failed(message),
            };
        }
        OpsOutput::PurgeRefused(message) => {
            if let PurgeStage::Running(_, list) = std::mem::take(&mut view.queue.purge) {
                view.queue.purge =
                    PurgeStage::Confirming(PurgeConfirm { list, error: Some(message), ..PurgeConfirm::default() });
            }
        }
        OpsOutput::Purged(result) => {
            view.queue.purge = match result {
                Ok(receipts) => PurgeStage::Done(receipts),
                Err(message) => PurgeStage::Failed(message),
            };
            view.queue.wanted = true;
        }
        OpsOutput::Audit { input, limit, result } => {
            if let Ok(page) = &result {
                view.audit.actions.clone_from(&page.actions);
            }
            view.audit.shown_for = Some((input, limit));
            view.audit.rows = result.into();
        }
        OpsOutput::DialogClosed { purpose, answer } => {
            let target = save_target(view, purpose);
            if target.stage != SaveStage::ChoosingFile {
                return;
            }
            target.stage = SaveStage::Idle;
            target.dialog_unavailable = answer.could_not_open();
            if let Some(path) = answer.chosen {
                // The dialog already asked before replacing an existing file.
                start_write(view, jobs, purpose, path, true, now);
            }
        }
        OpsOutput::AuditExported(result) => view.audit.export.finish(result.map(|(path, lines)| {
            format!(
                "Saved {} to {}",
                super::quantity::counted(lines as u64, "audit line", "audit lines"),
                path.display()
            )
        })),
        OpsOutput::Agents(result) => view.admin.agents = result.into(),
        OpsOutput::AgentChanged(result) => {
            view.admin.busy = None;
            match result {
                Ok(notice) => {
                    view.admin.notice = Some(notice);
                    view.admin.error = None;
                    view.admin.reset_for = None;
                    view.admin.confirm_disable = None;
                    view.admin.new_name.clear();
                    view.admin.agents_wanted = true;
                }
                Err(message) => view.admin.error = Some(message),
            }
        }
        OpsOutput::Copies(output) => {
            // A restored database holds other rows: what the pages show is read again.
            if agent_backups_ops::on_output(&mut view.admin.copies, output) {
                view.queue.wanted = true;
                view.admin.agents_wanted = true;
            }
        }
        OpsOutput::DatabaseBackedUp(result) => {
            // The new copy is in the catalogue.
            view.admin.copies.wanted = true;
            view.admin.backup.finish(result.map(|report| {
                format!(
                    "Database copied to {}: {}, {}, schema version {}.",
                    report.target.display(),
                    super::quantity::counted(report.accounts, "account", "accounts"),
                    super::quantity::byte_size(report.bytes),
                    report.schema_version
                )
            }));
        }
    }
}

/// A worker of an operations page died without a result: say so where it was awaited.
pub fn on_crashed(view: &mut AgentView, job: OpsJob, message: String) {
    match job {
        OpsJob::LoadQueue => view.queue.rows = Remote::Failed(message),
        OpsJob::PreviewPurge | OpsJob::Purge => view.queue.purge = PurgeStage::Failed(message),
        OpsJob::LoadAudit => {
            // Marked as answered, so that a failing query is not retried in a loop.
            view.audit.shown_for = Some((view.audit.input.clone(), view.audit.limit));
            view.audit.rows = Remote::Failed(message);
        }
        OpsJob::ExportAudit => view.audit.export.stage = SaveStage::Failed(message),
        OpsJob::SaveDialog => {
            for target in [&mut view.audit.export, &mut view.admin.backup] {
                if target.stage == SaveStage::ChoosingFile {
                    target.dialog_unavailable = true;
                    target.stage = SaveStage::Failed(message.clone());
                }
            }
        }
        OpsJob::LoadAgents => view.admin.agents = Remote::Failed(message),
        OpsJob::ManageAgent => {
            view.admin.busy = None;
            view.admin.error = Some(message);
        }
        OpsJob::BackupDatabase => view.admin.backup.stage = SaveStage::Failed(message),
        OpsJob::Copies | OpsJob::RestoreDialog => agent_backups_ops::on_crashed(&mut view.admin.copies, job, message),
    }
}

/// Starts the loads the page on show waits for and brings its clock up to date.
pub fn logic(view: &mut AgentView, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
    let session = principal(view);
    let db = jobs.db_path().to_owned();
    view.queue.now = now;
    if view.desk.lock.is_some() {
        // A locked desk shows no data: nothing is loaded until the agent unlocks it.
        return;
    }
    if view.page == AgentPage::Admin {
        agent_backups_ops::logic(&mut view.admin.copies, session, jobs, now);
    }
    match view.page {
        AgentPage::ClosureQueue if view.queue.wanted && !jobs.is_running(OpsJob::LoadQueue) => {
            view.queue.wanted = false;
            if view.queue.rows.ready().is_none() {
                view.queue.rows = Remote::Loading;
            }
            if let Err(message) = start(jobs, OpsJob::LoadQueue, move || {
                OpsOutput::Queue(staff::load_queue(&db, session).map_err(|err| err.to_string()))
            }) {
                view.queue.rows = Remote::Failed(message);
            }
        }
        AgentPage::Audit if view.audit.is_stale() && !jobs.is_running(OpsJob::LoadAudit) => {
            let input = view.audit.input.clone();
            let limit = view.audit.limit;
            let query = match input.parse() {
                Ok(query) => query,
                Err(message) => {
                    view.audit.shown_for = Some((input, limit));
                    view.audit.rows = Remote::Failed(message);
                    return;
                }
            };
            let answered = input.clone();
            if let Err(message) = start(jobs, OpsJob::LoadAudit, move || OpsOutput::Audit {
                input: answered,
                limit,
                result: staff::load_audit(&db, session, query, limit).map_err(|err| err.to_string()),
            }) {
                view.audit.shown_for = Some((input, limit));
                view.audit.rows = Remote::Failed(message);
            }
        }
        AgentPage::Admin if view.admin.agents_wanted && !jobs.is_running(OpsJob::LoadAgents) => {
            view.admin.agents_wanted = false;
            if let Err(message) = start(jobs, OpsJob::LoadAgents, move || {
                OpsOutput::Agents(staff::load_agents(&db, session).map_err(|err| err.to_string()))
            }) {
                view.admin.agents = Remote::Failed(message);
            }
        }
        _ => {}
    }
}

fn start_agent_change(
    view: &mut AgentView,
    jobs: &mut OpsWorkers<'_>,
    busy: &'static str,
    work: impl FnOnce() -> Result<String, staff::StaffError> + Send + 'static,
) {
    if view.admin.busy.is_some() {
        return;
    }
    view.admin.notice = None;
    view.admin.error = None;
    match start(jobs, OpsJob::ManageAgent, move || OpsOutput::AgentChanged(work().map_err(|err| err.to_string()))) {
        Ok(()) => view.admin.busy = Some(busy),
        Err(message) => view.admin.error = Some(message),
    }
}

/// The file target of `purpose` on its page.
fn save_target(view: &mut AgentView, purpose: DialogPurpose) -> &mut SaveTarget {
    match purpose {
        DialogPurpose::AuditCsv => &mut view.audit.export,
        DialogPurpose::DatabaseBackup => &mut view.admin.backup,
    }
}

/// "Export CSV…", "Back up database…" and their typed paths: opens the save dialog, or
/// writes to the typed path, unless the target is busy.
fn save(view: &mut AgentView, jobs: &mut OpsWorkers<'_>, purpose: DialogPurpose, action: SaveAction, now: Timestamp) {
    // The CSV holds the lines on show: nothing to export before they are.
    if purpose == DialogPurpose::AuditCsv && view.audit.rows.ready().is_none() {
        return;
    }
    let target = save_target(view, purpose);
    if target.is_busy() {
        return;
    }
    match action {
        SaveAction::Dialog => open_dialog(target, jobs, purpose, now),
        SaveAction::Typed => {
            if let Some(path) = typed_target(target) {
                start_write(view, jobs, purpose, path, false, now);
            }
        }
    }
}

fn open_dialog(target: &mut SaveTarget, jobs: &mut OpsWorkers<'_>, purpose: DialogPurpose, now: Timestamp) {
    let dialog = jobs.file_dialog();
    let started = start(jobs, OpsJob::SaveDialog, move || OpsOutput::DialogClosed {
        purpose,
        answer: save_dialog(purpose, now).run(dialog),
    });
    match started {
        Ok(()) => {
            target.stage = SaveStage::ChoosingFile;
            target.dialog_unavailable = false;
        }
        Err(message) => target.stage = SaveStage::Failed(message),
    }
}

/// The typed path, or `None` (with a message) when the field is empty.
fn typed_target(target: &mut SaveTarget) -> Option<PathBuf> {
    let typed = target.typed_path.trim();
    if typed.is_empty() {
        target.stage = SaveStage::Failed("Type the path of the file first.".to_owned());
        return None;
    }
    Some(resolve_typed_path(Path::new(typed)))
}

/// Writes the file of `purpose` to `path` on its worker: the audit lines on show as CSV, or
/// the database copy.
fn start_write(
    view: &mut AgentView,
    jobs: &mut OpsWorkers<'_>,
    purpose: DialogPurpose,
    path: PathBuf,
    overwrite: bool,
    now: Timestamp,
) {
    let session = principal(view);
    let db = jobs.db_path().to_owned();
    let written = path.clone();
    let started = match purpose {
        DialogPurpose::AuditCsv => {
            let Some(filter) = view.audit.rows.ready().map(|page| page.filter.clone()) else {
                return;
            };
            start(jobs, OpsJob::ExportAudit, move || {
                OpsOutput::AuditExported(create_missing_folder(&written).and_then(|()| {
                    staff::export_audit_csv(&db, session, &filter, &written, overwrite, now)
                        .map(|lines| (written, lines))
                        .map_err(|err| err.to_string())
                }))
            })
        }
        DialogPurpose::DatabaseBackup => start(jobs, OpsJob::BackupDatabase, move || {
            OpsOutput::DatabaseBackedUp(create_missing_folder(&written).and_then(|()| {
                staff::backup_database(&db, session, &written, overwrite, now).map_err(|err| err.to_string())
            }))
        }),
    };
    save_target(view, purpose).stage = match started {
        Ok(()) => SaveStage::Writing(path),
        Err(message) => SaveStage::Failed(message),
    };
}

/// The save dialog of `purpose`, offering a file named for the local day of `now`.
fn save_dialog(purpose: DialogPurpose, now: Timestamp) -> SaveDialog {
    let day = now.to_zoned_datetime(TimeZone::system()).strftime("%Y%m%d").to_string();
    match purpose {
        DialogPurpose::AuditCsv => SaveDialog {
            title: "Export the audit trail",
            file_name: format!("closedesk-audit-{day}.csv"),
            filter: "CSV",
            extension: "csv",
        },
        DialogPurpose::DatabaseBackup => SaveDialog {
            title: "Back up the database",
            file_name: format!("closedesk-database-{day}.db"),
            filter: "SQLite database",
            extension: "db",
        },
    }
}

/// A file target: "… button" for the native dialog, and a typed path with its own button,
/// then the file being written or the outcome.
pub fn save_target_ui(
    ui: &mut Ui,
    target: &mut SaveTarget,
    dialog_label: &str,
    path_label: &str,
    example_file: &str,
    save_label: &str,
    enabled: bool,
) -> Option<SaveAction> {
    let prompt = SavePrompt {
        dialog_button: dialog_label,
        dialog_hover: "Choose where to save the file",
        typed_heading: None,
        path_label,
        example_file,
        save_button: save_label,
        field_width: Some(360.0),
    };
    let progress = SaveProgress {
        enabled: enabled && !target.is_busy(),
        choosing: target.stage == SaveStage::ChoosingFile,
        dialog_unavailable: target.dialog_unavailable,
    };
    let action = save_file_ui(ui, &mut target.typed_path, &prompt, progress);
    match &target.stage {
        SaveStage::Idle | SaveStage::ChoosingFile => {}
        SaveStage::Writing(path) => {
            progress_ui(ui, &format!("Writing {}…", path.display()));
        }
        SaveStage::Saved(text) => {
            ui.label(RichText::new(text).color(theme::accent(ui.visuals())));
        }
        SaveStage::Failed(text) => {
            error_text_ui(ui, text);
        }
    }
    action
}
