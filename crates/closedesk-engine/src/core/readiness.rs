//! Whether an account can be closed now, and what stands in the way.
//!
//! One function, [`readiness`], serves the dashboard's readiness panel and the closure
//! wizard's second step, so the two can never disagree.

use super::words::plural;
use crate::core::{DisputeStatus, LedgerKind, Money, OrderStatus};

/// What an account holds that matters for closing it, as counted by the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Orders per status that blocks closure (awaiting payment, pending, in transit).
    pub unfinished_orders: Vec<(OrderStatus, i64)>,
    /// Disputes per status that blocks closure (open, awaiting seller).
    pub open_disputes: Vec<(DisputeStatus, i64)>,
    /// Balance per kind and currency (sum of the ledger).
    pub balances: Vec<(LedgerKind, Money)>,
    /// Coupons and benefits not yet redeemed nor expired, and what they are worth.
    pub live_coupons: Vec<(i64, Money)>,
    /// Reviews the customer left for sellers.
    pub reviews: i64,
}

/// Something that must be cleared before the account can close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// Orders that must be completed or cancelled first.
    UnfinishedOrders { status: OrderStatus, count: i64 },
    /// Disputes that must be resolved first.
    OpenDisputes { status: DisputeStatus, count: i64 },
    /// Money that must be withdrawn first.
    Balance { kind: LedgerKind, amount: Money },
}

impl Blocker {
    /// One line naming the blocker with its count or amount.
    pub fn title(&self) -> String {
        match self {
            Self::UnfinishedOrders { status, count } => {
                format!("{count} {} {}", plural(*count, "order", "orders"), status_words(*status))
            }
            Self::OpenDisputes { status, count } => {
                format!("{count} {} {}", plural(*count, "dispute", "disputes"), status.label().to_lowercase())
            }
            Self::Balance { kind, amount } => format!("{} of {amount}", kind.label()),
        }
    }

    /// What the customer must do to clear it.
    pub fn what_to_do(&self) -> &'static str {
        match self {
            Self::UnfinishedOrders { status: OrderStatus::AwaitingPayment, count } => {
                plural(*count, "Pay for this order or cancel it.", "Pay for these orders or cancel them.")
            }
            Self::UnfinishedOrders { status: OrderStatus::InTransit, .. } => {
                "Wait for delivery and confirm receipt, or ask the seller to cancel."
            }
            Self::UnfinishedOrders { count, .. } => plural(
                *count,
                "Wait until it ships and completes, or cancel it.",
                "Wait until they ship and complete, or cancel them.",
            ),
            Self::OpenDisputes { count, .. } => plural(
                *count,
                "Resolve or withdraw the dispute with the seller.",
                "Resolve or withdraw the disputes with the sellers.",
            ),
            Self::Balance { kind: LedgerKind::Refund, .. } => "Withdraw the refund balance to your payment method.",
            Self::Balance { kind: LedgerKind::GiftCard, .. } => "Spend or transfer the gift-card balance.",
        }
    }
}

/// Something the customer loses or keeps that does not stop the closure, but must be acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Coupons and member benefits that are lost at closure.
    CouponsLost { count: i64, value: Vec<Money> },
    /// Reviews that stay on the sellers' pages, shown as by "Deleted user".
    ReviewsStay { count: i64 },
}

impl Warning {
    /// One line describing the consequence.
    pub fn title(&self) -> String {
        match self {
            Self::CouponsLost { count, value } => {
                let what = plural(*count, "coupon or benefit", "coupons and benefits");
                if value.is_empty() {
                    // Member benefits such as free shipping have no face value to name.
                    return format!("{count} {what} will be lost");
                }
                let worth: Vec<String> = value.iter().map(ToString::to_string).collect();
                format!("{count} {what} worth {} will be lost", worth.join(" + "))
            }
            Self::ReviewsStay { count } => format!(
                "{count} {} will stay visible on the sellers' pages as by \"Deleted user\" and can no longer be edited",
                plural(*count, "review", "reviews")
            ),
        }
    }
}

/// The verdict on closing an account now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Readiness {
    /// What must be cleared first; closure is possible only when empty.
    pub blockers: Vec<Blocker>,
    /// What is lost or kept; these do not block.
    pub warnings: Vec<Warning>,
}

impl Readiness {
    /// Whether nothing blocks the closure.
    pub fn can_close(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// Judges whether an account holding `holdings` can be closed.
pub fn readiness(holdings: &Holdings) -> Readiness {
    let mut blockers = Vec::new();
    for status in OrderStatus::ALL.iter().copied().filter(|s| s.blocks_closure()) {
        let count: i64 = holdings.unfinished_orders.iter().filter(|(s, _)| *s == status).map(|(_, n)| n).sum();
        if count > 0 {
            blockers.push(Blocker::UnfinishedOrders { status, count });
        }
    }
    for status in DisputeStatus::ALL.iter().copied().filter(|s| s.blocks_closure()) {
        let count: i64 = holdings.open_disputes.iter().filter(|(s, _)| *s == status).map(|(_, n)| n).sum();
        if count > 0 {
            blockers.push(Blocker::OpenDisputes { status, count });
        }
    }
    for (kind, amount) in &holdings.balances {
        // A negative balance is a data error, not money the customer can withdraw; only credit blocks.
        if amount.amount_minor > 0 {
            blockers.push(Blocker::Balance { kind: *kind, amount: *amount });
        }
    }

    let mut warnings = Vec::new();
    let coupons: i64 = holdings.live_coupons.iter().map(|(n, _)| n).sum();
    if coupons > 0 {
        let value = holdings.live_coupons.iter().map(|(_, m)| *m).filter(|m| m.amount_minor > 0).collect();
        warnings.push(Warning::CouponsLost { count: coupons, value });
    }
    if holdings.reviews > 0 {
        warnings.push(Warning::ReviewsStay { count: holdings.reviews });
    }
    Readiness { blockers, warnings }
}

fn status_words(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::AwaitingPayment => "awaiting payment",
        OrderStatus::Pending => "pending",
        OrderStatus::InTransit => "in transit",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Completed => "completed",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Refunded => "refunded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::new("EUR").unwrap())
    }

    #[test]
    fn an_account_with_only_history_can_close_with_warnings() {
        let holdings = Holdings { live_coupons: vec![(2, eur(500))], reviews: 3, ..Holdings::default() };
        let verdict = readiness(&holdings);
        assert!(verdict.can_close());
        assert_eq!(verdict.warnings.len(), 2);
        assert_eq!(verdict.warnings[0].title(), "2 coupons and benefits worth EUR 5.00 will be lost");
    }

    #[test]
    fn each_blocker_is_named_with_its_count_or_amount() {
        let holdings = Holdings {
            unfinished_orders: vec![(OrderStatus::InTransit, 1), (OrderStatus::Pending, 2)],
            open_disputes: vec![(DisputeStatus::AwaitingSeller, 1)],
            balances: vec![(LedgerKind::Refund, eur(1_250)), (LedgerKind::GiftCard, eur(0))],
            ..Holdings::default()
        };
        let titles: Vec<String> = readiness(&holdings).blockers.iter().map(Blocker::title).collect();
        assert_eq!(
            titles,
            ["2 orders pending", "1 order in transit", "1 dispute awaiting seller", "Refund balance of EUR 12.50"]
        );
    }

    #[test]
    fn what_to_do_speaks_of_one_order_or_dispute_in_the_singular() {
        let one = Blocker::UnfinishedOrders { status: OrderStatus::Pending, count: 1 };
        let two = Blocker::UnfinishedOrders { status: OrderStatus::Pending, count: 2 };
        assert_eq!(one.what_to_do(), "Wait until it ships and completes, or cancel it.");
        assert_eq!(two.what_to_do(), "Wait until they ship and complete, or cancel them.");
        let unpaid = Blocker::UnfinishedOrders { status: OrderStatus::AwaitingPayment, count: 1 };
        assert_eq!(unpaid.what_to_do(), "Pay for this order or cancel it.");
        let dispute = Blocker::OpenDisputes { status: DisputeStatus::Open, count: 1 };
        assert_eq!(dispute.what_to_do(), "Resolve or withdraw the dispute with the seller.");
    }

    #[test]
    fn benefits_without_a_face_value_are_named_without_one() {
        let holdings = Holdings { live_coupons: vec![(1, eur(0))], ..Holdings::default() };
        assert_eq!(readiness(&holdings).warnings[0].title(), "1 coupon or benefit will be lost");
    }

    #[test]
    fn a_zero_or_negative_balance_does_not_block() {
        let holdings = Holdings {
            balances: vec![(LedgerKind::GiftCard, eur(0)), (LedgerKind::Refund, eur(-10))],
            ..Holdings::default()
        };
        assert!(readiness(&holdings).can_close());
    }
}
