//! Reading an account's dashboards: what the window asks its workers for, and what comes back.
//!
//! Each request is a plain value that the window's job runner runs on a named worker thread
//! with [`OverviewRequest::run`] and friends; the answer carries the request's ticket, so that
//! the screen keeps only answers to what it still asks (not those of a filter typed over since,
//! of an account closed since, or from before a reload).
//!
//! Every request names who asks ([`Principal`]): the worker checks against the database that
//! they may view the account before it reads a row, so a hidden button is never the only
//! guard, and an agent disabled since signing in reads nothing. A request that names nobody
//! reads only a backup file, which whoever holds it may open.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use rusqlite::Connection;

use super::ServiceResult;
use super::access::authorize;
use crate::core::AccountId;
use crate::core::permissions::{Action, Principal};
use crate::store::StoreResult;
use crate::store::dashboard::{self, open_reader};

pub use crate::store::accounts::AccountCounts;
pub use crate::store::dashboard::{
    Filter, ListColumn, Listing, MonthTotal, Query, Row, Snapshot, Sort, Source, Summary, Value, ValueKind, load_backup,
};

/// Rows fetched together: the unit of the row cache.
pub const WINDOW_ROWS: usize = 100;

/// Hands out tickets unique for the whole run, so that an answer can never be mistaken for
/// the answer to another request, even one made by another screen.
pub fn next_ticket() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Runs `work` on `source` once `principal` may read `account` there. A backup file is read
/// by whoever holds it (the sign-in screen opens one before anyone signs in); the live
/// database only by a signed-in principal allowed, as the database says now, to view the account.
fn read<T>(
    source: &Source,
    live: &Path,
    principal: Option<Principal>,
    account: AccountId,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> ServiceResult<T> {
    match source {
        Source::Snapshot(_) => Ok(source.read(live, work)?),
        Source::Live => {
            let conn = open_reader(live)?;
            authorize(&conn, principal, Action::ViewAccount(account))?;
            Ok(work(&conn)?)
        }
    }
}

/// Load the overview tab of an account.
#[derive(Clone, Debug)]
pub struct OverviewRequest {
    /// Tells the answer apart.
    pub ticket: u64,
    /// The account.
    pub account: AccountId,
    /// The live database or a backup.
    pub source: Source,
    /// The instant the overview describes.
    pub now: Timestamp,
    /// Who asks: checked against the account before anything is read (`None` only for a backup).
    pub principal: Option<Principal>,
    /// Mask the profile's personal data on the worker (an agent's screen before a reveal).
    pub masked: bool,
}

/// The overview of an account, or why it could not be read.
#[derive(Debug)]
pub struct OverviewLoaded {
    /// The request's ticket.
    pub ticket: u64,
    /// The overview (boxed: it is much larger than the other results).
    pub result: ServiceResult<Box<Summary>>,
}

impl OverviewRequest {
    /// Reads the overview, if the principal may view the account; `live` is the database file
    /// for [`Source::Live`].
    pub fn run(self, live: &Path) -> OverviewLoaded {
        let result = read(&self.source, live, self.principal, self.account, |conn| {
            dashboard::summary(conn, self.account, self.now)
        })
        .map(Box::new);
        OverviewLoaded { ticket: self.ticket, result }
    }
}

/// Load windows of a listing's rows, and how many rows match.
#[derive(Clone, Debug)]
pub struct RowsRequest {
    /// Tells the answer apart.
    pub ticket: u64,
    /// The account.
    pub account: AccountId,
    /// The live database or a backup.
    pub source: Source,
    /// The table.
    pub listing: Listing,
    /// Its filter and order.
    pub query: Query,
    /// What "expired" is judged against.
    pub now: Timestamp,
    /// Whether to count the matching rows too.
    pub count: bool,
    /// The windows wanted (window `n` is rows `n * WINDOW_ROWS ..`).
    pub windows: Vec<usize>,
    /// Who asks: checked against the account before anything is read (`None` only for a backup).
    pub principal: Option<Principal>,
    /// The rows are shown masked: personal columns are masked on the worker, and the text
    /// filter does not search them.
    pub masked: bool,
}

/// Loaded windows: each window's index and its rows.
pub type Windows = Vec<(usize, Vec<Row>)>;

/// Windows of a listing's rows.
#[derive(Debug)]
pub struct RowsLoaded {
    /// The request's ticket.
    pub ticket: u64,
    /// The table.
    pub listing: Listing,
    /// The matching rows, if counting was asked for, and the windows asked for.
    pub result: ServiceResult<(Option<u64>, Windows)>,
}

impl RowsRequest {
    /// Counts and reads the windows in one read transaction, so they agree with each other,
    /// if the principal may view the account.
    pub fn run(mut self, live: &Path) -> RowsLoaded {
        self.query.filter.masked = self.masked;
        let result = read(&self.source, live, self.principal, self.account, |conn| {
            let snapshot = conn.unchecked_transaction()?;
            let count = if self.count {
                Some(dashboard::count(&snapshot, self.account, self.listing, &self.query.filter, self.now)?)
            } else {
                None
            };
            let mut windows = Vec::with_capacity(self.windows.len());
            for window in &self.windows {
                let start = (window * WINDOW_ROWS) as u64;
                let rows = dashboard::page(
                    &snapshot,
                    self.account,
                    self.listing,
                    &self.query,
                    self.now,
                    start..start + WINDOW_ROWS as u64,
                )?;
                windows.push((*window, rows));
            }
            // Reads only: ending the transaction either way changes nothing.
            snapshot.rollback()?;
            Ok((count, windows))
        });
        RowsLoaded { ticket: self.ticket, listing: self.listing, result }
    }
}

/// Load the children of one row: an order's items, a conversation's messages.
#[derive(Clone, Debug)]
pub struct ChildrenRequest {
    /// Tells the answer apart.
    pub ticket: u64,
    /// The account the parent row belongs to.
    pub account: AccountId,
    /// Who asks: checked against the account before anything is read (`None` only for a backup).
    pub principal: Option<Principal>,
    /// The live database or a backup.
    pub source: Source,
    /// The table of the parent row.
    pub listing: Listing,
    /// The parent row's id.
    pub parent: i64,
}

/// The children of one row.
#[derive(Debug)]
pub struct ChildrenLoaded {
    /// The request's ticket.
    pub ticket: u64,
    /// The table of the parent row.
    pub listing: Listing,
    /// The children, in order.
    pub result: ServiceResult<Vec<Row>>,
}

impl ChildrenRequest {
    /// Reads the children, if the principal may view the account.
    pub fn run(self, live: &Path) -> ChildrenLoaded {
        let result = read(&self.source, live, self.principal, self.account, |conn| {
            dashboard::children(conn, self.account, self.listing, self.parent)
        });
        ChildrenLoaded { ticket: self.ticket, listing: self.listing, result }
    }
}
