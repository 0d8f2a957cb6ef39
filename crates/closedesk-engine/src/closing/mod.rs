//! Runs the closure wizard of `core::closure` against the database and the outbox.
//!
//! The GUI and the CLI both drive closures through [`Closing`]: they feed it events, it applies
//! them with the pure state machine and carries out the effects — audit lines, mails, the
//! closure itself — in one write transaction per event.

use std::path::PathBuf;

use jiff::Timestamp;
use rand::Rng as _;
use rusqlite::Connection;

use crate::auth::{Secret, password};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::closure::{self, Code, Effect, Event, Purpose, Refusal, Step, Wizard};
use crate::core::policy::Policy;
use crate::core::readiness::{self, Readiness};
use crate::core::{AccountId, AccountRef, AccountStatus};
use crate::mail::{self, MailError};
use crate::store::{self, StoreError, accounts, holdings};

/// Why a closure step could not be carried out (as opposed to being refused by the rules).
#[derive(Debug, thiserror::Error)]
pub enum ClosingError {
    /// The account is not in a state this flow applies to.
    #[error("account {account} is {}: {what}", status.label().to_lowercase())]
    WrongState { account: AccountId, status: AccountStatus, what: &'static str },
    /// The actor may not act on this account.
    #[error(transparent)]
    Denied(#[from] crate::core::permissions::Denied),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The outbox could not be written.
    #[error(transparent)]
    Mail(#[from] MailError),
    /// The installation's code key cannot be had: no code can be sent or checked.
    #[error(transparent)]
    Key(#[from] crate::code_key::KeyError),
}

/// The result of one event.
#[derive(Debug)]
pub struct Stepped {
    /// The wizard after the event.
    pub wizard: Wizard,
    /// Why the event was refused, if it was.
    pub refusal: Option<Refusal>,
    /// Whether a code was mailed.
    pub code_mailed: bool,
}

/// A closure driver over one connection.
pub struct Closing<'a> {
    conn: &'a mut Connection,
    outbox_dir: PathBuf,
    policy: Policy,
    actor: Actor,
}

impl<'a> Closing<'a> {
    /// Drives closures on `conn`, mailing into `outbox_dir`, under `policy`, on behalf of `actor`.
    pub fn new(conn: &'a mut Connection, outbox_dir: PathBuf, policy: Policy, actor: Actor) -> Self {
        Self { conn, outbox_dir, policy, actor }
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Starts a new request for `account`, carrying over a lock from an earlier one.
    ///
    /// A customer may close only their own account. When the actor is an agent, the request is
    /// assisted: no password step, the code mailed to the customer proves their identity.
    pub fn begin(&mut self, account: AccountId, purpose: Purpose) -> Result<Wizard, ClosingError> {
        if let Actor::Customer(own) = self.actor
            && own != account
        {
            return Err(ClosingError::Denied(crate::core::permissions::Denied {
                action: match purpose {
                    Purpose::Close => crate::core::permissions::Action::CloseAccount(account),
                    Purpose::Cancel => crate::core::permissions::Action::CancelClosure(account),
                },
            }));
        }
        let row = accounts::get_account(self.conn, &AccountRef::Id(account))?;
        let (wanted, what) = match purpose {
            Purpose::Close => (AccountStatus::Active, "only an active account can be closed"),
            Purpose::Cancel => (AccountStatus::ClosurePending, "there is no pending closure to cancel"),
        };
        if row.status != wanted {
            return Err(ClosingError::WrongState { account, status: row.status, what });
        }
        let earlier = store::closure::load_attempt(self.conn, account)?;
        let request_id = rand::rng().random::<u64>() >> 1;
        let locked_until = earlier.as_ref().and_then(|w| w.locked_until);
        let mut wizard = match self.actor {
            Actor::Agent(_) => Wizard::assisted(account, purpose, request_id, locked_until),
            Actor::Customer(_) | Actor::System => Wizard::new(account, purpose, request_id, locked_until),
        };
        // Wrong passwords count per account, not per request: starting over does not reset them.
        if let Some(earlier) = earlier.filter(|w| w.step != Step::Done) {
            wizard.password_failures = earlier.password_failures;
        }
        Ok(wizard)
    }

    /// The saved, unfinished request of `account`, if any.
    pub fn resume(&mut self, account: AccountId) -> Result<Option<Wizard>, ClosingError> {
        Ok(store::closure::load_attempt(self.conn, account)?.filter(|w| w.step != Step::Done))
    }

    /// Until when no new code may be mailed for `account`: `Some` while the code of its
    /// unfinished request was mailed less than the resend cooldown before `now`.
    ///
    /// A new request mails a new code, so starting again is a resend: a script that calls
    /// `close start` three times in a second must mail one code, not three. Ask before
    /// [`Closing::begin`] so that a refused start leaves the mailed code valid.
    pub fn code_cooldown(&mut self, account: AccountId, now: Timestamp) -> Result<Option<Timestamp>, ClosingError> {
        // A spent code (voided by too many wrong tries: closure is locked) mails nothing new.
        let Some(code) = self.resume(account)?.and_then(|wizard| wizard.code).filter(|code| !code.spent) else {
            return Ok(None);
        };
        let allowed_at = code.issued_at + jiff::SignedDuration::from_secs(self.policy.resend_cooldown_secs);
        Ok((now < allowed_at).then_some(allowed_at))
    }

    /// The readiness verdict for `account` at `now`: the same rules the dashboard shows.
    pub fn readiness(&self, account: AccountId, now: Timestamp) -> Result<Readiness, ClosingError> {
        Ok(readiness::readiness(&holdings::holdings(self.conn, account, now)?))
    }

    /// Runs the readiness check and feeds its verdict to the wizard.
    pub fn check_readiness(&mut self, wizard: Wizard, now: Timestamp) -> Result<(Stepped, Readiness), ClosingError> {
        let verdict = self.readiness(wizard.account, now)?;
        let event =
            Event::ReadinessChecked { can_close: verdict.can_close(), has_warnings: !verdict.warnings.is_empty() };
        Ok((self.step(wizard, event, now)?, verdict))
    }

    /// Verifies `password` for the wizard's account (argon2: call from a worker) and feeds the verdict.
    pub fn enter_password(
        &mut self,
        wizard: Wizard,
        password: &Secret,
        now: Timestamp,
    ) -> Result<Stepped, ClosingError> {
        if let Some(until) = wizard.locked_at(now) {
            // Locked: do not even spend the hashing time, and say until when.
            return self.step_refused(wizard, Refusal::Locked { until }, now);
        }
        let phc = accounts::password_phc(self.conn, wizard.account)?;
        let correct = password::verify(password, &phc);
        self.step(wizard, Event::PasswordChecked { correct }, now)
    }

    /// Accepts the summary: a fresh code is drawn and mailed.
    pub fn accept_summary(&mut self, wizard: Wizard, now: Timestamp) -> Result<Stepped, ClosingError> {
        let key = crate::code_key::installation_key()?;
        self.step(wizard, Event::SummaryAccepted { fresh_code: fresh_code(), key }, now)
    }

    /// Sends a new code in place of the last one.
    pub fn resend_code(&mut self, wizard: Wizard, now: Timestamp) -> Result<Stepped, ClosingError> {
        let key = crate::code_key::installation_key()?;
        self.step(wizard, Event::ResendCode { fresh_code: fresh_code(), key }, now)
    }

    /// Confirms with the typed code, email and phrase, checking readiness once more.
    pub fn confirm(
        &mut self,
        wizard: Wizard,
        code: &str,
        typed_email: &str,
        phrase: &str,
        now: Timestamp,
    ) -> Result<Stepped, ClosingError> {
        let account = accounts::get_account(self.conn, &AccountRef::Id(wizard.account))?;
        let still_ready = wizard.purpose == Purpose::Cancel || self.readiness(wizard.account, now)?.can_close();
        let event = Event::Confirm {
            code: code.to_owned(),
            typed_email: typed_email.to_owned(),
            registered_email: account.email,
            phrase: phrase.to_owned(),
            still_ready,
            key: crate::code_key::installation_key()?,
        };
        self.step(wizard, event, now)
    }

    /// Applies `event` and carries out its effects in one write transaction.
    pub fn step(&mut self, wizard: Wizard, event: Event, now: Timestamp) -> Result<Stepped, ClosingError> {
        let (next, effects) = closure::apply(wizard, event, now, &self.policy);
        self.carry_out(next, &effects, now)
    }

    fn step_refused(&mut self, wizard: Wizard, refusal: Refusal, now: Timestamp) -> Result<Stepped, ClosingError> {
        let effects = vec![Effect::Audit { action: "closure_identity", outcome: "locked" }, Effect::Refused(refusal)];
        self.carry_out(wizard, &effects, now)
    }

    fn carry_out(&mut self, wizard: Wizard, effects: &[Effect], now: Timestamp) -> Result<Stepped, ClosingError> {
        let account = wizard.account;
        let email = accounts::get_account(self.conn, &AccountRef::Id(account))?.email;
        let actor = self.actor;
        let outbox_dir = self.outbox_dir.clone();
        let mut refusal = None;
        let mut code_mailed = false;
        let tx =
            self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let mut written = Vec::new();
        let mut new_code_mail = None;
        let mut stale_mail = Vec::new();
        let result = (|| -> Result<(), ClosingError> {
            for effect in effects {
                match effect {
                    Effect::Audit { action, outcome } => {
                        let event = AuditEvent { account: Some(account), actor, action, outcome };
                        store::audit::record(&tx, &event, now)?;
                    }
                    Effect::MailCode { code, expires_at } => {
                        let mail = mail::code_mail(wizard.purpose, code, *expires_at);
                        let path = mail::send(&tx, &outbox_dir, account, &email, &mail, now)?;
                        new_code_mail = path.file_name().map(|name| name.to_string_lossy().into_owned());
                        written.push(path);
                        code_mailed = true;
                    }
                    Effect::Close { purge_after, reason, note, backup_taken } => {
                        store::closure::commit_close(
                            &tx,
                            account,
                            *purge_after,
                            *reason,
                            note.as_deref(),
                            *backup_taken,
                            now,
                        )?;
                        written.push(mail::send(
                            &tx,
                            &outbox_dir,
                            account,
                            &email,
                            &mail::closure_confirmed(*purge_after, *purge_after + self.policy.backup_retention()),
                            now,
                        )?);
                    }
                    Effect::Cancel => {
                        store::closure::commit_cancel(&tx, account)?;
                        written.push(mail::send(&tx, &outbox_dir, account, &email, &mail::cancel_confirmed(), now)?);
                    }
                    Effect::Refused(why) => refusal = Some(*why),
                }
            }
            // A code mail lives as long as its code: the one just sent replaces the others, and
            // once the code is used, voided or expired none is kept.
            let live = wizard.code.is_some_and(|code| !code.spent && now < code.expires_at);
            if new_code_mail.is_some() || !live {
                stale_mail = store::outbox::take_code_mails(&tx, account, new_code_mail.as_deref())?;
            }
            store::closure::save_attempt(&tx, &wizard, now)?;
            Ok(())
        })();
        match result.and_then(|()| tx.commit().map_err(|err| StoreError::from(err).into())) {
            Ok(()) => {
                // Their rows are gone: a kill before this leaves files recovery removes.
                mail::remove_files(&outbox_dir, &stale_mail);
                Ok(Stepped { wizard, refusal, code_mailed })
            }
            Err(err) => {
                // The transaction rolled back: take back the mails it would have recorded.
                for path in written {
                    let _ = std::fs::remove_file(path);
                }
                Err(err)
            }
        }
    }
}

/// A six-digit code from the thread's CSPRNG (ChaCha, seeded by the operating system).
fn fresh_code() -> Code {
    Code::from_number(rand::rng().random_range(0..1_000_000))
}
