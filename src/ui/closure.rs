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
use rusqlite::Connection;

use crate::auth::Secret;
use crate::closing::{Closing, ClosingError, Stepped};
use crate::core::audit::Actor;
use crate::core::closure::{Event, Purpose, Reason, Refusal, Step, Wizard};
use crate::core::masking::mask_email;
use crate::core::permissions::{Action, Principal, authorize, authorize_session};
use crate::core::policy::Policy;
use crate::core::readiness::Readiness;
use crate::core::{AccountId, AccountRef, AccountStatus};
use crate::paths;
use crate::settings::{self, SettingsError};
use crate::store::accounts::{self, AccountCounts, ClosureRow};
use crate::store::export::{self as rows, CellRef, Table};
use crate::store::{self, StoreError};

use super::mailbox::MailItem;
use super::screens::settings::{SettingsData, Subscription};

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

/// One step for the closure worker.
#[derive(Debug)]
pub enum ClosureRequest {
    /// Start a closure: a new request, its first readiness check and what the wizard shows.
    BeginClose {
        /// The account to close.
        account: AccountId,
    },
    /// Check readiness again.
    CheckReadiness {
        /// The wizard as it stands.
        wizard: Wizard,
    },
    /// Apply a quick event (warnings, reason, backup, back).
    Step {
        /// The wizard as it stands.
        wizard: Wizard,
        /// What happened.
        event: Event,
    },
    /// Check the re-entered password (argon2).
    Password {
        /// The wizard as it stands.
        wizard: Wizard,
        /// The password, wiped when the worker drops it.
        password: Secret,
    },
    /// Accept the summary: a code is drawn and mailed.
    SendCode {
        /// The wizard as it stands.
        wizard: Wizard,
    },
    /// Mail a new code in place of the last one.
    Resend {
        /// The wizard as it stands.
        wizard: Wizard,
    },
    /// Confirm with the typed code (and, when closing, email and phrase).
    Confirm {
        /// The wizard as it stands.
        wizard: Wizard,
        /// The code as typed.
        code: Secret,
        /// The email as typed (closing only).
        email: String,
        /// The phrase as typed (closing only).
        phrase: String,
    },
    /// Start a cancellation: check the password and, if right, mail a cancel code.
    BeginCancel {
        /// The closure-pending account.
        account: AccountId,
        /// The password, wiped when the worker drops it.
        password: Secret,
    },
    /// (Agents) start an assisted cancellation: mail a cancel code to the customer, who reads
    /// it out; no password.
    BeginAssistedCancel {
        /// The closure-pending account.
        account: AccountId,
    },
    /// Read what the closure-pending screen shows.
    PendingInfo {
        /// The closure-pending account.
        account: AccountId,
    },
}

impl ClosureRequest {
    /// What the worker is doing, for the spinner.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::BeginClose { .. } | Self::CheckReadiness { .. } => "Checking what stands in the way…",
            Self::Step { event: Event::Back, .. } => "Going back…",
            Self::Step { .. } => "Saving…",
            Self::Password { .. } => "Checking the password…",
            Self::SendCode { .. } | Self::Resend { .. } => "Sending the code…",
            Self::Confirm { wizard, .. } if wizard.purpose == Purpose::Cancel => "Cancelling the closure…",
            Self::Confirm { .. } => "Closing the account…",
            Self::BeginCancel { .. } => "Checking the password and sending a code…",
            Self::BeginAssistedCancel { .. } => "Sending a code to the customer…",
            Self::PendingInfo { .. } => "Loading…",
        }
    }
}

/// What the wizard shows beside the state machine's state, read once per flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowInfo {
    /// The account's display name.
    pub display_name: String,
    /// The registered email, masked: codes are "sent to am***@example.com".
    pub masked_email: String,
    /// The policy in force (grace period, code lifetime, tries).
    pub policy: Policy,
    /// The rows the account holds, for the summary.
    pub counts: AccountCounts,
    /// The account's status.
    pub status: AccountStatus,
    /// The pending closure, if there is one.
    pub closure: Option<ClosureRow>,
}

/// What a closure step gave back.
#[derive(Debug, Default)]
pub struct ClosureReply {
    /// The wizard after the step.
    pub wizard: Option<Wizard>,
    /// Why the step was refused, if it was.
    pub refusal: Option<Refusal>,
    /// The readiness verdict, when the step checked it.
    pub readiness: Option<Readiness>,
    /// What the wizard shows, when the step read it.
    pub info: Option<FlowInfo>,
    /// Whether a code was mailed.
    pub code_mailed: bool,
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

/// Why a closure step could not be carried out (as opposed to being refused by the rules).
#[derive(Debug, thiserror::Error)]
enum FlowError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Closing(#[from] ClosingError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Denied(#[from] crate::core::permissions::Denied),
}

/// Runs one closure step for `flow` against the database at `db_path`, as of `now`.
///
/// Runs argon2 for password steps: call it on a worker thread, never the UI thread.
pub fn run(db_path: &Path, flow: u64, request: ClosureRequest, now: Timestamp) -> ClosureOutput {
    // The error is handled once: the screen shows it.
    let result = run_request(db_path, request, now, None).map_err(|err| err.to_string());
    ClosureOutput::Stepped { flow, result }
}

/// Runs one step of a closure that support agent `agent` assists: the audit names the agent,
/// the wizard is assisted (the mailed code proves the customer's identity), and the agent's
/// permission for the account is checked first. Call it on a worker thread.
pub fn run_for_agent(
    db_path: &Path,
    flow: u64,
    request: ClosureRequest,
    now: Timestamp,
    agent: Principal,
) -> ClosureOutput {
    let result = run_request(db_path, request, now, Some(agent)).map_err(|err| err.to_string());
    ClosureOutput::Stepped { flow, result }
}

fn run_request(
    db_path: &Path,
    request: ClosureRequest,
    now: Timestamp,
    agent: Option<Principal>,
) -> Result<ClosureReply, FlowError> {
    let account = match &request {
        ClosureRequest::BeginClose { account }
        | ClosureRequest::BeginCancel { account, .. }
        | ClosureRequest::BeginAssistedCancel { account }
        | ClosureRequest::PendingInfo { account } => *account,
        ClosureRequest::CheckReadiness { wizard }
        | ClosureRequest::Step { wizard, .. }
        | ClosureRequest::Password { wizard, .. }
        | ClosureRequest::SendCode { wizard }
        | ClosureRequest::Resend { wizard }
        | ClosureRequest::Confirm { wizard, .. } => wizard.account,
    };
    let actor = match agent {
        Some(principal) => {
            let cancelling = match &request {
                ClosureRequest::BeginCancel { .. } | ClosureRequest::BeginAssistedCancel { .. } => true,
                ClosureRequest::CheckReadiness { wizard }
                | ClosureRequest::Step { wizard, .. }
                | ClosureRequest::Password { wizard, .. }
                | ClosureRequest::SendCode { wizard }
                | ClosureRequest::Resend { wizard }
                | ClosureRequest::Confirm { wizard, .. } => wizard.purpose == Purpose::Cancel,
                ClosureRequest::BeginClose { .. } | ClosureRequest::PendingInfo { .. } => false,
            };
            let action = if cancelling { Action::CancelClosure(account) } else { Action::CloseAccount(account) };
            authorize(principal, action)?;
            principal.actor()
        }
        None => Actor::Customer(account),
    };
    let mut conn = store::open_existing(db_path)?;
    let policy = settings::load_policy(&settings::settings_path(db_path))?;
    let wants_info = matches!(
        request,
        ClosureRequest::BeginClose { .. }
            | ClosureRequest::BeginCancel { .. }
            | ClosureRequest::BeginAssistedCancel { .. }
            | ClosureRequest::PendingInfo { .. }
            | ClosureRequest::Confirm { .. }
    );
    let mut reply = ClosureReply::default();
    {
        let mut closing = Closing::new(&mut conn, paths::outbox_dir(db_path), policy, actor);
        match request {
            ClosureRequest::BeginClose { account } => {
                let wizard = closing.begin(account, Purpose::Close)?;
                let (stepped, readiness) = closing.check_readiness(wizard, now)?;
                reply.readiness = Some(readiness);
                take(&mut reply, stepped);
            }
            ClosureRequest::CheckReadiness { wizard } => {
                let (stepped, readiness) = closing.check_readiness(wizard, now)?;
                reply.readiness = Some(readiness);
                take(&mut reply, stepped);
            }
            ClosureRequest::Step { wizard, event } => {
                let stepped = closing.step(wizard, event, now)?;
                let back_at_readiness = stepped.refusal.is_none()
                    && stepped.wizard.purpose == Purpose::Close
                    && stepped.wizard.step == Step::Readiness;
                if back_at_readiness {
                    // Readiness is checked again whenever the wizard comes back to it.
                    let (stepped, readiness) = closing.check_readiness(stepped.wizard, now)?;
                    reply.readiness = Some(readiness);
                    take(&mut reply, stepped);
                } else {
                    take(&mut reply, stepped);
                }
            }
            ClosureRequest::Password { wizard, password } => {
                take(&mut reply, closing.enter_password(wizard, &password, now)?);
            }
            ClosureRequest::SendCode { wizard } => take(&mut reply, closing.accept_summary(wizard, now)?),
            ClosureRequest::Resend { wizard } => take(&mut reply, closing.resend_code(wizard, now)?),
            ClosureRequest::Confirm { wizard, code, email, phrase } => {
                take(&mut reply, closing.confirm(wizard, code.expose(), &email, &phrase, now)?);
            }
            ClosureRequest::BeginCancel { account, password } => {
                let wizard = closing.begin(account, Purpose::Cancel)?;
                let stepped = closing.enter_password(wizard, &password, now)?;
                drop(password);
                if stepped.refusal.is_none() && stepped.wizard.step == Step::Summary {
                    // Cancelling has no summary to read: the code goes out with the right password.
                    take(&mut reply, closing.accept_summary(stepped.wizard, now)?);
                } else {
                    take(&mut reply, stepped);
                }
            }
            ClosureRequest::BeginAssistedCancel { account } => {
                // An assisted cancellation starts at the summary: the code goes out at once.
                let wizard = closing.begin(account, Purpose::Cancel)?;
                take(&mut reply, closing.accept_summary(wizard, now)?);
            }
            ClosureRequest::PendingInfo { .. } => {}
        }
    }
    if wants_info {
        reply.info = Some(flow_info(&conn, account, policy)?);
    }
    Ok(reply)
}

/// Keeps what one driver step returned.
fn take(reply: &mut ClosureReply, stepped: Stepped) {
    reply.code_mailed |= stepped.code_mailed;
    reply.refusal = stepped.refusal;
    reply.wizard = Some(stepped.wizard);
}

fn flow_info(conn: &Connection, account: AccountId, policy: Policy) -> Result<FlowInfo, StoreError> {
    let row = accounts::get_account(conn, &AccountRef::Id(account))?;
    Ok(FlowInfo {
        display_name: row.display_name,
        masked_email: mask_email(&row.email),
        policy,
        counts: accounts::account_counts(conn, account)?,
        status: row.status,
        closure: accounts::closure_request(conn, account)?,
    })
}

/// Reads the settings page's data: the account's status and its subscriptions, once
/// `principal` (the session's) is allowed to view the account: a refused request reads nothing.
pub fn load_settings(db_path: &Path, account: AccountId, principal: Option<Principal>) -> Result<SettingsData, String> {
    authorize_session(principal, Action::ViewAccount(account)).map_err(|denied| denied.to_string())?;
    let read = || -> Result<SettingsData, StoreError> {
        let conn = store::open_existing(db_path)?;
        let row = accounts::get_account(&conn, &AccountRef::Id(account))?;
        let topic = Table::Subscriptions.column_index("topic");
        let enabled = Table::Subscriptions.column_index("enabled");
        let mut subscriptions = Vec::new();
        rows::for_each_row(&conn, account, Table::Subscriptions, |row| -> Result<(), StoreError> {
            let topic = match topic.map(|index| row.cell(index)).transpose()? {
                Some(CellRef::Text(text)) => text.to_owned(),
                _ => return Ok(()),
            };
            let enabled = matches!(enabled.map(|index| row.cell(index)).transpose()?, Some(CellRef::Bool(true)));
            subscriptions.push(Subscription { topic, enabled });
            Ok(())
        })?;
        Ok(SettingsData { status: row.status, subscriptions })
    };
    read().map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_asking_for_another_accounts_settings_is_refused_and_reads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, "2026-11-29T10:00:00Z".parse().unwrap()).unwrap();
        let id = |demo: &crate::demo::DemoAccount| {
            accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id
        };
        let (own, other) = (id(&crate::demo::DEMO_ACCOUNTS[0]), id(&crate::demo::DEMO_ACCOUNTS[1]));
        let customer = Some(Principal::Customer(own));

        assert_eq!(load_settings(&db, other, customer), Err("You are not allowed to do this.".to_owned()));
        assert!(load_settings(&db, own, None).is_err(), "nobody signed in reads nothing");
        assert!(load_settings(&db, own, customer).is_ok());
        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent });
        assert!(load_settings(&db, other, agent).is_ok());
    }
}
