//! The Customers page of the agent desk: the search, a customer's masked dashboards, the
//! reveal form and the assisted closure or cancellation.

use egui::{RichText, Ui};
use egui_extras::Column;
use jiff::Timestamp;

use crate::core::masking::mask_email;
use crate::core::permissions::Principal;
use crate::service::search::AccountRow;
use crate::ui::closing::command::ClosingCommand;
use crate::ui::closing::export::ExportState;
use crate::ui::closing::flow::{CANCEL_KEEPS, ClosureFlow};
use crate::ui::closing::wizard::{back_to_closing_ui, wizard_ui};
use crate::ui::dashboards::overview::overview_ui;
use crate::ui::format::local_date;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::code_entry::{CodeAction, CodeWords, code_entry_ui};
use crate::ui::widgets::{error_text_ui, focus_first_field, notice_ui, progress_ui, sideways_ui, table_keys};

use super::command::AgentCommand;
use super::desk::{CustomerDesk, closure_actions};
use super::reveal::reveal_form_ui;
use super::search::{CustomerListView, CustomerPage};

/// Draws the Customers page: the customer opened from the list, or the list.
pub fn desk_ui(ui: &mut Ui, desk: &mut CustomerDesk, principal: Principal) -> Option<AgentCommand> {
    if desk.open.is_some() {
        return customer_ui(ui, desk, principal);
    }
    customer_list_ui(ui, &mut desk.customers)
}

/// An opened customer: the assisted wizard or cancellation while one runs, else the masked
/// dashboards under a row of actions.
fn customer_ui(ui: &mut Ui, desk: &mut CustomerDesk, principal: Principal) -> Option<AgentCommand> {
    let open = desk.open.as_mut()?;
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
            return Some(AgentCommand::LeaveAssist);
        }
        ui.add_space(theme::SPACE_S);
        // The agent exports as themselves; the export worker checks that they may.
        let export = desk.export.get_or_insert_with(|| ExportState::new(open.account, principal));
        return wizard_ui(ui, wizard, export).map(AgentCommand::Closing);
    }
    if let Some(cancel) = desk.cancel.as_mut() {
        return assisted_cancel_ui(ui, cancel, &name, desk.now);
    }

    let paused = desk.assist.as_ref().is_some_and(|wizard| wizard.paused);
    let back = if paused { back_to_closing_ui(ui) } else { None };
    let mut command = None;
    let (can_close, can_cancel) = closure_actions(open);
    ui.horizontal(|ui| {
        if ui.button("Back to customers").clicked() {
            command = Some(AgentCommand::BackToCustomers);
        }
        ui.separator();
        let masked = open.masked;
        let reveal = ui
            .add_enabled(masked && desk.reveal.is_none(), egui::Button::new("Reveal"))
            .on_hover_text("Show this customer's email, phone and addresses unmasked (audited)");
        if reveal.clicked() {
            command = Some(AgentCommand::OpenReveal);
        }
        if !masked {
            ui.label(RichText::new("Unmasked").strong());
            if ui.button("Mask again").on_hover_text("Hide this customer's personal data again").clicked() {
                command = Some(AgentCommand::MaskAgain);
            }
        }
        ui.separator();
        if ui
            .add_enabled(can_close, egui::Button::new("Assist closure"))
            .on_hover_text("Run the closure wizard with the customer; the code mailed to them proves it is them")
            .clicked()
        {
            command = Some(AgentCommand::AssistClosure);
        }
        if can_cancel
            && ui
                .button("Cancel closure…")
                .on_hover_text("Cancel the pending closure with a code mailed to the customer")
                .clicked()
        {
            command = Some(AgentCommand::StartAssistedCancel);
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
    overview_ui(ui, open)
        .map(AgentCommand::Overview)
        .or(command)
        .or(back.map(|back| AgentCommand::Closing(ClosingCommand::Closure(back))))
}

/// The assisted cancellation: a code goes to the customer, who reads it out.
fn assisted_cancel_ui(ui: &mut Ui, cancel: &mut ClosureFlow, name: &str, now: Timestamp) -> Option<AgentCommand> {
    let mut command = None;
    if ui.add_enabled(!cancel.is_busy(), egui::Button::new("Back to the customer")).clicked() {
        command = Some(AgentCommand::LeaveAssist);
    }
    ui.add_space(theme::SPACE_S);
    ui.label(RichText::new(format!("Cancel the closure of {name}")).size(theme::TITLE_SIZE).strong());
    ui.label(CANCEL_KEEPS);
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
    command
}

fn customer_list_ui(ui: &mut Ui, list: &mut CustomerListView) -> Option<AgentCommand> {
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
            command = Some(AgentCommand::SearchEdited);
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
                command = Some(AgentCommand::ReloadCustomers);
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
                        command = Some(AgentCommand::MoreCustomers);
                    }
                });
            }
            command = sideways_ui(ui, "closedesk-customers-across", |ui| customer_table_ui(ui, rows)).or(command);
        }
    }
    command
}

/// The table of customers; only the visible rows are laid out.
fn customer_table_ui(ui: &mut Ui, rows: &[AccountRow]) -> Option<AgentCommand> {
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
                        command = Some(AgentCommand::OpenCustomer(account.id));
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
