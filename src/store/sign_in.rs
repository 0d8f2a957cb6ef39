//! Consecutive failed sign-ins, per account or agent.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::StoreResult;
use crate::core::time::from_unix;

/// Whose sign-ins are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A customer account, by id.
    Customer(i64),
    /// A support agent, by id.
    Agent(i64),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Self::Customer(id) => ("customer", id),
            Self::Agent(id) => ("agent", id),
        }
    }
}

/// The count of consecutive failures and when the last one happened.
pub fn failures(conn: &Connection, subject: Subject) -> StoreResult<Option<(i64, Timestamp)>> {
    let (kind, id) = subject.parts();
    let row = conn
        .prepare_cached(
            "SELECT failures, last_failure_at FROM sign_in_failures WHERE subject_kind = ?1 AND subject_id = ?2",
        )?
        .query_row(params![kind, id], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))
        .optional()?;
    Ok(row.map(|(count, at)| (count, from_unix(at))))
}

/// Counts one more failure at `now`.
pub fn record_failure(conn: &Connection, subject: Subject, now: Timestamp) -> StoreResult<()> {
    let (kind, id) = subject.parts();
    conn.prepare_cached(
        "INSERT INTO sign_in_failures (subject_kind, subject_id, failures, last_failure_at) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (subject_kind, subject_id) DO UPDATE SET failures = failures + 1, last_failure_at = ?3",
    )?
    .execute(params![kind, id, now.as_second()])?;
    Ok(())
}

/// Forgets the failures after a successful sign-in.
pub fn clear(conn: &Connection, subject: Subject) -> StoreResult<()> {
    let (kind, id) = subject.parts();
    conn.prepare_cached("DELETE FROM sign_in_failures WHERE subject_kind = ?1 AND subject_id = ?2")?
        .execute(params![kind, id])?;
    Ok(())
}
