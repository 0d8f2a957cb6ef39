//! How long the purge of a very large account takes: one customer with 100,000 orders of two
//! items each, among a few ordinary customers. The goal is under a second, checkpoint and
//! byte scan included.
//!
//! Run with `cargo bench --bench purge`.

use std::time::Instant;

use big_account::{CREATED, ITEMS_PER_ORDER};
use closedesk::core::AccountId;
use closedesk::store::purge::{PurgeOutcome, purge_account};
use jiff::Timestamp;
use rusqlite::{Connection, params};

#[path = "support/big_account.rs"]
mod big_account;

const ORDERS: i64 = 100_000;
const OTHER_ACCOUNTS: i64 = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("closedesk.db");
    let outbox = closedesk::paths::outbox_dir(&db);
    let mut conn = closedesk::store::create_empty(&db)?;

    let filled = Instant::now();
    let big = fill(&mut conn)?;
    // Start from a settled database, as a purge days after the last order would.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let fill_ms = filled.elapsed().as_millis();

    let now = Timestamp::from_second(CREATED + 1_000_000)?;
    let started = Instant::now();
    let outcome = purge_account(&mut conn, big, now, &outbox)?;
    let purge_ms = started.elapsed().as_millis();

    let PurgeOutcome::Purged(receipt) = outcome else {
        return Err("the account was already purged".into());
    };
    println!("purge of {} orders ({} items): {purge_ms} ms", thousands(ORDERS), thousands(ORDERS * ITEMS_PER_ORDER));
    println!(
        "  rows deleted {}, checkpoint complete {}, files {:?}, values scanned {} (shared {}), hits {}; fill took {fill_ms} ms",
        receipt.rows_deleted,
        receipt.checkpoint_complete,
        receipt.scan.files_scanned,
        receipt.scan.values_checked,
        receipt.values_shared,
        receipt.scan.hits
    );
    Ok(())
}

/// `100,000`: how a person reads a count.
fn thousands(n: i64) -> String {
    closedesk::core::money::group_thousands(n.unsigned_abs())
}

/// The shared database, with the large customer's closure confirmed and its grace period over
/// by `now` in `main`; returns the large one's id.
fn fill(conn: &mut Connection) -> Result<AccountId, Box<dyn std::error::Error>> {
    let big = big_account::fill(conn, OTHER_ACCOUNTS, ORDERS)?;
    let tx = conn.transaction()?;
    tx.execute("UPDATE accounts SET status = 'closure_pending' WHERE id = ?1", [big.0])?;
    tx.execute(
        "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
         VALUES (?1, ?2, ?3, 'other', 1)",
        params![big.0, CREATED + 100_000, CREATED + 100_000 + 72 * 3_600],
    )?;
    tx.commit()?;
    Ok(big)
}
