//! The state of the customer side of an agent session.

use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::core::AccountStatus;
use crate::ui::closing::export::ExportState;
use crate::ui::closing::flow::ClosureFlow;
use crate::ui::closing::wizard::WizardView;
use crate::ui::dashboards::overview::OverviewView;
use crate::ui::idle::IdleTimer;

use super::lock::LockView;
use super::reveal::RevealForm;
use super::search::CustomerListView;

/// The customer side of an agent session: the list, the customer opened from it, and what
/// is done with that customer.
#[derive(Debug)]
pub struct CustomerDesk {
    /// The customer list.
    pub customers: CustomerListView,
    /// The customer opened from the list, if any.
    pub open: Option<OverviewView>,
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
            customers: CustomerListView::default(),
            open: None,
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
    pub fn clear_customer(&mut self) {
        self.reveal = None;
        self.assist = None;
        self.cancel = None;
        self.export = None;
        self.notice = None;
    }
}

/// Whether the customer on screen may get an assisted closure, or an assisted cancellation.
pub fn closure_actions(open: &OverviewView) -> (bool, bool) {
    match open.data.ready().map(|summary| summary.account.status) {
        Some(AccountStatus::Active) => (true, false),
        Some(AccountStatus::ClosurePending) => (false, true),
        _ => (false, false),
    }
}
