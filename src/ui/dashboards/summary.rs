//! The overview tab: the profile, closure readiness, orders by status, spending per month,
//! money held, disputes, coupons, subscriptions, and the count of every table.

use egui::{RichText, Ui};

use super::readiness::readiness_ui;
use super::spending::spending_ui;
use super::{DashboardCommand, Tab};
use crate::core::words::plural;
use crate::core::{LedgerKind, Money};
use crate::service::dashboard::{Listing, Summary};
use crate::ui::format::local_date;
use crate::ui::theme;
use crate::ui::widgets::figures::{age, money_list, thousands};

/// Draws the overview tab. `from_backup` marks figures that describe a backup.
pub fn summary_ui(ui: &mut Ui, summary: &Summary, from_backup: bool) -> Option<DashboardCommand> {
    let mut command = None;
    profile_ui(ui, summary);
    ui.add_space(theme::SPACE_L);
    let scheduled = summary.closure.as_ref().map(|closure| closure.purge_after);
    command = readiness_ui(ui, &summary.readiness, scheduled, from_backup).or(command);
    ui.add_space(theme::SPACE_L);

    section_title(ui, "Orders by status");
    command = orders_by_status_ui(ui, summary).or(command);
    ui.add_space(theme::SPACE_L);

    section_title(ui, "Spending per month");
    spending_ui(ui, &summary.spending);
    ui.add_space(theme::SPACE_L);

    section_title(ui, "Money, disputes and benefits");
    command = holdings_ui(ui, summary).or(command);
    ui.add_space(theme::SPACE_L);

    section_title(ui, "What the account holds");
    command = counts_ui(ui, summary).or(command);
    command
}

fn section_title(ui: &mut Ui, title: &str) {
    ui.label(RichText::new(title).heading());
    ui.add_space(theme::SPACE_S);
}

fn profile_ui(ui: &mut Ui, summary: &Summary) {
    let account = &summary.account;
    egui::Grid::new("closedesk-profile").num_columns(2).spacing([theme::SPACE_L, theme::SPACE_S]).show(ui, |ui| {
        let rows = [
            ("Email", account.email.clone()),
            ("Phone", account.phone.clone().unwrap_or_else(|| "none".to_owned())),
            ("Country", account.country.clone()),
            ("Member since", local_date(account.created_at)),
            ("Account age", age(account.created_at, summary.as_of)),
            ("Status", account.status.label().to_owned()),
        ];
        for (label, value) in rows {
            ui.label(RichText::new(label).weak());
            ui.label(value);
            ui.end_row();
        }
    });
}

/// One line per status: a link to those orders, how many, and what they add up to.
fn orders_by_status_ui(ui: &mut Ui, summary: &Summary) -> Option<DashboardCommand> {
    if summary.orders_by_status.is_empty() {
        ui.label(RichText::new("No orders yet.").weak());
        return None;
    }
    let mut command = None;
    egui::Grid::new("closedesk-orders-by-status")
        .num_columns(3)
        .spacing([theme::SPACE_L, theme::SPACE_S])
        .striped(true)
        .show(ui, |ui| {
            for total in &summary.orders_by_status {
                let link = ui.link(total.status.label()).on_hover_text("Show these orders");
                if link.clicked() {
                    command = Some(DashboardCommand::ShowRows {
                        listing: Listing::Orders,
                        statuses: vec![total.status.as_str()],
                    });
                }
                ui.label(format!("{} {}", thousands(total.count), plural(total.count as i64, "order", "orders")));
                ui.label(money_list(&total.totals));
                ui.end_row();
            }
        });
    command
}

/// Balances, open disputes, live coupons, subscriptions and the account's age in one grid.
fn holdings_ui(ui: &mut Ui, summary: &Summary) -> Option<DashboardCommand> {
    let mut command = None;
    let holdings = &summary.holdings;
    let balance = |kind: LedgerKind| -> Vec<Money> {
        holdings.balances.iter().filter(|(of, _)| *of == kind).map(|(_, money)| *money).collect()
    };
    let disputes: i64 = holdings.open_disputes.iter().map(|(_, count)| count).sum();
    let coupons: i64 = holdings.live_coupons.iter().map(|(count, _)| count).sum();
    let coupon_worth: Vec<Money> =
        holdings.live_coupons.iter().map(|(_, worth)| *worth).filter(|worth| worth.amount_minor > 0).collect();
    let subscribed: Vec<&str> =
        summary.subscriptions.iter().filter(|state| state.enabled).map(|state| state.topic).collect();

    let rows = [
        ("Refund balance", money_list(&balance(LedgerKind::Refund)), Listing::Ledger, vec!["refund"]),
        ("Gift-card balance", money_list(&balance(LedgerKind::GiftCard)), Listing::Ledger, vec!["gift_card"]),
        (
            "Open disputes",
            format!("{disputes}, claiming {}", money_list(&summary.disputed)),
            Listing::Disputes,
            vec!["open", "awaiting_seller"],
        ),
        (
            "Active coupons and benefits",
            format!("{coupons}, worth {}", money_list(&coupon_worth)),
            Listing::Coupons,
            vec!["active"],
        ),
        (
            "Email subscriptions",
            if subscribed.is_empty() { "none".to_owned() } else { subscribed.join(", ") },
            Listing::Subscriptions,
            Vec::new(),
        ),
    ];
    egui::Grid::new("closedesk-holdings").num_columns(2).spacing([theme::SPACE_L, theme::SPACE_S]).show(ui, |ui| {
        for (label, value, listing, statuses) in rows {
            if ui.link(label).on_hover_text(format!("Show in {}", listing.label())).clicked() {
                command = Some(DashboardCommand::ShowRows { listing, statuses });
            }
            ui.label(value);
            ui.end_row();
        }
    });
    command
}

/// One card per table, in as many columns as fit; a click opens the table.
fn counts_ui(ui: &mut Ui, summary: &Summary) -> Option<DashboardCommand> {
    let mut command = None;
    let columns = ((ui.available_width() + theme::SPACE_M) / (theme::CARD_OUTER_WIDTH + theme::SPACE_M)).floor();
    let columns = (columns as usize).max(1);
    egui::Grid::new("closedesk-counts").spacing([theme::SPACE_M, theme::SPACE_M]).show(ui, |ui| {
        for (index, (label, count)) in summary.counts.labelled().into_iter().enumerate() {
            theme::card_frame(ui.visuals()).show(ui, |ui| {
                ui.set_width(theme::CARD_WIDTH);
                ui.vertical(|ui| {
                    ui.label(RichText::new(thousands(count.max(0) as u64)).size(theme::CARD_NUMBER_SIZE).strong());
                    match listing_of_count(label) {
                        Some(listing) => {
                            if ui.link(label).on_hover_text(format!("Open {}", listing.label())).clicked() {
                                command = Some(DashboardCommand::ShowTab(Tab::List(listing)));
                            }
                        }
                        None => {
                            ui.label(RichText::new(label).weak());
                        }
                    }
                });
            });
            if (index + 1) % columns == 0 {
                ui.end_row();
            }
        }
    });
    command
}

/// The tab showing the rows a count card counts, if one does.
fn listing_of_count(label: &str) -> Option<Listing> {
    Some(match label {
        "Orders" => Listing::Orders,
        "Shipping addresses" => Listing::Addresses,
        "Payment methods" => Listing::PaymentMethods,
        "Conversations" => Listing::Conversations,
        "Disputes" => Listing::Disputes,
        "Balance entries" => Listing::Ledger,
        "Reviews" => Listing::Reviews,
        "Coupons and benefits" => Listing::Coupons,
        "Subscriptions" => Listing::Subscriptions,
        "Mail received" => Listing::Mail,
        "Audit events" => Listing::Audit,
        _ => return None,
    })
}
