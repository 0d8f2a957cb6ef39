//! The closed sets of states the data model uses, with their database spellings.

use std::fmt;

/// A string that names no member of an enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{value}'")]
pub struct ParseEnumError {
    kind: &'static str,
    value: String,
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $db:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every member, in display order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The spelling stored in the database and used on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $db,)+ }
            }

            /// The words shown to a person.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseEnumError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let wanted = value.trim().replace('-', "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|member| member.as_str().eq_ignore_ascii_case(&wanted))
                    .ok_or_else(|| ParseEnumError { kind: $kind, value: value.to_owned() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

string_enum! {
    /// Where an account is in its life.
    AccountStatus, "account status" {
        /// Signed in and used normally.
        Active => "active", "Active";
        /// Closure confirmed; the account is purged once the grace period ends.
        ClosurePending => "closure_pending", "Closure pending";
        /// Purged: only a tombstone remains.
        Closed => "closed", "Closed";
    }
}

string_enum! {
    /// The state of an order, as the reference marketplace names them.
    OrderStatus, "order status" {
        /// Placed but not yet paid.
        AwaitingPayment => "awaiting_payment", "Awaiting payment";
        /// Paid, not yet shipped.
        Pending => "pending", "Pending";
        /// Shipped and on its way.
        InTransit => "in_transit", "Shipped / in transit";
        /// Delivered, not yet confirmed.
        Delivered => "delivered", "Delivered";
        /// Confirmed by the customer.
        Completed => "completed", "Completed";
        /// Cancelled before shipping.
        Cancelled => "cancelled", "Cancelled";
        /// Money returned to the customer.
        Refunded => "refunded", "Refunded";
    }
}

impl OrderStatus {
    /// Orders in these states must be completed or cancelled before the account can close.
    pub fn blocks_closure(self) -> bool {
        matches!(self, Self::AwaitingPayment | Self::Pending | Self::InTransit)
    }
}

string_enum! {
    /// The state of a dispute about an order.
    DisputeStatus, "dispute status" {
        /// Opened by the customer.
        Open => "open", "Open";
        /// Waiting for the seller's answer.
        AwaitingSeller => "awaiting_seller", "Awaiting seller";
        /// Settled.
        Resolved => "resolved", "Resolved";
        /// Closed without further action.
        Closed => "closed", "Closed";
    }
}

impl DisputeStatus {
    /// Disputes in these states must be resolved before the account can close.
    pub fn blocks_closure(self) -> bool {
        matches!(self, Self::Open | Self::AwaitingSeller)
    }
}

string_enum! {
    /// Which balance a ledger entry moves.
    LedgerKind, "balance kind" {
        /// Refunds held by the platform.
        Refund => "refund", "Refund balance";
        /// Gift-card money.
        GiftCard => "gift_card", "Gift-card balance";
    }
}

string_enum! {
    /// What a support agent may do.
    Role, "role" {
        /// Search, view and assist closures.
        Agent => "agent", "Agent";
        /// Everything an agent may, plus purges, database backups and managing agents.
        Admin => "admin", "Admin";
    }
}

string_enum! {
    /// Why a customer closes the account: a fixed list, so the tombstone holds no free text.
    Reason, "closure reason" {
        /// They use another account.
        AnotherAccount => "another_account", "I have another account";
        /// Privacy concerns.
        Privacy => "privacy", "Privacy concerns";
        /// Too many emails.
        TooManyEmails => "too_many_emails", "Too many emails";
        /// Unhappy with the service.
        UnhappyWithService => "unhappy_with_service", "Unhappy with the service";
        /// Something else; the optional note says what.
        Other => "other", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>().unwrap(), *status);
        }
        assert_eq!("closure-pending".parse::<AccountStatus>().unwrap(), AccountStatus::ClosurePending);
        assert!("shipped-ish".parse::<OrderStatus>().is_err());
    }

    #[test]
    fn only_unfinished_orders_and_open_disputes_block() {
        let blocking: Vec<_> = OrderStatus::ALL.iter().filter(|s| s.blocks_closure()).collect();
        assert_eq!(blocking, [&OrderStatus::AwaitingPayment, &OrderStatus::Pending, &OrderStatus::InTransit]);
        assert!(DisputeStatus::AwaitingSeller.blocks_closure());
        assert!(!DisputeStatus::Resolved.blocks_closure());
    }
}
