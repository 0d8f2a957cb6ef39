//! The erasure ledger: which accounts were purged and when — ids and instants, nothing
//! personal. Every restore of an older copy erases these accounts again.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::StoreResult;
use crate::core::AccountId;
use crate::core::time::from_unix;

/// One purged account as the ledger keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Erasure {
    /// The purged account's id.
    pub account: AccountId,
    /// When it was purged.
    pub purged_at: Timestamp,
}

/// Records that `account` was purged at `at`; an earlier entry keeps its time.
pub fn record(conn: &Connection, account: AccountId, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO erasures (account_id, purged_at) VALUES (?1, ?2)")?
        .execute(params![account.0, at.as_second()])?;
    Ok(())
}

/// Every entry, by account id.
pub fn all(conn: &Connection) -> StoreResult<Vec<Erasure>> {
    let mut stmt = conn.prepare_cached("SELECT account_id, purged_at FROM erasures ORDER BY account_id")?;
    let rows =
        stmt.query_map([], |row| Ok(Erasure { account: AccountId(row.get(0)?), purged_at: from_unix(row.get(1)?) }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds the entries of `others` the ledger lacks; returns how many were added.
pub fn merge(conn: &Connection, others: &[Erasure]) -> StoreResult<usize> {
    let mut added = 0;
    for erasure in others {
        added += conn
            .prepare_cached("INSERT OR IGNORE INTO erasures (account_id, purged_at) VALUES (?1, ?2)")?
            .execute(params![erasure.account.0, erasure.purged_at.as_second()])?;
    }
    Ok(added)
}

/// When `account` was purged, if the ledger says it was.
pub fn purged_at(conn: &Connection, account: AccountId) -> StoreResult<Option<Timestamp>> {
    let at: Option<i64> = conn
        .prepare_cached("SELECT purged_at FROM erasures WHERE account_id = ?1")?
        .query_row([account.0], |row| row.get(0))
        .optional()?;
    Ok(at.map(from_unix))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_keeps_the_first_time_and_merges_what_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("l.db")).unwrap();
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        record(&conn, AccountId(4), at(100)).unwrap();
        record(&conn, AccountId(4), at(200)).unwrap();
        assert_eq!(purged_at(&conn, AccountId(4)).unwrap(), Some(at(100)));
        let added = merge(
            &conn,
            &[
                Erasure { account: AccountId(4), purged_at: at(300) },
                Erasure { account: AccountId(2), purged_at: at(50) },
            ],
        )
        .unwrap();
        assert_eq!(added, 1);
        assert_eq!(all(&conn).unwrap().iter().map(|e| e.account.0).collect::<Vec<_>>(), [2, 4]);
    }
}
