//! The audit trail: one writer that chains every line to the one before it (see
//! [`crate::core::audit_chain`]), its reads for the viewer and the export, and the check of
//! the chain.

use jiff::Timestamp;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension as _, Transaction, TransactionBehavior, params};

use super::StoreResult;
use crate::core::audit::AuditEvent;
use crate::core::audit_chain::{self, Break, Field, Fields, GENESIS, Hash, Head, Link, Noted, Verdict, Walk};

/// Appends one event to the audit trail, chained to the newest line.
///
/// Inside the caller's transaction it joins that transaction; otherwise it opens a
/// `BEGIN IMMEDIATE` one of its own. Either way the line is inserted first, which takes the
/// write lock, and only then is the line before it read: two writers (two processes, say)
/// can never both chain to the same line and fork the trail. (The callers' own transactions
/// are `BEGIN IMMEDIATE` ones, [`super::write`] and the closure driver's, so their insert
/// never meets a newer snapshot it cannot write over.)
pub fn record(conn: &Connection, event: &AuditEvent, at: Timestamp) -> StoreResult<()> {
    if conn.is_autocommit() {
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        append(&tx, event, at)?;
        tx.commit()?;
        Ok(())
    } else {
        append(conn, event, at)
    }
}

/// Inserts the line, then chains it to the newest chained line before it; `conn` is inside a
/// transaction.
fn append(conn: &Connection, event: &AuditEvent, at: Timestamp) -> StoreResult<()> {
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
    let id = conn.last_insert_rowid();
    chain_line(conn, id)
}

/// Sets the hashes of line `id` from its stored fields and the newest chained line before it.
fn chain_line(conn: &Connection, id: i64) -> StoreResult<()> {
    let stored: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM audit_events WHERE id < ?1 AND hash IS NOT NULL ORDER BY id DESC LIMIT 1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    // A damaged hash before this line is reported by the verification at that line; this line
    // chains to the genesis then, as it would to nothing.
    let prev = stored.and_then(|hash| Hash::try_from(hash.as_slice()).ok()).unwrap_or(GENESIS);
    let hash = conn
        .prepare_cached("SELECT at, account_id, actor_kind, actor_id, action, outcome FROM audit_events WHERE id = ?1")?
        .query_row([id], |row| Ok(audit_chain::line_hash(&fields(row, 0)?, &prev)))?;
    conn.prepare_cached("UPDATE audit_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1")?.execute(params![
        id,
        prev.as_slice(),
        hash.as_slice()
    ])?;
    Ok(())
}

/// The chained fields of `row`, read from its columns `first..first + 6`.
fn fields<'r>(row: &'r rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Fields<'r>> {
    let field = |index: usize| -> rusqlite::Result<Field<'r>> {
        Ok(match row.get_ref(first + index)? {
            ValueRef::Null => Field::Null,
            ValueRef::Integer(value) => Field::Integer(value),
            ValueRef::Real(value) => Field::Real(value),
            ValueRef::Text(bytes) => Field::Text(bytes),
            ValueRef::Blob(bytes) => Field::Blob(bytes),
        })
    };
    Ok([field(0)?, field(1)?, field(2)?, field(3)?, field(4)?, field(5)?])
}

/// Chains every line of a trail that was written before lines were chained (schema step 9),
/// oldest id first, so that the same lines always get the same hashes.
pub(super) fn chain_existing(tx: &Transaction<'_>) -> StoreResult<()> {
    /// Lines read per batch: the trail is never held in memory whole.
    const BATCH: i64 = 1_000;
    let mut prev = GENESIS;
    let mut after = i64::MIN;
    loop {
        let mut batch: Vec<(i64, Hash, Hash)> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, at, account_id, actor_kind, actor_id, action, outcome FROM audit_events
                 WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let mut rows = stmt.query(params![after, BATCH])?;
            while let Some(row) = rows.next()? {
                let hash = audit_chain::line_hash(&fields(row, 1)?, &prev);
                batch.push((row.get(0)?, prev, hash));
                prev = hash;
            }
        }
        let Some(&(last, ..)) = batch.last() else { return Ok(()) };
        let mut update = tx.prepare_cached("UPDATE audit_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1")?;
        for (id, before, hash) in batch {
            update.execute(params![id, before.as_slice(), hash.as_slice()])?;
        }
        after = last;
    }
}

/// Checks the whole chain, oldest line first, in one read snapshot: intact, or the first line
/// that breaks it and why.
pub fn verify(conn: &Connection) -> StoreResult<Verdict> {
    verify_noted(conn, None)
}

/// Like [`verify`], and the chain must still hold the `noted` line with its noted hash.
pub fn verify_noted(conn: &Connection, noted: Option<Noted>) -> StoreResult<Verdict> {
    let _snapshot = super::export::read_snapshot(conn)?;
    let mut walk = Walk::default();
    let mut head = None;
    let mut stmt = conn.prepare(
        "SELECT id, at, account_id, actor_kind, actor_id, action, outcome, prev_hash, hash
         FROM audit_events ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let prev = blob(row.get_ref(7)?);
        let hash = blob(row.get_ref(8)?);
        let why = match walk.next(&fields(row, 1)?, prev, hash) {
            Link::Sound => match noted {
                Some(noted) if noted.id == id && hash != Some(noted.hash.as_slice()) => {
                    // The walk counted the line as sound; the lines before it are.
                    return Ok(Verdict::Broken { id, why: Break::Rewritten, rows_before: walk.lines() - 1 });
                }
                _ => {
                    head = hash.map(|hash| Head { id, hash: audit_chain::hex(hash) });
                    continue;
                }
            },
            Link::Broken(why) => why,
            Link::Relinked { prev } => match line_with_hash(conn, &prev, id)? {
                Some(chained_to) => Break::Reordered { chained_to },
                None => Break::MissingPredecessor,
            },
        };
        return Ok(Verdict::Broken { id, why, rows_before: walk.lines() });
    }
    if let Some(noted) = noted.filter(|noted| head.as_ref().is_none_or(|head| head.id < noted.id)) {
        return Ok(Verdict::Broken { id: noted.id, why: Break::CutBack, rows_before: walk.lines() });
    }
    Ok(Verdict::Intact { rows: walk.lines(), head })
}

fn blob(value: ValueRef<'_>) -> Option<&[u8]> {
    match value {
        ValueRef::Blob(bytes) => Some(bytes),
        _ => None,
    }
}

/// Another line whose hash is `hash`, if any: read only when a link is broken, so its scan of
/// the whole table costs nothing while the chain is intact.
fn line_with_hash(conn: &Connection, hash: &Hash, not: i64) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM audit_events WHERE hash = ?1 AND id <> ?2 ORDER BY id LIMIT 1")?
        .query_row(params![hash.as_slice(), not], |row| row.get(0))
        .optional()?)
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
    /// The hash of the line it is chained to, in hex; `None` for a line not written by closedesk.
    /// (The CSV export carries the hashes; `audit --json` lists lines without them.)
    #[serde(skip)]
    pub prev_hash: Option<String>,
    /// Its own hash, in hex; `None` for a line not written by closedesk.
    #[serde(skip)]
    pub hash: Option<String>,
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
        "SELECT id, at, account_id, actor_kind, actor_id, action, outcome, prev_hash, hash FROM audit_events {clause}
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
            prev_hash: blob(row.get_ref(7)?).map(audit_chain::hex),
            hash: blob(row.get_ref(8)?).map(audit_chain::hex),
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

    /// The trail's file, opened as any SQLite client would: no closedesk function registered.
    fn plain(dir: &tempfile::TempDir) -> Connection {
        Connection::open(dir.path().join("audit.db")).unwrap()
    }

    fn verdict(conn: &Connection) -> Verdict {
        verify(conn).unwrap()
    }

    #[test]
    fn an_untouched_trail_is_intact_and_names_its_newest_line() {
        let (_dir, conn) = trail();
        let Verdict::Intact { rows, head: Some(head) } = verdict(&conn) else { panic!("{:?}", verdict(&conn)) };
        assert_eq!(rows, 5);
        assert_eq!(head.id, 5);
        assert_eq!(head.hash.len(), 64);
        let empty = crate::store::create_empty(&tempfile::tempdir().unwrap().path().join("e.db")).unwrap();
        assert_eq!(verdict(&empty), Verdict::Intact { rows: 0, head: None });
    }

    #[test]
    fn an_edited_line_is_found() {
        let (dir, conn) = trail();
        plain(&dir).execute("UPDATE audit_events SET outcome = 'denied' WHERE id = 3", []).unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 3, why: Break::Edited, rows_before: 2 });
    }

    #[test]
    fn an_edited_hash_is_found() {
        let (dir, conn) = trail();
        plain(&dir).execute("UPDATE audit_events SET hash = zeroblob(32) WHERE id = 2", []).unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 2, why: Break::Edited, rows_before: 1 });
    }

    #[test]
    fn a_deleted_line_is_found_at_the_line_after_it() {
        let (dir, conn) = trail();
        plain(&dir).execute("DELETE FROM audit_events WHERE id = 2", []).unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 3, why: Break::MissingPredecessor, rows_before: 1 });
    }

    #[test]
    fn a_deleted_first_line_is_found() {
        let (dir, conn) = trail();
        plain(&dir).execute("DELETE FROM audit_events WHERE id = 1", []).unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 2, why: Break::MissingPredecessor, rows_before: 0 });
    }

    #[test]
    fn swapped_lines_are_found_as_reordered() {
        let (dir, conn) = trail();
        let plain = plain(&dir);
        // Swap lines 2 and 3 whole, hashes and all, through a free id.
        plain
            .execute_batch(
                "UPDATE audit_events SET id = 100 WHERE id = 2;
                 UPDATE audit_events SET id = 2 WHERE id = 3;
                 UPDATE audit_events SET id = 3 WHERE id = 100;",
            )
            .unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 2, why: Break::Reordered { chained_to: 3 }, rows_before: 1 });
    }

    #[test]
    fn a_line_inserted_by_hand_is_found_and_the_writer_chains_past_it() {
        let (dir, conn) = trail();
        plain(&dir)
            .execute(
                "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
                 VALUES (600, 1, 'system', NULL, 'purge', 'ok')",
                [],
            )
            .unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 6, why: Break::Unchained, rows_before: 5 });
        // A forged line with a copied hash is no better: it is chained to line 5's predecessor.
        plain(&dir)
            .execute(
                "UPDATE audit_events SET (prev_hash, hash) = (SELECT prev_hash, hash FROM audit_events WHERE id = 5)
                 WHERE id = 6",
                [],
            )
            .unwrap();
        assert_eq!(verdict(&conn), Verdict::Broken { id: 6, why: Break::Edited, rows_before: 5 });
    }

    #[test]
    fn a_noted_line_catches_a_cut_back_or_rewritten_trail() {
        let (dir, conn) = trail();
        let Verdict::Intact { head: Some(head), .. } = verdict(&conn) else { panic!() };
        let noted: Noted = format!("{}:{}", head.id, head.hash).parse().unwrap();
        assert!(verify_noted(&conn, Some(noted)).unwrap().is_intact());
        record(&conn, &AuditEvent { account: None, actor: Actor::System, action: "later", outcome: "ok" }, at(900))
            .unwrap();
        assert!(verify_noted(&conn, Some(noted)).unwrap().is_intact(), "lines after the noted one are fine");

        // Deleting the newest lines leaves a sound chain, but not the noted line.
        plain(&dir).execute("DELETE FROM audit_events WHERE id >= 5", []).unwrap();
        assert!(verdict(&conn).is_intact(), "the chain alone cannot see a cut at its end");
        assert_eq!(
            verify_noted(&conn, Some(noted)).unwrap(),
            Verdict::Broken { id: 5, why: Break::CutBack, rows_before: 4 }
        );

        // Rewriting every line with fresh hashes (as anyone who can write the file can) is
        // sound too, but changes the noted line's hash.
        let (dir, conn) = trail();
        let plain = plain(&dir);
        plain.execute("UPDATE audit_events SET outcome = 'denied' WHERE id = 2", []).unwrap();
        let tx = plain.unchecked_transaction().unwrap();
        chain_existing(&tx).unwrap();
        tx.commit().unwrap();
        assert!(verdict(&conn).is_intact());
        assert_eq!(
            verify_noted(&conn, Some(noted)).unwrap(),
            Verdict::Broken { id: 5, why: Break::Rewritten, rows_before: 4 }
        );
    }

    #[test]
    fn lines_written_at_once_by_two_connections_keep_one_chain() {
        let (dir, conn) = trail();
        let path = dir.path().join("audit.db");
        let writers: Vec<_> = (0..2)
            .map(|n| {
                let path = path.clone();
                std::thread::Builder::new()
                    .name(format!("audit-writer-{n}"))
                    .spawn(move || {
                        let conn = crate::store::open_existing(&path).unwrap();
                        for k in 0..25 {
                            let event =
                                AuditEvent { account: None, actor: Actor::System, action: "test_write", outcome: "ok" };
                            record(&conn, &event, at(1_000 + k)).unwrap();
                        }
                    })
                    .unwrap()
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(verdict(&conn), Verdict::Intact { rows: 55, head: Some(verdict_head(&conn)) });
    }

    fn verdict_head(conn: &Connection) -> Head {
        let (id, hash): (i64, Vec<u8>) = conn
            .query_row("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        Head { id, hash: audit_chain::hex(&hash) }
    }

    #[test]
    fn the_step_that_adds_the_chain_chains_the_lines_already_there_alike_each_time() {
        let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
        let hashes: Vec<Vec<Vec<u8>>> = dirs
            .iter()
            .map(|dir| {
                let path = dir.path().join("old.db");
                let mut conn = Connection::open(&path).unwrap();
                crate::store::migrations::migrate_to(&mut conn, 8).unwrap();
                for (second, action) in [(100, "sign_in"), (200, "reveal"), (150, "purge")] {
                    conn.execute(
                        "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
                         VALUES (?1, 4, 'agent', 2, ?2, 'ok')",
                        params![second, action],
                    )
                    .unwrap();
                }
                drop(conn);
                let conn = crate::store::open_existing(&path).unwrap();
                assert_eq!(verdict(&conn), Verdict::Intact { rows: 3, head: Some(verdict_head(&conn)) });
                record(&conn, &AuditEvent { account: None, actor: Actor::System, action: "x", outcome: "ok" }, at(300))
                    .unwrap();
                assert!(verdict(&conn).is_intact(), "new lines chain onto the old ones");
                let mut stmt = conn.prepare("SELECT hash FROM audit_events ORDER BY id").unwrap();
                stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
            })
            .collect();
        assert_eq!(hashes[0], hashes[1]);
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
