//! What the desk's customer side asks for, the workers it starts, and what those hand back.

use crate::auth::Secret;
use crate::core::AccountId;
use crate::service::ServiceResult;
use crate::service::reveal::RevealReason;
use crate::ui::closing::command::ClosingCommand;
use crate::ui::dashboards::overview::OverviewCommand;
use crate::ui::jobs::JobKey;
use crate::ui::workers::Workers;

use super::search::{CustomerPage, CustomerQuery};

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
    /// Open the overview of a customer from the list.
    OpenCustomer(AccountId),
    /// Go back from a customer's overview to the list.
    BackToCustomers,
    /// Load the customer list again after it failed.
    ReloadCustomers,
    /// Sign out (from the lock screen).
    SignOut,
    /// Something of the open customer's dashboards.
    Overview(OverviewCommand),
    /// A step of the assisted closure, or its backup panel.
    Closing(ClosingCommand),
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
