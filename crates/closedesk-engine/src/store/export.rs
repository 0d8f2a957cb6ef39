//! Streaming reads of everything one account holds, for backups, and the whole-database copy.
//!
//! A backup lists the account's rows table by table. This module names those tables and
//! their columns ([`Table`], [`Column`]), counts their rows, and hands each row to a visitor
//! straight from the SQLite cursor ([`for_each_row`]), so that no table is ever collected in
//! memory. Secrets are not among the columns: no password hash (`credentials`), no closure
//! code hash (`closure_attempts`), no sign-in throttling state, nothing of the agents.

use std::fmt;
use std::path::Path;

use jiff::Timestamp;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Row, Transaction};

use super::{StoreError, StoreResult};
use crate::core::AccountId;

/// How a column's values are stored and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number: an id, a count, or an amount in minor units.
    Integer,
    /// UTF-8 text.
    Text,
    /// A yes/no flag, stored as 0 or 1.
    Bool,
    /// An instant, stored as Unix seconds and written as an RFC 3339 UTC timestamp.
    Time,
}

/// What a column's value must point at, for the consistency checks of a backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Nothing.
    None,
    /// The id of the backed-up account itself.
    Account,
    /// The key of a row of another table of the same backup.
    Row(Table),
}

/// One column of an exported table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name, as in the database and the backup.
    pub name: &'static str,
    /// How the value is stored.
    pub kind: Kind,
    /// Whether the value may be missing (`null`).
    pub nullable: bool,
    /// What the value points at.
    pub link: Link,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: false, link: Link::None }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: true, link: Link::None }
}

const fn account(name: &'static str) -> Column {
    Column { name, kind: Kind::Integer, nullable: false, link: Link::Account }
}

const fn link(name: &'static str, nullable: bool, table: Table) -> Column {
    Column { name, kind: Kind::Integer, nullable, link: Link::Row(table) }
}

use Kind::{Bool, Integer, Text, Time};

const PROFILE: &[Column] = &[
    account("id"),
    col("display_name", Text),
    col("email", Text),
    opt("phone", Text),
    col("country", Text),
    col("created_at", Time),
    col("status", Text),
];
const ADDRESSES: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("recipient", Text),
    col("line1", Text),
    opt("line2", Text),
    col("city", Text),
    opt("region", Text),
    col("postal_code", Text),
    col("country", Text),
    opt("phone", Text),
    col("is_default", Bool),
];
const ORDERS: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("order_number", Text),
    col("placed_at", Time),
    col("status", Text),
    col("seller", Text),
    col("total_minor", Integer),
    col("currency", Text),
    link("address_id", true, Table::Addresses),
];
const ORDER_ITEMS: &[Column] = &[
    col("id", Integer),
    link("order_id", false, Table::Orders),
    col("title", Text),
    col("quantity", Integer),
    col("unit_price_minor", Integer),
];
const PAYMENT_METHODS: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("brand", Text),
    col("last4", Text),
    col("exp_month", Integer),
    col("exp_year", Integer),
    col("added_at", Time),
];
const CONVERSATIONS: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("seller", Text),
    col("subject", Text),
    link("order_id", true, Table::Orders),
    col("started_at", Time),
];
const MESSAGES: &[Column] = &[
    col("id", Integer),
    link("conversation_id", false, Table::Conversations),
    col("sent_at", Time),
    col("from_customer", Bool),
    col("body", Text),
];
const DISPUTES: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    link("order_id", false, Table::Orders),
    col("opened_at", Time),
    col("status", Text),
    col("reason", Text),
    col("amount_minor", Integer),
    col("currency", Text),
];
const LEDGER_ENTRIES: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("kind", Text),
    col("amount_minor", Integer),
    col("currency", Text),
    col("created_at", Time),
    col("memo", Text),
];
const REVIEWS: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    link("order_id", true, Table::Orders),
    col("seller", Text),
    col("rating", Integer),
    col("body", Text),
    col("created_at", Time),
];
const COUPONS: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("kind", Text),
    col("code", Text),
    col("description", Text),
    col("value_minor", Integer),
    col("currency", Text),
    opt("expires_at", Time),
    opt("redeemed_at", Time),
];
const SUBSCRIPTIONS: &[Column] =
    &[account("account_id"), col("topic", Text), col("enabled", Bool), col("updated_at", Time)];
const MAIL: &[Column] = &[
    col("id", Integer),
    account("account_id"),
    col("to_addr", Text),
    col("subject", Text),
    col("body", Text),
    col("created_at", Time),
    col("eml_file", Text),
];
const AUDIT_EVENTS: &[Column] = &[
    col("id", Integer),
    col("at", Time),
    account("account_id"),
    col("actor_kind", Text),
    opt("actor_id", Integer),
    col("action", Text),
    col("outcome", Text),
];
const CLOSURE_REQUESTS: &[Column] = &[
    account("account_id"),
    col("requested_at", Time),
    col("purge_after", Time),
    col("reason_code", Text),
    opt("note", Text),
    col("backup_taken", Bool),
];

/// A table of an account backup. Each maps to one database table (or, for
/// [`Table::Profile`], to the account's own row), restricted to the one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// The account's own row: name, email, country, status. Never its password.
    Profile,
    /// Shipping addresses.
    Addresses,
    /// Orders.
    Orders,
    /// The items of those orders.
    OrderItems,
    /// Saved cards: brand, last four digits and expiry, as stored.
    PaymentMethods,
    /// Conversations with sellers.
    Conversations,
    /// The messages of those conversations.
    Messages,
    /// Disputes about orders.
    Disputes,
    /// Refund and gift-card balance movements.
    LedgerEntries,
    /// Reviews the customer left for sellers.
    Reviews,
    /// Coupons and member benefits.
    Coupons,
    /// Email and notification subscriptions.
    Subscriptions,
    /// Mail sent to the account (the outbox), one-time codes masked as stored.
    Mail,
    /// The audit trail about the account: ids, actions and outcomes.
    AuditEvents,
    /// The pending closure, if there is one (at most one row).
    ClosureRequests,
}

impl Table {
    /// Every table, in the order a backup lists them.
    pub const ALL: [Self; 15] = [
        Self::Profile,
        Self::Addresses,
        Self::Orders,
        Self::OrderItems,
        Self::PaymentMethods,
        Self::Conversations,
        Self::Messages,
        Self::Disputes,
        Self::LedgerEntries,
        Self::Reviews,
        Self::Coupons,
        Self::Subscriptions,
        Self::Mail,
        Self::AuditEvents,
        Self::ClosureRequests,
    ];

    /// The table's name in a backup.
    pub fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Addresses => "addresses",
            Self::Orders => "orders",
            Self::OrderItems => "order_items",
            Self::PaymentMethods => "payment_methods",
            Self::Conversations => "conversations",
            Self::Messages => "messages",
            Self::Disputes => "disputes",
            Self::LedgerEntries => "ledger_entries",
            Self::Reviews => "reviews",
            Self::Coupons => "coupons",
            Self::Subscriptions => "subscriptions",
            Self::Mail => "mail",
            Self::AuditEvents => "audit_events",
            Self::ClosureRequests => "closure_requests",
        }
    }

    /// The words shown to a person, e.g. `Order items`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Profile => "Profile",
            Self::Addresses => "Shipping addresses",
            Self::Orders => "Orders",
            Self::OrderItems => "Order items",
            Self::PaymentMethods => "Payment methods",
            Self::Conversations => "Conversations",
            Self::Messages => "Messages",
            Self::Disputes => "Disputes",
            Self::LedgerEntries => "Balance entries",
            Self::Reviews => "Reviews",
            Self::Coupons => "Coupons and benefits",
            Self::Subscriptions => "Subscriptions",
            Self::Mail => "Mail received",
            Self::AuditEvents => "Audit events",
            Self::ClosureRequests => "Closure request",
        }
    }

    /// The table a backup names `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|table| table.name() == name)
    }

    /// The table's position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The columns, in the order a backup writes them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Profile => PROFILE,
            Self::Addresses => ADDRESSES,
            Self::Orders => ORDERS,
            Self::OrderItems => ORDER_ITEMS,
            Self::PaymentMethods => PAYMENT_METHODS,
            Self::Conversations => CONVERSATIONS,
            Self::Messages => MESSAGES,
            Self::Disputes => DISPUTES,
            Self::LedgerEntries => LEDGER_ENTRIES,
            Self::Reviews => REVIEWS,
            Self::Coupons => COUPONS,
            Self::Subscriptions => SUBSCRIPTIONS,
            Self::Mail => MAIL,
            Self::AuditEvents => AUDIT_EVENTS,
            Self::ClosureRequests => CLOSURE_REQUESTS,
        }
    }

    /// The position of the column that tells the table's rows apart (`id` for most tables).
    pub fn key_column(self) -> usize {
        match self {
            Self::Subscriptions => 1,
            _ => 0,
        }
    }

    /// The position of the column called `name`.
    pub fn column_index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|column| column.name == name)
    }

    /// The most rows the table can hold for one account, if it is limited.
    pub fn max_rows(self) -> Option<u64> {
        match self {
            Self::Profile | Self::ClosureRequests => Some(1),
            _ => None,
        }
    }

    /// The query for the account's rows, its columns in [`Table::columns`] order; `?1` is the account.
    ///
    /// Each follows a per-account index, so that no table is scanned or sorted in full.
    fn select_sql(self) -> &'static str {
        match self {
            Self::Profile => {
                "SELECT id, display_name, email, phone, country, created_at, status FROM accounts WHERE id = ?1"
            }
            Self::Addresses => {
                "SELECT id, account_id, recipient, line1, line2, city, region, postal_code, country, phone, is_default
                 FROM addresses WHERE account_id = ?1 ORDER BY id"
            }
            Self::Orders => {
                "SELECT id, account_id, order_number, placed_at, status, seller, total_minor, currency, address_id
                 FROM orders WHERE account_id = ?1 ORDER BY id"
            }
            Self::OrderItems => {
                "SELECT i.id, i.order_id, i.title, i.quantity, i.unit_price_minor
                 FROM orders o JOIN order_items i ON i.order_id = o.id
                 WHERE o.account_id = ?1 ORDER BY o.id, i.id"
            }
            Self::PaymentMethods => {
                "SELECT id, account_id, brand, last4, exp_month, exp_year, added_at
                 FROM payment_methods WHERE account_id = ?1 ORDER BY id"
            }
            Self::Conversations => {
                "SELECT id, account_id, seller, subject, order_id, started_at
                 FROM conversations WHERE account_id = ?1 ORDER BY started_at, id"
            }
            Self::Messages => {
                "SELECT m.id, m.conversation_id, m.sent_at, m.from_customer, m.body
                 FROM conversations c JOIN messages m ON m.conversation_id = c.id
                 WHERE c.account_id = ?1 ORDER BY c.started_at, c.id, m.sent_at, m.id"
            }
            Self::Disputes => {
                "SELECT id, account_id, order_id, opened_at, status, reason, amount_minor, currency
                 FROM disputes WHERE account_id = ?1 ORDER BY id"
            }
            Self::LedgerEntries => {
                "SELECT id, account_id, kind, amount_minor, currency, created_at, memo
                 FROM ledger_entries WHERE account_id = ?1 ORDER BY created_at, id"
            }
            Self::Reviews => {
                "SELECT id, account_id, order_id, seller, rating, body, created_at
                 FROM reviews WHERE account_id = ?1 ORDER BY created_at, id"
            }
            Self::Coupons => {
                "SELECT id, account_id, kind, code, description, value_minor, currency, expires_at, redeemed_at
                 FROM coupons WHERE account_id = ?1 ORDER BY id"
            }
            Self::Subscriptions => {
                "SELECT account_id, topic, enabled, updated_at FROM subscriptions WHERE account_id = ?1 ORDER BY topic"
            }
            Self::Mail => {
                "SELECT id, account_id, to_addr, subject, body, created_at, eml_file
                 FROM outbox WHERE account_id = ?1 ORDER BY created_at, id"
            }
            Self::AuditEvents => {
                "SELECT id, at, account_id, actor_kind, actor_id, action, outcome
                 FROM audit_events WHERE account_id = ?1 ORDER BY at, id"
            }
            Self::ClosureRequests => {
                "SELECT account_id, requested_at, purge_after, reason_code, note, backup_taken
                 FROM closure_requests WHERE account_id = ?1"
            }
        }
    }

    /// The query counting the rows [`Table::select_sql`] returns.
    fn count_sql(self) -> &'static str {
        match self {
            Self::Profile => "SELECT count(*) FROM accounts WHERE id = ?1",
            Self::Addresses => "SELECT count(*) FROM addresses WHERE account_id = ?1",
            Self::Orders => "SELECT count(*) FROM orders WHERE account_id = ?1",
            Self::OrderItems => {
                "SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.account_id = ?1"
            }
            Self::PaymentMethods => "SELECT count(*) FROM payment_methods WHERE account_id = ?1",
            Self::Conversations => "SELECT count(*) FROM conversations WHERE account_id = ?1",
            Self::Messages => {
                "SELECT count(*) FROM conversations c JOIN messages m ON m.conversation_id = c.id
                 WHERE c.account_id = ?1"
            }
            Self::Disputes => "SELECT count(*) FROM disputes WHERE account_id = ?1",
            Self::LedgerEntries => "SELECT count(*) FROM ledger_entries WHERE account_id = ?1",
            Self::Reviews => "SELECT count(*) FROM reviews WHERE account_id = ?1",
            Self::Coupons => "SELECT count(*) FROM coupons WHERE account_id = ?1",
            Self::Subscriptions => "SELECT count(*) FROM subscriptions WHERE account_id = ?1",
            Self::Mail => "SELECT count(*) FROM outbox WHERE account_id = ?1",
            Self::AuditEvents => "SELECT count(*) FROM audit_events WHERE account_id = ?1",
            Self::ClosureRequests => "SELECT count(*) FROM closure_requests WHERE account_id = ?1",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many rows each table holds, indexed by [`Table`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableCounts([u64; 15]);

impl TableCounts {
    /// The rows of `table`.
    pub fn get(&self, table: Table) -> u64 {
        self.0[table.index()]
    }

    /// Sets the rows of `table`.
    pub fn set(&mut self, table: Table, rows: u64) {
        self.0[table.index()] = rows;
    }

    /// Adds one row to `table`.
    pub fn add_one(&mut self, table: Table) {
        self.0[table.index()] += 1;
    }

    /// The rows of all tables together.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// `(table, rows)` pairs in [`Table::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Table, u64)> + '_ {
        Table::ALL.into_iter().map(|table| (table, self.get(table)))
    }
}

/// A value of one column of one row, borrowed from the SQLite cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellRef<'a> {
    /// No value.
    Null,
    /// A whole number.
    Integer(i64),
    /// Text, borrowed from the row.
    Text(&'a str),
    /// A flag.
    Bool(bool),
    /// An instant.
    Time(Timestamp),
}

/// A value of one column of one row, owned: what an opened backup holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// No value.
    Null,
    /// A whole number.
    Integer(i64),
    /// Text.
    Text(String),
    /// A flag.
    Bool(bool),
    /// An instant.
    Time(Timestamp),
}

impl Cell {
    /// Whether this value equals the database value `other`.
    pub fn matches(&self, other: &CellRef<'_>) -> bool {
        match (self, other) {
            (Self::Null, CellRef::Null) => true,
            (Self::Integer(a), CellRef::Integer(b)) => a == b,
            (Self::Text(a), CellRef::Text(b)) => a == b,
            (Self::Bool(a), CellRef::Bool(b)) => a == b,
            (Self::Time(a), CellRef::Time(b)) => a == b,
            _ => false,
        }
    }

    /// The value as a whole number, if it is one.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Self::Integer(value) => Some(*value),
            _ => None,
        }
    }

    /// The value as text, if it is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(value) => Some(value),
            _ => None,
        }
    }

    /// The value as an instant, if it is one.
    pub fn as_time(&self) -> Option<Timestamp> {
        match self {
            Self::Time(value) => Some(*value),
            _ => None,
        }
    }
}

impl From<CellRef<'_>> for Cell {
    fn from(cell: CellRef<'_>) -> Self {
        match cell {
            CellRef::Null => Self::Null,
            CellRef::Integer(value) => Self::Integer(value),
            CellRef::Text(value) => Self::Text(value.to_owned()),
            CellRef::Bool(value) => Self::Bool(value),
            CellRef::Time(value) => Self::Time(value),
        }
    }
}

impl fmt::Display for Cell {
    /// How a cell reads in a table: empty for no value, RFC 3339 for instants.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => Ok(()),
            Self::Integer(value) => value.fmt(f),
            Self::Text(value) => f.write_str(value),
            Self::Bool(value) => f.write_str(if *value { "yes" } else { "no" }),
            Self::Time(value) => value.fmt(f),
        }
    }
}

/// One row of an exported table, as the cursor holds it.
pub struct RowRef<'r, 's> {
    row: &'r Row<'s>,
    table: Table,
    columns: &'static [Column],
}

impl RowRef<'_, '_> {
    /// The table the row belongs to.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The value of column `index` (in [`Table::columns`] order), checked against its kind.
    pub fn cell(&self, index: usize) -> StoreResult<CellRef<'_>> {
        let Some(column) = self.columns.get(index) else {
            return Err(self.bad(index, "no such column"));
        };
        let value = self.row.get_ref(index)?;
        match (value, column.kind) {
            (ValueRef::Null, _) if column.nullable => Ok(CellRef::Null),
            (ValueRef::Integer(value), Kind::Integer) => Ok(CellRef::Integer(value)),
            (ValueRef::Integer(0), Kind::Bool) => Ok(CellRef::Bool(false)),
            (ValueRef::Integer(1), Kind::Bool) => Ok(CellRef::Bool(true)),
            (ValueRef::Integer(seconds), Kind::Time) => Timestamp::from_second(seconds)
                .map(CellRef::Time)
                .map_err(|_| self.bad(index, "an instant out of range")),
            (ValueRef::Text(bytes), Kind::Text) => {
                std::str::from_utf8(bytes).map(CellRef::Text).map_err(|_| self.bad(index, "text that is not UTF-8"))
            }
            _ => Err(self.bad(index, "a value of the wrong type")),
        }
    }

    fn bad(&self, index: usize, what: &str) -> StoreError {
        let name = self.table.columns().get(index).map_or("?", |column| column.name);
        StoreError::Conflict(format!("the database holds {what} in {}.{name}", self.table))
    }
}

/// Opens a read transaction on `conn` unless one is already open, so that every read of an
/// export sees one snapshot while others keep writing. Dropping it ends the transaction.
pub fn read_snapshot(conn: &Connection) -> StoreResult<Option<Transaction<'_>>> {
    if !conn.is_autocommit() {
        return Ok(None);
    }
    let tx = conn.unchecked_transaction()?;
    // The snapshot starts with the first read, so take it now.
    tx.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    Ok(Some(tx))
}

/// Whether the account exists (and is not yet purged).
pub fn account_exists(conn: &Connection, account: AccountId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")?
        .query_row([account.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Counts the account's rows in every table of a backup.
pub fn table_counts(conn: &Connection, account: AccountId) -> StoreResult<TableCounts> {
    let mut counts = TableCounts::default();
    for table in Table::ALL {
        counts.set(table, count_rows(conn, account, table)?);
    }
    Ok(counts)
}

/// Above this many orders (or conversations), [`planned_counts`] estimates their items (or
/// messages) instead of counting them: counting costs a tenth of the export itself.
const COUNT_CHILDREN_UP_TO: u64 = 10_000;

/// How many parents [`planned_counts`] samples to estimate the children of the rest.
const SAMPLE_PARENTS: u64 = 1_000;

/// The account's rows per table for a progress bar: exact, except that the order items of
/// more than 10,000 orders (and the messages of as many conversations) are estimated from
/// the first 1,000, which is cheap where an exact count would walk every one.
pub fn planned_counts(conn: &Connection, account: AccountId) -> StoreResult<TableCounts> {
    let mut counts = TableCounts::default();
    for table in Table::ALL {
        let estimate = match table {
            Table::OrderItems => Some((
                Table::Orders,
                "SELECT count(*) FROM (SELECT id FROM orders WHERE account_id = ?1 ORDER BY id LIMIT ?2) o
                 JOIN order_items i ON i.order_id = o.id",
            )),
            Table::Messages => Some((
                Table::Conversations,
                "SELECT count(*)
                 FROM (SELECT id FROM conversations WHERE account_id = ?1 ORDER BY started_at, id LIMIT ?2) c
                 JOIN messages m ON m.conversation_id = c.id",
            )),
            _ => None,
        };
        let rows = match estimate {
            Some((parent, sample_sql)) if counts.get(parent) > COUNT_CHILDREN_UP_TO => {
                let sampled: i64 = conn
                    .prepare_cached(sample_sql)?
                    .query_row(rusqlite::params![account.0, SAMPLE_PARENTS as i64], |row| row.get(0))?;
                let per_parent = sampled.max(0) as f64 / SAMPLE_PARENTS as f64;
                (per_parent * counts.get(parent) as f64).round() as u64
            }
            _ => count_rows(conn, account, table)?,
        };
        counts.set(table, rows);
    }
    Ok(counts)
}

fn count_rows(conn: &Connection, account: AccountId, table: Table) -> StoreResult<u64> {
    let rows: i64 = conn.prepare_cached(table.count_sql())?.query_row([account.0], |row| row.get(0))?;
    Ok(rows.max(0) as u64)
}

/// Hands each of the account's rows of `table` to `visit`, straight from the cursor, and
/// returns how many there were. An error from `visit` stops the walk and is returned.
pub fn for_each_row<E: From<StoreError>>(
    conn: &Connection,
    account: AccountId,
    table: Table,
    mut visit: impl FnMut(&RowRef<'_, '_>) -> Result<(), E>,
) -> Result<u64, E> {
    let mut stmt = conn.prepare_cached(table.select_sql()).map_err(StoreError::from)?;
    let mut rows = stmt.query([account.0]).map_err(StoreError::from)?;
    let mut seen = 0;
    let columns = table.columns();
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        visit(&RowRef { row, table, columns })?;
        seen += 1;
    }
    Ok(seen)
}

/// Opens the closedesk database at `path` for reading only, to copy it: unlike
/// [`super::open_existing`] it never migrates or writes, so it does not wait for a busy writer.
/// A file that is not a closedesk database, or one from a newer closedesk, is refused.
pub fn open_for_copy(path: &Path) -> StoreResult<Connection> {
    let foreign = |reason: &str| StoreError::Foreign { path: path.to_owned(), reason: reason.to_owned() };
    let metadata = std::fs::metadata(path)
        .map_err(|err| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() })?;
    if metadata.is_dir() {
        return Err(foreign("it is a folder"));
    }
    // Also in a folder the user may read but not write (see `read_only_connection`).
    let conn = super::open::read_only_connection(path)?;
    conn.busy_timeout(super::open::BUSY_TIMEOUT)?;
    let header = || -> rusqlite::Result<(i32, i64)> {
        let app_id = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
        let version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        Ok((app_id, version))
    };
    let (app_id, version) = header().map_err(|err| match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => foreign("not an SQLite database"),
        _ => StoreError::Corrupt { path: path.to_owned(), reason: err.to_string() },
    })?;
    if app_id != super::migrations::APPLICATION_ID {
        return Err(foreign("an SQLite database of another program, or an empty file"));
    }
    if version > super::migrations::LATEST_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: super::migrations::LATEST_VERSION,
        });
    }
    Ok(conn)
}

/// Writes a consistent copy of the whole database behind `source` to the empty or missing
/// file `copy` with SQLite's online backup API: every page in one step, so in one read
/// transaction (writers carry on meanwhile, and the copy is one snapshot). Pages are copied
/// as they are, freed ones included; with `secure_delete` on, those hold only zeros. The copy
/// is then switched to a rollback journal, so that it is one self-contained file. SQLite does
/// not fsync the copy; the caller does.
pub fn copy_database(source: &Connection, copy: &Path) -> StoreResult<()> {
    // Read through the page cache, not a memory map: a mapped file counts in the process's
    // memory as far as it is read (the whole database, here), and the copy is no faster for it.
    let mut target =
        Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|err| StoreError::Unavailable { path: copy.to_owned(), reason: err.to_string() })?;
    // A failed copy is deleted whole and a finished one is synced by the caller: no journal
    // and no syncs of SQLite's own are needed while it is written.
    target.pragma_update(None, "journal_mode", "OFF")?;
    target.pragma_update(None, "synchronous", "OFF")?;
    {
        let backup = rusqlite::backup::Backup::new(source, &mut target)?;
        let started = std::time::Instant::now();
        // -1: all pages in one step, so one read transaction and no restart after a write.
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                _ if started.elapsed() > super::open::BUSY_TIMEOUT => {
                    return Err(StoreError::Unavailable {
                        path: copy.to_owned(),
                        reason: "the database stayed locked; try again".to_owned(),
                    });
                }
                // Busy or locked by another connection for a moment: try again shortly.
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
    }
    // The copied header says WAL, like the source: make the copy one self-contained file.
    target.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
    target.close().map_err(|(_, err)| StoreError::Unavailable { path: copy.to_owned(), reason: err.to_string() })?;
    Ok(())
}

/// What [`check_copy`] found in a database copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyCheck {
    /// The lines of `PRAGMA quick_check`: just `ok` for a sound file.
    pub integrity: Vec<String>,
    /// How many customer accounts the copy holds.
    pub accounts: u64,
    /// The copy's schema version.
    pub schema_version: i64,
}

impl CopyCheck {
    /// Whether `quick_check` answered `ok`.
    pub fn is_ok(&self) -> bool {
        self.integrity == ["ok"]
    }
}

/// Checks the database copy at `path` with `PRAGMA quick_check`, reading only.
///
/// `quick_check` reads every page of the copy and checks each B-tree's structure, the page
/// and cell bounds, the free-page list, the records' formats and `NOT NULL` constraints:
/// what a bad write or a damaged disk would break. It skips the one test of
/// `integrity_check` that a page-for-page copy cannot fail on its own, that every index
/// holds exactly its table's rows, which is what makes `integrity_check` several times
/// slower on a large database.
pub fn check_copy(path: &Path) -> StoreResult<CopyCheck> {
    let unavailable = |err: rusqlite::Error| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(unavailable)?;
    // Not mapped, for the reason `copy_database` gives.
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let integrity = stmt.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    let schema_version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let accounts: i64 =
        if integrity == ["ok"] { conn.query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))? } else { 0 };
    conn.close().map_err(|(_, err)| unavailable(err))?;
    Ok(CopyCheck { integrity, accounts: accounts.max(0) as u64, schema_version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_unique_name_and_a_query_per_column() {
        let conn = crate::store::create_empty(&tempfile::tempdir().unwrap().path().join("t.db")).unwrap();
        for (index, table) in Table::ALL.into_iter().enumerate() {
            assert_eq!(table.index(), index);
            assert_eq!(Table::from_name(table.name()), Some(table));
            let stmt = conn.prepare(table.select_sql()).unwrap();
            let names: Vec<&str> = stmt.column_names().collect();
            let expected: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
            assert_eq!(names, expected, "{table}");
            conn.prepare(table.count_sql()).unwrap();
        }
    }

    #[test]
    fn no_column_of_a_backup_holds_a_secret() {
        for table in Table::ALL {
            for column in table.columns() {
                assert!(!column.name.contains("phc") && !column.name.contains("hash"), "{table}.{}", column.name);
                assert!(!column.name.contains("state_json"), "{table}.{}", column.name);
            }
            assert!(!table.select_sql().contains("credentials") && !table.select_sql().contains("closure_attempts"));
        }
    }
}
