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
    let filter = AuditFilter { account, ..AuditFilter::default() };
    let mut rows = query(conn, &filter, 0, Some(limit))?;
    rows.reverse();
    Ok(rows)
}

/// Which audit lines the viewer and its CSV export show; `None` fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only lines about this account.
    pub account: Option<crate::core::AccountId>,
    /// Only lines acted by this support agent.
    pub agent: Option<crate::core::AgentId>,
    /// Only this action, e.g. `purge`.
    pub action: Option<String>,
    /// Only lines at or after this instant.
    pub from: Option<Timestamp>,
    /// Only lines before this instant.
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// The `WHERE` clause and its parameters. The clause is built from fixed fragments only,
    /// so that each filter used can use its index; every value travels as a parameter.
    fn clause(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut terms = Vec::new();
        let mut values = Vec::new();
        if let Some(account) = self.account {
            terms.push("account_id = ?");
            values.push(Value::Integer(account.0));
        }
        if let Some(agent) = self.agent {
            terms.push("actor_kind = 'agent' AND actor_id = ?");
            values.push(Value::Integer(agent.0));
        }
        if let Some(action) = &self.action {
            terms.push("action = ?");
            values.push(Value::Text(action.clone()));
        }
        if let Some(from) = self.from {
            terms.push("at >= ?");
            values.push(Value::Integer(from.as_second()));
        }
        if let Some(until) = self.until {
            terms.push("at < ?");
            values.push(Value::Integer(until.as_second()));
        }
        let clause = if terms.is_empty() { String::new() } else { format!("WHERE {}", terms.join(" AND ")) };
        (clause, values)
    }
}

/// How many audit lines match `filter`.
pub fn count(conn: &Connection, filter: &AuditFilter) -> StoreResult<u64> {
    let (clause, values) = filter.clause();
    let count: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM audit_events {clause}"))?
        .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?;
    Ok(count as u64)
}

/// The audit lines matching `filter`, newest first, skipping `offset` of them and returning
/// at most `limit` (all of them when `None`, as the CSV export wants).
pub fn query(
    conn: &Connection,
    filter: &AuditFilter,
    offset: usize,
    limit: Option<usize>,
) -> StoreResult<Vec<AuditRow>> {
    let (clause, mut values) = filter.clause();
    // SQLite reads a negative LIMIT as "no limit".
    values.push(rusqlite::types::Value::Integer(limit.map_or(-1, |limit| i64::try_from(limit).unwrap_or(-1))));
    values.push(rusqlite::types::Value::Integer(offset as i64));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, at, account_id, actor_kind, actor_id, action, outcome FROM audit_events {clause}
         ORDER BY at DESC, id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), |row| {
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

/// Every action the trail holds, alphabetically, for the viewer's drop-down.
pub fn actions(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT action FROM audit_events ORDER BY action")?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;
    use crate::core::audit::{Actor, AuditEvent};
    use crate::core::{AccountId, AgentId};

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    /// A trail of five lines: two customers, one agent, the system.
    fn trail() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("audit.db")).unwrap();
        let lines = [
            (100, Some(1), Actor::Customer(AccountId(1)), "sign_in"),
            (200, Some(1), Actor::Agent(AgentId(7)), "reveal"),
            (300, Some(2), Actor::Agent(AgentId(7)), "closure_cancel"),
            (400, None, Actor::Agent(AgentId(8)), "agent_added"),
            (500, Some(2), Actor::System, "purge"),
        ];
        for (second, account, actor, action) in lines {
            let event = AuditEvent { account: account.map(AccountId), actor, action, outcome: "ok" };
            record(&conn, &event, at(second)).unwrap();
        }
        (dir, conn)
    }

    fn actions_of(rows: &[AuditRow]) -> Vec<&str> {
        rows.iter().map(|row| row.action.as_str()).collect()
    }

    #[test]
    fn the_filters_combine_and_rows_come_newest_first() {
        let (_dir, conn) = trail();
        let all = query(&conn, &AuditFilter::default(), 0, None).unwrap();
        assert_eq!(actions_of(&all), ["purge", "agent_added", "closure_cancel", "reveal", "sign_in"]);

        let by_account = AuditFilter { account: Some(AccountId(2)), ..AuditFilter::default() };
        assert_eq!(actions_of(&query(&conn, &by_account, 0, None).unwrap()), ["purge", "closure_cancel"]);

        let by_agent = AuditFilter { agent: Some(AgentId(7)), ..AuditFilter::default() };
        assert_eq!(actions_of(&query(&conn, &by_agent, 0, None).unwrap()), ["closure_cancel", "reveal"]);
        // A customer whose account id equals an agent's id is not that agent.
        let not_a_customer = AuditFilter { agent: Some(AgentId(1)), ..AuditFilter::default() };
        assert_eq!(count(&conn, &not_a_customer).unwrap(), 0);

        let by_action = AuditFilter { action: Some("purge".into()), ..AuditFilter::default() };
        assert_eq!(count(&conn, &by_action).unwrap(), 1);

        let window = AuditFilter { from: Some(at(200)), until: Some(at(400)), ..AuditFilter::default() };
        assert_eq!(actions_of(&query(&conn, &window, 0, None).unwrap()), ["closure_cancel", "reveal"]);

        let combined = AuditFilter { agent: Some(AgentId(7)), account: Some(AccountId(1)), ..window };
        assert_eq!(actions_of(&query(&conn, &combined, 0, None).unwrap()), ["reveal"]);
    }

    #[test]
    fn pages_follow_each_other_and_the_actions_are_listed_once() {
        let (_dir, conn) = trail();
        let filter = AuditFilter::default();
        assert_eq!(count(&conn, &filter).unwrap(), 5);
        let first = query(&conn, &filter, 0, Some(2)).unwrap();
        let second = query(&conn, &filter, 2, Some(2)).unwrap();
        let third = query(&conn, &filter, 4, Some(2)).unwrap();
        assert_eq!(actions_of(&first), ["purge", "agent_added"]);
        assert_eq!(actions_of(&second), ["closure_cancel", "reveal"]);
        assert_eq!(actions_of(&third), ["sign_in"]);
        assert_eq!(actions(&conn).unwrap(), ["agent_added", "closure_cancel", "purge", "reveal", "sign_in"]);
    }
}
