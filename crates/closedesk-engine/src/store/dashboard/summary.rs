//! The overview of one account: its profile, counts, money by status, spending per month,
//! balances, coupons, subscriptions and closure readiness, read in one snapshot.

use jiff::Timestamp;
use rusqlite::Connection;

use super::listing::TOPICS;
use crate::core::readiness::{Holdings, Readiness, readiness};
use crate::core::{AccountId, AccountRef, Money, OrderStatus};
use crate::store::accounts::{self, AccountCounts, AccountRow, ClosureRow};
use crate::store::holdings::{self, currency_of};
use crate::store::{StoreError, StoreResult};

/// How many orders an account has in one status, and what they add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusTotal {
    /// The status.
    pub status: OrderStatus,
    /// Orders in it.
    pub count: u64,
    /// Their totals, one sum per currency, by currency code.
    pub totals: Vec<Money>,
}

/// What an account spent in one calendar month (local time), in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthTotal {
    /// The year.
    pub year: i16,
    /// The month, 1 to 12.
    pub month: i8,
    /// The sum of the month's paid orders.
    pub total: Money,
}

impl MonthTotal {
    /// Months since year 0: consecutive months are consecutive numbers, for plotting.
    pub fn month_index(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

/// A subscription and whether it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionState {
    /// The topic's label, e.g. "Marketing email".
    pub topic: &'static str,
    /// Whether mail or notifications on it are sent.
    pub enabled: bool,
}

/// Everything the overview tab shows about one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The profile.
    pub account: AccountRow,
    /// Rows per table.
    pub counts: AccountCounts,
    /// The pending closure, if one was confirmed.
    pub closure: Option<ClosureRow>,
    /// The instant the summary describes (expiry of coupons, account age).
    pub as_of: Timestamp,
    /// Orders per status, in the order of an order's life; statuses without orders left out.
    pub orders_by_status: Vec<StatusTotal>,
    /// Spending per month and currency, oldest first: orders paid for and not cancelled or
    /// refunded (pending, in transit, delivered, completed).
    pub spending: Vec<MonthTotal>,
    /// What closure readiness is judged on: blocking orders and disputes, balances, live
    /// coupons, reviews.
    pub holdings: Holdings,
    /// The verdict of [`crate::core::readiness::readiness`] on those holdings.
    pub readiness: Readiness,
    /// What the open disputes claim, one sum per currency.
    pub disputed: Vec<Money>,
    /// The subscriptions, in topic order.
    pub subscriptions: Vec<SubscriptionState>,
}

/// Reads the overview of `account` as of `now`, in one read transaction.
pub fn summary(conn: &Connection, account: AccountId, now: Timestamp) -> StoreResult<Summary> {
    // One snapshot: the counts, the sums and the readiness verdict describe the same instant.
    let snapshot = conn.unchecked_transaction()?;
    let profile = accounts::get_account(&snapshot, &AccountRef::Id(account))?;
    let counts = accounts::account_counts(&snapshot, account)?;
    let closure = accounts::closure_request(&snapshot, account)?;
    let holdings = holdings::holdings(&snapshot, account, now)?;
    let readiness = readiness(&holdings);
    let summary = Summary {
        account: profile,
        counts,
        closure,
        as_of: now,
        orders_by_status: orders_by_status(&snapshot, account)?,
        spending: spending(&snapshot, account)?,
        holdings,
        readiness,
        disputed: disputed(&snapshot, account)?,
        subscriptions: subscriptions(&snapshot, account)?,
    };
    // Reads only: ending the transaction either way changes nothing.
    snapshot.rollback()?;
    Ok(summary)
}

fn orders_by_status(conn: &Connection, account: AccountId) -> StoreResult<Vec<StatusTotal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, currency, count(*), sum(total_minor) FROM orders
         WHERE account_id = ?1 GROUP BY status, currency ORDER BY status, currency",
    )?;
    let mut by_status: Vec<StatusTotal> = Vec::new();
    let rows = stmt.query_map([account.0], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?, row.get::<_, i64>(3)?))
    })?;
    for row in rows {
        let (status, currency, count, sum) = row?;
        let status: OrderStatus = status
            .parse()
            .map_err(|_| StoreError::Conflict(format!("unexpected order status '{status}' in the database")))?;
        let money = Money::new(sum, currency_of(&currency)?);
        match by_status.iter_mut().find(|total| total.status == status) {
            Some(total) => {
                total.count += count.max(0) as u64;
                total.totals.push(money);
            }
            None => by_status.push(StatusTotal { status, count: count.max(0) as u64, totals: vec![money] }),
        }
    }
    by_status.sort_by_key(|total| OrderStatus::ALL.iter().position(|status| *status == total.status));
    Ok(by_status)
}

fn spending(conn: &Connection, account: AccountId) -> StoreResult<Vec<MonthTotal>> {
    // SQLite's 'localtime' reads the same system zone the window shows dates in. One
    // conversion per order, not one for the year and one for the month: at 100,000 orders
    // the conversions are much of the overview's time.
    let mut stmt = conn.prepare_cached(
        "SELECT strftime('%Y-%m', placed_at, 'unixepoch', 'localtime') AS month, currency, sum(total_minor)
         FROM orders
         WHERE account_id = ?1 AND status IN ('pending', 'in_transit', 'delivered', 'completed')
         GROUP BY month, currency ORDER BY month, currency",
    )?;
    let rows = stmt.query_map([account.0], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?))
    })?;
    let mut months = Vec::new();
    for row in rows {
        let (year_month, currency, sum) = row?;
        let bad = || StoreError::Conflict(format!("an order date the database cannot place: {year_month}"));
        let (year, month) = year_month.split_once('-').ok_or_else(bad)?;
        months.push(MonthTotal {
            year: year.parse().map_err(|_| bad())?,
            month: month.parse().map_err(|_| bad())?,
            total: Money::new(sum, currency_of(&currency)?),
        });
    }
    Ok(months)
}

fn disputed(conn: &Connection, account: AccountId) -> StoreResult<Vec<Money>> {
    let mut stmt = conn.prepare_cached(
        "SELECT currency, sum(amount_minor) FROM disputes
         WHERE account_id = ?1 AND status IN ('open', 'awaiting_seller')
         GROUP BY currency ORDER BY currency",
    )?;
    let rows = stmt.query_map([account.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    rows.map(|row| {
        let (currency, sum) = row?;
        Ok(Money::new(sum, currency_of(&currency)?))
    })
    .collect()
}

fn subscriptions(conn: &Connection, account: AccountId) -> StoreResult<Vec<SubscriptionState>> {
    let mut stmt = conn.prepare_cached("SELECT topic, enabled FROM subscriptions WHERE account_id = ?1")?;
    let stored = stmt
        .query_map([account.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TOPICS
        .iter()
        .filter_map(|topic| {
            stored
                .iter()
                .find(|(value, _)| value == topic.value)
                .map(|(_, enabled)| SubscriptionState { topic: topic.label, enabled: *enabled })
        })
        .collect())
}
