//! The customer side of the agent desk, as the app drives it: search as the agent types, the
//! masked customer view and its audited reveal, the assisted closure and cancellation, and
//! the idle lock. The screens only draw and return commands; this module applies them, starts
//! the workers (each checking the agent's permission in core first) and takes their results.

use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::auth::Secret;
use crate::core::closure::Step;
use crate::core::permissions::{Action, Principal, authorize};
use crate::core::{AccountId, AccountStatus};
use crate::service;
use crate::service::ServiceResult;
use crate::service::reveal::RevealReason;
use crate::service::search;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::export::{ExportCommand, ExportOutput, ExportState, ExportWorkers};
use crate::ui::closing::flow::{ClosingJob, ClosureFlow, ClosureOutput, ClosureReply, ClosureRequest};
use crate::ui::closing::wizard::WizardView;
use crate::ui::dashboards::overview::OverviewView;
use crate::ui::idle::{IdleTimer, had_input};
use crate::ui::jobs::{JobError, JobKey};
use crate::ui::screens::agent::{AgentView, CustomerListView, CustomerPage, CustomerQuery};
use crate::ui::screens::lock::LockView;
use crate::ui::screens::reveal::RevealForm;
use crate::ui::workers::Workers;

/// How long after the last keystroke the customer search runs.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

/// What the agent desk's customer side asks for.
#[derive(Debug)]
pub enum AgentCommand {
    /// The search box changed: search once typing pauses.
    SearchEdited,
    /// Show one more page of the customers matching the search.
    MoreCustomers,
    /// Open the reveal form of the customer on screen.
    OpenReveal,
    /// Close the reveal form.
    CloseReveal,
    /// Record the reveal for `reason` and show the customer unmasked.
    Reveal {
        /// The reason picked from the fixed list.
        reason: RevealReason,
    },
    /// Mask the customer's personal data again, dropping the unmasked rows.
    MaskAgain,
    /// Run the closure wizard for the customer on screen (assisted).
    AssistClosure,
    /// Leave the assisted wizard or cancellation for the customer's dashboards.
    LeaveAssist,
    /// Mail the closure-pending customer a cancel code.
    StartAssistedCancel,
    /// Mail another cancel code.
    ResendAssistedCancel,
    /// Cancel the closure with the code the customer read out.
    ConfirmAssistedCancel {
        /// The code as typed.
        code: Secret,
    },
    /// The lock screen's password.
    Unlock(Secret),
}

/// The workers of the desk's customer side; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeskJob {
    /// Search the customer list.
    ListCustomers,
    /// Record a reveal of a customer's personal data in the audit trail.
    Reveal,
    /// Check the password on the lock screen with argon2.
    Unlock,
}

impl JobKey for DeskJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::ListCustomers => "list-customers",
            Self::Reveal => "reveal",
            Self::Unlock => "unlock",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::ListCustomers => "listing customers",
            Self::Reveal => "recording the reveal",
            Self::Unlock => "checking the password",
        }
    }
}

/// The app's runner as the desk starts its own workers.
pub type DeskWorkers<'a> = Workers<'a, DeskJob, AgentOutput>;

/// What the desk's workers hand back.
#[derive(Debug)]
pub enum AgentOutput {
    /// A page of the customer list.
    CustomersListed {
        /// The search the list answers.
        query: CustomerQuery,
        /// The matching accounts, or why the search failed or was refused.
        result: ServiceResult<CustomerPage>,
    },
    /// A reveal was recorded (or refused).
    Revealed {
        /// The customer.
        account: AccountId,
        /// Nothing, or why the reveal was not recorded.
        result: ServiceResult<()>,
    },
    /// The lock screen's password was checked.
    Unlocked(Result<(), String>),
}

/// The state of the customer side of an agent session beyond the list and the open customer.
#[derive(Debug)]
pub struct CustomerDesk {
    /// The reveal form, while it is open.
    pub reveal: Option<RevealForm>,
    /// The assisted closure wizard, while it runs.
    pub assist: Option<WizardView>,
    /// The assisted cancellation, while it runs.
    pub cancel: Option<ClosureFlow>,
    /// The backup panel of the wizard's backup step (a backup at the customer's request).
    pub export: Option<ExportState>,
    /// A one-time notice above the customer's dashboards.
    pub notice: Option<String>,
    /// When the agent last touched the window.
    pub idle: IdleTimer,
    /// The lock screen, while the session is locked.
    pub lock: Option<LockView>,
    /// The time, as of the last frame, for the code's expiry and the resend countdown.
    pub now: Timestamp,
}

impl CustomerDesk {
    /// A desk whose session locks after `idle_lock` without input.
    pub fn new(idle_lock: Duration) -> Self {
        Self {
            reveal: None,
            assist: None,
            cancel: None,
            export: None,
            notice: None,
            idle: IdleTimer::new(idle_lock, Instant::now()),
            lock: None,
            // The desk's logic sets the time before the first frame is drawn.
            now: Timestamp::UNIX_EPOCH,
        }
    }

    /// Forgets everything about the customer that was open.
    fn clear_customer(&mut self) {
        self.reveal = None;
        self.assist = None;
        self.cancel = None;
        self.export = None;
        self.notice = None;
    }
}

/// Who the agent is, for `authorize`.
pub fn principal(agent: &AgentView) -> Principal {
    Principal::Agent { id: agent.id, role: agent.role }
}

/// Opens `account`'s dashboards, masked.
pub fn open_customer(agent: &mut AgentView, account: AccountId) {
    let mut overview = OverviewView::loading(account);
    overview.masked = true;
    agent.open = Some(overview);
    agent.desk.clear_customer();
}

/// Goes back to the list, dropping the customer's data.
pub fn close_customer(agent: &mut AgentView) {
    agent.open = None;
    agent.desk.clear_customer();
    agent.customers.first_field_focused = false;
}

/// Lists the first `query.limit` customers matching `query.search` (all customers when it is
/// empty), if `principal` may search customers.
pub fn list_customers(jobs: &mut DeskWorkers<'_>, query: CustomerQuery, principal: Principal) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(DeskJob::ListCustomers, move || {
        let result = service::search::customers(&path, principal, &query.search, query.limit);
        AgentOutput::CustomersListed { query, result }
    })
}

/// Applies a command of the desk.
pub fn apply(agent: &mut AgentView, command: AgentCommand, jobs: &mut DeskWorkers<'_>, now: Timestamp) {
    if agent.desk.lock.is_some() && !matches!(command, AgentCommand::Unlock(_)) {
        return;
    }
    match command {
        AgentCommand::SearchEdited => search_edited(&mut agent.customers),
        AgentCommand::MoreCustomers => agent.customers.query.limit += search::PAGE,
        AgentCommand::Unlock(password) => unlock(agent, password, jobs, now),
        command => {
            if let Some(account) = agent.open.as_ref().map(|open| open.account) {
                apply_to_customer(agent, account, command, jobs, now);
            }
        }
    }
}

/// Applies a command about the open customer, `account`.
fn apply_to_customer(
    agent: &mut AgentView,
    account: AccountId,
    command: AgentCommand,
    jobs: &mut DeskWorkers<'_>,
    now: Timestamp,
) {
    let who = principal(agent);
    let desk = &mut agent.desk;
    match command {
        // Handled by `apply`: they do not need a customer.
        AgentCommand::SearchEdited | AgentCommand::MoreCustomers | AgentCommand::Unlock(_) => {}
        AgentCommand::OpenReveal => desk.reveal = Some(RevealForm::default()),
        AgentCommand::CloseReveal => desk.reveal = None,
        AgentCommand::MaskAgain => {
            desk.notice = None;
            if let Some(open) = agent.open.as_mut().filter(|open| !open.masked) {
                open.masked = true;
                // Read again masked: the unmasked rows leave memory rather than being hidden.
                open.reload();
            }
        }
        AgentCommand::Reveal { reason } => {
            if let Some(form) = desk.reveal.as_mut() {
                start_reveal(form, who, account, reason, jobs, now);
            }
        }
        AgentCommand::AssistClosure => {
            let db_path = jobs.db_path().to_owned();
            desk.reveal = None;
            desk.notice = None;
            desk.cancel = None;
            desk.export = Some(ExportState::new(account, who));
            desk.assist = Some(WizardView::new(account, &db_path, now));
        }
        AgentCommand::LeaveAssist => {
            let changed = desk.assist.take().is_some() | desk.cancel.take().is_some();
            desk.export = None;
            if changed && let Some(open) = agent.open.as_mut() {
                // The steps wrote audit lines and mail, maybe a closure: read the account again.
                open.reload();
            }
        }
        AgentCommand::StartAssistedCancel => {
            desk.reveal = None;
            desk.notice = None;
            desk.assist = None;
            desk.cancel = Some(assisted_cancel(account));
        }
        AgentCommand::ResendAssistedCancel => {
            if let Some(cancel) = desk.cancel.as_mut() {
                cancel.resend();
            }
        }
        AgentCommand::ConfirmAssistedCancel { code } => {
            if let Some(cancel) = desk.cancel.as_mut() {
                cancel.confirm_code(code);
            }
        }
    }
}

/// Applies a command of the assisted wizard; returns the step commands, which the app queues
/// the way it does for a customer's own wizard.
pub fn apply_closure(
    agent: &mut AgentView,
    command: ClosureCommand,
    db_path: &std::path::Path,
    now: Timestamp,
) -> Option<ClosureCommand> {
    if agent.desk.lock.is_some() {
        return None;
    }
    let account = agent.open.as_ref()?.account;
    let desk = &mut agent.desk;
    match command {
        // "Back to the overview", "Back to settings": the agent's way back is the customer's dashboards.
        ClosureCommand::ShowPage(_) | ClosureCommand::LeaveWizard => {
            desk.assist = None;
            desk.export = None;
            if let Some(open) = agent.open.as_mut() {
                open.reload();
            }
        }
        ClosureCommand::StartClosing => {
            if desk.assist.as_ref().is_none_or(|wizard| wizard.flow.wizard.is_none() || wizard.is_done()) {
                desk.assist = Some(WizardView::new(account, db_path, now));
            }
        }
        ClosureCommand::OpenCancel => {
            desk.assist = None;
            desk.export = None;
            desk.cancel = Some(assisted_cancel(account));
        }
        // The customer's mailbox is theirs: the agent hears the code, and never reads it. And a
        // password has no place in an assisted flow.
        ClosureCommand::RefreshMailbox
        | ClosureCommand::ReloadSettings
        | ClosureCommand::SubmitPassword(_)
        | ClosureCommand::CancelWithPassword(_) => {}
        step => return Some(step),
    }
    None
}

/// Routes a backup-panel command to the assisted wizard's backup step, if the agent may
/// export this customer's backup (at the customer's request).
pub fn apply_export(agent: &mut AgentView, command: ExportCommand, jobs: &mut ExportWorkers<'_>, now: Timestamp) {
    let principal = principal(agent);
    if agent.desk.lock.is_some() {
        return;
    }
    let Some(export) = agent.desk.export.as_mut() else {
        return;
    };
    let Some(account) = agent.open.as_ref().map(|open| open.account) else {
        return;
    };
    if authorize(principal, Action::ExportAccount(account)).is_ok() {
        export.apply(command, jobs, now);
    }
}

/// Takes in a save dialog or export worker's result for the backup step.
pub fn on_export_output(agent: &mut AgentView, output: ExportOutput, jobs: &mut ExportWorkers<'_>, now: Timestamp) {
    if let Some(export) = agent.desk.export.as_mut() {
        export.on_output(output, jobs, now);
    }
}

fn start_reveal(
    form: &mut RevealForm,
    principal: Principal,
    account: AccountId,
    reason: RevealReason,
    jobs: &mut DeskWorkers<'_>,
    now: Timestamp,
) {
    if form.busy || !form.is_complete() {
        return;
    }
    let db_path = jobs.db_path().to_owned();
    let started = jobs.start(DeskJob::Reveal, move || {
        let result = service::reveal::reveal(&db_path, principal, account, reason, now);
        AgentOutput::Revealed { account, result }
    });
    match started {
        Ok(()) => {
            form.busy = true;
            form.error = None;
            // The agent's words were only a prompt to think: they go nowhere, so drop them now.
            form.text.clear();
        }
        Err(err) => form.error = Some(err.to_string()),
    }
}

fn unlock(agent: &mut AgentView, password: Secret, jobs: &mut DeskWorkers<'_>, now: Timestamp) {
    let Some(lock) = agent.desk.lock.as_mut() else {
        return;
    };
    if lock.busy {
        return;
    }
    let db_path = jobs.db_path().to_owned();
    let (name, id) = (agent.name.clone(), agent.id);
    let started = jobs.start(DeskJob::Unlock, move || {
        let result = service::session::unlock(&db_path, id, name, password, now);
        AgentOutput::Unlocked(result)
    });
    match started {
        Ok(()) => {
            lock.busy = true;
            lock.error = None;
        }
        Err(err) => lock.error = Some(err.to_string()),
    }
}

/// Locks the session: every customer view of this page is dropped. What is still loading for
/// one finds no view to land in and is ignored; the other pages' jobs (a purge, say) are left
/// to finish, and their pages stay hidden behind the lock screen.
pub fn lock(agent: &mut AgentView) {
    if agent.desk.lock.is_some() {
        return;
    }
    tracing::info!("agent session locked after idle time");
    close_customer(agent);
    agent.customers = CustomerListView::default();
    agent.desk.lock = Some(LockView::default());
}

/// Takes in a desk worker's result.
pub fn on_output(agent: &mut AgentView, output: AgentOutput) {
    match output {
        AgentOutput::CustomersListed { query, result } => {
            agent.customers.shown_for = Some(query);
            agent.customers.rows = result.map_err(|err| err.to_string()).into();
        }
        AgentOutput::Revealed { account, result } => {
            let Some(open) = agent.open.as_mut().filter(|open| open.account == account) else {
                return;
            };
            let Some(form) = agent.desk.reveal.as_mut() else {
                return;
            };
            form.busy = false;
            match result {
                Ok(()) => {
                    agent.desk.reveal = None;
                    agent.desk.notice = Some("Personal data shown unmasked; the reveal is in the audit trail.".into());
                    open.masked = false;
                    open.reload();
                }
                Err(err) => form.error = Some(err.to_string()),
            }
        }
        AgentOutput::Unlocked(result) => {
            let Some(lock) = agent.desk.lock.as_mut() else {
                return;
            };
            lock.busy = false;
            match result {
                Ok(()) => {
                    agent.desk.lock = None;
                    agent.desk.idle.restart(Instant::now());
                }
                Err(message) => lock.error = Some(message),
            }
        }
    }
}

/// Takes in an assisted cancellation's step; the assisted wizard's steps go through the app's
/// wizard handling.
pub fn on_cancel_stepped(agent: &mut AgentView, flow: u64, result: Result<ClosureReply, String>) {
    if let Some(cancel) = agent.queue.cancel.as_mut().filter(|cancel| cancel.flow.flow == flow) {
        if cancel.flow.on_reply(result).is_some_and(|news| news.reached(Step::Done)) {
            agent.queue.wanted = true;
        }
        return;
    }
    let Some(cancel) = agent.desk.cancel.as_mut().filter(|cancel| cancel.flow == flow) else {
        return;
    };
    if cancel.on_reply(result).is_some_and(|news| news.reached(Step::Done))
        && let Some(open) = agent.open.as_mut()
    {
        open.reload();
    }
}

/// An assisted cancellation of `account`'s pending closure: a code mailed to the customer,
/// read out, typed by the agent. No password.
fn assisted_cancel(account: AccountId) -> ClosureFlow {
    ClosureFlow::new(Some(ClosureRequest::BeginAssistedCancel { account }))
}

/// A desk worker died without a result: say so where it was awaited.
pub fn on_job_crashed(agent: &mut AgentView, kind: DeskJob, message: String) {
    let desk = &mut agent.desk;
    match kind {
        DeskJob::ListCustomers => {
            // Marked as answered, so that a failing search is not retried in a loop.
            agent.customers.shown_for = Some(agent.customers.query.clone());
            agent.customers.rows = crate::ui::remote::Remote::Failed(message);
        }
        DeskJob::Reveal => {
            if let Some(form) = desk.reveal.as_mut() {
                form.busy = false;
                form.error = Some(message);
            }
        }
        DeskJob::Unlock => {
            if let Some(lock) = desk.lock.as_mut() {
                lock.busy = false;
                lock.error = Some(message);
            }
        }
    }
}

/// A worker of the assisted closure or its backup step died without a result: say so where
/// it was awaited.
pub fn on_closing_crashed(agent: &mut AgentView, kind: ClosingJob, message: String) {
    let desk = &mut agent.desk;
    match kind {
        ClosingJob::Closure => {
            if let Some(wizard) = desk.assist.as_mut() {
                wizard.flow.busy = None;
                wizard.flow.message = Some(message);
            } else if let Some(cancel) = desk.cancel.as_mut() {
                cancel.busy = None;
                cancel.message = Some(message);
            }
        }
        ClosingJob::SaveDialog | ClosingJob::Export => {
            if let Some(export) = desk.export.as_mut() {
                export.on_crashed(kind, message);
            }
        }
        ClosingJob::Mailbox => {}
    }
}

/// The desk's part of `App::logic`: the idle lock, the debounced search, and the backup
/// panel's progress. Returns whether the desk is unlocked (the app then starts a queued
/// closure step).
pub fn logic(agent: &mut AgentView, jobs: &mut DeskWorkers<'_>, ctx: &egui::Context, now: Timestamp) -> bool {
    let instant = Instant::now();
    let input = ctx.input(had_input);
    agent.desk.idle.observe(ctx.cumulative_pass_nr(), input, instant);
    if agent.desk.lock.is_some() {
        return false;
    }
    if agent.desk.idle.is_due(instant) {
        lock(agent);
        return false;
    }
    // Without input nothing repaints: make sure a pass comes when the lock is due.
    ctx.request_repaint_after(agent.desk.idle.remaining(instant));

    start_search(agent, jobs, instant, ctx);
    if let Some(export) = agent.desk.export.as_mut() {
        export.poll_progress();
    }
    agent.desk.now = now;
    if let Some(wizard) = agent.desk.assist.as_mut() {
        wizard.now = now;
    }
    true
}

/// A new search text starts again from one page of results, once typing pauses.
fn search_edited(list: &mut CustomerListView) {
    list.edited_at = Some(Instant::now());
    list.query.limit = search::PAGE;
}

/// Starts the customer search once typing has paused for [`SEARCH_DEBOUNCE`].
fn start_search(agent: &mut AgentView, jobs: &mut DeskWorkers<'_>, now: Instant, ctx: &egui::Context) {
    let list = &mut agent.customers;
    if !list.is_stale() || jobs.is_running(DeskJob::ListCustomers) {
        return;
    }
    if let Some(edited_at) = list.edited_at {
        let wait = SEARCH_DEBOUNCE.saturating_sub(now.saturating_duration_since(edited_at));
        if !wait.is_zero() {
            ctx.request_repaint_after(wait);
            return;
        }
    }
    let principal = Principal::Agent { id: agent.id, role: agent.role };
    if let Err(err) = list_customers(jobs, list.query.clone(), principal) {
        list.shown_for = Some(list.query.clone());
        list.rows = crate::ui::remote::Remote::Failed(err.to_string());
    }
}

/// Starts the closure step the assisted wizard or cancellation has waiting.
pub fn start_queued_step(agent: &mut AgentView, jobs: &mut Workers<'_, ClosingJob, ClosureOutput>, now: Timestamp) {
    let principal = Principal::Agent { id: agent.id, role: agent.role };
    let desk = &mut agent.desk;
    // At most one closure step runs at a time: the customer page's flow goes first.
    let flow = if let Some(view) = desk.assist.as_mut() {
        &mut view.flow
    } else if let Some(cancel) = desk.cancel.as_mut() {
        cancel
    } else if let Some(cancel) = agent.queue.cancel.as_mut() {
        &mut cancel.flow
    } else {
        return;
    };
    flow.start_queued(jobs, principal, now);
}

/// Whether the customer on screen may get an assisted closure, or an assisted cancellation.
pub fn closure_actions(open: &OverviewView) -> (bool, bool) {
    match open.data.ready().map(|summary| summary.account.status) {
        Some(AccountStatus::Active) => (true, false),
        Some(AccountStatus::ClosurePending) => (false, true),
        _ => (false, false),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    #[test]
    fn a_customer_may_not_search_customers_even_if_a_screen_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut work: Work<DeskJob, AgentOutput> = Work::new(egui::Context::default(), dir.path().join("none.db"));
        let customer = Principal::Customer(AccountId(1));
        list_customers(&mut work.workers(), CustomerQuery::default(), customer).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let events = loop {
            let events = work.jobs.poll();
            if !events.is_empty() || Instant::now() > deadline {
                break events;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(AgentOutput::CustomersListed { result: Err(err), .. })] if err.to_string() == "You are not allowed to do this."),
            "{events:?}"
        );
    }
}
