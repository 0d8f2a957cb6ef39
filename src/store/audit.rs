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
