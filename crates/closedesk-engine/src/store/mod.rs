//! The only module that speaks SQL: connection set-up, migrations and named queries.

pub mod accounts;
pub mod agents;
pub mod audit;
pub mod closure;
pub mod copies;
pub mod dashboard;
mod error;
pub mod export;
pub mod holdings;
pub mod ledger;
pub mod migrations;
mod name_pairs;
pub mod open;
pub mod outbox;
#[cfg(test)]
mod personal_tests;
pub mod purge;
pub mod queue;
pub mod records;
pub mod restored;
pub mod reveal;
pub mod scan;
pub mod search;
pub mod sign_in;
pub mod subscriptions;

pub use error::{StoreError, StoreResult};
pub use open::{
    Opened, check_file_writable, check_writable, create_empty, open_existing, open_or_create, open_or_create_with,
    open_read_only,
};

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two
/// writers queue on the busy timeout instead of failing half-way.
pub fn write<T>(conn: &mut Connection, work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>) -> StoreResult<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = work(&tx)?;
    tx.commit()?;
    Ok(value)
}
