use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;
use crate::core::audit::AuditEvent;

/// Appends one event to the audit trail.
pub fn record(conn: &Connection, event: &AuditEvent, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        at.as_second(),
        event.account.map(|id| id.0),
        event.actor.kind(),
        event.actor.id(),
        event.action,
        event.outcome,
    ])?;
    Ok(())
}

/// One stored line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    /// The row id.
    pub id: i64,
    /// When it happened.
    pub at: Timestamp,
    /// The account concerned, if any.
    pub account_id: Option<i64>,
    /// `customer`, `agent` or `system`.
    pub actor_kind: String,
    /// The customer's or agent's id.
    pub actor_id: Option<i64>,
    /// What was attempted.
    pub action: String,
    /// How it ended.
    pub outcome: String,
}

/// The newest `limit` audit lines, optionally only those about `account`, oldest first.
pub fn list(conn: &Connection, account: Option<crate::core::AccountId>, limit: usize) -> StoreResult<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, account_id, actor_kind, actor_id, action, outcome FROM (
             SELECT * FROM audit_events WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id DESC LIMIT ?2
         ) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account.map(|a| a.0), limit as i64], |row| {
        Ok(AuditRow {
            id: row.get(0)?,
            at: crate::core::time::from_unix(row.get(1)?),
            account_id: row.get(2)?,
            actor_kind: row.get(3)?,
            actor_id: row.get(4)?,
            action: row.get(5)?,
            outcome: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
