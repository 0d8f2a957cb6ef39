//! A signed-in customer's settings area and the closure-pending screen, as the app drives
//! them: commands in, closure and export workers out, their results routed back to the flow
//! that asked. The screens themselves only draw and return commands.

use egui::Ui;
use jiff::Timestamp;

use super::{ClosedeskApp, Screen};
use crate::core::AccountId;
use crate::core::closure::{Event, Purpose, Step};
use crate::core::permissions::Principal;
use crate::service;
use crate::ui::agent_desk;
use crate::ui::closure::{AreaPage, ClosingJob, ClosureCommand, ClosureOutput, ClosureReply, ClosureRequest};
use crate::ui::command::Command;
use crate::ui::export::{ExportCommand, ExportOutput, ExportState};
use crate::ui::jobs::JobKey;
use crate::ui::mailbox::{self, MailboxView};
use crate::ui::remote::Remote;
use crate::ui::screens::closure_pending::ClosurePendingView;
use crate::ui::screens::dashboard::DashboardCommand;
use crate::ui::screens::overview::OverviewView;
use crate::ui::screens::settings::{SettingsData, SettingsPage, settings_ui};
use crate::ui::screens::wizard::{WizardView, back_to_closing_ui, wizard_ui};
use crate::ui::theme;
use crate::ui::widgets::notice_ui;
use crate::ui::workers::Workers;

/// What the overview says after a closure was cancelled.
const CANCELLED_NOTICE: &str = "The closure was cancelled: your account is active again. Marketing mail stays off until you turn it on in Account settings.";

/// The settings page's worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomerJob {
    /// Read the account settings page's data (after a subscription change, if one was asked for).
    LoadSettings,
}

impl JobKey for CustomerJob {
    fn thread_name(self) -> &'static str {
        "load-settings"
    }

    fn describe(self) -> &'static str {
        "loading the settings"
    }
}

/// What the settings page's worker hands back.
#[derive(Debug)]
pub enum CustomerOutput {
    /// The settings page's data was read.
    Settings {
        /// Whose settings.
        account: AccountId,
        /// The data, or why it cannot be read.
        result: Result<SettingsData, String>,
    },
    /// A subscription could not be changed; the page keeps what it shows.
    SubscriptionRefused {
        /// Whose subscription.
        account: AccountId,
        /// Why.
        message: String,
    },
}

/// A signed-in customer's pages beyond the overview, kept for the session: leaving the
/// settings for the overview keeps a wizard or an export where it was.
#[derive(Debug)]
pub(super) struct AccountArea {
    account: AccountId,
    page: AreaPage,
    settings: Remote<SettingsData>,
    settings_wanted: bool,
    /// A subscription change to make on the settings worker, then read the page again.
    subscription_change: Option<(String, bool)>,
    /// The settings worker is making a subscription change.
    subscription_changing: bool,
    /// Why the last subscription change was refused.
    subscription_error: Option<String>,
    wizard: Option<WizardView>,
    export: ExportState,
    /// A one-time notice above the overview.
    flash: Option<String>,
}

impl AccountArea {
    fn new(account: AccountId, principal: Principal) -> Self {
        Self {
            account,
            page: AreaPage::Overview,
            settings: Remote::Loading,
            settings_wanted: true,
            subscription_change: None,
            subscription_changing: false,
            subscription_error: None,
            wizard: None,
            // The export worker checks the session's principal, not the account on screen.
            export: ExportState::new(account, principal),
            flash: None,
        }
    }

    fn reload_settings(&mut self) {
        self.settings = Remote::Loading;
        self.settings_wanted = true;
    }
}

/// What [`area_ui`] drew.
pub(super) enum Drawn {
    /// A page of the area, and the command it returned.
    Page(Option<Command>),
    /// Nothing but a notice or the way back to a wizard set aside, if any, and what was pressed
    /// there: the overview is to be drawn below.
    Overview(Option<Command>),
}

/// Draws a customer's page when it is not the overview.
pub(super) fn area_ui(ui: &mut Ui, area: Option<&mut AccountArea>) -> Drawn {
    let Some(area) = area else {
        return Drawn::Overview(None);
    };
    match area.page {
        AreaPage::Overview => {
            if let Some(flash) = &area.flash {
                notice_ui(ui, flash);
                ui.add_space(theme::SPACE_M);
            }
            if area.wizard.as_ref().is_some_and(|wizard| wizard.paused) {
                return Drawn::Overview(back_to_closing_ui(ui));
            }
            Drawn::Overview(None)
        }
        AreaPage::Settings => {
            let closing = area.wizard.as_ref().is_some_and(|wizard| !wizard.is_done());
            let page = SettingsPage {
                data: &area.settings,
                closing_in_progress: closing,
                changing: area.subscription_change.is_some() || area.subscription_changing,
                subscription_error: area.subscription_error.as_deref(),
            };
            Drawn::Page(settings_ui(ui, &page, &mut area.export))
        }
        AreaPage::Wizard => {
            Drawn::Page(area.wizard.as_mut().and_then(|wizard| wizard_ui(ui, wizard, &mut area.export)))
        }
    }
}

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
        if matches!(self.screen, Screen::ClosurePending(_)) {
            self.apply_to_pending(command);
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
            if let Some(step) = agent_desk::apply_closure(agent, command, self.work.db_path(), now)
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
        let mut reload_account = false;
        match command {
            ClosureCommand::ShowPage(page) => {
                if page == AreaPage::Wizard && area.wizard.is_none() {
                    return;
                }
                // The wizard's steps write audit lines and mail: what the overview counts changed.
                reload_account = area.page == AreaPage::Wizard && page != AreaPage::Wizard;
                if page == AreaPage::Settings {
                    area.reload_settings();
                }
                if let Some(wizard) = area.wizard.as_mut().filter(|_| page == AreaPage::Wizard) {
                    wizard.paused = false;
                }
                area.page = page;
                area.flash = None;
            }
            ClosureCommand::ReloadSettings => area.reload_settings(),
            ClosureCommand::SetSubscription { topic, enabled } => {
                if area.subscription_change.is_none() && !area.subscription_changing {
                    area.subscription_change = Some((topic, enabled));
                    area.subscription_error = None;
                }
            }
            ClosureCommand::StartClosing => {
                if area.wizard.as_ref().is_none_or(WizardView::is_done) {
                    area.wizard = Some(WizardView::new(area.account, &db_path, now));
                }
                if let Some(wizard) = area.wizard.as_mut() {
                    wizard.paused = false;
                }
                area.page = AreaPage::Wizard;
                area.flash = None;
            }
            ClosureCommand::LeaveWizard => {
                area.wizard = None;
                area.page = AreaPage::Settings;
                area.reload_settings();
                reload_account = true;
            }
            ClosureCommand::OpenCancel => {
                let account = area.account;
                // The session now only offers the cancellation, like a sign-in would.
                self.area = None;
                self.screen = Screen::ClosurePending(Box::new(ClosurePendingView::new(account, &db_path)));
                return;
            }
            ClosureCommand::RefreshMailbox => {
                if let Some(wizard) = area.wizard.as_mut() {
                    wizard.mailbox.refresh();
                }
            }
            step => {
                if let Some(view) = area.wizard.as_mut() {
                    queue_wizard_step(view, step);
                }
            }
        }
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

    fn apply_to_pending(&mut self, command: ClosureCommand) {
        let Screen::ClosurePending(view) = &mut self.screen else {
            return;
        };
        match command {
            ClosureCommand::CancelWithPassword(password) => {
                view.flow.queue(ClosureRequest::BeginCancel { account: view.account, password });
            }
            ClosureCommand::ResendCancelCode => view.flow.resend(),
            ClosureCommand::ConfirmCancel { code } => view.flow.confirm_code(code),
            ClosureCommand::ReloadPending => {
                let queued = view.flow.queue(ClosureRequest::PendingInfo { account: view.account });
                if queued {
                    view.info = Remote::Loading;
                }
            }
            // Starting over needs the password again; the old code is replaced by the next one.
            ClosureCommand::Back if !view.flow.is_busy() => {
                view.flow.wizard = None;
                view.flow.message = None;
            }
            ClosureCommand::RefreshMailbox => view.mailbox.refresh(),
            _ => {}
        }
    }

    /// Applies a command of a backup panel.
    pub(super) fn apply_export(&mut self, command: ExportCommand) {
        let now = self.clock.now();
        if let Screen::Agent(agent) = &mut self.screen {
            agent_desk::apply_export(agent, command, &mut self.work.workers(), now);
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
        match output {
            CustomerOutput::Settings { account, result } => {
                if let Some(area) = self.area.as_mut()
                    && area.account == account
                {
                    area.settings = result.into();
                    area.subscription_changing = false;
                }
            }
            CustomerOutput::SubscriptionRefused { account, message } => {
                if let Some(area) = self.area.as_mut()
                    && area.account == account
                {
                    area.subscription_error = Some(message);
                    area.subscription_changing = false;
                }
            }
        }
    }

    fn on_stepped(&mut self, flow: u64, result: Result<ClosureReply, String>) {
        if let Screen::Agent(agent) = &mut self.screen {
            match agent.desk.assist.as_mut().filter(|view| view.flow.flow == flow) {
                Some(view) => {
                    if wizard_reply(view, result)
                        && let Some(open) = agent.open.as_mut()
                    {
                        open.reload();
                    }
                }
                None => agent_desk::on_cancel_stepped(agent, flow, result),
            }
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
            agent_desk::on_export_output(agent, output, &mut self.work.workers(), now);
            return;
        }
        if let Some(area) = self.area.as_mut() {
            area.export.on_output(output, &mut self.work.workers(), now);
        }
    }

    /// A worker of the settings area died without a result: say so where it was awaited.
    pub(super) fn on_closing_job_crashed(&mut self, kind: ClosingJob, message: String) {
        if let Screen::Agent(agent) = &mut self.screen {
            agent_desk::on_closing_crashed(agent, kind, message);
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

/// Starts the settings worker: a subscription change the customer asked for (then the page's
/// data again), or the page's data when it is wanted.
fn start_settings_work(
    area: &mut AccountArea,
    jobs: &mut Workers<'_, CustomerJob, CustomerOutput>,
    principal: Option<Principal>,
    now: Timestamp,
) {
    let (db_path, account) = (jobs.db_path().to_owned(), area.account);
    let started = if let Some((topic, enabled)) = area.subscription_change.take() {
        area.settings_wanted = false;
        area.subscription_changing = true;
        jobs.start(CustomerJob::LoadSettings, move || {
            match service::account::set_subscription(&db_path, principal, account, &topic, enabled, now) {
                Ok(()) => CustomerOutput::Settings {
                    account,
                    result: service::account::settings(&db_path, principal, account).map_err(|err| err.to_string()),
                },
                Err(err) => CustomerOutput::SubscriptionRefused { account, message: err.to_string() },
            }
        })
    } else if area.settings_wanted {
        area.settings_wanted = false;
        jobs.start(CustomerJob::LoadSettings, move || CustomerOutput::Settings {
            account,
            result: service::account::settings(&db_path, principal, account).map_err(|err| err.to_string()),
        })
    } else {
        return;
    };
    if let Err(err) = started {
        area.settings = Remote::Failed(err.to_string());
        area.subscription_changing = false;
    }
}

/// Turns a wizard command into a request for the closure worker, unless one is under way.
pub(in crate::ui) fn queue_wizard_step(view: &mut WizardView, command: ClosureCommand) {
    let Some(wizard) = view.flow.wizard.clone() else {
        return;
    };
    let step = |event| ClosureRequest::Step { wizard: wizard.clone(), event };
    let request = match command {
        ClosureCommand::CheckReadiness => ClosureRequest::CheckReadiness { wizard: wizard.clone() },
        ClosureCommand::AcknowledgeWarnings => step(Event::WarningsAcknowledged),
        ClosureCommand::SubmitPassword(password) => ClosureRequest::Password { wizard: wizard.clone(), password },
        ClosureCommand::ChooseReason { reason, note } => {
            let note = Some(note).filter(|note| !note.trim().is_empty());
            step(Event::ReasonChosen { reason, note })
        }
        ClosureCommand::DecideBackup { taken } => step(Event::BackupDecided { taken }),
        ClosureCommand::SendCode => ClosureRequest::SendCode { wizard: wizard.clone() },
        ClosureCommand::ResendCode => ClosureRequest::Resend { wizard: wizard.clone() },
        ClosureCommand::Confirm { code, email, phrase } => {
            ClosureRequest::Confirm { wizard: wizard.clone(), code, email, phrase }
        }
        ClosureCommand::Back => step(Event::Back),
        _ => return,
    };
    view.flow.queue(request);
}

/// Takes in a closure step's reply; returns whether the wizard has just finished.
pub(in crate::ui) fn wizard_reply(view: &mut WizardView, result: Result<ClosureReply, String>) -> bool {
    let Some(news) = view.flow.on_reply(result) else {
        return false;
    };
    let (finished, back_at_readiness) = (news.reached(Step::Done), news.reached(Step::Readiness));
    if let Some(info) = news.info {
        view.info = Some(info);
    }
    if let Some(readiness) = news.readiness {
        view.readiness = Some(readiness);
    }
    if back_at_readiness {
        // Coming back to readiness, the warnings are acknowledged anew.
        view.acknowledged = false;
    }
    if news.code_mailed || finished {
        view.mailbox.refresh();
    }
    finished
}

/// Takes in a cancellation step's reply; returns whether the closure is now cancelled.
fn pending_reply(view: &mut ClosurePendingView, result: Result<ClosureReply, String>) -> bool {
    if let Err(message) = &result
        && view.info.is_loading()
    {
        view.flow.busy = None;
        view.info = Remote::Failed(message.clone());
        return false;
    }
    let Some(news) = view.flow.on_reply(result) else {
        return false;
    };
    if let Some(info) = news.info {
        view.info = Remote::Ready(info);
    }
    if news.code_mailed {
        view.mailbox.refresh();
    }
    view.flow.wizard.as_ref().is_some_and(|wizard| wizard.purpose == Purpose::Cancel && wizard.step == Step::Done)
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::closure::{Reason, Refusal, Wizard};

    fn now() -> Timestamp {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    /// A wizard view that has started and waits for the person at `step`.
    fn wizard_at(step: Step, purpose: Purpose) -> (WizardView, Wizard) {
        let mut view = WizardView::new(AccountId(1), Path::new("/nowhere/closedesk.db"), now());
        view.flow.queued = None;
        view.flow.busy = None;
        let mut wizard = Wizard::new(AccountId(1), purpose, 7, None);
        wizard.step = step;
        view.flow.wizard = Some(wizard.clone());
        (view, wizard)
    }

    #[test]
    fn a_step_is_queued_once_and_a_blank_note_means_none() {
        let (mut view, _) = wizard_at(Step::Reason, Purpose::Close);
        queue_wizard_step(&mut view, ClosureCommand::ChooseReason { reason: Reason::Privacy, note: "  ".into() });
        assert!(matches!(
            view.flow.queued,
            Some(ClosureRequest::Step { event: Event::ReasonChosen { reason: Reason::Privacy, note: None }, .. })
        ));
        assert_eq!(view.flow.busy, Some("Saving…"));
        queue_wizard_step(&mut view, ClosureCommand::Back);
        assert!(
            matches!(view.flow.queued, Some(ClosureRequest::Step { event: Event::ReasonChosen { .. }, .. })),
            "nothing else is queued while a step runs"
        );
    }

    #[test]
    fn a_refusal_reads_as_its_message_and_the_end_refreshes_the_mailbox() {
        let (mut view, wizard) = wizard_at(Step::Identity, Purpose::Close);
        view.flow.busy = Some("Checking the password…");
        view.mailbox.wanted = false;
        let refused = ClosureReply {
            wizard: Some(wizard.clone()),
            refusal: Some(Refusal::WrongPassword { tries_left: 4 }),
            ..ClosureReply::default()
        };
        assert!(!wizard_reply(&mut view, Ok(refused)));
        assert_eq!(view.flow.busy, None);
        assert_eq!(view.flow.message.as_deref(), Some("The password is wrong (4 tries left)."));

        let mut done = wizard;
        done.step = Step::Done;
        assert!(wizard_reply(&mut view, Ok(ClosureReply { wizard: Some(done), ..ClosureReply::default() })));
        assert_eq!(view.flow.message, None);
        assert!(view.mailbox.wanted, "the confirmation mail is read");
        assert!(!wizard_reply(&mut view, Err("the database is locked".into())), "an error is no ending");
        assert_eq!(view.flow.message.as_deref(), Some("the database is locked"));
    }

    #[test]
    fn a_cancellation_ends_when_its_code_is_confirmed() {
        let mut view = ClosurePendingView::new(AccountId(1), Path::new("/nowhere/closedesk.db"));
        let mut wizard = Wizard::new(AccountId(1), Purpose::Cancel, 7, None);
        wizard.step = Step::Confirm;
        let reply = ClosureReply { wizard: Some(wizard.clone()), code_mailed: true, ..ClosureReply::default() };
        view.mailbox.wanted = false;
        assert!(!pending_reply(&mut view, Ok(reply)));
        assert!(view.mailbox.wanted, "the mailbox shows the new code");
        wizard.step = Step::Done;
        assert!(pending_reply(&mut view, Ok(ClosureReply { wizard: Some(wizard), ..ClosureReply::default() })));
    }
}
