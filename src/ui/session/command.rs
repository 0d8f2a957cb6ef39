//! What the start-up and sign-in screens ask for.

use crate::auth::Credentials;
use crate::ui::dashboards::open_backup::BackupCommand;

/// Who is signing in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMode {
    /// A customer, with the registered email.
    #[default]
    Customer,
    /// A support agent, with the agent's name.
    Agent,
}

impl SignInMode {
    /// The words on the mode switch.
    pub fn label(self) -> &'static str {
        match self {
            Self::Customer => "Customer",
            Self::Agent => "Support agent",
        }
    }

    /// The label of the login field in this mode.
    pub fn login_label(self) -> &'static str {
        match self {
            Self::Customer => "Email",
            Self::Agent => "Name",
        }
    }
}

/// What the start-up and sign-in screens ask for.
#[derive(Debug)]
pub enum SessionCommand {
    /// Try opening the database again after it failed.
    RetryOpen,
    /// Close the window.
    Quit,
    /// Switch the sign-in form between customers and support agents.
    SetMode(SignInMode),
    /// Check a login on a worker thread. The password travels as a [`crate::auth::Secret`].
    SignIn {
        /// What the person typed.
        credentials: Credentials,
    },
    /// Open a backup read-only from the sign-in screen.
    Backup(BackupCommand),
}
