//! The closure queue: every closure-pending account with its purge date, for support agents.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;
use crate::core::AccountId;
use crate::core::time::from_unix;

/// One closure-pending account as the queue lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct QueueRow {
    /// The account waiting to be purged.
    pub account: AccountId,
    /// The registered email; screens show it masked.
    pub email: String,
    /// When the customer confirmed the closure.
    pub requested_at: Timestamp,
    /// The earliest instant the account may be purged.
    pub purge_after: Timestamp,
    /// Why the customer closed the account (a fixed code).
    pub reason_code: String,
}

impl QueueRow {
    /// Whether the grace period has ended at `now` (a purge date equal to `now` counts as
    /// ended, as it does for [`super::purge::due_accounts`]).
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.purge_after <= now
    }
}

/// Closure-pending accounts, earliest purge date first, at most `limit` of them.
pub fn closure_queue(conn: &Connection, limit: usize) -> StoreResult<Vec<QueueRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.email, r.requested_at, r.purge_after, r.reason_code
         FROM closure_requests r JOIN accounts a ON a.id = r.account_id
         WHERE a.status = 'closure_pending'
         ORDER BY r.purge_after, a.id
         LIMIT ?1",
    )?;
    let rows = stmt.query_map(params![limit as i64], |row| {
        Ok(QueueRow {
            account: AccountId(row.get(0)?),
            email: row.get(1)?,
            requested_at: from_unix(row.get(2)?),
            purge_after: from_unix(row.get(3)?),
            reason_code: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn the_demo_pending_account_is_queued_and_due_after_its_grace_period() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let (conn, _) = crate::demo::open_or_create_with_demo(&dir.path().join("q.db"), now).unwrap();
        let queue = closure_queue(&conn, 100).unwrap();
        assert_eq!(queue.len(), 1, "{queue:?}");
        let row = &queue[0];
        assert!(!row.is_due(now));
        assert!(row.is_due(row.purge_after));
        let due = super::super::purge::due_accounts(&conn, row.purge_after).unwrap();
        assert_eq!(due, vec![(row.account, row.purge_after)]);
    }
}
