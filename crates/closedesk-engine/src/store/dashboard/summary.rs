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

/// Per status: its smallest and largest currency, its orders and their sum. Grouped by status
/// alone, the status-and-date index gives the rows in group order; grouped by status and
/// currency as well, SQLite sorts every order of the account in a temporary tree first.
const BY_STATUS: &str = "SELECT status, min(currency), max(currency), count(*), sum(total_minor) FROM orders
     WHERE account_id = ?1 GROUP BY status ORDER BY status";

fn orders_by_status(conn: &Connection, account: AccountId) -> StoreResult<Vec<StatusTotal>> {
    // Nearly every account pays in one currency: then each status's group is one currency.
    let mut single: Vec<(String, String, i64, i64)> = Vec::new();
    let mut stmt = conn.prepare_cached(BY_STATUS)?;
    let mut rows = stmt.query([account.0])?;
    let mut one_currency = true;
    while let Some(row) = rows.next()? {
        let (low, high): (String, String) = (row.get(1)?, row.get(2)?);
        if low != high {
            one_currency = false;
            break;
        }
        single.push((row.get::<_, String>(0)?, low, row.get::<_, i64>(3)?, row.get::<_, i64>(4)?));
    }
    drop(rows);
    if !one_currency {
        single.clear();
        let mut stmt = conn.prepare_cached(
            "SELECT status, currency, count(*), sum(total_minor) FROM orders
             WHERE account_id = ?1 GROUP BY status, currency ORDER BY status, currency",
        )?;
        let rows = stmt.query_map([account.0], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
        for row in rows {
            single.push(row?);
        }
    }
    let mut by_status: Vec<StatusTotal> = Vec::new();
    for (status, currency, count, sum) in single {
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

/// The statuses whose orders count as spending: paid for, and not cancelled or refunded.
const SPENT_STATUSES: &str = "('pending', 'in_transit', 'delivered', 'completed')";

/// The most months [`spending`] sums one range at a time; a wider span (dates decades apart)
/// is grouped order by order instead.
const MAX_MONTH_RANGES: usize = 1_200;

fn spending(conn: &Connection, account: AccountId) -> StoreResult<Vec<MonthTotal>> {
    match month_ranges(conn, account)? {
        Some(months) => spending_by_ranges(conn, account, &months),
        None => spending_order_by_order(conn, account),
    }
}

/// One local calendar month: its year, month, and its first and one-past-last UTC second.
struct MonthRange {
    year: i16,
    month: i8,
    start: i64,
    end: i64,
}

/// The local months from the account's first order to its last, each with its bounds in UTC
/// seconds as SQLite's own `localtime` places them; `None` when a bound cannot be placed
/// exactly (a month starting in a gap of the zone's clock) or the span is too wide.
///
/// Summing each month's range of the status-and-date index reads the orders' index entries
/// once, without converting each order's date to local time: at 100,000 orders those
/// conversions were most of the overview's time.
fn month_ranges(conn: &Connection, account: AccountId) -> StoreResult<Option<Vec<MonthRange>>> {
    let (first, last): (Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT (SELECT min(placed_at) FROM orders WHERE account_id = ?1),
                    (SELECT max(placed_at) FROM orders WHERE account_id = ?1)",
        )?
        .query_row([account.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Some(Vec::new()));
    };
    let local_month = |at: i64| -> StoreResult<Option<(i64, i64)>> {
        let text: Option<String> = conn
            .prepare_cached("SELECT strftime('%Y-%m', ?1, 'unixepoch', 'localtime')")?
            .query_row([at], |row| row.get(0))?;
        Ok(text.and_then(|text| {
            let (year, month) = text.split_once('-')?;
            Some((year.parse().ok()?, month.parse().ok()?))
        }))
    };
    // The first UTC second of local month `(year, month)`, checked both ways.
    let month_start = |year: i64, month: i64| -> StoreResult<Option<i64>> {
        let start: Option<i64> = conn
            .prepare_cached("SELECT CAST(strftime('%s', printf('%04d-%02d-01 00:00:00', ?1, ?2), 'utc') AS INTEGER)")?
            .query_row([year, month], |row| row.get(0))?;
        let Some(start) = start else { return Ok(None) };
        let previous = if month == 1 { (year - 1, 12) } else { (year, month - 1) };
        let exact = local_month(start)? == Some((year, month)) && local_month(start - 1)? == Some(previous);
        Ok(exact.then_some(start))
    };
    let (Some((mut year, mut month)), Some(end_month)) = (local_month(first)?, local_month(last)?) else {
        return Ok(None);
    };
    if !(1..=9998).contains(&year) || !(1..=9998).contains(&end_month.0) {
        return Ok(None);
    }
    let mut months = Vec::new();
    let Some(mut start) = month_start(year, month)? else { return Ok(None) };
    while (year, month) <= end_month {
        if months.len() >= MAX_MONTH_RANGES {
            return Ok(None);
        }
        let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        let Some(end) = month_start(next.0, next.1)? else { return Ok(None) };
        let (Ok(y), Ok(m)) = (i16::try_from(year), i8::try_from(month)) else { return Ok(None) };
        months.push(MonthRange { year: y, month: m, start, end });
        (year, month) = next;
        start = end;
    }
    Ok(Some(months))
}

fn spending_by_ranges(conn: &Connection, account: AccountId, months: &[MonthRange]) -> StoreResult<Vec<MonthTotal>> {
    // One currency in the month (nearly always): no grouping, so no temporary tree.
    let mut single = conn.prepare_cached(&format!(
        "SELECT min(currency), max(currency), sum(total_minor) FROM orders
         WHERE account_id = ?1 AND status IN {SPENT_STATUSES} AND placed_at >= ?2 AND placed_at < ?3"
    ))?;
    let mut grouped = conn.prepare_cached(&format!(
        "SELECT currency, sum(total_minor) FROM orders
         WHERE account_id = ?1 AND status IN {SPENT_STATUSES} AND placed_at >= ?2 AND placed_at < ?3
         GROUP BY currency ORDER BY currency"
    ))?;
    let mut totals = Vec::new();
    for range in months {
        let bounds = [account.0, range.start, range.end];
        let (low, high, sum): (Option<String>, Option<String>, Option<i64>) =
            single.query_row(bounds, |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        let sums: Vec<(String, i64)> = match (low, high, sum) {
            (None, _, _) => Vec::new(),
            (Some(low), Some(high), Some(sum)) if low == high => vec![(low, sum)],
            _ => grouped.query_map(bounds, |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?,
        };
        for (currency, sum) in sums {
            totals.push(MonthTotal {
                year: range.year,
                month: range.month,
                total: Money::new(sum, currency_of(&currency)?),
            });
        }
    }
    Ok(totals)
}

fn spending_order_by_order(conn: &Connection, account: AccountId) -> StoreResult<Vec<MonthTotal>> {
    // SQLite's 'localtime' reads the same system zone the window shows dates in. One
    // conversion per order, not one for the year and one for the month.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT strftime('%Y-%m', placed_at, 'unixepoch', 'localtime') AS month, currency, sum(total_minor)
         FROM orders
         WHERE account_id = ?1 AND status IN {SPENT_STATUSES}
         GROUP BY month, currency ORDER BY month, currency"
    ))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_summed_by_month_ranges_is_spending_grouped_order_by_order() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("months.db")).unwrap();
        conn.execute(
            "INSERT INTO accounts (id, display_name, email, country, created_at) VALUES (1, 'M', 'm@example.test', 'DE', 0)",
            [],
        )
        .unwrap();
        let account = AccountId(1);
        assert!(spending(&conn, account).unwrap().is_empty(), "no orders, no months");
        // Orders every hour (and a second either side of each hour) from 30 hours before to
        // 30 hours after each UTC month start of two years, and at noon of every day: whatever
        // the local zone, its month-starting midnights are among them.
        let mut insert = conn
            .prepare(
                "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
                 VALUES (1, ?1, ?2, ?3, 'S', ?4, ?5)",
            )
            .unwrap();
        let statuses = ["pending", "in_transit", "delivered", "completed", "cancelled", "refunded", "awaiting_payment"];
        let mut instants = Vec::new();
        for months in 0..25 {
            let start: i64 = conn
                .query_row(
                    "SELECT CAST(strftime('%s', '2024-01-01', ?1) AS INTEGER)",
                    [format!("+{months} months")],
                    |r| r.get(0),
                )
                .unwrap();
            for hour in -30..=30 {
                instants.extend([-1, 0, 1].map(|delta| start + hour * 3_600 + delta));
            }
        }
        instants.extend((0..731).map(|day| 1_704_067_200 + day * 86_400 + 43_200));
        for (n, at) in instants.into_iter().enumerate() {
            let n = n as i64;
            let currency = if n % 3 == 0 { "USD" } else { "EUR" };
            insert
                .execute(rusqlite::params![format!("M-{n}"), at, statuses[(n % 7) as usize], n % 997, currency])
                .unwrap();
        }
        let ranges = month_ranges(&conn, account).unwrap().expect("the local months can be placed");
        assert!(ranges.len() >= 24);
        let by_ranges = spending_by_ranges(&conn, account, &ranges).unwrap();
        assert_eq!(by_ranges, spending_order_by_order(&conn, account).unwrap());
        assert_eq!(spending(&conn, account).unwrap(), by_ranges);
    }
}
