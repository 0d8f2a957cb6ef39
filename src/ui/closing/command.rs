//! What the closure screens ask for: the account settings area, the closure wizard and the
//! closure-pending screen (and, for an agent, the assisted closure).

use crate::auth::Secret;
use crate::core::closure::Reason;

use super::export::ExportCommand;

/// The pages of a signed-in customer's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaPage {
    /// The account overview.
    Overview,
    /// The account settings: backups, closing the account, subscriptions.
    Settings,
    /// The closure wizard, opened from the settings.
    Wizard,
}

/// What the account settings area, the closure wizard and the closure-pending screen ask for.
#[derive(Debug)]
pub enum ClosureCommand {
    /// Show a page (from the top bar or a link).
    ShowPage(AreaPage),
    /// Load the settings page's data again after it failed.
    ReloadSettings,
    /// Turn a subscription on or off (the customer's own choice; audited).
    SetSubscription {
        /// The topic as stored.
        topic: String,
        /// Whether it is to be on.
        enabled: bool,
    },
    /// "Close account…": continue the wizard in progress, or start a new one.
    StartClosing,
    /// Leave the wizard for the settings page, dropping its progress.
    LeaveWizard,
    /// A blocker's link: set the wizard aside at its step and show the rows in the way.
    ShowBlockerRows {
        /// The table.
        listing: crate::service::dashboard::Listing,
        /// The statuses to keep.
        statuses: Vec<&'static str>,
    },
    /// "Back to closing": the wizard set aside for a blocker's rows, at the same step.
    BackToClosing,
    /// Run the readiness check again (after clearing a blocker elsewhere).
    CheckReadiness,
    /// "I understand" was ticked and "Continue" pressed.
    AcknowledgeWarnings,
    /// The password was entered again; checked with argon2 on the worker.
    SubmitPassword(Secret),
    /// A reason (and an optional note) was picked.
    ChooseReason {
        /// The reason.
        reason: Reason,
        /// The note as typed; blank means none.
        note: String,
    },
    /// A backup was taken, or "Continue without a backup" was pressed.
    DecideBackup {
        /// Whether a backup file was written.
        taken: bool,
    },
    /// "Send code": the summary was accepted.
    SendCode,
    /// "Resend code".
    ResendCode,
    /// "Confirm & Close".
    Confirm {
        /// The code as typed.
        code: Secret,
        /// The email as typed.
        email: String,
        /// The phrase as typed.
        phrase: String,
    },
    /// Go back one step, as far as the state machine allows.
    Back,
    /// Read the mailbox again.
    RefreshMailbox,
    /// Go to the closure-pending screen to cancel the closure.
    OpenCancel,
    /// (Closure-pending screen) the password was entered: check it and mail a cancel code.
    CancelWithPassword(Secret),
    /// (Closure-pending screen) mail another cancel code.
    ResendCancelCode,
    /// (Closure-pending screen) "Cancel closure" with the mailed code.
    ConfirmCancel {
        /// The code as typed.
        code: Secret,
    },
    /// (Closure-pending screen) load the scheduled deletion again after it failed.
    ReloadPending,
}

/// What a closure screen asks for: a step of the flow, or something of its backup panel.
#[derive(Debug)]
pub enum ClosingCommand {
    /// The closure flow or the settings area.
    Closure(ClosureCommand),
    /// The backup panel.
    Export(ExportCommand),
}

impl From<ClosureCommand> for ClosingCommand {
    fn from(command: ClosureCommand) -> Self {
        Self::Closure(command)
    }
}

impl From<ExportCommand> for ClosingCommand {
    fn from(command: ExportCommand) -> Self {
        Self::Export(command)
    }
}
