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
use crate::core::closure::{IssuedCode, Reason, Refusal, Step, Wizard};
use crate::core::permissions::Principal;
use crate::core::readiness::Readiness;
use crate::service;

use super::jobs::JobKey;
use super::mailbox::MailItem;
use super::screens::wizard::refusal_text;
use super::widgets::secret_field::SecretField;
use super::workers::Workers;

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
        result: Result<ClosureReply, String>,
    },
    /// The mailbox was read.
    Mailbox {
        /// Whose mail.
        account: AccountId,
        /// The newest mails, or why they cannot be read.
        result: Result<Vec<MailItem>, String>,
    },
}

/// Runs one closure step for `flow` as `session` (a customer on their own account, or an
/// agent assisting). Runs argon2 for password steps: call it on a worker thread.
pub fn run(db_path: &Path, flow: u64, session: Principal, request: ClosureRequest, now: Timestamp) -> ClosureOutput {
    // The error is handled once: the screen shows it.
    let result = service::closure::step(db_path, session, request, now).map_err(|err| err.to_string());
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
    pub fn on_reply(&mut self, result: Result<ClosureReply, String>) -> Option<StepNews> {
        self.busy = None;
        let reply = match result {
            Ok(reply) => reply,
            Err(message) => {
                self.message = Some(message);
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
