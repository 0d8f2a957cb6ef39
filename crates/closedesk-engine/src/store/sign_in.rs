//! Consecutive failed sign-ins, per account, agent, or login that matches neither.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, params};
use sha2::{Digest as _, Sha256};

use super::StoreResult;
use crate::core::sign_in_policy;
use crate::core::time::from_unix;

/// Whose sign-ins are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A customer account, by id.
    Customer(i64),
    /// A support agent, by id.
    Agent(i64),
    /// A login that matches no account or active agent, by its [`login_digest`].
    Unknown([u8; 32]),
}

/// A typed login as a digest keyed with this database's own key: failures of a login that
/// exists nowhere can be counted without keeping what was typed.
///
/// `kind` keeps customer emails and agent names apart; case and surrounding spaces do not
/// count, as in the lookups of accounts and agents.
pub fn login_digest(conn: &Connection, kind: &str, login: &str) -> StoreResult<[u8; 32]> {
    let key: Vec<u8> =
        conn.prepare_cached("SELECT key FROM sign_in_login_key WHERE id = 1")?.query_row([], |row| row.get(0))?;
    let mut hasher = Sha256::new();
    hasher.update(&key);
    hasher.update(kind.as_bytes());
    hasher.update([0]);
    hasher.update(login.trim().to_ascii_lowercase().as_bytes());
    Ok(hasher.finalize().into())
}

/// The count of consecutive failures and when the last one happened.
pub fn failures(conn: &Connection, subject: Subject) -> StoreResult<Option<(i64, Timestamp)>> {
    let read = |row: &rusqlite::Row<'_>| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?));
    let row = match subject {
        Subject::Unknown(digest) => conn
            .prepare_cached("SELECT failures, last_failure_at FROM sign_in_unknown_failures WHERE login_digest = ?1")?
            .query_row([&digest[..]], read)
            .optional()?,
        Subject::Customer(id) | Subject::Agent(id) => conn
            .prepare_cached(
                "SELECT failures, last_failure_at FROM sign_in_failures WHERE subject_kind = ?1 AND subject_id = ?2",
            )?
            .query_row(params![kind(subject), id], read)
            .optional()?,
    };
    Ok(row.map(|(count, at)| (count, from_unix(at))))
}

/// Counts one more failure at `now`; failures the policy has forgotten start the count again.
pub fn record_failure(conn: &Connection, subject: Subject, now: Timestamp) -> StoreResult<()> {
    let forgotten_before = sign_in_policy::forgotten_before(now).as_second();
    match subject {
        Subject::Unknown(digest) => {
            // Nothing is kept about a login that exists nowhere once its failures are forgotten.
            conn.prepare_cached("DELETE FROM sign_in_unknown_failures WHERE last_failure_at < ?1")?
                .execute([forgotten_before])?;
            conn.prepare_cached(
                "INSERT INTO sign_in_unknown_failures (login_digest, failures, last_failure_at) VALUES (?1, 1, ?2)
                 ON CONFLICT (login_digest) DO UPDATE SET failures = failures + 1, last_failure_at = ?2",
            )?
            .execute(params![&digest[..], now.as_second()])?;
        }
        Subject::Customer(id) | Subject::Agent(id) => {
            conn.prepare_cached(
                "INSERT INTO sign_in_failures (subject_kind, subject_id, failures, last_failure_at) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (subject_kind, subject_id) DO UPDATE SET
                     failures = CASE WHEN last_failure_at < ?4 THEN 1 ELSE failures + 1 END,
                     last_failure_at = ?3",
            )?
            .execute(params![kind(subject), id, now.as_second(), forgotten_before])?;
        }
    }
    Ok(())
}

/// Forgets the failures after a successful sign-in.
pub fn clear(conn: &Connection, subject: Subject) -> StoreResult<()> {
    match subject {
        Subject::Unknown(digest) => conn
            .prepare_cached("DELETE FROM sign_in_unknown_failures WHERE login_digest = ?1")?
            .execute([&digest[..]])?,
        Subject::Customer(id) | Subject::Agent(id) => conn
            .prepare_cached("DELETE FROM sign_in_failures WHERE subject_kind = ?1 AND subject_id = ?2")?
            .execute(params![kind(subject), id])?,
    };
    Ok(())
}

fn kind(subject: Subject) -> &'static str {
    match subject {
        Subject::Customer(_) => "customer",
        Subject::Agent(_) => "agent",
        Subject::Unknown(_) => "unknown",
    }
}
