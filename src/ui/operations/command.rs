//! What the operations pages ask for, the workers they start, and what those hand back.

use std::path::PathBuf;

use crate::auth::Secret;
use crate::backup::DbBackupReport;
use crate::core::{AccountId, AgentId, Role};
use crate::service::ServiceResult;
use crate::service::backups::CopyStatus;
use crate::service::staff::{AgentRow, AuditPage, PurgePreview, PurgeReceipt, QueueRow};
use crate::ui::jobs::JobKey;
use crate::ui::save_file::{DialogAnswer, SaveAction};
use crate::ui::workers::Workers;

use super::audit_filter::AuditFilterInput;
use super::backups::CopiesCommand;

/// Audit lines the viewer loads at first, and adds with each "Show more".
pub const AUDIT_PAGE: usize = 500;
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

/// The app's runner as the operations pages start their workers.
pub type OpsWorkers<'a> = Workers<'a, OpsJob, OpsOutput>;

/// What the operations workers hand back.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "it always travels boxed, in the app's results")]
pub enum OpsOutput {
    /// The closure queue.
    Queue(ServiceResult<Vec<QueueRow>>),
    /// What a purge would delete.
    PurgePreview(ServiceResult<Vec<PurgePreview>>),
    /// The password given to confirm the purge was refused: nothing was purged.
    PurgeRefused(String),
    /// The purge ended.
    Purged(ServiceResult<Vec<PurgeReceipt>>),
    /// A page of the audit trail.
    Audit {
        /// The filter as typed that the page answers.
        input: AuditFilterInput,
        /// How many lines were asked for.
        limit: usize,
        /// The page, or why there is none.
        result: ServiceResult<AuditPage>,
    },
    /// The save dialog closed.
    DialogClosed {
        /// What the file is for.
        purpose: DialogPurpose,
        /// The chosen file, or why there is none.
        answer: DialogAnswer,
    },
    /// The audit CSV was written (with its number of lines), or why not.
    AuditExported(ServiceResult<(PathBuf, usize)>),
    /// The agents list.
    Agents(ServiceResult<Vec<AgentRow>>),
    /// An agent change: what to tell the admin, or why it failed.
    AgentChanged(ServiceResult<String>),
    /// The database copy was written, or why not.
    DatabaseBackedUp(ServiceResult<DbBackupReport>),
    /// A worker of the copies panel.
    Copies(CopiesOutput),
}

impl OpsOutput {
    /// Whether the worker found the agent's session over: disabled or removed since signing in.
    /// (A demotion is a refusal, which the page shows.)
    pub fn ends_session(&self) -> bool {
        match self {
            Self::Queue(Err(err))
            | Self::PurgePreview(Err(err))
            | Self::Purged(Err(err))
            | Self::Audit { result: Err(err), .. }
            | Self::AuditExported(Err(err))
            | Self::Agents(Err(err))
            | Self::AgentChanged(Err(err))
            | Self::DatabaseBackedUp(Err(err))
            | Self::Copies(
                CopiesOutput::Listed(Err(err)) | CopiesOutput::Deleted(Err(err)) | CopiesOutput::Restored(Err(err)),
            ) => err.ends_session(),
            _ => false,
        }
    }
}

/// What the copies workers hand back.
#[derive(Debug)]
pub enum CopiesOutput {
    /// The catalogue.
    Listed(ServiceResult<Vec<CopyStatus>>),
    /// A copy was deleted (what to say), or why not.
    Deleted(ServiceResult<String>),
    /// The file picker closed.
    Picked(DialogAnswer),
    /// The restore's receipt in words, or why nothing was restored.
    Restored(ServiceResult<String>),
}
