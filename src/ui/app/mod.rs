//! The `eframe::App`: `logic` polls jobs and applies commands, `ui` draws the current screen.

mod account;
mod agent;
pub(super) mod command;
mod dashboard;
mod persist;
mod top_bar;
mod work;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::auth::{Credentials, Session};
use crate::clock::Clock;
use crate::core::AccountStatus;
use crate::core::permissions::Principal;
use crate::ui::agent_desk::logic::{self as desk_logic, Signed};
use crate::ui::app::command::Command;
use crate::ui::app::top_bar::top_bar_ui;
use crate::ui::customer::area::AccountArea;
use crate::ui::customer::closure_pending::{ClosurePendingView, closure_pending_ui};
use crate::ui::customer::page::{Drawn, area_ui};
use crate::ui::dashboards::overview::{OverviewView, overview_ui};
use crate::ui::idle;
use crate::ui::jobs::{JobEvent, JobKey};
use crate::ui::operations::logic as ops_logic;
use crate::ui::remote::Remote;
use crate::ui::session::signin::{SignInView, signin_ui};
use crate::ui::session::startup::{StartupView, startup_ui};
use crate::ui::session::{self, OpenedDatabase, SessionJob, SessionOutput};
use crate::ui::theme;
use crate::ui::workers::Work;
use agent::{AgentView, agent_ui};
use work::{AppJob, AppOutput};

/// What the sign-in screen says after a worker found the session over.
const SESSION_ENDED: &str =
    "Your session has ended: your account was disabled or closed since you signed in. Sign in again.";

/// Where the window is in a person's visit.
#[derive(Debug)]
enum Screen {
    /// The database is opening, or cannot be opened.
    Startup(StartupView),
    /// Nobody is signed in.
    SignIn(SignInView),
    /// A customer looks at their own account.
    Customer(Box<OverviewView>),
    /// A support agent looks customers up.
    Agent(Box<AgentView>),
    /// A customer whose account is scheduled for deletion: only the way to cancel it.
    ClosurePending(Box<ClosurePendingView>),
    /// A backup opened read-only from the sign-in screen, shown in the dashboards.
    Backup(Box<OverviewView>),
}

/// The closedesk window.
///
/// It holds the current screen and the background jobs. Screens never change it directly:
/// they return commands, which the next `logic` pass applies.
pub struct ClosedeskApp {
    /// The window's egui context, whose memory `save` writes without scroll positions.
    ctx: egui::Context,
    clock: Clock,
    /// The one runner of background work, with the database it works on.
    work: Work<AppJob, AppOutput>,
    screen: Screen,
    /// Commands the last `ui` pass produced, applied by the next `logic` pass.
    commands: Vec<Command>,
    /// The signed-in customer's settings, closure wizard and backup panel (see `account`).
    area: Option<AccountArea>,
    /// Who the signed-in session acts as; every dashboard load carries it to its worker,
    /// which checks it in core. `None` before sign-in (and for a backup opened from there).
    principal: Option<Principal>,
    /// How long an agent session may stay without input before it locks: the settings file's
    /// `agent_idle_lock_secs`, read by the open-db worker.
    agent_idle_lock: Duration,
    /// An idle time that overrides the settings file: `CLOSEDESK_AGENT_IDLE_SECS`, or one set
    /// by a test through [`Self::set_agent_idle_lock`].
    agent_idle_override: Option<Duration>,
}

impl ClosedeskApp {
    /// Creates the app for the database at `db_path` and starts opening it on a worker thread
    /// (creating it, with demo accounts, on first launch).
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, db_path: PathBuf, clock: Clock) -> Self {
        theme::apply(&cc.egui_ctx);
        let mut app = Self {
            ctx: cc.egui_ctx.clone(),
            clock,
            work: Work::new(cc.egui_ctx.clone(), db_path.clone()),
            screen: Screen::Startup(StartupView::Opening { path: db_path }),
            commands: Vec::new(),
            area: None,
            principal: None,
            // No session can start before the open-db worker has read the settings file.
            agent_idle_lock: idle::DEFAULT_IDLE_LOCK,
            agent_idle_override: idle::idle_override_from_env(),
        };
        app.start_opening();
        app
    }

    /// Sets how long an agent session may stay without input before it locks, over the
    /// settings file (for tests and drills; the window reads `CLOSEDESK_AGENT_IDLE_SECS`).
    /// Applies to the session on screen too.
    pub fn set_agent_idle_lock(&mut self, after: Duration) {
        self.agent_idle_override = Some(after);
        if let Screen::Agent(agent) = &mut self.screen {
            agent.desk.idle.lock_after = after;
        }
    }

    /// The idle time that locks an agent session: an override, or the settings file's.
    fn agent_idle_lock(&self) -> Duration {
        self.agent_idle_override.unwrap_or(self.agent_idle_lock)
    }

    fn start_opening(&mut self) {
        let path = self.work.db_path().to_owned();
        self.screen = match session::open_database(&mut self.work.workers(), self.clock.now()) {
            Ok(()) => Screen::Startup(StartupView::Opening { path }),
            Err(err) => Screen::Startup(StartupView::Failed { path, message: err.to_string() }),
        };
    }

    /// How the top bar names who is signed in, if anyone is.
    fn identity(&self) -> Option<String> {
        match &self.screen {
            // Nobody is signed in to a backup: its banner names whose it is and offers "Close
            // backup", so the bar offers no "Sign out".
            Screen::Startup(_) | Screen::SignIn(_) | Screen::Backup(_) => None,
            Screen::Customer(overview) => Some(match overview.data.ready() {
                Some(data) => format!("{} <{}>", data.account.display_name, data.account.email),
                None => format!("Account {}", overview.account),
            }),
            Screen::Agent(agent) => Some(format!("Signed in as {}", agent.identity())),
            Screen::ClosurePending(view) => Some(view.identity()),
        }
    }

    /// The overview on screen, if one is.
    fn overview_mut(&mut self) -> Option<&mut OverviewView> {
        match &mut self.screen {
            Screen::Customer(overview) => Some(overview),
            Screen::Agent(agent) => agent.desk.open.as_mut(),
            Screen::Backup(view) => Some(view),
            Screen::Startup(_) | Screen::SignIn(_) | Screen::ClosurePending(_) => None,
        }
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::RetryOpen => {
                if matches!(self.screen, Screen::Startup(StartupView::Failed { .. })) {
                    self.start_opening();
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::SetTheme(preference) => ctx.set_theme(preference),
            Command::SetMode(mode) => {
                if let Screen::SignIn(view) = &mut self.screen
                    && !view.busy
                {
                    view.mode = mode;
                    view.error = None;
                    // The login field is another one now (Name instead of Email).
                    view.first_field_focused = false;
                }
            }
            Command::SignIn { credentials } => self.sign_in(credentials),
            Command::SignOut => self.end_session(""),
            Command::ReloadAccount => {
                if let Some(overview) = self.overview_mut() {
                    overview.reload();
                }
            }
            Command::OpenCustomer(account) => {
                if let Screen::Agent(agent) = &mut self.screen {
                    desk_logic::open_customer(&mut agent.desk, account);
                }
            }
            Command::BackToCustomers => {
                if let Screen::Agent(agent) = &mut self.screen {
                    desk_logic::close_customer(&mut agent.desk);
                }
            }
            Command::ReloadCustomers => {
                if let Screen::Agent(agent) = &mut self.screen {
                    agent.desk.customers.rows = Remote::Loading;
                    agent.desk.customers.shown_for = None;
                }
            }
            Command::Closure(command) => self.apply_closure(command),
            Command::Export(command) => self.apply_export(command),
            Command::Dashboard(command) => self.apply_dashboard(command),
            Command::Backup(command) => self.apply_backup(command),
            Command::Agent(command) => {
                let now = self.clock.now();
                if let Screen::Agent(agent) = &mut self.screen {
                    let who = Signed { principal: agent.principal(), name: &agent.name };
                    desk_logic::apply(&mut agent.desk, who, command, &mut self.work.workers(), now);
                }
            }
            Command::Ops(command) => {
                let now = self.clock.now();
                if let Screen::Agent(agent) = &mut self.screen {
                    let principal = agent.principal();
                    ops_logic::apply(&mut agent.ops, principal, command, &mut self.work.workers(), now);
                }
            }
        }
    }

    fn sign_in(&mut self, credentials: Credentials) {
        let Screen::SignIn(view) = &mut self.screen else {
            return;
        };
        if view.busy {
            return;
        }
        let (login, password, missing) = match &credentials {
            Credentials::Customer { email, password } => (email, password, "Enter your email and your password."),
            Credentials::Agent { name, password } => (name, password, "Enter your name and your password."),
        };
        if login.is_empty() || password.is_empty() {
            view.error = Some(missing.to_owned());
            return;
        }
        match session::sign_in(&mut self.work.workers(), credentials, self.clock.now()) {
            Ok(()) => {
                view.busy = true;
                view.error = None;
            }
            Err(err) => view.error = Some(err.to_string()),
        }
    }

    /// Signs out, saying `why` on the sign-in screen (nothing when the person asked).
    fn end_session(&mut self, why: &str) {
        // Whatever is still loading belongs to the old session: drop it when it arrives.
        self.work.jobs.discard_running();
        self.area = None;
        self.principal = None;
        let error = Some(why.to_owned()).filter(|why| !why.is_empty());
        self.screen = Screen::SignIn(SignInView { error, ..SignInView::default() });
    }

    fn on_job_event(&mut self, event: JobEvent<AppJob, AppOutput>) {
        match event {
            JobEvent::Finished(output) => self.on_job_output(output),
            JobEvent::Crashed(kind) => self.on_job_crashed(kind),
        }
    }

    fn on_job_output(&mut self, output: AppOutput) {
        if output.ends_session() && self.principal.is_some() {
            self.end_session(SESSION_ENDED);
            return;
        }
        match output {
            AppOutput::Session(output) => self.on_session_output(output),
            AppOutput::Agent(output) => {
                if let Screen::Agent(agent) = &mut self.screen {
                    desk_logic::on_output(&mut agent.desk, output);
                }
            }
            AppOutput::Ops(output) => {
                let now = self.clock.now();
                if let Screen::Agent(agent) = &mut self.screen {
                    let principal = agent.principal();
                    ops_logic::on_output(&mut agent.ops, principal, *output, &mut self.work.workers(), now);
                }
            }
            AppOutput::Closure(output) => self.on_closure_output(*output),
            AppOutput::Customer(output) => self.on_customer_output(output),
            AppOutput::Export(output) => self.on_export_output(output),
            AppOutput::Dashboard(output) => self.on_dashboard_output(output),
        }
    }

    fn on_session_output(&mut self, output: SessionOutput) {
        match output {
            SessionOutput::DatabaseOpened(result) => {
                let Screen::Startup(StartupView::Opening { path }) = &self.screen else {
                    return;
                };
                self.screen = match result {
                    Ok(OpenedDatabase { opened, policy }) => {
                        tracing::info!(?opened, "database ready");
                        self.agent_idle_lock = Duration::from_secs(policy.agent_idle_lock_secs.unsigned_abs());
                        Screen::SignIn(SignInView::default())
                    }
                    Err(err) => Screen::Startup(StartupView::Failed { path: path.clone(), message: err }),
                };
            }
            SessionOutput::SignedIn(result) => {
                let Screen::SignIn(view) = &mut self.screen else {
                    return;
                };
                view.busy = false;
                match result {
                    Ok(session) => {
                        self.principal = Some(session.principal());
                        self.screen = screen_for(session, self.work.db_path(), self.agent_idle_lock());
                    }
                    Err(err) => view.error = Some(err.message(crate::ui::format::local_minute)),
                }
            }
        }
    }

    fn on_job_crashed(&mut self, job: AppJob) {
        let message = format!("Something went wrong while {}. Please try again.", job.describe());
        match job {
            AppJob::Session(SessionJob::OpenDatabase) => {
                let path = self.work.db_path().to_owned();
                self.screen = Screen::Startup(StartupView::Failed { path, message });
            }
            AppJob::Session(SessionJob::SignIn) => {
                if let Screen::SignIn(view) = &mut self.screen {
                    view.busy = false;
                    view.error = Some(message);
                }
            }
            AppJob::Dashboard(job) => self.on_dashboard_job_crashed(job, message),
            AppJob::Closing(job) => self.on_closing_job_crashed(job, message),
            AppJob::Customer(job) => self.on_customer_job_crashed(job, message),
            AppJob::Desk(job) => {
                if let Screen::Agent(agent) = &mut self.screen {
                    desk_logic::on_job_crashed(&mut agent.desk, job, message);
                }
            }
            AppJob::Ops(job) => {
                if let Screen::Agent(agent) = &mut self.screen {
                    ops_logic::on_crashed(&mut agent.ops, job, message);
                }
            }
        }
    }

    /// Starts the loads the screen waits for. Only one job of a kind runs at a time, so a load
    /// asked for while another is running starts when that one has reported.
    fn start_wanted_jobs(&mut self) {
        self.start_dashboard_jobs();
    }
}

/// The first screen of a session; a closure-pending customer sees only the way to cancel.
fn screen_for(session: Session, db_path: &Path, agent_idle_lock: Duration) -> Screen {
    match session {
        Session::Customer { account, status: AccountStatus::ClosurePending } => {
            Screen::ClosurePending(Box::new(ClosurePendingView::new(account, db_path)))
        }
        Session::Customer { account, .. } => Screen::Customer(Box::new(OverviewView::loading(account))),
        Session::Agent { id, name, role } => Screen::Agent(Box::new(AgentView::new(id, name, role, agent_idle_lock))),
    }
}

impl eframe::App for ClosedeskApp {
    /// egui's memory is saved by `save`, which leaves scroll positions out.
    fn persist_egui_memory(&self) -> bool {
        false
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        persist::save_memory(&self.ctx, storage);
    }

    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.work.parent_dialogs_to(frame);
        for event in self.work.jobs.poll() {
            self.on_job_event(event);
        }
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
        if let Screen::Agent(agent) = &mut self.screen {
            agent::logic(agent, &mut self.work, ctx, self.clock.now());
        }
        self.start_wanted_jobs();
        self.area_logic();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut commands = Vec::new();
        let identity = self.identity();
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.add_space(theme::SPACE_S);
            commands.extend(top_bar_ui(ui, identity.as_deref(), self.customer_page()));
            ui.add_space(theme::SPACE_S);
        });
        let frame = egui::Frame::central_panel(ui.style()).inner_margin(theme::PANEL_MARGIN);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            let command = match &mut self.screen {
                Screen::Startup(view) => startup_ui(ui, view).map(Command::from),
                Screen::SignIn(view) => signin_ui(ui, view).map(Command::from),
                Screen::Customer(overview) => match area_ui(ui, self.area.as_mut()) {
                    Drawn::Page(command) => command.map(Command::from),
                    Drawn::Overview(above) => overview_ui(ui, overview).map(Command::from).or(above.map(Command::from)),
                },
                Screen::Agent(agent) => agent_ui(ui, agent),
                Screen::ClosurePending(view) => closure_pending_ui(ui, view).map(Command::from),
                Screen::Backup(view) => overview_ui(ui, view).map(Command::from),
            };
            commands.extend(command);
        });
        if !commands.is_empty() {
            // The commands are applied by the next `logic` pass; make sure there is one soon.
            ui.ctx().request_repaint();
            self.commands.extend(commands);
        }
    }
}
