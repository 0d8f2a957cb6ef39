//! What the screens ask for. Screens return commands; only `App::logic` changes the app.

use crate::auth::Credentials;
use crate::core::AccountId;

use super::agent_desk::AgentCommand;
use super::agent_ops::OpsCommand;
use super::closure::ClosureCommand;
use super::export::ExportCommand;
use super::screens::dashboard::DashboardCommand;
use super::screens::dashboard::open_backup::BackupCommand;
use super::screens::signin::SignInMode;

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
