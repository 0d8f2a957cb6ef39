//! The closure flow, for a customer closing or cancelling and for an agent assisting: one
//! chain of driver steps per request, each run by [`Closing`] on the worker's own connection.
//!
//! The window's copy of the wizard says which request it continues; the state itself is read
//! from the database at every step, so a stale or edited copy can never skip a step.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use super::access::authorize;
use super::{ServiceError, ServiceResult};
use crate::auth::Secret;
use crate::closing::{Closing, Stepped};
use crate::core::closure::{Event, Purpose, Reason, Refusal, Step, Wizard};
use crate::core::masking::mask_email;
use crate::core::permissions::{Action, Principal};
use crate::core::policy::Policy;
use crate::core::readiness::Readiness;
use crate::core::{AccountId, AccountRef, AccountStatus};
use crate::paths;
use crate::settings;
use crate::store::accounts;

pub use crate::store::accounts::{AccountCounts, ClosureRow};
use crate::store::{self, StoreError};

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
    /// (The command line's `close start`) the whole closure up to the mailed code in one go:
    /// readiness (stopping at a blocker), the warnings acknowledged, the password, the reason,
    /// no backup, the summary accepted. The first refusal stops it.
    StartAtOnce {
        /// The account to close.
        account: AccountId,
        /// The password, wiped when the worker drops it.
        password: Secret,
        /// Why the customer leaves.
        reason: Reason,
        /// The customer's own words, if any.
        note: Option<String>,
    },
    /// Read what the closure-pending screen shows.
    PendingInfo {
        /// The closure-pending account.
        account: AccountId,
    },
}

impl ClosureRequest {
    /// The wizard the request continues, if it continues one.
    fn wizard_mut(&mut self) -> Option<&mut Wizard> {
        match self {
            Self::CheckReadiness { wizard }
            | Self::Step { wizard, .. }
            | Self::Password { wizard, .. }
            | Self::SendCode { wizard }
            | Self::Resend { wizard }
            | Self::Confirm { wizard, .. } => Some(wizard),
            Self::BeginClose { .. }
            | Self::StartAtOnce { .. }
            | Self::BeginCancel { .. }
            | Self::BeginAssistedCancel { .. }
            | Self::PendingInfo { .. } => None,
        }
    }

    /// The request with the wizard's state as the database holds it: the caller's copy only
    /// names which request it continues. A request replaced or finished since is refused.
    fn with_saved_state(mut self, conn: &Connection) -> Result<Self, ServiceError> {
        if let Some(wizard) = self.wizard_mut() {
            let saved = store::closure::load_attempt(conn, wizard.account)?;
            match saved {
                Some(saved) if saved.request_id == wizard.request_id && saved.purpose == wizard.purpose => {
                    *wizard = saved;
                }
                _ => {
                    return Err(ServiceError::Refused(
                        "This closure request was replaced or has ended; start again.".to_owned(),
                    ));
                }
            }
        }
        Ok(self)
    }

    /// What the worker is doing, for the spinner.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::BeginClose { .. } | Self::CheckReadiness { .. } => "Checking what stands in the way…",
            Self::StartAtOnce { .. } => "Checking the closure and sending the code…",
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

/// Runs one step of a closure for `session` against the database at `db_path`, as of `now`:
/// a customer's own closure or cancellation, or one a support agent assists (the audit names
/// the agent, the wizard is assisted and the mailed code proves the customer's identity).
///
/// Runs argon2 for password steps: call it on a worker thread, never the UI thread.
pub fn step(
    db_path: &Path,
    session: Principal,
    request: ClosureRequest,
    now: Timestamp,
) -> Result<ClosureReply, ServiceError> {
    let (account, purpose) = match &request {
        ClosureRequest::BeginClose { account }
        | ClosureRequest::StartAtOnce { account, .. }
        | ClosureRequest::PendingInfo { account } => (*account, Purpose::Close),
        ClosureRequest::BeginCancel { account, .. } | ClosureRequest::BeginAssistedCancel { account } => {
            (*account, Purpose::Cancel)
        }
        ClosureRequest::CheckReadiness { wizard }
        | ClosureRequest::Step { wizard, .. }
        | ClosureRequest::Password { wizard, .. }
        | ClosureRequest::SendCode { wizard }
        | ClosureRequest::Resend { wizard }
        | ClosureRequest::Confirm { wizard, .. } => (wizard.account, wizard.purpose),
    };
    let action = match purpose {
        Purpose::Cancel => Action::CancelClosure(account),
        Purpose::Close => Action::CloseAccount(account),
    };
    let mut conn = store::open_existing(db_path)?;
    let actor = authorize(&conn, Some(session), action)?.actor();
    let request = request.with_saved_state(&conn)?;
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
            ClosureRequest::StartAtOnce { account, password, reason, note } => {
                start_at_once(&mut closing, &mut reply, account, &password, reason, note, now)?;
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
                // An assisted cancel is proven by the code alone: no email, no phrase.
                take(&mut reply, closing.confirm(wizard, code.expose().trim(), &email, &phrase, now)?);
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

/// The chain of [`ClosureRequest::StartAtOnce`]; `reply` holds where it stopped.
fn start_at_once(
    closing: &mut Closing<'_>,
    reply: &mut ClosureReply,
    account: AccountId,
    password: &Secret,
    reason: Reason,
    note: Option<String>,
    now: Timestamp,
) -> Result<(), ServiceError> {
    let wizard = closing.begin(account, Purpose::Close)?;
    let (stepped, readiness) = closing.check_readiness(wizard, now)?;
    let blocked = !readiness.can_close();
    reply.readiness = Some(readiness);
    take(reply, stepped);
    if blocked {
        return Ok(());
    }
    let Some(mut wizard) = advanced(reply) else { return Ok(()) };
    if wizard.step == Step::Readiness {
        take(reply, closing.step(wizard, Event::WarningsAcknowledged, now)?);
        let Some(next) = advanced(reply) else { return Ok(()) };
        wizard = next;
    }
    take(reply, closing.enter_password(wizard, password, now)?);
    let Some(wizard) = advanced(reply) else { return Ok(()) };
    take(reply, closing.step(wizard, Event::ReasonChosen { reason, note }, now)?);
    let Some(wizard) = advanced(reply) else { return Ok(()) };
    take(reply, closing.step(wizard, Event::BackupDecided { taken: false }, now)?);
    let Some(wizard) = advanced(reply) else { return Ok(()) };
    take(reply, closing.accept_summary(wizard, now)?);
    Ok(())
}

/// The wizard to go on with, unless the last step was refused.
fn advanced(reply: &ClosureReply) -> Option<Wizard> {
    if reply.refusal.is_some() { None } else { reply.wizard.clone() }
}

/// Keeps what one driver step returned.
fn take(reply: &mut ClosureReply, stepped: Stepped) {
    reply.code_mailed |= stepped.code_mailed;
    reply.refusal = stepped.refusal;
    reply.wizard = Some(stepped.wizard);
}

/// The account's last closure attempt as the database holds it, finished or not.
pub fn attempt(conn: &Connection, session: Principal, account: AccountId) -> ServiceResult<Option<Wizard>> {
    authorize(conn, Some(session), Action::ViewAccount(account))?;
    Ok(store::closure::load_attempt(conn, account)?)
}

/// Until when no new code may be mailed for `account` (a start or a cancel within the resend
/// cooldown of the last code is a resend too soon): ask before reading a password, so that a
/// refused start leaves the code already mailed valid.
pub fn code_cooldown(
    db_path: &Path,
    session: Principal,
    account: AccountId,
    now: Timestamp,
) -> ServiceResult<Option<Timestamp>> {
    let mut conn = store::open_existing(db_path)?;
    let actor = authorize(&conn, Some(session), Action::ViewAccount(account))?.actor();
    let policy = settings::load_policy(&settings::settings_path(db_path))?;
    Ok(Closing::new(&mut conn, paths::outbox_dir(db_path), policy, actor).code_cooldown(account, now)?)
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
