//! One closure request as the screens drive it, one worker step at a time: the customer's
//! wizard, the closure-pending screen, an agent's assisted closure or cancellation. Each step
//! is run by the `closing` driver on a worker's own connection.
//!
//! Screens ask with a `ClosureCommand` (see `command.rs`); the app turns most of them
//! into a [`ClosureRequest`], runs it as a [`ClosingJob::Closure`] job and routes the
//! [`ClosureOutput`] back to the flow that asked for it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;

use crate::auth::Secret;
use crate::core::AccountId;
use crate::core::closure::{IssuedCode, Refusal, Step, Wizard};
use crate::core::permissions::Principal;
use crate::core::readiness::Readiness;
use crate::service;
use crate::service::ServiceResult;
use crate::service::account::MailItem;
use crate::ui::format::local_minute;
use crate::ui::jobs::JobKey;
use crate::ui::widgets::code_entry::CodeEntry;
use crate::ui::widgets::secret_field::SecretField;
use crate::ui::workers::Workers;

pub use crate::service::closure::{ClosureReply, ClosureRequest, FlowInfo};

/// A new id for a flow (a wizard, or a closure-pending screen), so that a worker's result
/// reaches only the flow that asked for it.
pub fn next_flow_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The workers of the closure flow; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClosingJob {
    /// Run one step of the closure wizard or its cancellation (argon2, mail, commit).
    Closure,
    /// Read an account's newest mails from the outbox.
    Mailbox,
    /// Hold the native save dialog open (it blocks its thread).
    SaveDialog,
    /// Write an account backup.
    Export,
}

impl JobKey for ClosingJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::Closure => "closure",
            Self::Mailbox => "mailbox",
            Self::SaveDialog => "save-dialog",
            Self::Export => "export",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Closure => "working on the closure",
            Self::Mailbox => "reading the mailbox",
            Self::SaveDialog => "waiting for the save dialog",
            Self::Export => "writing the backup",
        }
    }
}

/// What the closure and mailbox workers hand back.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "it always travels boxed, in the app's results")]
pub enum ClosureOutput {
    /// A closure step finished.
    Stepped {
        /// The flow (wizard or cancel screen) that asked; others ignore it.
        flow: u64,
        /// The reply, or why the step could not be carried out.
        result: ServiceResult<ClosureReply>,
    },
    /// The mailbox was read.
    Mailbox {
        /// Whose mail.
        account: AccountId,
        /// The newest mails, or why they cannot be read.
        result: ServiceResult<Vec<MailItem>>,
    },
}

impl ClosureOutput {
    /// Whether the step or the mailbox found the session over: an agent disabled or removed,
    /// or a customer whose account is gone, since signing in.
    pub fn ends_session(&self) -> bool {
        match self {
            Self::Stepped { result: Err(err), .. } | Self::Mailbox { result: Err(err), .. } => err.ends_session(),
            Self::Stepped { .. } | Self::Mailbox { .. } => false,
        }
    }
}

/// What cancelling someone's closure does, said before the agent confirms it.
pub const CANCEL_KEEPS: &str = "Cancelling keeps the customer's account and everything it holds: the account is active \
     again and its scheduled deletion is dropped. Marketing mail stays off until the customer turns it on.";

/// A refusal in words, with its instant in local time.
pub fn refusal_text(refusal: Refusal) -> String {
    refusal.message(local_minute)
}

/// Runs one closure step for `flow` as `session` (a customer on their own account, or an
/// agent assisting). Runs argon2 for password steps: call it on a worker thread.
pub fn run(db_path: &Path, flow: u64, session: Principal, request: ClosureRequest, now: Timestamp) -> ClosureOutput {
    let result = service::closure::step(db_path, session, request, now);
    ClosureOutput::Stepped { flow, result }
}

/// One closure request as a screen drives it — the customer's wizard, the closure-pending
/// screen, an agent's assisted cancellation from the customer page or the queue — one worker
/// step at a time. The state machine's state is the database's; this is the screen's copy of
/// the last answer, which only names the request the next step continues.
#[derive(Debug)]
pub struct ClosureFlow {
    /// Tells this flow's worker results from those of an abandoned one.
    pub flow: u64,
    /// The state machine's state as the last step left it.
    pub wizard: Option<Wizard>,
    /// What the worker is doing, while it is.
    pub busy: Option<&'static str>,
    /// A step waiting for the closure worker to be free.
    pub queued: Option<ClosureRequest>,
    /// Why the last step was refused or failed.
    pub message: Option<String>,
    /// The mailed code as it is typed.
    pub code: SecretField,
    /// A resend was refused until then: the screen counts down to it.
    pub cooldown_until: Option<Timestamp>,
}

/// What a step's reply brought besides the wizard, for the screen that shows it.
#[derive(Debug, Default)]
pub struct StepNews {
    /// The step the wizard was at before the reply, and after it.
    pub moved: (Option<Step>, Option<Step>),
    /// What the wizard shows, when the step read it.
    pub info: Option<FlowInfo>,
    /// The readiness verdict, when the step checked it.
    pub readiness: Option<Readiness>,
    /// Whether a code was mailed.
    pub code_mailed: bool,
}

impl StepNews {
    /// Whether the wizard has just reached `step`.
    pub fn reached(&self, step: Step) -> bool {
        self.moved.1 == Some(step) && self.moved.0 != self.moved.1
    }
}

impl ClosureFlow {
    /// A flow whose first step, if any, waits for the closure worker.
    pub fn new(first: Option<ClosureRequest>) -> Self {
        Self {
            flow: next_flow_id(),
            wizard: None,
            busy: first.as_ref().map(ClosureRequest::describe),
            queued: first,
            message: None,
            code: SecretField::default(),
            cooldown_until: None,
        }
    }

    /// Whether a step is queued or running.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    /// Queues `request` unless a step is already under way; returns whether it was queued.
    pub fn queue(&mut self, request: ClosureRequest) -> bool {
        if self.is_busy() {
            return false;
        }
        self.message = None;
        self.busy = Some(request.describe());
        self.queued = Some(request);
        true
    }

    /// Queues a resend of the code of the request under way.
    pub fn resend(&mut self) {
        if let Some(wizard) = self.wizard.clone() {
            self.queue(ClosureRequest::Resend { wizard });
        }
    }

    /// Queues a confirmation by the code alone: a cancellation, or one an agent assists.
    pub fn confirm_code(&mut self, code: Secret) {
        if let Some(wizard) = self.wizard.clone() {
            self.queue(ClosureRequest::Confirm { wizard, code, email: String::new(), phrase: String::new() });
        }
    }

    /// Whether the flow ended with its purpose carried out.
    pub fn is_done(&self) -> bool {
        self.wizard.as_ref().is_some_and(|wizard| wizard.step == Step::Done)
    }

    /// The code last mailed, while the flow waits for it.
    pub fn code_out(&self) -> Option<IssuedCode> {
        self.wizard.as_ref().filter(|wizard| wizard.step == Step::Confirm).and_then(|wizard| wizard.code)
    }

    /// The code field and what the code entry shows about the code out, for the code entry.
    pub fn code_entry(&mut self) -> CodeEntry<'_> {
        let (out, cooldown_until, busy) = (self.code_out(), self.cooldown_until, self.is_busy());
        CodeEntry { code: &mut self.code, out, cooldown_until, busy }
    }

    /// Starts the queued step as `session` on the closure worker, if the worker is free.
    pub fn start_queued(
        &mut self,
        jobs: &mut Workers<'_, ClosingJob, ClosureOutput>,
        session: Principal,
        now: Timestamp,
    ) {
        if jobs.is_running(ClosingJob::Closure) {
            return;
        }
        let Some(request) = self.queued.take() else {
            return;
        };
        let (db_path, flow) = (jobs.db_path().to_owned(), self.flow);
        let started = jobs.start(ClosingJob::Closure, move || run(&db_path, flow, session, request, now));
        if let Err(err) = started {
            self.busy = None;
            self.message = Some(err.to_string());
        }
    }

    /// Takes in a step's reply: the wizard, and a refusal as a message or (for a resend asked
    /// too soon) a countdown, which stays until a new code goes out. Returns what else the
    /// reply brought, or `None` when the step failed (the message says why).
    pub fn on_reply(&mut self, result: crate::service::ServiceResult<ClosureReply>) -> Option<StepNews> {
        self.busy = None;
        let reply = match result {
            Ok(reply) => reply,
            Err(err) => {
                self.message = Some(err.to_string());
                return None;
            }
        };
        let before = self.wizard.as_ref().map(|wizard| wizard.step);
        if let Some(wizard) = reply.wizard {
            self.wizard = Some(wizard);
        }
        let after = self.wizard.as_ref().map(|wizard| wizard.step);
        let code_mailed = reply.code_mailed;
        (self.message, self.cooldown_until) = match reply.refusal {
            Some(Refusal::ResendTooSoon { until }) => (None, Some(until)),
            Some(refusal) => (Some(refusal_text(refusal)), self.cooldown_until.filter(|_| !code_mailed)),
            None => (None, self.cooldown_until.filter(|_| !code_mailed)),
        };
        Some(StepNews { moved: (before, after), info: reply.info, readiness: reply.readiness, code_mailed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_their_messages_with_instants_in_local_time() {
        let until: Timestamp = "2026-11-29T10:15:00Z".parse().unwrap();
        let text = refusal_text(Refusal::Locked { until });
        assert!(text.starts_with("Closure is locked after too many wrong entries until "), "{text}");
        assert!(text.contains(&local_minute(until)), "{text}");
        assert_eq!(refusal_text(Refusal::WrongPassword { tries_left: 3 }), "The password is wrong (3 tries left).");
    }
}
