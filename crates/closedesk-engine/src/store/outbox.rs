//! The outbox table: one row per mail written to the outbox folder.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;
use crate::core::AccountId;
use crate::core::time::from_unix;

/// A mail to record.
#[derive(Clone, Debug)]
pub struct NewMail<'a> {
    /// The account it was sent to.
    pub account: AccountId,
    /// The recipient address.
    pub to: &'a str,
    /// The subject line.
    pub subject: &'a str,
    /// The body with one-time codes masked.
    pub body: &'a str,
    /// When it was written.
    pub created_at: Timestamp,
    /// The `.eml` file's name in the outbox folder.
    pub eml_file: &'a str,
}

/// A recorded mail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MailRow {
    /// The row id.
    pub id: i64,
    /// The account it was sent to, if it still exists.
    pub account: Option<AccountId>,
    /// The recipient address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The body with one-time codes masked.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
    /// The `.eml` file's name in the outbox folder.
    pub eml_file: String,
}

/// Records a mail.
pub fn insert(conn: &Connection, mail: &NewMail<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (account_id, to_addr, subject, body, created_at, eml_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        mail.account.0,
        mail.to,
        mail.subject,
        mail.body,
        mail.created_at.as_second(),
        mail.eml_file
    ])?;
    Ok(conn.last_insert_rowid())
}

/// How many mails the outbox holds, optionally only those to `to` (any case).
pub fn count(conn: &Connection, to: Option<&str>) -> StoreResult<u64> {
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE ?1 IS NULL OR to_addr = ?1 COLLATE NOCASE")?
        .query_row(params![to.map(str::trim)], |row| row.get(0))?;
    Ok(count as u64)
}

/// Marks the mail `id` as carrying a one-time code that expires at `expires_at`.
pub fn mark_code_mail(conn: &Connection, id: i64, expires_at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached("UPDATE outbox SET code_expires_at = ?2 WHERE id = ?1")?
        .execute(params![id, expires_at.as_second()])?;
    Ok(())
}

/// Deletes the rows of `account`'s code mails except the one in the file `keep`; returns
/// their file names, to be removed once the transaction commits.
pub fn take_code_mails(conn: &Connection, account: AccountId, keep: Option<&str>) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM outbox WHERE account_id = ?1 AND code_expires_at IS NOT NULL AND eml_file IS NOT ?2
         RETURNING eml_file",
    )?;
    let names = stmt.query_map(params![account.0, keep], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(names)
}

/// Deletes the rows of every code mail whose code has expired at `now`; returns their file names.
pub fn take_expired_code_mails(conn: &Connection, now: Timestamp) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("DELETE FROM outbox WHERE code_expires_at <= ?1 RETURNING eml_file")?;
    let names = stmt.query_map([now.as_second()], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(names)
}

/// Mails, newest first, optionally only those to `to` (any case), at most `limit`
/// (`usize::MAX`: all of them).
pub fn list(conn: &Connection, to: Option<&str>, limit: usize) -> StoreResult<Vec<MailRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, to_addr, subject, body, created_at, eml_file FROM outbox
         WHERE ?1 IS NULL OR to_addr = ?1 COLLATE NOCASE
         ORDER BY created_at DESC, id DESC LIMIT ?2",
    )?;
    // SQLite reads a negative LIMIT as "no limit".
    let rows = stmt.query_map(params![to.map(str::trim), i64::try_from(limit).unwrap_or(-1)], |row| {
        Ok(MailRow {
            id: row.get(0)?,
            account: row.get::<_, Option<i64>>(1)?.map(AccountId),
            to: row.get(2)?,
            subject: row.get(3)?,
            body: row.get(4)?,
            created_at: from_unix(row.get(5)?),
            eml_file: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
