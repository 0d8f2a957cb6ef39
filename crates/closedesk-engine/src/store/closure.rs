//! The closure wizard's saved state, and committing a closure or its cancellation.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::{StoreError, StoreResult};
use crate::core::closure::{Purpose, Reason, Wizard};
use crate::core::{AccountId, AccountStatus};

/// The subscriptions that are marketing, switched off at once when a closure is confirmed.
pub const MARKETING_TOPICS: &[&str] = &["marketing_email", "promotions_push", "newsletter"];

/// The unfinished wizard of an account, if one was saved.
pub fn load_attempt(conn: &Connection, account: AccountId) -> StoreResult<Option<Wizard>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT state_json FROM closure_attempts WHERE account_id = ?1")?
        .query_row([account.0], |row| row.get(0))
        .optional()?;
    json.map(|text| {
        serde_json::from_str(&text).map_err(|err| {
            StoreError::Conflict(format!("the saved closure request of account {account} is unreadable: {err}"))
        })
    })
    .transpose()
}

/// Saves the wizard so the next command (or a restarted app) continues it.
pub fn save_attempt(conn: &Connection, wizard: &Wizard, now: Timestamp) -> StoreResult<()> {
    let json = serde_json::to_string(wizard).map_err(|err| StoreError::Conflict(err.to_string()))?;
    let purpose = match wizard.purpose {
        Purpose::Close => "close",
        Purpose::Cancel => "cancel",
    };
    conn.prepare_cached(
        "INSERT INTO closure_attempts (account_id, purpose, state_json, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET purpose = ?2, state_json = ?3, updated_at = ?4",
    )?
    .execute(params![wizard.account.0, purpose, json, now.as_second()])?;
    Ok(())
}

/// Sets the account closure-pending until `purge_after` and switches marketing mail off.
pub fn commit_close(
    conn: &Connection,
    account: AccountId,
    purge_after: Timestamp,
    reason: Reason,
    note: Option<&str>,
    backup_taken: bool,
    now: Timestamp,
) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET status = 'closure_pending' WHERE id = ?1 AND status = 'active'")?
        .execute([account.0])?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("account {account} is not active")));
    }
    conn.prepare_cached(
        "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, note, backup_taken)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![account.0, now.as_second(), purge_after.as_second(), reason.as_str(), note, backup_taken])?;
    set_marketing_off(conn, account, now)
}

/// Makes a closure-pending account active again; its marketing subscriptions stay off.
pub fn commit_cancel(conn: &Connection, account: AccountId) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET status = 'active' WHERE id = ?1 AND status = 'closure_pending'")?
        .execute([account.0])?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("account {account} has no pending closure")));
    }
    conn.prepare_cached("DELETE FROM closure_requests WHERE account_id = ?1")?.execute([account.0])?;
    Ok(())
}

fn set_marketing_off(conn: &Connection, account: AccountId, now: Timestamp) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE subscriptions SET enabled = 0, updated_at = ?3 WHERE account_id = ?1 AND topic = ?2 AND enabled = 1",
    )?;
    for topic in MARKETING_TOPICS {
        stmt.execute(params![account.0, topic, now.as_second()])?;
    }
    Ok(())
}

/// The status of an account, or `Closed` if only its tombstone remains; `None` if it never existed.
pub fn account_state(conn: &Connection, account: AccountId) -> StoreResult<Option<AccountStatus>> {
    let status: Option<String> = conn
        .prepare_cached("SELECT status FROM accounts WHERE id = ?1")?
        .query_row([account.0], |row| row.get(0))
        .optional()?;
    if let Some(status) = status {
        return status
            .parse()
            .map(Some)
            .map_err(|_| StoreError::Conflict(format!("account {account} has an unknown status")));
    }
    Ok(super::accounts::purged_at(conn, account)?.map(|_| AccountStatus::Closed))
}
