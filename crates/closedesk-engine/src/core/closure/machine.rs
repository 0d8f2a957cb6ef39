use jiff::{SignedDuration, Timestamp};

use super::code::{Code, CodeKey, IssuedCode};
use super::reason::Reason;
use crate::core::AccountId;
use crate::core::policy::Policy;
use crate::core::words::counted;

/// The words the customer types to confirm, compared case-insensitively after trimming.
pub const CONFIRM_PHRASE: &str = "Deactivate my account";

/// The longest optional note, in characters.
const MAX_NOTE_CHARS: usize = 500;

/// What the wizard is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Closing an active account.
    Close,
    /// Cancelling a closure inside its grace period.
    Cancel,
}

/// Where the wizard stands. A closing wizard walks them all in order; a cancelling one only
/// proves identity, then confirms with a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Blockers must be cleared and warnings acknowledged.
    Readiness,
    /// The password must be entered again.
    Identity,
    /// A reason must be picked.
    Reason,
    /// A backup is offered.
    Backup,
    /// What will happen is shown.
    Summary,
    /// The mailed code, the email and the phrase must be entered.
    Confirm,
    /// Finished: closure pending (or cancelled).
    Done,
}

/// The state of one closure (or cancellation) request. Serializable, so the CLI can keep it
/// between `close start` and `close confirm`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(clippy::struct_excessive_bools, reason = "each flag is one independent check of the flow, saved as such")]
pub struct Wizard {
    /// The account being closed.
    pub account: AccountId,
    /// Run by a support agent with the customer: identity is proven by the code mailed to the
    /// customer's registered address (read out by the customer), not by the password.
    #[serde(default)]
    pub assisted: bool,
    /// Closing, or cancelling a closure.
    pub purpose: Purpose,
    /// A random number binding codes to this request.
    pub request_id: u64,
    /// The current step.
    pub step: Step,
    /// Whether the last readiness check found blockers.
    pub blocked: bool,
    /// Whether there are warnings the customer has not yet acknowledged.
    pub warnings_pending: bool,
    /// Whether the password was re-entered correctly.
    pub identity_verified: bool,
    /// Wrong passwords since the last lock or success.
    pub password_failures: u32,
    /// Until when closure is locked after too many wrong entries.
    pub locked_until: Option<Timestamp>,
    /// The reason picked.
    pub reason: Option<Reason>,
    /// The optional note.
    pub note: Option<String>,
    /// Whether a backup was taken (`Some(false)`: the customer chose to go on without one).
    pub backup_taken: Option<bool>,
    /// The code last mailed.
    pub code: Option<IssuedCode>,
    /// When the account will be purged, once confirmed.
    pub purge_after: Option<Timestamp>,
}

/// Something that happened: a click, a verdict from a worker, a typed value.
#[derive(Clone, Debug)]
pub enum Event {
    /// The readiness rules were run on the account as it is now.
    ReadinessChecked {
        /// No blocker stands.
        can_close: bool,
        /// There are non-blocking consequences to acknowledge.
        has_warnings: bool,
    },
    /// The customer acknowledged the warnings.
    WarningsAcknowledged,
    /// A worker checked the re-entered password.
    PasswordChecked {
        /// Whether it matched.
        correct: bool,
    },
    /// A reason (and an optional note) was picked.
    ReasonChosen {
        /// The reason.
        reason: Reason,
        /// Free text, at most 500 characters.
        note: Option<String>,
    },
    /// A backup was taken, or the customer chose "Continue without a backup".
    BackupDecided {
        /// Whether a backup file was written.
        taken: bool,
    },
    /// The summary was accepted; `fresh_code` is mailed if the machine agrees.
    SummaryAccepted {
        /// A new code from a CSPRNG.
        fresh_code: Code,
        /// The installation's key its digest is made with.
        key: CodeKey,
    },
    /// The customer asked for another code.
    ResendCode {
        /// A new code from a CSPRNG.
        fresh_code: Code,
        /// The installation's key its digest is made with.
        key: CodeKey,
    },
    /// "Confirm & Close" (or the cancel confirmation) was pressed.
    Confirm {
        /// The code as typed.
        code: String,
        /// The email as typed (closing only).
        typed_email: String,
        /// The registered email, to compare with.
        registered_email: String,
        /// The phrase as typed (closing only).
        phrase: String,
        /// A fresh readiness check at the moment of confirming: nothing may block now either.
        still_ready: bool,
        /// The installation's key, to make the typed code's digest.
        key: CodeKey,
    },
    /// Go back one step.
    Back,
}

/// What the driver must do after an event.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Mail this code to the registered address.
    MailCode {
        /// The code; the state keeps only its hash.
        code: Code,
        /// When it stops being accepted.
        expires_at: Timestamp,
    },
    /// Commit the closure: status closure-pending until `purge_after`.
    Close {
        /// The earliest purge.
        purge_after: Timestamp,
        /// Why.
        reason: Reason,
        /// The optional note.
        note: Option<String>,
        /// Whether a backup was taken.
        backup_taken: bool,
    },
    /// Commit the cancellation: the account is active again.
    Cancel,
    /// Write this line to the audit trail.
    Audit {
        /// What was attempted.
        action: &'static str,
        /// How it ended.
        outcome: &'static str,
    },
    /// The event was refused; the state did not move forward.
    Refused(Refusal),
}

/// Why an event was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The event does not belong to the current step.
    #[error("That step is not available now.")]
    OutOfOrder,
    /// A blocker stands.
    #[error("The account cannot be closed while a blocker stands.")]
    Blocked,
    /// Warnings were not acknowledged.
    #[error("Please acknowledge what will be lost and kept first.")]
    WarningsNotAcknowledged,
    /// Too many wrong entries.
    #[error("{}", Refusal::Locked { until: *until }.message(crate::core::time::utc_minute))]
    Locked {
        /// When it unlocks.
        until: Timestamp,
    },
    /// The password was wrong.
    #[error("The password is wrong ({} left).", counted(i64::from(*tries_left), "try", "tries"))]
    WrongPassword {
        /// Tries before the lock.
        tries_left: u32,
    },
    /// The note is too long.
    #[error("The note may have at most 500 characters.")]
    NoteTooLong,
    /// A code was sent too recently.
    #[error("{}", Refusal::ResendTooSoon { until: *until }.message(crate::core::time::utc_minute))]
    ResendTooSoon {
        /// When a resend is allowed.
        until: Timestamp,
    },
    /// No code was issued for this request.
    #[error("No code was sent for this request. Start again.")]
    NoCode,
    /// The code is past its lifetime.
    #[error("The code has expired. Ask for a new one.")]
    CodeExpired,
    /// The code was used or voided.
    #[error("The code is no longer valid. Ask for a new one.")]
    CodeVoided,
    /// The code was wrong.
    #[error("The code is wrong ({} left).", counted(i64::from(*tries_left), "try", "tries"))]
    WrongCode {
        /// Tries before the code is voided.
        tries_left: u32,
    },
    /// The typed email is not the registered one.
    #[error("The email does not match the account's registered email.")]
    EmailMismatch,
    /// The phrase was not typed exactly.
    #[error("Type the words \"Deactivate my account\" to confirm.")]
    PhraseMismatch,
}

impl Refusal {
    /// The refusal in words, with its instant written by `instant`: UTC on the command line
    /// (the `Display` form), the viewer's local time in the window.
    ///
    /// Waits are rounded up to the minute, so the stated time is never too early.
    pub fn message(self, instant: impl Fn(Timestamp) -> String) -> String {
        let instant = |at| instant(crate::core::time::minute_up(at));
        match self {
            Self::Locked { until } => {
                format!("Closure is locked after too many wrong entries until {}.", instant(until))
            }
            Self::ResendTooSoon { until } => {
                format!("A code was just sent. You can ask for another after {}.", instant(until))
            }
            other => other.to_string(),
        }
    }
}

impl Wizard {
    /// A new request for `account`. `locked_until` carries a lock over from an earlier request.
    pub fn new(account: AccountId, purpose: Purpose, request_id: u64, locked_until: Option<Timestamp>) -> Self {
        Self {
            account,
            assisted: false,
            purpose,
            request_id,
            step: match purpose {
                Purpose::Close => Step::Readiness,
                Purpose::Cancel => Step::Identity,
            },
            blocked: purpose == Purpose::Close,
            warnings_pending: false,
            identity_verified: false,
            password_failures: 0,
            locked_until,
            reason: None,
            note: None,
            backup_taken: None,
            code: None,
            purge_after: None,
        }
    }

    /// A request run by a support agent with the customer; the password step is skipped,
    /// because only the customer can read the code that confirms it.
    pub fn assisted(account: AccountId, purpose: Purpose, request_id: u64, locked_until: Option<Timestamp>) -> Self {
        let mut wizard = Self::new(account, purpose, request_id, locked_until);
        wizard.assisted = true;
        if purpose == Purpose::Cancel {
            wizard.step = Step::Summary;
        }
        wizard
    }

    /// The step after readiness: the password, unless the code proves identity.
    fn after_readiness(&self) -> Step {
        if self.assisted { Step::Reason } else { Step::Identity }
    }

    /// Whether closure is locked at `now`.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }
}

/// Applies one event at `now` under `policy`: the next state and what the driver must do.
pub fn apply(mut wizard: Wizard, event: Event, now: Timestamp, policy: &Policy) -> (Wizard, Vec<Effect>) {
    let mut effects = Vec::new();
    let refuse = |wizard: Wizard, refusal: Refusal| (wizard, vec![Effect::Refused(refusal)]);

    if wizard.locked_until.is_some_and(|until| until <= now) {
        wizard.locked_until = None;
        wizard.password_failures = 0;
    }
    let locked = wizard.locked_at(now);

    match (wizard.step, event) {
        (Step::Readiness, Event::ReadinessChecked { can_close, has_warnings }) => {
            wizard.blocked = !can_close;
            wizard.warnings_pending = has_warnings;
            effects.push(audit("closure_readiness", if can_close { "ok" } else { "blocked" }));
            if can_close && !has_warnings {
                wizard.step = wizard.after_readiness();
            }
        }
        (Step::Readiness, Event::WarningsAcknowledged) => {
            if wizard.blocked {
                return refuse(wizard, Refusal::Blocked);
            }
            wizard.warnings_pending = false;
            wizard.step = wizard.after_readiness();
            effects.push(audit("closure_warnings", "acknowledged"));
        }
        (Step::Identity, Event::PasswordChecked { correct }) if !wizard.assisted => {
            if let Some(until) = locked {
                return (wizard, vec![audit("closure_identity", "locked"), Effect::Refused(Refusal::Locked { until })]);
            }
            if correct {
                wizard.identity_verified = true;
                wizard.password_failures = 0;
                effects.push(audit("closure_identity", "ok"));
                wizard.step = match wizard.purpose {
                    Purpose::Close => Step::Reason,
                    Purpose::Cancel => Step::Summary,
                };
            } else {
                wizard.password_failures += 1;
                effects.push(audit("closure_identity", "wrong_password"));
                if wizard.password_failures >= policy.password_max_tries {
                    let until = now + SignedDuration::from_secs(policy.lockout_secs);
                    wizard.locked_until = Some(until);
                    effects.push(audit("closure_lock", "too_many_passwords"));
                    effects.push(Effect::Refused(Refusal::Locked { until }));
                } else {
                    let tries_left = policy.password_max_tries - wizard.password_failures;
                    effects.push(Effect::Refused(Refusal::WrongPassword { tries_left }));
                }
            }
        }
        (Step::Reason, Event::ReasonChosen { reason, note }) => {
            let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
                return refuse(wizard, Refusal::NoteTooLong);
            }
            wizard.reason = Some(reason);
            wizard.note = note;
            wizard.step = Step::Backup;
            effects.push(audit("closure_reason", reason.as_str()));
        }
        (Step::Backup, Event::BackupDecided { taken }) => {
            wizard.backup_taken = Some(taken);
            wizard.step = Step::Summary;
            effects.push(audit("closure_backup", if taken { "taken" } else { "skipped" }));
        }
        (Step::Summary, Event::SummaryAccepted { fresh_code, key }) => {
            if let Some(until) = locked {
                return refuse(wizard, Refusal::Locked { until });
            }
            return issue_code(wizard, fresh_code, &key, now, policy, effects);
        }
        (Step::Confirm, Event::ResendCode { fresh_code, key }) => {
            if let Some(until) = locked {
                return refuse(wizard, Refusal::Locked { until });
            }
            if let Some(code) = wizard.code {
                let allowed_at = code.issued_at + SignedDuration::from_secs(policy.resend_cooldown_secs);
                if now < allowed_at {
                    return refuse(wizard, Refusal::ResendTooSoon { until: allowed_at });
                }
            }
            return issue_code(wizard, fresh_code, &key, now, policy, effects);
        }
        (Step::Confirm, Event::Confirm { code, typed_email, registered_email, phrase, still_ready, key }) => {
            let typed = Typed { code: &code, email: &typed_email, phrase: &phrase };
            return confirm(wizard, &typed, &registered_email, still_ready, &key, now, policy);
        }
        (step, Event::Back) => {
            wizard.step = match (wizard.purpose, step) {
                (Purpose::Close, Step::Identity | Step::Reason) => Step::Readiness,
                (Purpose::Close, Step::Backup) => Step::Reason,
                (Purpose::Close, Step::Summary) => Step::Backup,
                (_, Step::Confirm) => Step::Summary,
                (Purpose::Cancel, Step::Summary) if !wizard.assisted => Step::Identity,
                (_, step) => step,
            };
            if step == Step::Confirm {
                // Leaving the confirmation voids the code: a new one is sent on the way back.
                if let Some(code) = wizard.code.as_mut() {
                    code.spent = true;
                }
            }
            if wizard.step == Step::Readiness {
                // Readiness is checked again on the way forward.
                wizard.blocked = true;
            }
        }
        (_, _) => return refuse(wizard, Refusal::OutOfOrder),
    }
    (wizard, effects)
}

fn issue_code(
    mut wizard: Wizard,
    code: Code,
    key: &CodeKey,
    now: Timestamp,
    policy: &Policy,
    mut effects: Vec<Effect>,
) -> (Wizard, Vec<Effect>) {
    let expires_at = now + SignedDuration::from_secs(policy.code_ttl_secs);
    let resend = wizard.code.is_some();
    wizard.code = Some(IssuedCode {
        hash: code.hash(key, wizard.request_id),
        key: key.id(),
        issued_at: now,
        expires_at,
        tries_left: policy.code_max_tries,
        spent: false,
    });
    wizard.step = Step::Confirm;
    effects.push(audit("closure_code_sent", if resend { "resent" } else { "ok" }));
    effects.push(Effect::MailCode { code, expires_at });
    (wizard, effects)
}

/// What was typed at the confirmation.
struct Typed<'a> {
    code: &'a str,
    email: &'a str,
    phrase: &'a str,
}

fn confirm(
    mut wizard: Wizard,
    typed: &Typed<'_>,
    registered_email: &str,
    still_ready: bool,
    key: &CodeKey,
    now: Timestamp,
    policy: &Policy,
) -> (Wizard, Vec<Effect>) {
    let action = confirm_action(wizard.purpose);
    let refused = |wizard: Wizard, outcome: &'static str, refusal: Refusal| {
        (wizard, vec![audit(action, outcome), Effect::Refused(refusal)])
    };
    if let Some(until) = wizard.locked_at(now) {
        return refused(wizard, "locked", Refusal::Locked { until });
    }
    let Some(mut issued) = wizard.code else {
        return refused(wizard, "no_code", Refusal::NoCode);
    };
    // A code whose digest another key made (the key file was lost or replaced) cannot be
    // checked any more: it is void, and a new one must be sent.
    if issued.spent || issued.key != key.id() {
        return refused(wizard, "voided", Refusal::CodeVoided);
    }
    if now >= issued.expires_at {
        return refused(wizard, "expired", Refusal::CodeExpired);
    }
    if wizard.purpose == Purpose::Close {
        // Email and phrase are no secrets: checking them first spends no code try.
        if !typed.email.trim().eq_ignore_ascii_case(registered_email.trim()) {
            return refused(wizard, "email_mismatch", Refusal::EmailMismatch);
        }
        if !typed.phrase.trim().eq_ignore_ascii_case(CONFIRM_PHRASE) {
            return refused(wizard, "phrase_mismatch", Refusal::PhraseMismatch);
        }
    }
    let correct = Code::parse(typed.code).is_some_and(|code| code.hash(key, wizard.request_id).matches(&issued.hash));
    if !correct {
        issued.tries_left = issued.tries_left.saturating_sub(1);
        if issued.tries_left == 0 {
            issued.spent = true;
            let until = now + SignedDuration::from_secs(policy.lockout_secs);
            wizard.locked_until = Some(until);
            wizard.code = Some(issued);
            return (
                wizard,
                vec![
                    audit(action, "wrong_code"),
                    audit("closure_lock", "too_many_codes"),
                    Effect::Refused(Refusal::Locked { until }),
                ],
            );
        }
        wizard.code = Some(issued);
        return refused(wizard, "wrong_code", Refusal::WrongCode { tries_left: issued.tries_left });
    }
    if wizard.purpose == Purpose::Close && !still_ready {
        return refused(wizard, "blocked", Refusal::Blocked);
    }
    issued.spent = true;
    wizard.code = Some(issued);
    wizard.step = Step::Done;
    match wizard.purpose {
        Purpose::Close => {
            let (Some(reason), Some(backup_taken)) = (wizard.reason, wizard.backup_taken) else {
                return refused(wizard, "incomplete", Refusal::OutOfOrder);
            };
            let purge_after = now + policy.grace();
            wizard.purge_after = Some(purge_after);
            let note = wizard.note.clone();
            (wizard, vec![audit(action, "ok"), Effect::Close { purge_after, reason, note, backup_taken }])
        }
        Purpose::Cancel => (wizard, vec![audit(action, "ok"), Effect::Cancel]),
    }
}

fn confirm_action(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Close => "closure_confirm",
        Purpose::Cancel => "closure_cancel",
    }
}

fn audit(action: &'static str, outcome: &'static str) -> Effect {
    Effect::Audit { action, outcome }
}
