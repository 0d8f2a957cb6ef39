//! What the screens ask for. Each feature's screens return that feature's own command; the
//! app wraps it here into one [`Command`], which only `App::logic` applies.

use crate::auth::Credentials;
use crate::core::AccountId;

use crate::ui::agent_desk::command::AgentCommand;
use crate::ui::closing::command::{ClosingCommand, ClosureCommand};
use crate::ui::closing::export::ExportCommand;
use crate::ui::dashboards::DashboardCommand;
use crate::ui::dashboards::open_backup::BackupCommand;
use crate::ui::dashboards::overview::OverviewCommand;
use crate::ui::operations::command::OpsCommand;
use crate::ui::session::command::{SessionCommand, SignInMode};

/// A request from a screen, applied by the app's `logic` before the next frame is drawn.
#[derive(Debug)]
pub enum Command {
    /// Try opening the database again after it failed.
    RetryOpen,
    /// Close the window.
    Quit,
    /// Follow the system theme, or use the light or the dark one (egui remembers the choice).
    SetTheme(egui::ThemePreference),
    /// Switch the sign-in form between customers and support agents.
    SetMode(SignInMode),
    /// Check a login on a worker thread. The password travels as a [`crate::auth::Secret`].
    SignIn {
        /// What the person typed.
        credentials: Credentials,
    },
    /// Forget the session and every piece of account data held in memory.
    SignOut,
    /// Load the open account's dashboards again: after a failure, or after anything in the app
    /// changed its data (a closure step, a purge). Every loaded row is dropped.
    ReloadAccount,
    /// (Agents) open the overview of a customer from the list.
    OpenCustomer(AccountId),
    /// (Agents) go back from a customer's overview to the list.
    BackToCustomers,
    /// (Agents) load the customer list again after it failed.
    ReloadCustomers,
    /// (Customers) the account settings, the closure wizard and the closure-pending screen.
    Closure(ClosureCommand),
    /// (Customers) a backup panel: format, save dialog, typed path, cancel.
    Export(ExportCommand),
    /// The dashboards: tabs, sorting, filters, expanded rows, scrolling.
    Dashboard(DashboardCommand),
    /// Open a backup read-only (from the sign-in screen), or leave it.
    Backup(BackupCommand),
    /// (Agents) the customer side of the desk: search, reveal, assisted closure, unlock.
    Agent(AgentCommand),
    /// (Agents) the operations side of the desk: closure queue, audit viewer, admin page.
    Ops(OpsCommand),
}

impl From<SessionCommand> for Command {
    fn from(command: SessionCommand) -> Self {
        match command {
            SessionCommand::RetryOpen => Self::RetryOpen,
            SessionCommand::Quit => Self::Quit,
            SessionCommand::SetMode(mode) => Self::SetMode(mode),
            SessionCommand::SignIn { credentials } => Self::SignIn { credentials },
            SessionCommand::Backup(command) => Self::Backup(command),
        }
    }
}

impl From<OverviewCommand> for Command {
    fn from(command: OverviewCommand) -> Self {
        match command {
            OverviewCommand::Dashboard(command) => Self::Dashboard(command),
            OverviewCommand::Reload => Self::ReloadAccount,
            OverviewCommand::CloseBackup => Self::Backup(BackupCommand::Close),
        }
    }
}

impl From<ClosureCommand> for Command {
    fn from(command: ClosureCommand) -> Self {
        Self::Closure(command)
    }
}

impl From<ClosingCommand> for Command {
    fn from(command: ClosingCommand) -> Self {
        match command {
            ClosingCommand::Closure(command) => Self::Closure(command),
            ClosingCommand::Export(command) => Self::Export(command),
        }
    }
}

impl From<OpsCommand> for Command {
    fn from(command: OpsCommand) -> Self {
        Self::Ops(command)
    }
}

impl From<AgentCommand> for Command {
    fn from(command: AgentCommand) -> Self {
        match command {
            AgentCommand::OpenCustomer(account) => Self::OpenCustomer(account),
            AgentCommand::BackToCustomers => Self::BackToCustomers,
            AgentCommand::ReloadCustomers => Self::ReloadCustomers,
            AgentCommand::SignOut => Self::SignOut,
            AgentCommand::Overview(command) => command.into(),
            AgentCommand::Closing(command) => command.into(),
            command => Self::Agent(command),
        }
    }
}
