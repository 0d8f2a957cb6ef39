//! The customer side of the agent desk, as the app drives it: search as the agent types, the
//! masked customer view and its audited reveal, the assisted closure and cancellation, and
//! the idle lock. The screens only draw and return commands; this module applies them, starts
//! the workers (each checking the agent's permission in core first) and takes their results.

use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::auth::Secret;
use crate::core::AccountId;
use crate::core::closure::Step;
use crate::core::permissions::{Action, Principal, authorize};
use crate::service;
use crate::service::reveal::RevealReason;
use crate::service::search;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::export::{ExportCommand, ExportOutput, ExportState, ExportWorkers};
use crate::ui::closing::flow::{ClosingJob, ClosureFlow, ClosureReply, ClosureRequest};
use crate::ui::closing::wizard::WizardView;
use crate::ui::dashboards::overview::OverviewView;
use crate::ui::idle::had_input;
use crate::ui::jobs::JobError;
use crate::ui::remote::Remote;

use super::command::{AgentCommand, AgentOutput, DeskJob, DeskWorkers};
use super::desk::CustomerDesk;
use super::lock::LockView;
use super::reveal::RevealForm;
use super::search::{CustomerListView, CustomerQuery};

/// How long after the last keystroke the customer search runs.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

/// Opens `account`'s dashboards, masked.
pub fn open_customer(desk: &mut CustomerDesk, account: AccountId) {
    let mut overview = OverviewView::loading(account);
    overview.masked = true;
    desk.open = Some(overview);
    desk.clear_customer();
}

/// Goes back to the list, dropping the customer's data.
pub fn close_customer(desk: &mut CustomerDesk) {
    desk.open = None;
    desk.clear_customer();
    desk.customers.first_field_focused = false;
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

/// The signed-in agent, as the desk's workers name them.
#[derive(Clone, Copy, Debug)]
pub struct Signed<'a> {
    /// Who the agent is, for the service's permission checks.
    pub principal: Principal,
    /// The agent's sign-in name, for the lock screen's password check.
    pub name: &'a str,
}

/// Applies a command of the desk. Commands the app routes elsewhere (opening a customer, the
/// dashboards, the assisted closure's steps, signing out) are not the desk's to apply.
pub fn apply(
    desk: &mut CustomerDesk,
    who: Signed<'_>,
    command: AgentCommand,
    jobs: &mut DeskWorkers<'_>,
    now: Timestamp,
) {
    if desk.lock.is_some() && !matches!(command, AgentCommand::Unlock(_)) {
        return;
    }
    match command {
        AgentCommand::SearchEdited => search_edited(&mut desk.customers),
        AgentCommand::MoreCustomers => desk.customers.query.limit += search::PAGE,
        AgentCommand::Unlock(password) => unlock(desk, who, password, jobs, now),
        command => {
            if let Some(account) = desk.open.as_ref().map(|open| open.account) {
                apply_to_customer(desk, who.principal, account, command, jobs, now);
            }
        }
    }
}

/// Applies a command about the open customer, `account`.
fn apply_to_customer(
    desk: &mut CustomerDesk,
    who: Principal,
    account: AccountId,
    command: AgentCommand,
    jobs: &mut DeskWorkers<'_>,
    now: Timestamp,
) {
    match command {
        // Handled by `apply`, as they do not need a customer; or routed by the app to the list,
        // the dashboards, the closure flow or the session.
        AgentCommand::SearchEdited
        | AgentCommand::MoreCustomers
        | AgentCommand::Unlock(_)
        | AgentCommand::OpenCustomer(_)
        | AgentCommand::BackToCustomers
        | AgentCommand::ReloadCustomers
        | AgentCommand::SignOut
        | AgentCommand::Overview(_)
        | AgentCommand::Closing(_) => {}
        AgentCommand::OpenReveal => desk.reveal = Some(RevealForm::default()),
        AgentCommand::CloseReveal => desk.reveal = None,
        AgentCommand::MaskAgain => {
            desk.notice = None;
            if let Some(open) = desk.open.as_mut().filter(|open| !open.masked) {
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
            if changed && let Some(open) = desk.open.as_mut() {
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
    desk: &mut CustomerDesk,
    command: ClosureCommand,
    db_path: &std::path::Path,
    now: Timestamp,
) -> Option<ClosureCommand> {
    if desk.lock.is_some() {
        return None;
    }
    let account = desk.open.as_ref()?.account;
    match command {
        // "Back to the overview", "Back to settings": the agent's way back is the customer's dashboards.
        ClosureCommand::ShowPage(_) | ClosureCommand::LeaveWizard => {
            desk.assist = None;
            desk.export = None;
            if let Some(open) = desk.open.as_mut() {
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
pub fn apply_export(
    desk: &mut CustomerDesk,
    principal: Principal,
    command: ExportCommand,
    jobs: &mut ExportWorkers<'_>,
    now: Timestamp,
) {
    if desk.lock.is_some() {
        return;
    }
    let Some(export) = desk.export.as_mut() else {
        return;
    };
    let Some(account) = desk.open.as_ref().map(|open| open.account) else {
        return;
    };
    if authorize(principal, Action::ExportAccount(account)).is_ok() {
        export.apply(command, jobs, now);
    }
}

/// Takes in a save dialog or export worker's result for the backup step.
pub fn on_export_output(desk: &mut CustomerDesk, output: ExportOutput, jobs: &mut ExportWorkers<'_>, now: Timestamp) {
    if let Some(export) = desk.export.as_mut() {
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

fn unlock(desk: &mut CustomerDesk, who: Signed<'_>, password: Secret, jobs: &mut DeskWorkers<'_>, now: Timestamp) {
    let Principal::Agent { id, .. } = who.principal else {
        return;
    };
    let Some(lock) = desk.lock.as_mut() else {
        return;
    };
    if lock.busy {
        return;
    }
    let db_path = jobs.db_path().to_owned();
    let name = who.name.to_owned();
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
pub fn lock(desk: &mut CustomerDesk) {
    if desk.lock.is_some() {
        return;
    }
    tracing::info!("agent session locked after idle time");
    close_customer(desk);
    desk.customers = CustomerListView::default();
    desk.lock = Some(LockView::default());
}

/// Takes in a desk worker's result.
pub fn on_output(desk: &mut CustomerDesk, output: AgentOutput) {
    match output {
        AgentOutput::CustomersListed { query, result } => {
            desk.customers.shown_for = Some(query);
            desk.customers.rows = result.map_err(|err| err.to_string()).into();
        }
        AgentOutput::Revealed { account, result } => {
            let Some(open) = desk.open.as_mut().filter(|open| open.account == account) else {
                return;
            };
            let Some(form) = desk.reveal.as_mut() else {
                return;
            };
            form.busy = false;
            match result {
                Ok(()) => {
                    desk.reveal = None;
                    desk.notice = Some("Personal data shown unmasked; the reveal is in the audit trail.".into());
                    open.masked = false;
                    open.reload();
                }
                Err(err) => form.error = Some(err.to_string()),
            }
        }
        AgentOutput::Unlocked(result) => {
            let Some(lock) = desk.lock.as_mut() else {
                return;
            };
            lock.busy = false;
            match result {
                Ok(()) => {
                    desk.lock = None;
                    desk.idle.restart(Instant::now());
                }
                Err(message) => lock.error = Some(message),
            }
        }
    }
}

/// Takes in an assisted cancellation's step; the assisted wizard's steps go through the app's
/// wizard handling, and the closure queue's cancellation through the operations pages.
pub fn on_cancel_stepped(desk: &mut CustomerDesk, flow: u64, result: crate::service::ServiceResult<ClosureReply>) {
    let Some(cancel) = desk.cancel.as_mut().filter(|cancel| cancel.flow == flow) else {
        return;
    };
    if cancel.on_reply(result).is_some_and(|news| news.reached(Step::Done))
        && let Some(open) = desk.open.as_mut()
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
pub fn on_job_crashed(desk: &mut CustomerDesk, kind: DeskJob, message: String) {
    match kind {
        DeskJob::ListCustomers => {
            // Marked as answered, so that a failing search is not retried in a loop.
            desk.customers.shown_for = Some(desk.customers.query.clone());
            desk.customers.rows = Remote::Failed(message);
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
pub fn on_closing_crashed(desk: &mut CustomerDesk, kind: ClosingJob, message: String) {
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
pub fn logic(
    desk: &mut CustomerDesk,
    principal: Principal,
    jobs: &mut DeskWorkers<'_>,
    ctx: &egui::Context,
    now: Timestamp,
) -> bool {
    let instant = Instant::now();
    let input = ctx.input(had_input);
    desk.idle.observe(ctx.cumulative_pass_nr(), input, instant);
    if desk.lock.is_some() {
        return false;
    }
    if desk.idle.is_due(instant) {
        lock(desk);
        return false;
    }
    // Without input nothing repaints: make sure a pass comes when the lock is due.
    ctx.request_repaint_after(desk.idle.remaining(instant));

    start_search(desk, principal, jobs, instant, ctx);
    if let Some(export) = desk.export.as_mut() {
        export.poll_progress();
    }
    desk.now = now;
    if let Some(wizard) = desk.assist.as_mut() {
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
fn start_search(
    desk: &mut CustomerDesk,
    principal: Principal,
    jobs: &mut DeskWorkers<'_>,
    now: Instant,
    ctx: &egui::Context,
) {
    let list = &mut desk.customers;
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
    if let Err(err) = list_customers(jobs, list.query.clone(), principal) {
        list.shown_for = Some(list.query.clone());
        list.rows = Remote::Failed(err.to_string());
    }
}

/// The assisted wizard's or cancellation's flow, whose step waits for the closure worker; at
/// most one closure step runs at a time, and the customer page's flow goes first.
pub fn queued_flow(desk: &mut CustomerDesk) -> Option<&mut ClosureFlow> {
    if let Some(view) = desk.assist.as_mut() {
        return Some(&mut view.flow);
    }
    desk.cancel.as_mut()
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    #[test]
    fn a_customer_may_not_search_customers_even_if_a_screen_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut work: Work<DeskJob, AgentOutput> = Work::new(egui::Context::default(), dir.path().join("none.db"));
        let customer = Principal::Customer(AccountId(1));
        list_customers(&mut work.workers(), CustomerQuery::default(), customer).unwrap();
        let events = work.jobs.wait_for_events();
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(AgentOutput::CustomersListed { result: Err(err), .. })] if err.to_string() == "You are not allowed to do this."),
            "{events:?}"
        );
    }
}
