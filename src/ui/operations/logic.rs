//! The operations side of the agent desk, as the app drives it: the closure queue (cancel with
//! the customer's code, purge), the audit viewer and its CSV export, and the admin page
//! (agents, whole-database backup).
//!
//! Screens return an [`OpsCommand`]; [`apply`] turns it into work on a named worker
//! ([`OpsJob`], through the app's one job runner), each running an operation of
//! [`crate::service::staff`], which checks the permission in core first; [`on_output`] takes the result
//! back into the page that asked.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::password;
use crate::core::closure::Step;
use crate::core::permissions::Principal;
use crate::service::staff::{self, StaffError};
use crate::ui::closing::flow::{ClosureFlow, ClosureReply};
use crate::ui::remote::Remote;
use crate::ui::save_file::{SaveAction, SaveDialog, create_missing_folder, resolve_typed_path};
use crate::ui::widgets::secret_field::SecretField;

use super::admin::AdminView;
use super::audit::AuditView;
use super::backups_logic;
use super::command::{AUDIT_PAGE, DialogPurpose, OpsCommand, OpsJob, OpsOutput, OpsWorkers};
use super::purge_confirm::PurgeConfirm;
use super::queue::{CancelView, PurgeStage, QueueView, SharedProgress};
use super::save_target::{SaveStage, SaveTarget};

/// The longest agent name the admin page accepts.
const AGENT_NAME_MAX_CHARS: usize = 64;

/// The operations pages of an agent session.
#[derive(Debug, Default)]
pub struct Pages {
    /// The closure queue page.
    pub queue: QueueView,
    /// The audit viewer page.
    pub audit: AuditView,
    /// The admin page.
    pub admin: AdminView,
}

/// Which operations page is on show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpsPage {
    /// The closure queue.
    ClosureQueue,
    /// The audit viewer.
    Audit,
    /// The admin page.
    Admin,
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
pub fn apply(view: &mut Pages, session: Principal, command: OpsCommand, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
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
                OpsOutput::PurgePreview(staff::preview_purge(&db, session, now))
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
                    Err(err) => OpsOutput::Purged(Err(err)),
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
        OpsCommand::ExportAudit(action) => save(view, session, jobs, DialogPurpose::AuditCsv, action, now),
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
                view.admin.reset_password = SecretField::default();
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
        OpsCommand::BackupDatabase(action) => save(view, session, jobs, DialogPurpose::DatabaseBackup, action, now),
        OpsCommand::Copies(command) => backups_logic::apply(&mut view.admin.copies, command, session, jobs, now),
    }
}

/// Takes in an operations worker's result.
pub fn on_output(view: &mut Pages, session: Principal, output: OpsOutput, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
    match output {
        OpsOutput::Queue(result) => view.queue.rows = result.into(),
        OpsOutput::PurgePreview(result) => {
            view.queue.purge = match result {
                Ok(list) => PurgeStage::Confirming(PurgeConfirm { list, ..PurgeConfirm::default() }),
                Err(err) => PurgeStage::Failed(err.to_string()),
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
                Err(err) => PurgeStage::Failed(err.to_string()),
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
                start_write(view, session, jobs, purpose, path, true, now);
            }
        }
        OpsOutput::AuditExported(result) => view.audit.export.finish(result.map(|(path, lines)| {
            format!(
                "Saved {} to {}",
                crate::ui::quantity::counted(lines as u64, "audit line", "audit lines"),
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
                Err(err) => view.admin.error = Some(err.to_string()),
            }
        }
        OpsOutput::Copies(output) => {
            // A restored database holds other rows: what the pages show is read again.
            if backups_logic::on_output(&mut view.admin.copies, output) {
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
                    crate::ui::quantity::counted(report.accounts, "account", "accounts"),
                    crate::ui::quantity::byte_size(report.bytes),
                    report.schema_version
                )
            }));
        }
    }
}

/// A worker of an operations page died without a result: say so where it was awaited.
pub fn on_crashed(view: &mut Pages, job: OpsJob, message: String) {
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
        OpsJob::Copies | OpsJob::RestoreDialog => backups_logic::on_crashed(&mut view.admin.copies, job, message),
    }
}

/// Starts the loads the page on show waits for and brings its clock up to date.
///
/// `shown` is the page on show, if an operations page is; nothing is loaded while the desk
/// is `locked`, since a locked desk shows no data until the agent unlocks it.
pub fn logic(
    view: &mut Pages,
    session: Principal,
    shown: Option<OpsPage>,
    locked: bool,
    jobs: &mut OpsWorkers<'_>,
    now: Timestamp,
) {
    let db = jobs.db_path().to_owned();
    view.queue.now = now;
    if locked {
        return;
    }
    if shown == Some(OpsPage::Admin) {
        backups_logic::logic(&mut view.admin.copies, session, jobs, now);
    }
    match shown {
        Some(OpsPage::ClosureQueue) if view.queue.wanted && !jobs.is_running(OpsJob::LoadQueue) => {
            view.queue.wanted = false;
            if view.queue.rows.ready().is_none() {
                view.queue.rows = Remote::Loading;
            }
            if let Err(message) =
                start(jobs, OpsJob::LoadQueue, move || OpsOutput::Queue(staff::load_queue(&db, session)))
            {
                view.queue.rows = Remote::Failed(message);
            }
        }
        Some(OpsPage::Audit) if view.audit.is_stale() && !jobs.is_running(OpsJob::LoadAudit) => {
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
                result: staff::load_audit(&db, session, query, limit),
            }) {
                view.audit.shown_for = Some((input, limit));
                view.audit.rows = Remote::Failed(message);
            }
        }
        Some(OpsPage::Admin) if view.admin.agents_wanted && !jobs.is_running(OpsJob::LoadAgents) => {
            view.admin.agents_wanted = false;
            if let Err(message) =
                start(jobs, OpsJob::LoadAgents, move || OpsOutput::Agents(staff::load_agents(&db, session)))
            {
                view.admin.agents = Remote::Failed(message);
            }
        }
        _ => {}
    }
}

fn start_agent_change(
    view: &mut Pages,
    jobs: &mut OpsWorkers<'_>,
    busy: &'static str,
    work: impl FnOnce() -> Result<String, staff::StaffError> + Send + 'static,
) {
    if view.admin.busy.is_some() {
        return;
    }
    view.admin.notice = None;
    view.admin.error = None;
    match start(jobs, OpsJob::ManageAgent, move || OpsOutput::AgentChanged(work())) {
        Ok(()) => view.admin.busy = Some(busy),
        Err(message) => view.admin.error = Some(message),
    }
}

/// The file target of `purpose` on its page.
fn save_target(view: &mut Pages, purpose: DialogPurpose) -> &mut SaveTarget {
    match purpose {
        DialogPurpose::AuditCsv => &mut view.audit.export,
        DialogPurpose::DatabaseBackup => &mut view.admin.backup,
    }
}

/// "Export CSV…", "Back up database…" and their typed paths: opens the save dialog, or
/// writes to the typed path, unless the target is busy.
fn save(
    view: &mut Pages,
    session: Principal,
    jobs: &mut OpsWorkers<'_>,
    purpose: DialogPurpose,
    action: SaveAction,
    now: Timestamp,
) {
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
                start_write(view, session, jobs, purpose, path, false, now);
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
    view: &mut Pages,
    session: Principal,
    jobs: &mut OpsWorkers<'_>,
    purpose: DialogPurpose,
    path: PathBuf,
    overwrite: bool,
    now: Timestamp,
) {
    let db = jobs.db_path().to_owned();
    let written = path.clone();
    let started = match purpose {
        DialogPurpose::AuditCsv => {
            let Some(filter) = view.audit.rows.ready().map(|page| page.filter.clone()) else {
                return;
            };
            start(jobs, OpsJob::ExportAudit, move || {
                OpsOutput::AuditExported(create_missing_folder(&written).map_err(StaffError::Refused).and_then(|()| {
                    staff::export_audit_csv(&db, session, &filter, &written, overwrite, now)
                        .map(|lines| (written, lines))
                }))
            })
        }
        DialogPurpose::DatabaseBackup => start(jobs, OpsJob::BackupDatabase, move || {
            OpsOutput::DatabaseBackedUp(
                create_missing_folder(&written)
                    .map_err(StaffError::Refused)
                    .and_then(|()| staff::backup_database(&db, session, &written, overwrite, now)),
            )
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

/// Whether `flow` is the closure queue's cancel panel's: its replies come here.
pub fn is_cancel_flow(view: &Pages, flow: u64) -> bool {
    view.queue.cancel.as_ref().is_some_and(|cancel| cancel.flow.flow == flow)
}

/// Takes in a step of the queue's assisted cancellation; a cancellation carried out reloads
/// the queue.
pub fn on_cancel_stepped(view: &mut Pages, result: crate::service::ServiceResult<ClosureReply>) {
    if let Some(cancel) = view.queue.cancel.as_mut()
        && cancel.flow.on_reply(result).is_some_and(|news| news.reached(Step::Done))
    {
        view.queue.wanted = true;
    }
}

/// The queue's cancel panel's flow, whose step waits for the closure worker.
pub fn queued_flow(view: &mut Pages) -> Option<&mut ClosureFlow> {
    view.queue.cancel.as_mut().map(|cancel| &mut cancel.flow)
}
