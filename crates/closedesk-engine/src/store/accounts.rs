//! Named queries about customer accounts.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::{StoreError, StoreResult};
use crate::core::time::from_unix;
use crate::core::{AccountId, AccountRef, AccountStatus};

/// A customer account's profile.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AccountRow {
    /// The account's id.
    pub id: AccountId,
    /// The name shown on the marketplace.
    pub display_name: String,
    /// The registered email address.
    pub email: String,
    /// The phone number, if one was given.
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// When the account was registered.
    pub created_at: Timestamp,
    /// Where the account is in its life.
    pub status: AccountStatus,
}

/// What is needed to register an account.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    /// The name shown on the marketplace.
    pub display_name: &'a str,
    /// The registered email address; unique regardless of case.
    pub email: &'a str,
    /// The phone number, if any.
    pub phone: Option<&'a str>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: &'a str,
    /// When the account was registered.
    pub created_at: Timestamp,
    /// The argon2id PHC string of the password.
    pub password_phc: &'a str,
}

pub(crate) const ACCOUNT_COLUMNS: &str = "id, display_name, email, phone, country, created_at, status";

pub(crate) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<AccountRow> {
    let status: String = row.get(6)?;
    Ok(AccountRow {
        id: AccountId(row.get(0)?),
        display_name: row.get(1)?,
        email: row.get(2)?,
        phone: row.get(3)?,
        country: row.get(4)?,
        created_at: from_unix(row.get(5)?),
        status: status
            .parse()
            .map_err(|err| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(err)))?,
    })
}

/// Registers an account with its password; an email already taken (in any case) is a conflict.
pub fn insert_account(conn: &Connection, account: &NewAccount<'_>) -> StoreResult<AccountId> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO accounts (display_name, email, phone, country, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            account.display_name,
            account.email,
            account.phone,
            account.country,
            account.created_at.as_second()
        ]);
    match inserted {
        Ok(_) => {}
        Err(err) if err.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            return Err(StoreError::Conflict("an account with this email already exists".to_owned()));
        }
        Err(err) => return Err(err.into()),
    }
    let id = AccountId(conn.last_insert_rowid());
    conn.prepare_cached("INSERT INTO credentials (account_id, password_phc, updated_at) VALUES (?1, ?2, ?3)")?
        .execute(params![id.0, account.password_phc, account.created_at.as_second()])?;
    Ok(id)
}

/// The account an id or email names, if it exists.
pub fn find_account(conn: &Connection, which: &AccountRef) -> StoreResult<Option<AccountRow>> {
    let row = match which {
        AccountRef::Id(id) => conn
            .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"))?
            .query_row([id.0], account_from_row)
            .optional()?,
        AccountRef::Email(email) => conn
            .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = ?1"))?
            .query_row([email.trim()], account_from_row)
            .optional()?,
    };
    Ok(row)
}

/// Like [`find_account`], but a missing account is an error: [`StoreError::Purged`] for an id
/// whose account was purged, [`StoreError::NotFound`] otherwise.
pub fn get_account(conn: &Connection, which: &AccountRef) -> StoreResult<AccountRow> {
    if let Some(account) = find_account(conn, which)? {
        return Ok(account);
    }
    // A purged account's email is gone with it: only an id can still be recognised.
    if let AccountRef::Id(id) = which
        && let Some(closed_at) = purged_at(conn, *id)?
    {
        return Err(StoreError::Purged { account: *id, closed_at });
    }
    Err(StoreError::NotFound(describe(which)))
}

/// When account `id` was purged, if it was: only its tombstone remains.
pub fn purged_at(conn: &Connection, id: AccountId) -> StoreResult<Option<Timestamp>> {
    let closed_at: Option<i64> = conn
        .prepare_cached("SELECT closed_at FROM tombstones WHERE account_id = ?1")?
        .query_row([id.0], |row| row.get(0))
        .optional()?;
    Ok(closed_at.map(from_unix))
}

/// `account 12` or `the account with that email`: names an account without echoing an email.
pub fn describe(which: &AccountRef) -> String {
    match which {
        AccountRef::Id(id) => format!("account {id}"),
        AccountRef::Email(_) => "the account with that email".to_owned(),
    }
}

/// What [`list_accounts`] returns.
#[derive(Clone, Debug, Default)]
pub struct AccountFilter<'a> {
    /// Text found in the email or name, an exact account id, or an exact order number.
    pub search: Option<&'a str>,
    /// Only accounts in this state.
    pub status: Option<AccountStatus>,
    /// At most this many rows (`usize::MAX`: all of them).
    pub limit: usize,
}

/// Accounts matching `filter`: with search text, best matches first (see
/// [`super::search::search_accounts`]); without, ordered by id.
pub fn list_accounts(conn: &Connection, filter: &AccountFilter<'_>) -> StoreResult<Vec<AccountRow>> {
    if let Some(text) = filter.search.map(str::trim).filter(|s| !s.is_empty()) {
        return super::search::search_accounts(conn, text, filter.status, filter.limit);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE ?1 IS NULL OR status = ?1 ORDER BY id LIMIT ?2"
    ))?;
    // SQLite reads a negative LIMIT as "no limit": a limit beyond i64 is none.
    let limit = i64::try_from(filter.limit).unwrap_or(-1);
    let rows = stmt.query_map(params![filter.status.map(AccountStatus::as_str), limit], account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many accounts match `filter` in all, whatever its limit: what a listing cut at the
/// limit says it left out.
pub fn count_accounts(conn: &Connection, filter: &AccountFilter<'_>) -> StoreResult<u64> {
    if let Some(text) = filter.search.map(str::trim).filter(|s| !s.is_empty()) {
        return super::search::count_accounts(conn, text, filter.status);
    }
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM accounts WHERE ?1 IS NULL OR status = ?1")?
        .query_row(params![filter.status.map(AccountStatus::as_str)], |row| row.get(0))?;
    Ok(count as u64)
}

/// How many rows an account holds in each table, for the first overview.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AccountCounts {
    /// Orders placed.
    pub orders: i64,
    /// Items across all orders.
    pub order_items: i64,
    /// Shipping addresses.
    pub addresses: i64,
    /// Saved payment methods.
    pub payment_methods: i64,
    /// Conversations with sellers.
    pub conversations: i64,
    /// Messages in those conversations.
    pub messages: i64,
    /// Disputes, whatever their state.
    pub disputes: i64,
    /// Balance ledger entries.
    pub ledger_entries: i64,
    /// Reviews left for sellers.
    pub reviews: i64,
    /// Coupons and member benefits.
    pub coupons: i64,
    /// Email and notification subscriptions.
    pub subscriptions: i64,
    /// Mail sent to the account.
    pub mail: i64,
    /// Audit events about the account.
    pub audit_events: i64,
}

impl AccountCounts {
    /// `(label, count)` pairs in display order.
    pub fn labelled(&self) -> [(&'static str, i64); 13] {
        [
            ("Orders", self.orders),
            ("Order items", self.order_items),
            ("Shipping addresses", self.addresses),
            ("Payment methods", self.payment_methods),
            ("Conversations", self.conversations),
            ("Messages", self.messages),
            ("Disputes", self.disputes),
            ("Balance entries", self.ledger_entries),
            ("Reviews", self.reviews),
            ("Coupons and benefits", self.coupons),
            ("Subscriptions", self.subscriptions),
            ("Mail received", self.mail),
            ("Audit events", self.audit_events),
        ]
    }
}

/// Counts the rows an account holds in every table, using the per-account indexes.
pub fn account_counts(conn: &Connection, id: AccountId) -> StoreResult<AccountCounts> {
    let count = |sql: &str| -> StoreResult<i64> { Ok(conn.prepare_cached(sql)?.query_row([id.0], |r| r.get(0))?) };
    Ok(AccountCounts {
        orders: count("SELECT count(*) FROM orders WHERE account_id = ?1")?,
        order_items: count(
            "SELECT count(*) FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE account_id = ?1)",
        )?,
        addresses: count("SELECT count(*) FROM addresses WHERE account_id = ?1")?,
        payment_methods: count("SELECT count(*) FROM payment_methods WHERE account_id = ?1")?,
        conversations: count("SELECT count(*) FROM conversations WHERE account_id = ?1")?,
        messages: count(
            "SELECT count(*) FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)",
        )?,
        disputes: count("SELECT count(*) FROM disputes WHERE account_id = ?1")?,
        ledger_entries: count("SELECT count(*) FROM ledger_entries WHERE account_id = ?1")?,
        reviews: count("SELECT count(*) FROM reviews WHERE account_id = ?1")?,
        coupons: count("SELECT count(*) FROM coupons WHERE account_id = ?1")?,
        subscriptions: count("SELECT count(*) FROM subscriptions WHERE account_id = ?1")?,
        mail: count("SELECT count(*) FROM outbox WHERE account_id = ?1")?,
        audit_events: count("SELECT count(*) FROM audit_events WHERE account_id = ?1")?,
    })
}

/// The account id and stored password of the account registered under `email`.
pub fn credential_by_email(conn: &Connection, email: &str) -> StoreResult<Option<(AccountId, AccountStatus, String)>> {
    let row = conn
        .prepare_cached(
            "SELECT a.id, a.status, c.password_phc FROM accounts a JOIN credentials c ON c.account_id = a.id
             WHERE a.email = ?1",
        )?
        .query_row([email.trim()], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })
        .optional()?;
    let Some((id, status, phc)) = row else {
        return Ok(None);
    };
    let status = status.parse().map_err(|_| StoreError::Conflict(format!("account {id} has an unknown status")))?;
    Ok(Some((AccountId(id), status, phc)))
}

/// Replaces an account's password.
pub fn set_password(conn: &Connection, id: AccountId, password_phc: &str, now: Timestamp) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE credentials SET password_phc = ?2, updated_at = ?3 WHERE account_id = ?1")?
        .execute(params![id.0, password_phc, now.as_second()])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("account {id}")));
    }
    Ok(())
}

/// The stored password of an account (for tests and re-verification).
pub fn password_phc(conn: &Connection, id: AccountId) -> StoreResult<String> {
    conn.prepare_cached("SELECT password_phc FROM credentials WHERE account_id = ?1")?
        .query_row([id.0], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("account {id}")))
}

/// A confirmed closure waiting for its grace period to end.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClosureRow {
    /// When the customer confirmed the closure.
    pub requested_at: Timestamp,
    /// The earliest instant the account may be purged.
    pub purge_after: Timestamp,
    /// Why the customer closed the account (a fixed code).
    pub reason_code: String,
}

/// The pending closure of an account, if there is one.
pub fn closure_request(conn: &Connection, id: AccountId) -> StoreResult<Option<ClosureRow>> {
    Ok(conn
        .prepare_cached("SELECT requested_at, purge_after, reason_code FROM closure_requests WHERE account_id = ?1")?
        .query_row([id.0], |row| {
            Ok(ClosureRow {
                requested_at: from_unix(row.get(0)?),
                purge_after: from_unix(row.get(1)?),
                reason_code: row.get(2)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_account(email: &str) -> NewAccount<'_> {
        NewAccount {
            display_name: "Test Person",
            email,
            phone: None,
            country: "DE",
            created_at: Timestamp::UNIX_EPOCH,
            password_phc: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
        }
    }

    #[test]
    fn a_purged_accounts_id_is_never_given_to_a_new_account() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("ids.db")).unwrap();
        let first = insert_account(&conn, &new_account("first@example.test")).unwrap();
        conn.execute("DELETE FROM accounts WHERE id = ?1", [first.0]).unwrap();
        let second = insert_account(&conn, &new_account("second@example.test")).unwrap();
        assert!(second > first);
    }

    #[test]
    fn emails_are_unique_whatever_their_case() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("unique.db")).unwrap();
        insert_account(&conn, &new_account("Sam@Example.test")).unwrap();
        let err = insert_account(&conn, &new_account("sam@example.TEST")).unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        let found = find_account(&conn, &AccountRef::Email("SAM@example.test".into())).unwrap();
        assert!(found.is_some());
    }
}
