//! A signed-in customer's settings area and the closure-pending screen, as the app drives
//! them: commands in, closure and export workers out, their results routed back to the flow
//! that asked. The screens themselves only draw and return commands.

use jiff::Timestamp;

use super::{ClosedeskApp, Screen};
use crate::core::permissions::Principal;
use crate::ui::agent_desk::logic as desk_logic;
use crate::ui::app::command::Command;
use crate::ui::closing::command::{AreaPage, ClosureCommand};
use crate::ui::closing::export::{ExportCommand, ExportOutput};
use crate::ui::closing::flow::{ClosingJob, ClosureOutput, ClosureReply};
use crate::ui::closing::mailbox::{self, MailboxView};
use crate::ui::closing::steps::{queue_wizard_step, wizard_reply};
use crate::ui::customer::area::{AccountArea, AreaOutcome, CustomerJob, CustomerOutput, start_settings_work};
use crate::ui::customer::closure_pending::ClosurePendingView;
use crate::ui::customer::pending::{self, pending_reply};
use crate::ui::dashboards::DashboardCommand;
use crate::ui::dashboards::overview::OverviewView;
use crate::ui::remote::Remote;
use crate::ui::workers::Workers;

/// What the overview says after a closure was cancelled.
const CANCELLED_NOTICE: &str = "The closure was cancelled: your account is active again. Marketing mail stays off until you turn it on in Account settings.";

impl ClosedeskApp {
    /// The page a signed-in customer is on, for the top bar; `None` for anyone else.
    pub(super) fn customer_page(&self) -> Option<AreaPage> {
        match &self.screen {
            Screen::Customer(_) => Some(self.area.as_ref().map_or(AreaPage::Overview, |area| area.page)),
            _ => None,
        }
    }

    /// The settings area of the customer whose overview is on screen, made on first use.
    fn customer_area(&mut self) -> Option<&mut AccountArea> {
        let Screen::Customer(overview) = &self.screen else {
            return None;
        };
        let account = overview.account;
        let principal = self.principal?;
        if self.area.as_ref().is_none_or(|area| area.account != account) {
            self.area = Some(AccountArea::new(account, principal));
        }
        self.area.as_mut()
    }

    /// Applies a command of the settings area, the wizard or the closure-pending screen.
    pub(super) fn apply_closure(&mut self, command: ClosureCommand) {
        if let Screen::ClosurePending(view) = &mut self.screen {
            pending::apply(view, command);
            return;
        }
        let now = self.clock.now();
        if let ClosureCommand::ShowBlockerRows { listing, statuses } = command {
            if self.pause_wizard(true) {
                self.apply_dashboard(DashboardCommand::ShowRows { listing, statuses });
            }
            return;
        }
        if matches!(command, ClosureCommand::BackToClosing) {
            self.pause_wizard(false);
            return;
        }
        if let Screen::Agent(agent) = &mut self.screen {
            // An assisted closure: the desk handles leaving and restarting; steps queue as here.
            if let Some(step) = desk_logic::apply_closure(&mut agent.desk, command, self.work.db_path(), now)
                && let Some(view) = agent.desk.assist.as_mut()
            {
                queue_wizard_step(view, step);
            }
            return;
        }
        let db_path = self.work.db_path().to_owned();
        let Some(area) = self.customer_area() else {
            return;
        };
        let reload_account = match area.apply(command, &db_path, now) {
            AreaOutcome::Applied => false,
            AreaOutcome::ReloadAccount => true,
            AreaOutcome::OpenCancel(account) => {
                // The session now only offers the cancellation, like a sign-in would.
                self.area = None;
                self.screen = Screen::ClosurePending(Box::new(ClosurePendingView::new(account, &db_path)));
                return;
            }
        };
        if reload_account {
            // Commands are being applied now: this one waits for the next pass, so ask for it.
            self.commands.push(Command::ReloadAccount);
            self.ctx.request_repaint();
        }
    }

    /// Sets the wizard on screen aside for a blocker's rows (`paused`), or brings it back at
    /// its step; whether there was one.
    fn pause_wizard(&mut self, paused: bool) -> bool {
        if let Screen::Agent(agent) = &mut self.screen {
            let Some(wizard) = agent.desk.assist.as_mut() else {
                return false;
            };
            wizard.paused = paused;
            return true;
        }
        let Some(area) = self.area.as_mut().filter(|_| matches!(self.screen, Screen::Customer(_))) else {
            return false;
        };
        let Some(wizard) = area.wizard.as_mut() else {
            return false;
        };
        wizard.paused = paused;
        area.page = if paused { AreaPage::Overview } else { AreaPage::Wizard };
        area.flash = None;
        true
    }

    /// Applies a command of a backup panel.
    pub(super) fn apply_export(&mut self, command: ExportCommand) {
        let now = self.clock.now();
        if let Screen::Agent(agent) = &mut self.screen {
            let principal = agent.principal();
            desk_logic::apply_export(&mut agent.desk, principal, command, &mut self.work.workers(), now);
            return;
        }
        if let Some(area) = self.area.as_mut() {
            area.export.apply(command, &mut self.work.workers(), now);
        }
    }

    /// Takes in a closure, mailbox or settings worker's result.
    pub(super) fn on_closure_output(&mut self, output: ClosureOutput) {
        match output {
            ClosureOutput::Stepped { flow, result } => self.on_stepped(flow, result),
            ClosureOutput::Mailbox { account, result } => {
                if let Some(mailbox) = mailbox_mut(&mut self.screen, &mut self.area)
                    && mailbox.account == account
                {
                    mailbox.items = result.into();
                }
            }
        }
    }

    /// Takes in the settings page's worker's result.
    pub(super) fn on_customer_output(&mut self, output: CustomerOutput) {
        if let Some(area) = self.area.as_mut() {
            area.on_output(output);
        }
    }

    fn on_stepped(&mut self, flow: u64, result: crate::service::ServiceResult<ClosureReply>) {
        if let Screen::Agent(agent) = &mut self.screen {
            super::agent::on_stepped(agent, flow, result);
            return;
        }
        if let Screen::ClosurePending(view) = &mut self.screen
            && view.flow.flow == flow
        {
            if pending_reply(view, result) {
                let account = view.account;
                // A closure-pending screen is only ever a signed-in customer's own.
                let principal = self.principal.unwrap_or(Principal::Customer(account));
                let mut area = AccountArea::new(account, principal);
                area.flash = Some(CANCELLED_NOTICE.to_owned());
                self.area = Some(area);
                self.screen = Screen::Customer(Box::new(OverviewView::loading(account)));
            }
            return;
        }
        let Some(area) = self.area.as_mut() else {
            return;
        };
        let Some(view) = area.wizard.as_mut().filter(|view| view.flow.flow == flow) else {
            return;
        };
        if wizard_reply(view, result) {
            area.reload_settings();
            self.commands.push(Command::ReloadAccount);
        }
    }

    /// Takes in a save dialog or export worker's result.
    pub(super) fn on_export_output(&mut self, output: ExportOutput) {
        let now = self.clock.now();
        if let Screen::Agent(agent) = &mut self.screen {
            desk_logic::on_export_output(&mut agent.desk, output, &mut self.work.workers(), now);
            return;
        }
        if let Some(area) = self.area.as_mut() {
            area.export.on_output(output, &mut self.work.workers(), now);
        }
    }

    /// A worker of the settings area died without a result: say so where it was awaited.
    pub(super) fn on_closing_job_crashed(&mut self, kind: ClosingJob, message: String) {
        if let Screen::Agent(agent) = &mut self.screen {
            desk_logic::on_closing_crashed(&mut agent.desk, kind, message);
            return;
        }
        match kind {
            ClosingJob::Closure => match &mut self.screen {
                Screen::ClosurePending(view) => {
                    view.flow.busy = None;
                    if view.info.is_loading() {
                        view.info = Remote::Failed(message);
                    } else {
                        view.flow.message = Some(message);
                    }
                }
                _ => {
                    if let Some(view) = self.area.as_mut().and_then(|area| area.wizard.as_mut()) {
                        view.flow.busy = None;
                        view.flow.message = Some(message);
                    }
                }
            },
            ClosingJob::Mailbox => {
                if let Some(mailbox) = mailbox_mut(&mut self.screen, &mut self.area) {
                    mailbox.items = Remote::Failed(message);
                }
            }
            ClosingJob::SaveDialog | ClosingJob::Export => {
                if let Some(area) = self.area.as_mut() {
                    area.export.on_crashed(kind, message);
                }
            }
        }
    }

    /// The settings page's worker died without a result.
    pub(super) fn on_customer_job_crashed(&mut self, _job: CustomerJob, message: String) {
        if matches!(self.screen, Screen::Agent(_)) {
            return;
        }
        if let Some(area) = self.area.as_mut() {
            area.settings = Remote::Failed(message);
            area.subscription_changing = false;
        }
    }

    /// Starts the work the area's screens wait for, and brings their progress and clock up to date.
    pub(super) fn area_logic(&mut self) {
        let now = self.clock.now();
        let Self { screen, area, work, principal, .. } = self;
        // Every load names the session's principal; the worker checks it before reading.
        let principal = *principal;
        if let Screen::ClosurePending(view) = screen {
            view.now = now;
        }

        if !work.jobs.is_running(ClosingJob::Closure.into())
            && let Some(principal) = principal
        {
            start_queued_step(screen, area, &mut work.workers(), principal, now);
        }
        if let Some(mailbox) = mailbox_mut(screen, area)
            && mailbox.wanted
            && !work.jobs.is_running(ClosingJob::Mailbox.into())
        {
            start_mailbox(mailbox, &mut work.workers(), principal);
        }
        let Some(area) = area.as_mut().filter(|_| matches!(screen, Screen::Customer(_))) else {
            return;
        };
        if area.page == AreaPage::Settings && !work.jobs.is_running(CustomerJob::LoadSettings.into()) {
            start_settings_work(area, &mut work.workers(), principal, now);
        }
        area.export.poll_progress();
        if let Some(wizard) = area.wizard.as_mut() {
            wizard.now = now;
        }
    }
}

/// The mailbox on screen, if any.
fn mailbox_mut<'a>(screen: &'a mut Screen, area: &'a mut Option<AccountArea>) -> Option<&'a mut MailboxView> {
    match screen {
        Screen::ClosurePending(view) => Some(&mut view.mailbox),
        Screen::Customer(_) => area.as_mut().and_then(|area| area.wizard.as_mut()).map(|wizard| &mut wizard.mailbox),
        _ => None,
    }
}

/// Starts the closure step the screen on show has waiting.
fn start_queued_step(
    screen: &mut Screen,
    area: &mut Option<AccountArea>,
    jobs: &mut Workers<'_, ClosingJob, ClosureOutput>,
    session: Principal,
    now: Timestamp,
) {
    let flow = match screen {
        Screen::ClosurePending(view) => &mut view.flow,
        Screen::Customer(_) => {
            let Some(view) = area.as_mut().and_then(|area| area.wizard.as_mut()) else {
                return;
            };
            &mut view.flow
        }
        _ => return,
    };
    flow.start_queued(jobs, session, now);
}

/// Reads the mailbox on the mailbox worker, as `principal` (the session's).
fn start_mailbox(
    mailbox: &mut MailboxView,
    jobs: &mut Workers<'_, ClosingJob, ClosureOutput>,
    principal: Option<Principal>,
) {
    mailbox.wanted = false;
    mailbox.items = Remote::Loading;
    if let Err(err) = mailbox::start_load(jobs, mailbox.account, principal) {
        mailbox.items = Remote::Failed(err.to_string());
    }
}
