//! The tables the dashboards browse: their columns, filters and sort keys, as SQL pieces.
//!
//! Every listing is described once here; [`super::page`] and [`super::count`] build their
//! statements from these pieces, so that a new column is one line and every table pages,
//! sorts and filters the same way.

/// One table of the dashboards, restricted to one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Listing {
    /// Orders; each expands to its items.
    Orders,
    /// Shipping addresses.
    Addresses,
    /// Saved cards: brand, last four digits and expiry.
    PaymentMethods,
    /// Conversations with sellers; each expands to its messages.
    Conversations,
    /// Disputes about orders.
    Disputes,
    /// Refund and gift-card balance movements.
    Ledger,
    /// Reviews the customer left for sellers.
    Reviews,
    /// Coupons and member benefits.
    Coupons,
    /// Email and notification subscriptions.
    Subscriptions,
    /// Mail sent to the account (the outbox).
    Mail,
    /// The audit trail about the account.
    Audit,
}

/// How a column's SQL value is read and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Text as stored; `NULL` shows empty.
    Text,
    /// A whole number.
    Integer,
    /// An amount: the column's SQL yields two values, minor units and the currency code.
    Money,
    /// An instant stored as Unix seconds; `NULL` shows empty.
    Time,
    /// A stored code shown with its label from the list, e.g. `in_transit` as "Shipped / in transit".
    Label(&'static [Choice]),
}

/// A stored code and the words shown for it: a status, a kind, a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value in the database (or computed by the listing's SQL).
    pub value: &'static str,
    /// The words shown to a person.
    pub label: &'static str,
}

const fn choice(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

/// One column of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListColumn {
    /// The header shown above it.
    pub title: &'static str,
    /// How its value is read and shown.
    pub kind: ValueKind,
    /// Whether it holds long text (a message, a reason) and should take the spare width.
    pub wide: bool,
    /// Whether the value is shown after its title ("Quantity: 2"): for a child's values that
    /// sit in a column of the parent titled otherwise.
    pub titled: bool,
    /// The SQL expression (two, comma-separated, for money) giving its value.
    pub(super) sql: &'static str,
    /// The SQL expression rows are ordered by when sorting on this column; `None` if not sortable.
    pub(super) sort: Option<&'static str>,
}

impl ListColumn {
    /// Whether the rows can be sorted by this column.
    pub fn sortable(&self) -> bool {
        self.sort.is_some()
    }
}

const fn column(title: &'static str, kind: ValueKind, sql: &'static str, sort: &'static str) -> ListColumn {
    ListColumn { title, kind, wide: false, titled: false, sql, sort: Some(sort) }
}

const fn wide(title: &'static str, sql: &'static str, sort: &'static str) -> ListColumn {
    ListColumn { title, kind: ValueKind::Text, wide: true, titled: false, sql, sort: Some(sort) }
}

const fn child_column(title: &'static str, kind: ValueKind, sql: &'static str, titled: bool) -> ListColumn {
    ListColumn { title, kind, wide: false, titled, sql, sort: None }
}

/// The statuses of an order, in the order of an order's life.
pub const ORDER_STATUSES: &[Choice] = &[
    choice("awaiting_payment", "Awaiting payment"),
    choice("pending", "Pending"),
    choice("in_transit", "Shipped / in transit"),
    choice("delivered", "Delivered"),
    choice("completed", "Completed"),
    choice("cancelled", "Cancelled"),
    choice("refunded", "Refunded"),
];

/// The statuses of a dispute.
pub const DISPUTE_STATUSES: &[Choice] = &[
    choice("open", "Open"),
    choice("awaiting_seller", "Awaiting seller"),
    choice("resolved", "Resolved"),
    choice("closed", "Closed"),
];

/// The two balances the ledger moves.
pub const LEDGER_KINDS: &[Choice] = &[choice("refund", "Refund balance"), choice("gift_card", "Gift-card balance")];

/// Whether a saved card can still be used.
pub const CARD_STATES: &[Choice] = &[choice("valid", "Valid"), choice("expired", "Expired")];

/// Stars given in a review.
pub const RATINGS: &[Choice] = &[
    choice("5", "5 stars"),
    choice("4", "4 stars"),
    choice("3", "3 stars"),
    choice("2", "2 stars"),
    choice("1", "1 star"),
];

/// Coupon or member benefit.
pub const COUPON_KINDS: &[Choice] = &[choice("coupon", "Coupon"), choice("benefit", "Benefit")];

/// Whether a coupon can still be used: the same rule as the readiness warning (not redeemed,
/// not expired).
pub const COUPON_STATES: &[Choice] =
    &[choice("active", "Active"), choice("expired", "Expired"), choice("redeemed", "Redeemed")];

/// What a subscription is about.
pub const TOPICS: &[Choice] = &[
    choice("marketing_email", "Marketing email"),
    choice("promotions_push", "Promotion notifications"),
    choice("newsletter", "Newsletter"),
    choice("order_updates", "Order updates"),
];

/// Whether a subscription is on.
pub const SUBSCRIPTION_STATES: &[Choice] = &[choice("on", "Subscribed"), choice("off", "Unsubscribed")];

/// Who did what the audit trail records.
pub const ACTOR_KINDS: &[Choice] =
    &[choice("customer", "Customer"), choice("agent", "Agent"), choice("system", "System")];

/// Who wrote a message.
const AUTHORS: &[Choice] = &[choice("customer", "You"), choice("seller", "Seller")];

/// A filter on a listing's status-like column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusFilter {
    /// What the filter is called, e.g. "Status".
    pub title: &'static str,
    /// The values it offers.
    pub choices: &'static [Choice],
    /// The SQL expression compared with the chosen values.
    pub(super) sql: &'static str,
}

/// The rows that belong to one row of a listing: an order's items, a conversation's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildSpec {
    /// What one child is called, e.g. `item`.
    pub singular: &'static str,
    /// What several are called, e.g. `items`.
    pub plural: &'static str,
    /// The children's columns.
    pub columns: &'static [ListColumn],
    /// For each child column, the parent's column it is shown under.
    pub slots: &'static [usize],
    /// `FROM …`, the child table aliased, with joins for looked-up columns.
    pub(super) from: &'static str,
    /// The expression that tells children apart.
    pub(super) id: &'static str,
    /// The column holding the parent's id.
    pub(super) parent: &'static str,
    /// The column holding the account id of the parent row.
    pub(super) account: &'static str,
    /// How the children are ordered.
    pub(super) order: &'static str,
}

/// The SQL pieces of a listing.
pub(super) struct Spec {
    /// `FROM …`, the listing's table aliased, with joins for looked-up columns.
    pub from: &'static str,
    /// The expression that tells rows apart (and breaks ties when sorting).
    pub id: &'static str,
    /// The column holding the account id.
    pub account: &'static str,
    /// The number of children of a row, if the listing has children.
    pub children: Option<&'static str>,
    /// Text columns the text filter searches (`LIKE`), OR-ed together. An entry holding
    /// `{word}` is a whole condition instead, the word's `LIKE` pattern put in its place: how
    /// a child table's text is searched, stopping at the first child that matches.
    pub text: &'static [&'static str],
    /// The columns of `text` that an agent's screen masks (looked up in
    /// [`crate::core::personal`]): skipped while the listing is shown masked.
    pub personal: Vec<&'static str>,
}

const ORDER_COLUMNS: &[ListColumn] = &[
    column("Order number", ValueKind::Text, "o.order_number", "o.order_number"),
    column("Placed", ValueKind::Time, "o.placed_at", "o.placed_at"),
    column(
        "Status",
        ValueKind::Label(ORDER_STATUSES),
        "o.status",
        "CASE o.status WHEN 'awaiting_payment' THEN 0 WHEN 'pending' THEN 1 WHEN 'in_transit' THEN 2 \
         WHEN 'delivered' THEN 3 WHEN 'completed' THEN 4 WHEN 'cancelled' THEN 5 ELSE 6 END",
    ),
    column("Seller", ValueKind::Text, "o.seller", "o.seller COLLATE NOCASE"),
    column("Total", ValueKind::Money, "o.total_minor, o.currency", "o.total_minor"),
];

const ORDER_ITEM_COLUMNS: &[ListColumn] = &[
    child_column("Item", ValueKind::Text, "i.title", false),
    child_column("Quantity", ValueKind::Integer, "i.quantity", true),
    child_column("Unit price", ValueKind::Money, "i.unit_price_minor, o.currency", true),
    child_column("Line total", ValueKind::Money, "i.quantity * i.unit_price_minor, o.currency", false),
];

const ADDRESS_COLUMNS: &[ListColumn] = &[
    column("Recipient", ValueKind::Text, "a.recipient", "a.recipient COLLATE NOCASE"),
    wide("Street", "a.line1 || coalesce(', ' || a.line2, '')", "a.line1 COLLATE NOCASE"),
    column("City", ValueKind::Text, "a.city", "a.city COLLATE NOCASE"),
    column("Region", ValueKind::Text, "a.region", "a.region COLLATE NOCASE"),
    column("Postal code", ValueKind::Text, "a.postal_code", "a.postal_code"),
    column("Country", ValueKind::Text, "a.country", "a.country"),
    column("Phone", ValueKind::Text, "a.phone", "a.phone"),
    column(
        "Default",
        ValueKind::Label(&[choice("1", "Default"), choice("0", "")]),
        "CAST(a.is_default AS TEXT)",
        "a.is_default",
    ),
];

const PAYMENT_COLUMNS: &[ListColumn] = &[
    column("Brand", ValueKind::Text, "p.brand", "p.brand COLLATE NOCASE"),
    column("Card", ValueKind::Text, "'•••• ' || p.last4", "p.last4"),
    column("Expires", ValueKind::Text, "printf('%02d/%d', p.exp_month, p.exp_year)", "p.exp_year * 12 + p.exp_month"),
    column("State", ValueKind::Label(CARD_STATES), CARD_STATE_SQL, CARD_STATE_SQL),
    column("Added", ValueKind::Time, "p.added_at", "p.added_at"),
];

/// A card is valid through the end of its expiry month (UTC).
const CARD_STATE_SQL: &str = "CASE WHEN p.exp_year * 12 + p.exp_month < :now_month THEN 'expired' ELSE 'valid' END";

const CONVERSATION_COLUMNS: &[ListColumn] = &[
    column("Started", ValueKind::Time, "c.started_at", "c.started_at"),
    column("Seller", ValueKind::Text, "c.seller", "c.seller COLLATE NOCASE"),
    wide("Subject", "c.subject", "c.subject COLLATE NOCASE"),
    column("Order", ValueKind::Text, "o.order_number", "o.order_number"),
];

const MESSAGE_COLUMNS: &[ListColumn] = &[
    child_column("Sent", ValueKind::Time, "m.sent_at", false),
    child_column(
        "From",
        ValueKind::Label(AUTHORS),
        "CASE m.from_customer WHEN 1 THEN 'customer' ELSE 'seller' END",
        false,
    ),
    child_column("Message", ValueKind::Text, "m.body", false),
];

const DISPUTE_COLUMNS: &[ListColumn] = &[
    column("Opened", ValueKind::Time, "d.opened_at", "d.opened_at"),
    column("Order", ValueKind::Text, "o.order_number", "o.order_number"),
    column(
        "Status",
        ValueKind::Label(DISPUTE_STATUSES),
        "d.status",
        "CASE d.status WHEN 'open' THEN 0 WHEN 'awaiting_seller' THEN 1 WHEN 'resolved' THEN 2 ELSE 3 END",
    ),
    wide("Reason", "d.reason", "d.reason COLLATE NOCASE"),
    column("Amount", ValueKind::Money, "d.amount_minor, d.currency", "d.amount_minor"),
];

const LEDGER_COLUMNS: &[ListColumn] = &[
    column("Date", ValueKind::Time, "l.created_at", "l.created_at"),
    column("Balance", ValueKind::Label(LEDGER_KINDS), "l.kind", "l.kind"),
    wide("Memo", "l.memo", "l.memo COLLATE NOCASE"),
    column("Amount", ValueKind::Money, "l.amount_minor, l.currency", "l.amount_minor"),
];

const REVIEW_COLUMNS: &[ListColumn] = &[
    column("Written", ValueKind::Time, "r.created_at", "r.created_at"),
    column("Seller", ValueKind::Text, "r.seller", "r.seller COLLATE NOCASE"),
    column("Rating", ValueKind::Label(RATINGS), "CAST(r.rating AS TEXT)", "r.rating"),
    wide("Review", "r.body", "r.body COLLATE NOCASE"),
    column("Order", ValueKind::Text, "o.order_number", "o.order_number"),
];

/// The state of a coupon as of `:now`, as [`COUPON_STATES`] names it.
const COUPON_STATE_SQL: &str = "CASE WHEN k.redeemed_at IS NOT NULL THEN 'redeemed' \
     WHEN k.expires_at IS NOT NULL AND k.expires_at <= :now THEN 'expired' ELSE 'active' END";

const COUPON_COLUMNS: &[ListColumn] = &[
    column("Kind", ValueKind::Label(COUPON_KINDS), "k.kind", "k.kind"),
    column("Code", ValueKind::Text, "k.code", "k.code COLLATE NOCASE"),
    wide("Description", "k.description", "k.description COLLATE NOCASE"),
    column("Worth", ValueKind::Money, "k.value_minor, k.currency", "k.value_minor"),
    column("State", ValueKind::Label(COUPON_STATES), COUPON_STATE_SQL, COUPON_STATE_SQL),
    column("Expires", ValueKind::Time, "k.expires_at", "k.expires_at"),
    column("Redeemed", ValueKind::Time, "k.redeemed_at", "k.redeemed_at"),
];

const SUBSCRIPTION_STATE_SQL: &str = "CASE s.enabled WHEN 1 THEN 'on' ELSE 'off' END";

const SUBSCRIPTION_COLUMNS: &[ListColumn] = &[
    column("Topic", ValueKind::Label(TOPICS), "s.topic", "s.topic"),
    column("State", ValueKind::Label(SUBSCRIPTION_STATES), SUBSCRIPTION_STATE_SQL, "s.enabled"),
    column("Changed", ValueKind::Time, "s.updated_at", "s.updated_at"),
];

const MAIL_COLUMNS: &[ListColumn] = &[
    column("Sent", ValueKind::Time, "m.created_at", "m.created_at"),
    column("To", ValueKind::Text, "m.to_addr", "m.to_addr COLLATE NOCASE"),
    column("Subject", ValueKind::Text, "m.subject", "m.subject COLLATE NOCASE"),
    // One line per row: the body's line breaks become spaces.
    wide("Message", "replace(replace(m.body, char(13), ''), char(10), ' ')", "m.body"),
];

const AUDIT_COLUMNS: &[ListColumn] = &[
    column("When", ValueKind::Time, "e.at", "e.at"),
    column(
        "Actor",
        ValueKind::Text,
        "CASE e.actor_kind WHEN 'customer' THEN 'Customer' WHEN 'system' THEN 'System' \
         ELSE 'Agent' || coalesce(' #' || e.actor_id, '') END",
        "e.actor_kind",
    ),
    column("Action", ValueKind::Text, "e.action", "e.action"),
    wide("Outcome", "e.outcome", "e.outcome"),
];

impl Listing {
    /// Every listing, in the order the tabs show them.
    pub const ALL: [Self; 11] = [
        Self::Orders,
        Self::Addresses,
        Self::PaymentMethods,
        Self::Conversations,
        Self::Disputes,
        Self::Ledger,
        Self::Reviews,
        Self::Coupons,
        Self::Subscriptions,
        Self::Mail,
        Self::Audit,
    ];

    /// The tab's title, e.g. "Payment methods".
    pub fn label(self) -> &'static str {
        match self {
            Self::Orders => "Orders",
            Self::Addresses => "Addresses",
            Self::PaymentMethods => "Payment methods",
            Self::Conversations => "Conversations",
            Self::Disputes => "Disputes",
            Self::Ledger => "Balance ledger",
            Self::Reviews => "Reviews",
            Self::Coupons => "Coupons and benefits",
            Self::Subscriptions => "Subscriptions",
            Self::Mail => "Mail received",
            Self::Audit => "Audit trail",
        }
    }

    /// What one row is called and what several are called, for counts: `("order", "orders")`.
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Self::Orders => ("order", "orders"),
            Self::Addresses => ("address", "addresses"),
            Self::PaymentMethods => ("payment method", "payment methods"),
            Self::Conversations => ("conversation", "conversations"),
            Self::Disputes => ("dispute", "disputes"),
            Self::Ledger => ("balance entry", "balance entries"),
            Self::Reviews => ("review", "reviews"),
            Self::Coupons => ("coupon or benefit", "coupons and benefits"),
            Self::Subscriptions => ("subscription", "subscriptions"),
            Self::Mail => ("mail", "mails"),
            Self::Audit => ("audit event", "audit events"),
        }
    }

    /// The columns, in display order.
    pub fn columns(self) -> &'static [ListColumn] {
        match self {
            Self::Orders => ORDER_COLUMNS,
            Self::Addresses => ADDRESS_COLUMNS,
            Self::PaymentMethods => PAYMENT_COLUMNS,
            Self::Conversations => CONVERSATION_COLUMNS,
            Self::Disputes => DISPUTE_COLUMNS,
            Self::Ledger => LEDGER_COLUMNS,
            Self::Reviews => REVIEW_COLUMNS,
            Self::Coupons => COUPON_COLUMNS,
            Self::Subscriptions => SUBSCRIPTION_COLUMNS,
            Self::Mail => MAIL_COLUMNS,
            Self::Audit => AUDIT_COLUMNS,
        }
    }

    /// The filter on the listing's status-like column, if it has one.
    pub fn status_filter(self) -> Option<StatusFilter> {
        let (title, choices, sql) = match self {
            Self::Orders => ("Status", ORDER_STATUSES, "o.status"),
            Self::PaymentMethods => ("State", CARD_STATES, CARD_STATE_SQL),
            Self::Disputes => ("Status", DISPUTE_STATUSES, "d.status"),
            Self::Ledger => ("Balance", LEDGER_KINDS, "l.kind"),
            Self::Reviews => ("Rating", RATINGS, "CAST(r.rating AS TEXT)"),
            Self::Coupons => ("State", COUPON_STATES, COUPON_STATE_SQL),
            Self::Subscriptions => ("State", SUBSCRIPTION_STATES, SUBSCRIPTION_STATE_SQL),
            Self::Audit => ("Actor", ACTOR_KINDS, "e.actor_kind"),
            Self::Addresses | Self::Conversations | Self::Mail => return None,
        };
        Some(StatusFilter { title, choices, sql })
    }

    /// The rows each row expands to, if any.
    pub fn child(self) -> Option<&'static ChildSpec> {
        match self {
            Self::Orders => Some(&ORDER_ITEMS),
            Self::Conversations => Some(&MESSAGES),
            _ => None,
        }
    }

    /// The column the rows are sorted by when the tab opens, and whether newest first.
    pub fn default_sort(self) -> (usize, bool) {
        match self {
            // Most recent first: what a person looks for first in a history.
            Self::Orders
            | Self::Conversations
            | Self::Disputes
            | Self::Ledger
            | Self::Reviews
            | Self::Mail
            | Self::Audit => (self.time_column(), true),
            Self::PaymentMethods => (4, true),
            Self::Addresses | Self::Coupons | Self::Subscriptions => (0, false),
        }
    }

    /// The position of the listing's main date column (0 when it has none).
    fn time_column(self) -> usize {
        self.columns().iter().position(|column| column.kind == ValueKind::Time).unwrap_or(0)
    }

    pub(super) fn spec(self) -> Spec {
        let mut spec = match self {
            Self::Orders => Spec {
                from: "orders o",
                id: "o.id",
                account: "o.account_id",
                children: Some("(SELECT count(*) FROM order_items i WHERE i.order_id = o.id)"),
                text: &[
                    "o.order_number",
                    "o.seller",
                    // A filter word holds no space, so a match in the items' titles joined
                    // by spaces is a match in one title: no need to join them per order.
                    "EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.title LIKE {word} ESCAPE '\\')",
                ],
                personal: Vec::new(),
            },
            Self::Addresses => Spec {
                from: "addresses a",
                id: "a.id",
                account: "a.account_id",
                children: None,
                text: &["a.recipient", "a.line1", "a.line2", "a.city", "a.region", "a.postal_code", "a.country"],
                personal: Vec::new(),
            },
            Self::PaymentMethods => Spec {
                from: "payment_methods p",
                id: "p.id",
                account: "p.account_id",
                children: None,
                text: &["p.brand", "p.last4"],
                personal: Vec::new(),
            },
            Self::Conversations => Spec {
                from: "conversations c LEFT JOIN orders o ON o.id = c.order_id",
                id: "c.id",
                account: "c.account_id",
                children: Some("(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)"),
                text: &["c.seller", "c.subject", "o.order_number"],
                personal: Vec::new(),
            },
            Self::Disputes => Spec {
                from: "disputes d LEFT JOIN orders o ON o.id = d.order_id",
                id: "d.id",
                account: "d.account_id",
                children: None,
                text: &["d.reason", "o.order_number"],
                personal: Vec::new(),
            },
            Self::Ledger => Spec {
                from: "ledger_entries l",
                id: "l.id",
                account: "l.account_id",
                children: None,
                text: &["l.memo"],
                personal: Vec::new(),
            },
            Self::Reviews => Spec {
                from: "reviews r LEFT JOIN orders o ON o.id = r.order_id",
                id: "r.id",
                account: "r.account_id",
                children: None,
                text: &["r.seller", "r.body", "o.order_number"],
                personal: Vec::new(),
            },
            Self::Coupons => Spec {
                from: "coupons k",
                id: "k.id",
                account: "k.account_id",
                children: None,
                text: &["k.code", "k.description"],
                personal: Vec::new(),
            },
            Self::Subscriptions => Spec {
                from: "subscriptions s",
                // WITHOUT ROWID: the topic's place in the list tells the rows apart.
                id: "CASE s.topic WHEN 'marketing_email' THEN 1 WHEN 'promotions_push' THEN 2 \
                     WHEN 'newsletter' THEN 3 ELSE 4 END",
                account: "s.account_id",
                children: None,
                text: &["s.topic"],
                personal: Vec::new(),
            },
            Self::Mail => Spec {
                from: "outbox m",
                id: "m.id",
                account: "m.account_id",
                children: None,
                text: &["m.to_addr", "m.subject", "m.body"],
                personal: Vec::new(),
            },
            Self::Audit => Spec {
                from: "audit_events e",
                id: "e.id",
                account: "e.account_id",
                children: None,
                text: &["e.action", "e.outcome"],
                personal: Vec::new(),
            },
        };
        spec.personal = super::personal::masked_text(spec.from, spec.text);
        spec
    }
}

impl std::fmt::Display for Listing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

const ORDER_ITEMS: ChildSpec = ChildSpec {
    singular: "item",
    plural: "items",
    columns: ORDER_ITEM_COLUMNS,
    // Under Seller, Status, Placed and Total: the item where the seller is, its money where money is.
    slots: &[3, 2, 1, 4],
    from: "order_items i JOIN orders o ON o.id = i.order_id",
    id: "i.id",
    parent: "i.order_id",
    account: "o.account_id",
    order: "i.id",
};

const MESSAGES: ChildSpec = ChildSpec {
    singular: "message",
    plural: "messages",
    columns: MESSAGE_COLUMNS,
    // Under Started, Seller and Subject.
    slots: &[0, 1, 2],
    from: "messages m JOIN conversations c ON c.id = m.conversation_id",
    id: "m.id",
    parent: "m.conversation_id",
    account: "c.account_id",
    order: "m.sent_at, m.id",
};
