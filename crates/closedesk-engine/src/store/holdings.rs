//! The counts and sums the closure-readiness rules need.

use jiff::Timestamp;
use rusqlite::Connection;

use super::{StoreError, StoreResult};
use crate::core::readiness::Holdings;
use crate::core::{AccountId, Currency, Money};

/// Reads what an account holds that matters for closing it, as of `now`.
pub fn holdings(conn: &Connection, account: AccountId, now: Timestamp) -> StoreResult<Holdings> {
    let mut holdings = Holdings::default();

    let mut stmt = conn.prepare_cached(
        "SELECT status, count(*) FROM orders
         WHERE account_id = ?1 AND status IN ('awaiting_payment', 'pending', 'in_transit')
         GROUP BY status",
    )?;
    for row in stmt.query_map([account.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))? {
        let (status, count) = row?;
        holdings.unfinished_orders.push((parse(&status)?, count));
    }

    let mut stmt = conn.prepare_cached(
        "SELECT status, count(*) FROM disputes
         WHERE account_id = ?1 AND status IN ('open', 'awaiting_seller')
         GROUP BY status",
    )?;
    for row in stmt.query_map([account.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))? {
        let (status, count) = row?;
        holdings.open_disputes.push((parse(&status)?, count));
    }

    let mut stmt = conn.prepare_cached(
        "SELECT kind, currency, sum(amount_minor) FROM ledger_entries
         WHERE account_id = ?1 GROUP BY kind, currency ORDER BY kind, currency",
    )?;
    for row in stmt
        .query_map([account.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?)))?
    {
        let (kind, currency, sum) = row?;
        holdings.balances.push((parse(&kind)?, Money::new(sum, currency_of(&currency)?)));
    }

    let mut stmt = conn.prepare_cached(
        "SELECT currency, count(*), sum(value_minor) FROM coupons
         WHERE account_id = ?1 AND redeemed_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
         GROUP BY currency ORDER BY currency",
    )?;
    for row in stmt.query_map([account.0, now.as_second()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    })? {
        let (currency, count, sum) = row?;
        holdings.live_coupons.push((count, Money::new(sum, currency_of(&currency)?)));
    }

    holdings.reviews = conn
        .prepare_cached("SELECT count(*) FROM reviews WHERE account_id = ?1")?
        .query_row([account.0], |r| r.get(0))?;
    Ok(holdings)
}

fn parse<T: std::str::FromStr>(text: &str) -> StoreResult<T> {
    text.parse().map_err(|_| StoreError::Conflict(format!("unexpected value '{text}' in the database")))
}

/// Parses a stored currency code.
pub(crate) fn currency_of(code: &str) -> StoreResult<Currency> {
    Currency::new(code).ok_or_else(|| StoreError::Conflict(format!("unexpected currency '{code}' in the database")))
}
