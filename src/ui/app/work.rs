//! The app's job keys and results: each feature's own, wrapped. The runner (`ui::jobs`) knows
//! none of them; the features know only their own; the app routes each result back to the
//! feature whose key it carries.

use crate::ui::agent_desk::command::{AgentOutput, DeskJob};
use crate::ui::closing::export::ExportOutput;
use crate::ui::closing::flow::{ClosingJob, ClosureOutput};
use crate::ui::customer::area::{CustomerJob, CustomerOutput};
use crate::ui::dashboards::loads::{DashboardJob, DashboardOutput};
use crate::ui::jobs::JobKey;
use crate::ui::operations::command::{OpsJob, OpsOutput};
use crate::ui::session::{SessionJob, SessionOutput};

/// Every kind of background work, by the feature it belongs to; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppJob {
    /// Opening the database, signing in.
    Session(SessionJob),
    /// The dashboards' loads and the backup viewer.
    Dashboard(DashboardJob),
    /// The closure flow: its steps, the mailbox, the backup panel.
    Closing(ClosingJob),
    /// The customer's settings page.
    Customer(CustomerJob),
    /// (Agents) the customer side of the desk: search, reveal, unlock.
    Desk(DeskJob),
    /// (Agents) the closure queue, the audit viewer and the admin page.
    Ops(OpsJob),
}

impl JobKey for AppJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::Session(job) => job.thread_name(),
            Self::Dashboard(job) => job.thread_name(),
            Self::Closing(job) => job.thread_name(),
            Self::Customer(job) => job.thread_name(),
            Self::Desk(job) => job.thread_name(),
            Self::Ops(job) => job.thread_name(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Session(job) => job.describe(),
            Self::Dashboard(job) => job.describe(),
            Self::Closing(job) => job.describe(),
            Self::Customer(job) => job.describe(),
            Self::Desk(job) => job.describe(),
            Self::Ops(job) => job.describe(),
        }
    }
}

/// What a finished job hands back to the UI thread, by the feature it belongs to.
#[derive(Debug)]
pub enum AppOutput {
    /// The database opened, a sign-in checked.
    Session(SessionOutput),
    /// A dashboard load, or the backup viewer's dialog or file.
    Dashboard(DashboardOutput),
    /// A closure step or the mailbox (boxed: a wizard is large).
    Closure(Box<ClosureOutput>),
    /// The save dialog closed, or a backup was written.
    Export(ExportOutput),
    /// The settings page's data.
    Customer(CustomerOutput),
    /// A result of the agent desk's workers (search, reveal, unlock).
    Agent(AgentOutput),
    /// A result of the closure queue, audit viewer or admin page (boxed: receipts and pages are large).
    Ops(Box<OpsOutput>),
}

impl AppOutput {
    /// Whether the worker found the session over (the agent disabled or removed, the account
    /// purged since sign-in): the window then signs out instead of showing a stale screen.
    pub fn ends_session(&self) -> bool {
        match self {
            Self::Dashboard(output) => output.ends_session(),
            Self::Closure(output) => output.ends_session(),
            Self::Ops(output) => output.ends_session(),
            Self::Customer(output) => output.ends_session(),
            Self::Agent(
                AgentOutput::CustomersListed { result: Err(err), .. } | AgentOutput::Revealed { result: Err(err), .. },
            ) => err.ends_session(),
            _ => false,
        }
    }
}

/// Wraps a feature's key or result in the app's.
macro_rules! wrap {
    ($app:ident :: $variant:ident (Box<$feature:ty>)) => {
        impl From<$feature> for $app {
            fn from(inner: $feature) -> Self {
                Self::$variant(Box::new(inner))
            }
        }
    };
    ($app:ident :: $variant:ident ($feature:ty)) => {
        impl From<$feature> for $app {
            fn from(inner: $feature) -> Self {
                Self::$variant(inner)
            }
        }
    };
}

wrap!(AppJob::Session(SessionJob));
wrap!(AppJob::Dashboard(DashboardJob));
wrap!(AppJob::Closing(ClosingJob));
wrap!(AppJob::Customer(CustomerJob));
wrap!(AppJob::Desk(DeskJob));
wrap!(AppJob::Ops(OpsJob));
wrap!(AppOutput::Session(SessionOutput));
wrap!(AppOutput::Dashboard(DashboardOutput));
wrap!(AppOutput::Closure(Box<ClosureOutput>));
wrap!(AppOutput::Export(ExportOutput));
wrap!(AppOutput::Customer(CustomerOutput));
wrap!(AppOutput::Agent(AgentOutput));
wrap!(AppOutput::Ops(Box<OpsOutput>));
