//! A signed-in agent's session as the app holds it: the tab row of pages over the desk's
//! customer side (`ui::agent_desk`) and its operations pages (`ui::operations`), and the glue
//! between the two: the one closure worker they share, and the idle lock that hides both.

use std::time::Duration;

use egui::Ui;
use jiff::Timestamp;

use crate::core::permissions::Principal;
use crate::core::{AgentId, Role};
use crate::ui::agent_desk::desk::CustomerDesk;
use crate::ui::agent_desk::lock::lock_ui;
use crate::ui::agent_desk::logic as desk_logic;
use crate::ui::agent_desk::page::desk_ui;
use crate::ui::app::command::Command;
use crate::ui::app::work::{AppJob, AppOutput};
use crate::ui::closing::flow::ClosureReply;
use crate::ui::closing::steps::wizard_reply;
use crate::ui::operations::admin::agent_admin_ui;
use crate::ui::operations::audit::agent_audit_ui;
use crate::ui::operations::logic::{self as ops_logic, OpsPage, Pages};
use crate::ui::operations::queue::agent_queue_ui;
use crate::ui::theme;
use crate::ui::workers::Work;

/// The pages of the agent desk, chosen in its tab row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AgentPage {
    /// Search customers and open one.
    #[default]
    Customers,
    /// Closure-pending accounts, their purge dates, cancel and purge.
    ClosureQueue,
    /// The audit trail, filtered and exported.
    Audit,
    /// Agents and the whole-database backup (admins only).
    Admin,
}

impl AgentPage {
    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Customers => "Customers",
            Self::ClosureQueue => "Closure queue",
            Self::Audit => "Audit trail",
            Self::Admin => "Admin",
        }
    }

    /// The pages `role` sees; the actions behind them are checked again in core.
    pub fn for_role(role: Role) -> &'static [Self] {
        match role {
            Role::Agent => &[Self::Customers, Self::ClosureQueue, Self::Audit],
            Role::Admin => &[Self::Customers, Self::ClosureQueue, Self::Audit, Self::Admin],
        }
    }

    /// The operations page this is, if it is one.
    fn ops_page(self) -> Option<OpsPage> {
        match self {
            Self::Customers => None,
            Self::ClosureQueue => Some(OpsPage::ClosureQueue),
            Self::Audit => Some(OpsPage::Audit),
            Self::Admin => Some(OpsPage::Admin),
        }
    }
}

/// What a signed-in agent sees.
#[derive(Debug)]
pub struct AgentView {
    /// The agent's id.
    pub id: AgentId,
    /// The agent's sign-in name.
    pub name: String,
    /// What the agent may do.
    pub role: Role,
    /// The page shown.
    pub page: AgentPage,
    /// The customer list, the customer opened from it, the reveal form, the assisted
    /// closure, the idle lock.
    pub desk: CustomerDesk,
    /// The closure queue, audit viewer and admin pages.
    pub ops: Pages,
}

impl AgentView {
    /// The session of agent `id`, on the Customers page, locking after `idle_lock` without input.
    pub fn new(id: AgentId, name: String, role: Role, idle_lock: Duration) -> Self {
        Self { id, name, role, page: AgentPage::default(), desk: CustomerDesk::new(idle_lock), ops: Pages::default() }
    }

    /// How the top bar and the heading name the agent: `sam (Admin)`.
    pub fn identity(&self) -> String {
        format!("{} ({})", self.name, self.role.label())
    }

    /// Who the agent is, for the service's permission checks.
    pub fn principal(&self) -> Principal {
        Principal::Agent { id: self.id, role: self.role }
    }
}

/// Draws the agent screen; returns the command of the page on show.
pub fn agent_ui(ui: &mut Ui, view: &mut AgentView) -> Option<Command> {
    let identity = view.identity();
    if let Some(lock) = view.desk.lock.as_mut() {
        // Locked: nothing about any customer, on any page.
        return lock_ui(ui, lock, &identity).map(Command::from);
    }
    // The pages; who is signed in is said once, in the top bar.
    let shown = view.page;
    ui.horizontal(|ui| {
        for page in AgentPage::for_role(view.role) {
            ui.selectable_value(&mut view.page, *page, page.label());
        }
    });
    if view.page != shown {
        // The page left takes its keyboard focus with it: a field no longer drawn would keep
        // the keys (Page Down, End) from the new page's table.
        ui.memory_mut(|memory| {
            if let Some(focused) = memory.focused() {
                memory.surrender_focus(focused);
            }
        });
        // A page shown anew puts the keyboard in its first field, as a new screen does.
        match view.page {
            AgentPage::Customers => view.desk.customers.first_field_focused = false,
            AgentPage::Audit => view.ops.audit.first_field_focused = false,
            AgentPage::Admin => view.ops.admin.first_field_focused = false,
            AgentPage::ClosureQueue => {}
        }
    }
    ui.separator();
    ui.add_space(theme::SPACE_M);
    let principal = view.principal();
    match view.page {
        AgentPage::Customers => desk_ui(ui, &mut view.desk, principal).map(Command::from),
        AgentPage::ClosureQueue => agent_queue_ui(ui, &mut view.ops.queue, view.role).map(Command::from),
        AgentPage::Audit => agent_audit_ui(ui, &mut view.ops.audit).map(Command::from),
        AgentPage::Admin => agent_admin_ui(ui, &mut view.ops.admin, view.id, view.role).map(Command::from),
    }
}

/// The agent session's part of `App::logic`: the desk's idle lock, search and backup panel,
/// the closure step the desk or the queue has waiting, and the operations pages' loads.
pub fn logic(view: &mut AgentView, work: &mut Work<AppJob, AppOutput>, ctx: &egui::Context, now: Timestamp) {
    let principal = view.principal();
    // The idle lock, the debounced search and the backup panel's progress.
    if desk_logic::logic(&mut view.desk, principal, &mut work.workers(), ctx, now) {
        // At most one closure step runs at a time: the customer page's flow goes first.
        let flow = desk_logic::queued_flow(&mut view.desk).or_else(|| ops_logic::queued_flow(&mut view.ops));
        if let Some(flow) = flow {
            flow.start_queued(&mut work.workers(), principal, now);
        }
    }
    // The closure queue, audit and admin pages' loads and the queue's clock.
    let locked = view.desk.lock.is_some();
    ops_logic::logic(&mut view.ops, principal, view.page.ops_page(), locked, &mut work.workers(), now);
}

/// Takes in a closure step of the agent's: the assisted wizard's, the queue's cancellation,
/// or the customer page's assisted cancellation.
pub fn on_stepped(view: &mut AgentView, flow: u64, result: crate::service::ServiceResult<ClosureReply>) {
    if let Some(wizard) = view.desk.assist.as_mut().filter(|wizard| wizard.flow.flow == flow) {
        if wizard_reply(wizard, result)
            && let Some(open) = view.desk.open.as_mut()
        {
            open.reload();
        }
    } else if ops_logic::is_cancel_flow(&view.ops, flow) {
        ops_logic::on_cancel_stepped(&mut view.ops, result);
    } else {
        desk_logic::on_cancel_stepped(&mut view.desk, flow, result);
    }
}
