//! The support agent's first screen: who is signed in, and the customer list.
//!
//! TODO(agent-mode): blockers, the assisted closure wizard and purges come with the full agent mode.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::core::masking::mask_email;
use crate::core::{AgentId, Role};
use crate::store::accounts::AccountRow;
use crate::ui::command::Command;
use crate::ui::jobs::CUSTOMER_LIST_LIMIT;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, progress_ui};

use super::overview::{OverviewView, overview_ui};

/// The customer list as an agent searches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerListView {
    /// The text in the search box.
    pub search: String,
    /// The search the rows shown answer; when it differs from `search`, a new search is due.
    pub shown_for: Option<String>,
    /// The rows.
    pub rows: Remote<Vec<AccountRow>>,
}

impl CustomerListView {
    /// Whether the rows shown are out of date with the search box.
    pub fn is_stale(&self) -> bool {
        self.shown_for.as_deref() != Some(self.search.as_str())
    }
}

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
}

/// What a signed-in agent sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentView {
    /// The agent's id.
    pub id: AgentId,
    /// The agent's sign-in name.
    pub name: String,
    /// What the agent may do.
    pub role: Role,
    /// The page shown.
    pub page: AgentPage,
    /// The customer list.
    pub customers: CustomerListView,
    /// The customer opened from the list, if any.
    pub open: Option<OverviewView>,
}

impl AgentView {
    /// How the top bar and the heading name the agent: `sam (Admin)`.
    pub fn identity(&self) -> String {
        format!("{} ({})", self.name, self.role.label())
    }
}

/// Draws the agent screen; returns a command when a customer is opened or closed.
pub fn agent_ui(ui: &mut Ui, view: &mut AgentView) -> Option<Command> {
    ui.label(RichText::new(format!("Signed in as {}", view.identity())).heading());
    ui.horizontal(|ui| {
        for page in AgentPage::for_role(view.role) {
            ui.selectable_value(&mut view.page, *page, page.label());
        }
    });
    ui.separator();
    ui.add_space(theme::SPACE_M);
    match view.page {
        AgentPage::Customers => {}
        // TODO(agent-mode): the closure queue, audit and admin pages are drawn here.
        AgentPage::ClosureQueue | AgentPage::Audit | AgentPage::Admin => {
            ui.label(RichText::new("This page is not available yet.").weak());
            return None;
        }
    }

    if let Some(open) = &mut view.open {
        if ui.button("Back to customers").clicked() {
            return Some(Command::BackToCustomers);
        }
        ui.add_space(theme::SPACE_M);
        return overview_ui(ui, open);
    }
    customer_list_ui(ui, &mut view.customers)
}

fn customer_list_ui(ui: &mut Ui, list: &mut CustomerListView) -> Option<Command> {
    let mut command = None;
    ui.horizontal(|ui| {
        let label = ui.label("Search customers");
        ui.add(
            egui::TextEdit::singleline(&mut list.search)
                .hint_text("email, name, account id or order number")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
        if list.is_stale() {
            ui.spinner();
        }
    });
    ui.add_space(theme::SPACE_S);

    match &list.rows {
        Remote::Loading => {
            progress_ui(ui, "Loading customers…");
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            if ui.button("Try again").clicked() {
                command = Some(Command::ReloadCustomers);
            }
        }
        Remote::Ready(rows) if rows.is_empty() => {
            ui.label(RichText::new("No customer matches this search.").weak());
        }
        Remote::Ready(rows) => {
            if rows.len() >= CUSTOMER_LIST_LIMIT {
                ui.label(
                    RichText::new(format!("Showing the first {CUSTOMER_LIST_LIMIT} customers; search to narrow."))
                        .weak(),
                );
            }
            command = customer_table_ui(ui, rows);
        }
    }
    command
}

/// The table of customers; only the visible rows are laid out.
fn customer_table_ui(ui: &mut Ui, rows: &[AccountRow]) -> Option<Command> {
    let mut command = None;
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::exact(60.0))
        .column(Column::initial(220.0).at_least(120.0).clip(true))
        .column(Column::initial(240.0).at_least(120.0).clip(true))
        .column(Column::remainder())
        .header(theme::TABLE_ROW_HEIGHT, |mut header| {
            for title in ["Id", "Name", "Email", "Status"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::TABLE_ROW_HEIGHT, rows.len(), |mut row| {
                let Some(account) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(account.id.to_string());
                });
                row.col(|ui| {
                    if ui.link(&account.display_name).on_hover_text("Open this customer's overview").clicked() {
                        command = Some(Command::OpenCustomer(account.id));
                    }
                });
                row.col(|ui| {
                    ui.label(mask_email(&account.email));
                });
                row.col(|ui| {
                    ui.label(account.status.label());
                });
            });
        });
    command
}
