//! An account's email and notification subscriptions, as its customer turns them on or off.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::{StoreError, StoreResult};
use crate::core::AccountId;

/// Turns the subscription `topic` of `account` on or off at `now`. A topic the account does not
/// have is [`StoreError::NotFound`]; setting it to what it already is changes nothing.
pub fn set_enabled(
    conn: &Connection,
    account: AccountId,
    topic: &str,
    enabled: bool,
    now: Timestamp,
) -> StoreResult<()> {
    let found = conn
        .prepare_cached(
            "UPDATE subscriptions SET enabled = ?3, updated_at = ?4
             WHERE account_id = ?1 AND topic = ?2 AND enabled <> ?3",
        )?
        .execute(params![account.0, topic, enabled, now.as_second()])?;
    if found == 0 {
        let exists: i64 = conn
            .prepare_cached("SELECT count(*) FROM subscriptions WHERE account_id = ?1 AND topic = ?2")?
            .query_row(params![account.0, topic], |row| row.get(0))?;
        if exists == 0 {
            return Err(StoreError::NotFound(format!("the subscription {topic} of account {account}")));
        }
    }
    Ok(())
}
