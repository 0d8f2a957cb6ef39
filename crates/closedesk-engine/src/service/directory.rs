//! The accounts as the command line lists and shows them, and a customer's password set by
//! the database file's owner: each read checked like the agent desk's, each change audited.

use jiff::Timestamp;
use rusqlite::Connection;

use super::ServiceResult;
use super::access::{Acting, authorize_acting};
use crate::auth::{Secret, password};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::permissions::Action;
use crate::core::{AccountId, AccountRef};
use crate::store::{self, accounts, audit};

pub use crate::store::accounts::{AccountCounts, AccountFilter, AccountRow, ClosureRow};

/// Rows read up to a limit, and how many there are in all (not `dashboard::Listing`, which
/// names a dashboard table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted<T> {
    /// The rows, at most the limit asked for.
    pub rows: Vec<T>,
    /// How many rows match, shown or not.
    pub total: u64,
}

impl<T> Counted<T> {
    /// `rows` read with `limit`, counted by `count` only when the listing is full: a shorter one
    /// holds them all.
    pub(super) fn of(
        rows: Vec<T>,
        limit: usize,
        count: impl FnOnce() -> store::StoreResult<u64>,
    ) -> ServiceResult<Self> {
        let total = if rows.len() < limit { rows.len() as u64 } else { count()?.max(rows.len() as u64) };
        Ok(Self { rows, total })
    }

    /// Whether rows were left out.
    pub fn is_cut(&self) -> bool {
        (self.rows.len() as u64) < self.total
    }
}

/// One account with what it holds and its pending closure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    /// The account.
    pub account: AccountRow,
    /// The rows it holds, per table.
    pub counts: AccountCounts,
    /// Its pending closure, if any.
    pub closure: Option<ClosureRow>,
}

/// The accounts matching `filter`, with their total.
pub fn list(conn: &Connection, acting: Acting, filter: &AccountFilter<'_>) -> ServiceResult<Counted<AccountRow>> {
    authorize_acting(conn, acting, Action::SearchCustomers)?;
    let rows = accounts::list_accounts(conn, filter)?;
    Counted::of(rows, filter.limit, || accounts::count_accounts(conn, filter))
}

/// The account `which` names (an id or an email), if `acting` may see it.
pub fn find(conn: &Connection, acting: Acting, which: &AccountRef) -> ServiceResult<AccountRow> {
    let account = accounts::get_account(conn, which)?;
    authorize_acting(conn, acting, Action::ViewAccount(account.id))?;
    Ok(account)
}

/// The account `which` names, with its counts and pending closure.
pub fn show(conn: &Connection, acting: Acting, which: &AccountRef) -> ServiceResult<AccountView> {
    let account = find(conn, acting, which)?;
    let counts = accounts::account_counts(conn, account.id)?;
    let closure = accounts::closure_request(conn, account.id)?;
    Ok(AccountView { account, counts, closure })
}

/// Sets a new password for the account `which` names (argon2 here: not on a UI thread); only
/// the database file's owner does this, and the trail names `system`.
pub fn set_password(
    conn: &mut Connection,
    which: &AccountRef,
    new_password: &Secret,
    now: Timestamp,
) -> ServiceResult<AccountId> {
    let account = accounts::get_account(conn, which)?;
    let phc = password::hash_new(new_password)?;
    store::write(conn, |tx| {
        accounts::set_password(tx, account.id, &phc, now)?;
        let event =
            AuditEvent { account: Some(account.id), actor: Actor::System, action: "password_set", outcome: "ok" };
        audit::record(tx, &event, now)
    })?;
    Ok(account.id)
}
