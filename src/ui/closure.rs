//! The background work of the account settings area: the closure wizard and its
//! cancellation, each step run by the `closing` driver on a worker's own connection, and the
//! settings page's data.
//!
//! Screens ask for these with a [`ClosureCommand`]; the app turns most of them into a
//! [`ClosureRequest`], runs it as a `JobKind::Closure` job and routes the [`ClosureOutput`]
//! back to the screen whose flow asked for it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;

use crate::auth::Secret;
use crate::core::AccountId;
use crate::core::closure::Reason;
use crate::core::permissions::Principal;
use crate::service;

use super::mailbox::MailItem;
use super::screens::settings::SettingsData;

pub use crate::service::closure::{ClosureReply, ClosureRequest, FlowInfo};

/// A new id for a flow (a wizard, or a closure-pending screen), so that a worker's result
/// reaches only the flow that asked for it.
pub fn next_flow_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

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
    /// "Close account…": continue the wizard in progress, or start a new one.
    StartClosing,
    /// Leave the wizard for the settings page, dropping its progress.
    LeaveWizard,
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

/// What the area's workers hand back.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "it always travels boxed, in `JobOutput::Closure`")]
pub enum ClosureOutput {
    /// A closure step finished.
    Stepped {
        /// The flow (wizard or cancel screen) that asked; others ignore it.
        flow: u64,
        /// The reply, or why the step could not be carried out.
        result: Result<ClosureReply, String>,
    },
    /// The mailbox was read.
    Mailbox {
        /// Whose mail.
        account: AccountId,
        /// The newest mails, or why they cannot be read.
        result: Result<Vec<MailItem>, String>,
    },
    /// The settings page's data was read.
    Settings {
        /// Whose settings.
        account: AccountId,
        /// The data, or why it cannot be read.
        result: Result<SettingsData, String>,
    },
}

/// Runs one closure step for `flow` as `session` (a customer on their own account, or an
/// agent assisting). Runs argon2 for password steps: call it on a worker thread.
pub fn run(db_path: &Path, flow: u64, session: Principal, request: ClosureRequest, now: Timestamp) -> ClosureOutput {
    // The error is handled once: the screen shows it.
    let result = service::closure::step(db_path, session, request, now).map_err(|err| err.to_string());
    ClosureOutput::Stepped { flow, result }
}
