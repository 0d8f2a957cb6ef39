//! The support agent's desk: who is signed in, a tab row of pages, and on the Customers page
//! the search, a customer's masked dashboards, the reveal form and the assisted closure.
//! A locked session shows only the lock screen.

use std::time::Instant;

use egui::{RichText, Ui};
use egui_extras::Column;
use jiff::Timestamp;

use crate::core::masking::mask_email;
use crate::core::permissions::Principal;
use crate::core::{AgentId, Role};
use crate::service::search;
use crate::service::search::AccountRow;
use crate::ui::agent_desk::{AgentCommand, CustomerDesk, closure_actions};
use crate::ui::app::command::Command;
use crate::ui::closing::flow::ClosureFlow;
use crate::ui::format::local_date;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::code_entry::{CodeAction, CodeWords, code_entry_ui};
use crate::ui::widgets::{error_text_ui, focus_first_field, notice_ui, progress_ui, sideways_ui, table_keys};

use super::agent_admin::{AdminView, agent_admin_ui};
use super::agent_audit::{AuditView, agent_audit_ui};
use super::agent_queue::{QueueView, agent_queue_ui};
use super::lock::lock_ui;
use super::reveal::reveal_form_ui;
use crate::ui::closing::wizard::{back_to_closing_ui, wizard_ui};
use crate::ui::dashboards::overview::{OverviewView, overview_ui};

/// The customer list as an agent searches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerListView {
    /// The text in the search box and how many customers to show.
    pub query: CustomerQuery,
    /// The search the rows shown answer; when it differs from `query`, a new search is due.
    pub shown_for: Option<CustomerQuery>,
    /// What the search found.
    pub rows: Remote<CustomerPage>,
    /// When the search box last changed; the search runs once typing pauses.
    pub edited_at: Option<Instant>,
    /// Whether the search box got the keyboard when the list appeared.
    pub first_field_focused: bool,
}

pub use crate::service::search::CustomerPage;

impl CustomerListView {
    /// Whether the rows shown are out of date with the search box.
    pub fn is_stale(&self) -> bool {
        self.shown_for.as_ref() != Some(&self.query)
    }
}

/// A customer search: the text typed and how many of the matching customers to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerQuery {
    /// The text typed; empty lists every customer.
    pub search: String,
    /// How many customers to show: one [`search::PAGE`] more each time the agent asks.
    pub limit: usize,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        Self { search: String::new(), limit: search::PAGE }
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
    /// The customer list.
    pub customers: CustomerListView,
    /// The customer opened from the list, if any.
    pub open: Option<OverviewView>,
    /// The reveal form, the assisted closure, the idle lock.
    pub desk: CustomerDesk,
    /// The closure queue page.
    pub queue: QueueView,
    /// The audit viewer page.
    pub audit: AuditView,
    /// The admin page.
    pub admin: AdminView,
}

impl AgentView {
    /// How the top bar and the heading name the agent: `sam (Admin)`.
    pub fn identity(&self) -> String {
        format!("{} ({})", self.name, self.role.label())
    }
}

/// Draws the agent screen; returns a command when a customer is opened or closed.
pub fn agent_ui(ui: &mut Ui, view: &mut AgentView) -> Option<Command> {
    let identity = view.identity();
    if let Some(lock) = view.desk.lock.as_mut() {
        // Locked: nothing about any customer, on any page.
        return lock_ui(ui, lock, &identity);
    }
    // The pages; who is signed in is said once, in the top bar.
    let shown = view.page;
    ui.horizontal(|ui| {
        for page in AgentPage::for_role(view.role) {
            ui.selectable_value(&mut view.page, *page, page.label());
        }
    });
    if view.page != shown {
        // A page shown anew puts the keyboard in its first field, as a new screen does.
        match view.page {
            AgentPage::Customers => view.customers.first_field_focused = false,
            AgentPage::Audit => view.audit.first_field_focused = false,
            AgentPage::Admin => view.admin.first_field_focused = false,
            AgentPage::ClosureQueue => {}
        }
    }
    ui.separator();
    ui.add_space(theme::SPACE_M);
    match view.page {
        AgentPage::Customers => {}
        AgentPage::ClosureQueue => return agent_queue_ui(ui, &mut view.queue, view.role),
        AgentPage::Audit => return agent_audit_ui(ui, &mut view.audit),
        AgentPage::Admin => return agent_admin_ui(ui, &mut view.admin, view.id, view.role),
    }

    if let Some(open) = &mut view.open {
        let principal = Principal::Agent { id: view.id, role: view.role };
        return customer_ui(ui, open, &mut view.desk, principal);
    }
    customer_list_ui(ui, &mut view.customers)
}

/// An opened customer: the assisted wizard or cancellation while one runs, else the masked
/// dashboards under a row of actions.
fn customer_ui(ui: &mut Ui, open: &mut OverviewView, desk: &mut CustomerDesk, principal: Principal) -> Option<Command> {
    let name = open.data.ready().map(|summary| summary.account.display_name.clone());
    let name = name.unwrap_or_else(|| format!("Account {}", open.account));
    if let Some(wizard) = desk.assist.as_mut().filter(|wizard| !wizard.paused) {
        let leave = ui
            .horizontal(|ui| {
                let leave = ui.add_enabled(!wizard.flow.is_busy(), egui::Button::new("Back to the customer")).clicked();
                ui.label(RichText::new(format!("Assisted closure for {name}")).strong());
                leave
            })
            .inner;
        if leave {
            return Some(Command::Agent(AgentCommand::LeaveAssist));
        }
        ui.add_space(theme::SPACE_S);
        // The agent exports as themselves; the export worker checks that they may.
        let export =
            desk.export.get_or_insert_with(|| crate::ui::closing::export::ExportState::new(open.account, principal));
        return wizard_ui(ui, wizard, export).map(Command::from);
    }
    if let Some(cancel) = desk.cancel.as_mut() {
        return assisted_cancel_ui(ui, cancel, &name, desk.now);
    }

    let back = if desk.assist.as_ref().is_some_and(|wizard| wizard.paused) { back_to_closing_ui(ui) } else { None };
    let mut command = None;
    let (can_close, can_cancel) = closure_actions(open);
    ui.horizontal(|ui| {
        if ui.button("Back to customers").clicked() {
            command = Some(Command::BackToCustomers);
        }
        ui.separator();
        let masked = open.masked;
        let reveal = ui
            .add_enabled(masked && desk.reveal.is_none(), egui::Button::new("Reveal"))
            .on_hover_text("Show this customer's email, phone and addresses unmasked (audited)");
        if reveal.clicked() {
            command = Some(Command::Agent(AgentCommand::OpenReveal));
        }
        if !masked {
            ui.label(RichText::new("Unmasked").strong());
            if ui.button("Mask again").on_hover_text("Hide this customer's personal data again").clicked() {
                command = Some(Command::Agent(AgentCommand::MaskAgain));
            }
        }
        ui.separator();
        if ui
            .add_enabled(can_close, egui::Button::new("Assist closure"))
            .on_hover_text("Run the closure wizard with the customer; the code mailed to them proves it is them")
            .clicked()
        {
            command = Some(Command::Agent(AgentCommand::AssistClosure));
        }
        if can_cancel
            && ui
                .button("Cancel closure…")
                .on_hover_text("Cancel the pending closure with a code mailed to the customer")
                .clicked()
        {
            command = Some(Command::Agent(AgentCommand::StartAssistedCancel));
        }
    });
    ui.add_space(theme::SPACE_S);
    if let Some(form) = desk.reveal.as_mut() {
        command = reveal_form_ui(ui, form).or(command);
        ui.add_space(theme::SPACE_S);
    }
    if let Some(notice) = &desk.notice {
        notice_ui(ui, notice);
        ui.add_space(theme::SPACE_S);
    }
    if open.masked {
        ui.label(RichText::new("Personal data is masked. \"Reveal\" shows it and records why.").weak());
    }
    ui.add_space(theme::SPACE_S);
    overview_ui(ui, open).map(Command::from).or(command).or(back.map(Command::from))
}

/// The assisted cancellation: a code goes to the customer, who reads it out.
fn assisted_cancel_ui(ui: &mut Ui, cancel: &mut ClosureFlow, name: &str, now: Timestamp) -> Option<Command> {
    let mut command = None;
    if ui.add_enabled(!cancel.is_busy(), egui::Button::new("Back to the customer")).clicked() {
        command = Some(AgentCommand::LeaveAssist);
    }
    ui.add_space(theme::SPACE_S);
    ui.label(RichText::new(format!("Cancel the closure of {name}")).size(theme::TITLE_SIZE).strong());
    ui.label(crate::ui::closing::flow::CANCEL_KEEPS);
    ui.add_space(theme::SPACE_S);
    if cancel.is_done() {
        notice_ui(ui, "The closure is cancelled: the account is active again.");
    } else if cancel.wizard.is_some() {
        let words = CodeWords {
            sent_to: "the customer's registered address",
            hint: "Ask the customer to read it out of their mail, and type it here.",
            field: "Customer's code",
            confirm: "Cancel closure",
            other: None,
        };
        match code_entry_ui(ui, cancel.code_entry(), words, now, |_, _| false) {
            Some(CodeAction::Confirm(code)) => command = Some(AgentCommand::ConfirmAssistedCancel { code }),
            Some(CodeAction::Resend) => command = Some(AgentCommand::ResendAssistedCancel),
            Some(CodeAction::Other) | None => {}
        }
    }
    if let Some(doing) = cancel.busy {
        progress_ui(ui, doing);
    }
    if let Some(message) = &cancel.message {
        error_text_ui(ui, message);
    }
    command.map(Command::Agent)
}

fn customer_list_ui(ui: &mut Ui, list: &mut CustomerListView) -> Option<Command> {
    let mut command = None;
    ui.horizontal(|ui| {
        let label = ui.label("Search customers");
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut list.query.search)
                    .hint_text("email, name, account id or order number")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        focus_first_field(&edit, &mut list.first_field_focused);
        if edit.changed() {
            command = Some(Command::Agent(AgentCommand::SearchEdited));
        }
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
        Remote::Ready(page) if page.rows.is_empty() => {
            let said = match page.purged {
                Some((account, closed_at)) => format!(
                    "Account {account} was closed for good on {}: its data was deleted, only the record of its \
                     closure remains.",
                    local_date(closed_at)
                ),
                None => "No customer matches this search.".to_owned(),
            };
            ui.label(RichText::new(said).weak());
        }
        Remote::Ready(CustomerPage { rows, .. }) => {
            let asked = list.shown_for.as_ref().map_or(0, |query| query.limit);
            if rows.len() >= asked {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("Showing the first {} customers; type more to narrow.", rows.len()))
                            .weak(),
                    );
                    if ui.button("Show more").clicked() {
                        command = Some(Command::Agent(AgentCommand::MoreCustomers));
                    }
                });
            }
            command = sideways_ui(ui, "closedesk-customers-across", |ui| customer_table_ui(ui, rows)).or(command);
        }
    }
    command
}

/// The table of customers; only the visible rows are laid out.
fn customer_table_ui(ui: &mut Ui, rows: &[AccountRow]) -> Option<Command> {
    let mut command = None;
    let lines_id = egui::Id::unique("closedesk-customers-lines");
    let mut seen = None;
    table_keys::keyed_table(ui, lines_id, rows.len())
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
                seen = Some(table_keys::seen_line(seen.take(), row.index()));
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
    table_keys::remember_lines(ui, lines_id, seen);
    command
}
