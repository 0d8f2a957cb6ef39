//! Named queries behind the account dashboards: the overview's counts and sums, and windowed
//! pages of every table an account holds.
//!
//! A table of 100,000 orders is never read whole: the dashboards ask for the rows they show
//! ([`page`], a window of `offset..offset + limit` in the chosen order and filter) and for how
//! many rows match ([`count`]). Each listing's columns, filters and sort keys are described
//! once in [`Listing`]; the statements are built from those pieces.

mod listing;
mod personal;
mod snapshot;
mod summary;

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::types::Value as SqlValue;
use rusqlite::{CachedStatement, Connection};

pub use listing::{
    ACTOR_KINDS, CARD_STATES, COUPON_KINDS, COUPON_STATES, ChildSpec, Choice, DISPUTE_STATUSES, LEDGER_KINDS,
    ListColumn, Listing, ORDER_STATUSES, RATINGS, SUBSCRIPTION_STATES, StatusFilter, TOPICS, ValueKind,
};
pub use snapshot::{Snapshot, SnapshotLoader, Source, load_backup, open_reader};
pub use summary::{MonthTotal, StatusTotal, SubscriptionState, Summary, summary};

use super::holdings::currency_of;
use super::{StoreError, StoreResult};
use crate::core::{AccountId, Money};

/// The most words of a text filter that are searched; the rest are ignored.
const MAX_FILTER_WORDS: usize = 8;

/// Which rows of a listing to show: text to search for and the statuses to keep.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Words that must each appear in one of the listing's text columns (any case); empty for all rows.
    pub text: String,
    /// The status values to keep (as stored, e.g. `in_transit`); empty for every status.
    pub statuses: Vec<String>,
    /// The rows are shown masked (an agent's screen before a reveal): the words then match
    /// only columns that hold no personal data, so that filtering cannot confirm a guess at
    /// what the mask hides (a street, a postal code, an email address).
    pub masked: bool,
}

impl Filter {
    /// A filter keeping only rows whose status is one of `statuses`.
    pub fn statuses(statuses: &[&str]) -> Self {
        Self {
            text: String::new(),
            statuses: statuses.iter().map(|status| (*status).to_owned()).collect(),
            masked: false,
        }
    }

    /// Whether the filter keeps every row.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.statuses.is_empty()
    }
}

/// The order of a listing's rows: by one of its columns, ties broken by row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The position of the column in [`Listing::columns`].
    pub column: usize,
    /// Largest (or newest) first.
    pub descending: bool,
}

impl Sort {
    /// The order a listing opens in.
    pub fn default_for(listing: Listing) -> Self {
        let (column, descending) = listing.default_sort();
        Self { column, descending }
    }
}

/// A listing's filter and sort together: what a window of rows answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    /// Which rows.
    pub filter: Filter,
    /// In which order.
    pub sort: Sort,
}

impl Query {
    /// Every row, in the listing's default order.
    pub fn default_for(listing: Listing) -> Self {
        Self { filter: Filter::default(), sort: Sort::default_for(listing) }
    }
}

/// One cell of a listing's row, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// No value.
    Empty,
    /// Text, or a status already turned into its label.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// An amount with its currency.
    Money(Money),
    /// An instant.
    Time(Timestamp),
}

impl Value {
    /// The text, if the value is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The amount, if the value is money.
    pub fn as_money(&self) -> Option<Money> {
        match self {
            Self::Money(money) => Some(*money),
            _ => None,
        }
    }
}

/// One row of a listing (or one child of a row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The row's id in its table: what expanding it asks [`children`] for.
    pub id: i64,
    /// How many children the row has (items of an order, messages of a conversation); 0 when
    /// the listing has none.
    pub children: u64,
    /// The values, in [`Listing::columns`] order.
    pub cells: Vec<Value>,
}

/// The rows `rows` (positions in the filtered, sorted listing) of `account`'s `listing`.
///
/// `now` decides what is expired (coupons, cards). A window past the end returns fewer rows.
pub fn page(
    conn: &Connection,
    account: AccountId,
    listing: Listing,
    query: &Query,
    now: Timestamp,
    rows: Range<u64>,
) -> StoreResult<Vec<Row>> {
    let spec = listing.spec();
    let columns = listing.columns();
    let mut binds = Binds::new(account, now);
    let conditions = conditions(listing, &query.filter, &mut binds);
    let sort = columns.get(query.sort.column).and_then(|column| column.sort).unwrap_or(spec.id);
    let direction = if query.sort.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {id}, {children}, {cells} FROM {from} WHERE {conditions}
         ORDER BY {sort} {direction}, {id} {direction} LIMIT :limit OFFSET :offset",
        id = spec.id,
        children = spec.children.unwrap_or("0"),
        cells = select_list(columns),
        from = spec.from,
    );
    binds.push(":limit", SqlValue::Integer(rows.end.saturating_sub(rows.start) as i64));
    binds.push(":offset", SqlValue::Integer(rows.start as i64));
    let mut stmt = conn.prepare_cached(&sql)?;
    binds.bind(&mut stmt)?;
    read_rows(stmt, columns, true)
}

/// How many rows of `account`'s `listing` pass `filter`.
pub fn count(
    conn: &Connection,
    account: AccountId,
    listing: Listing,
    filter: &Filter,
    now: Timestamp,
) -> StoreResult<u64> {
    let spec = listing.spec();
    let mut binds = Binds::new(account, now);
    let conditions = conditions(listing, filter, &mut binds);
    let sql = format!("SELECT count(*) FROM {} WHERE {conditions}", spec.from);
    let mut stmt = conn.prepare_cached(&sql)?;
    binds.bind(&mut stmt)?;
    let mut rows = stmt.raw_query();
    let count: i64 = match rows.next()? {
        Some(row) => row.get(0)?,
        None => 0,
    };
    Ok(count.max(0) as u64)
}

/// The orders `offset..offset + limit` of `account`, filtered and sorted: the orders tab's window.
pub fn orders_page(
    conn: &Connection,
    account: AccountId,
    filter: &Filter,
    sort: &Sort,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Row>> {
    let query = Query { filter: filter.clone(), sort: *sort };
    // Nothing about an order depends on the time of asking.
    page(conn, account, Listing::Orders, &query, Timestamp::UNIX_EPOCH, offset..offset.saturating_add(limit))
}

/// How many orders of `account` pass `filter`.
pub fn orders_count(conn: &Connection, account: AccountId, filter: &Filter) -> StoreResult<u64> {
    count(conn, account, Listing::Orders, filter, Timestamp::UNIX_EPOCH)
}

/// The children of row `parent` of `account`'s `listing`: an order's items, a conversation's
/// messages. A listing without children has none, and neither has a row of another account:
/// a row id alone never reads across accounts.
pub fn children(conn: &Connection, account: AccountId, listing: Listing, parent: i64) -> StoreResult<Vec<Row>> {
    let Some(child) = listing.child() else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {id}, 0, {cells} FROM {from} WHERE {parent} = :parent AND {owner} = :account ORDER BY {order}",
        id = child.id,
        cells = select_list(child.columns),
        from = child.from,
        parent = child.parent,
        owner = child.account,
        order = child.order,
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for (name, value) in [(":parent", parent), (":account", account.0)] {
        let index = stmt
            .parameter_index(name)?
            .ok_or_else(|| StoreError::Conflict(format!("a child listing lost its {name} parameter")))?;
        stmt.raw_bind_parameter(index, value)?;
    }
    read_rows(stmt, child.columns, false)
}

/// The SQL expressions of `columns`, comma-separated.
fn select_list(columns: &[ListColumn]) -> String {
    columns.iter().map(|column| column.sql).collect::<Vec<_>>().join(", ")
}

/// The `WHERE` conditions for `account`'s rows of `listing` that pass `filter`; binds their values.
fn conditions(listing: Listing, filter: &Filter, binds: &mut Binds) -> String {
    let spec = listing.spec();
    let mut conditions = vec![format!("{} = :account", spec.account)];
    if let Some(status) = listing.status_filter() {
        // Only values the listing knows: anything else would match nothing and hide every row.
        let mut chosen: Vec<&str> = status
            .choices
            .iter()
            .map(|choice| choice.value)
            .filter(|value| filter.statuses.iter().any(|wanted| wanted == value))
            .collect();
        chosen.dedup();
        if !chosen.is_empty() {
            let names: Vec<String> = (0..chosen.len()).map(|index| format!(":s{index}")).collect();
            for (name, value) in names.iter().zip(&chosen) {
                binds.push_owned(name.clone(), SqlValue::Text((*value).to_owned()));
            }
            conditions.push(format!("{} IN ({})", status.sql, names.join(", ")));
        }
    }
    let searched: Vec<&str> =
        spec.text.iter().copied().filter(|column| !(filter.masked && spec.personal.contains(column))).collect();
    for (index, word) in filter.text.split_whitespace().take(MAX_FILTER_WORDS).enumerate() {
        if searched.is_empty() {
            // Every text column is personal and masked: no row can be matched by its words.
            conditions.push("0".to_owned());
            break;
        }
        let name = format!(":t{index}");
        let any_column: Vec<String> = searched
            .iter()
            .map(|column| {
                if column.contains("{word}") {
                    column.replace("{word}", &name)
                } else {
                    format!("{column} LIKE {name} ESCAPE '\\'")
                }
            })
            .collect();
        conditions.push(format!("({})", any_column.join(" OR ")));
        binds.push_owned(name, SqlValue::Text(like_pattern(word)));
    }
    conditions.join(" AND ")
}

/// `%word%`, with LIKE's own wildcards in `word` taken literally.
fn like_pattern(word: &str) -> String {
    format!("%{}%", word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// Named parameters for a statement built at run time; names the statement lacks are skipped.
struct Binds(Vec<(String, SqlValue)>);

impl Binds {
    fn new(account: AccountId, now: Timestamp) -> Self {
        let utc = now.to_zoned_datetime(TimeZone::UTC);
        let now_month = i64::from(utc.year()) * 12 + i64::from(utc.month());
        Self(vec![
            (":account".to_owned(), SqlValue::Integer(account.0)),
            (":now".to_owned(), SqlValue::Integer(now.as_second())),
            (":now_month".to_owned(), SqlValue::Integer(now_month)),
        ])
    }

    fn push(&mut self, name: &str, value: SqlValue) {
        self.0.push((name.to_owned(), value));
    }

    fn push_owned(&mut self, name: String, value: SqlValue) {
        self.0.push((name, value));
    }

    fn bind(&self, stmt: &mut CachedStatement<'_>) -> StoreResult<()> {
        for (name, value) in &self.0 {
            if let Some(index) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(index, value)?;
            }
        }
        Ok(())
    }
}

/// Reads rows laid out as `id, children, <columns…>`.
fn read_rows(mut stmt: CachedStatement<'_>, columns: &[ListColumn], has_children: bool) -> StoreResult<Vec<Row>> {
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let children: i64 = if has_children { row.get(1)? } else { 0 };
        let mut cells = Vec::with_capacity(columns.len());
        let mut at = 2;
        for column in columns {
            let value = match column.kind {
                ValueKind::Text => row.get::<_, Option<String>>(at)?.map_or(Value::Empty, Value::Text),
                ValueKind::Integer => row.get::<_, Option<i64>>(at)?.map_or(Value::Empty, Value::Integer),
                ValueKind::Time => row
                    .get::<_, Option<i64>>(at)?
                    .and_then(|seconds| Timestamp::from_second(seconds).ok())
                    .map_or(Value::Empty, Value::Time),
                ValueKind::Label(choices) => row.get::<_, Option<String>>(at)?.map_or(Value::Empty, |stored| {
                    let label = choices.iter().find(|choice| choice.value == stored).map(|choice| choice.label);
                    match label {
                        Some("") => Value::Empty,
                        Some(label) => Value::Text(label.to_owned()),
                        None => Value::Text(stored),
                    }
                }),
                ValueKind::Money => {
                    let amount: i64 = row.get(at)?;
                    let currency: String = row.get(at + 1)?;
                    at += 1;
                    Value::Money(Money::new(amount, currency_of(&currency)?))
                }
            };
            at += 1;
            cells.push(value);
        }
        out.push(Row { id, children: children.max(0) as u64, cells });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
