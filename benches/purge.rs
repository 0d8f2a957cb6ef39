//! How long the purge of a very large account takes: one customer with 100,000 orders of two
//! items each, among a few ordinary customers. The goal is under a second, checkpoint and
//! byte scan included.
//!
//! Run with `cargo bench --bench purge`.

use std::time::Instant;

use closedesk::core::AccountId;
use closedesk::store::accounts::{NewAccount, insert_account};
use closedesk::store::purge::{PurgeOutcome, purge_account};
use jiff::Timestamp;
use rusqlite::{Connection, params};

const ORDERS: i64 = 100_000;
const ITEMS_PER_ORDER: i64 = 2;
const OTHER_ACCOUNTS: i64 = 5;
const CREATED: i64 = 1_700_000_000;

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

/// Inserts the ordinary customers and the very large one; returns the large one's id.
fn fill(conn: &mut Connection) -> Result<AccountId, Box<dyn std::error::Error>> {
    let tx = conn.transaction()?;
    let created_at = Timestamp::from_second(CREATED)?;
    let account = |n: i64| {
        let name = format!("Bench Customer {n}");
        let email = format!("bench.customer.{n}@example.test");
        let phone = format!("+49 30 55{n:05}");
        insert_account(
            &tx,
            &NewAccount {
                display_name: &name,
                email: &email,
                phone: Some(&phone),
                country: "DE",
                created_at,
                password_phc: "$argon2id$v=19$m=19456,t=2,p=1$bench$bench",
            },
        )
    };
    let mut others = Vec::new();
    for n in 0..OTHER_ACCOUNTS {
        others.push(account(n)?);
    }
    let big = account(OTHER_ACCOUNTS)?;

    {
        let mut address = tx.prepare(
            "INSERT INTO addresses (account_id, recipient, line1, city, postal_code, country, phone)
             VALUES (?1, ?2, ?3, 'Berlin', '10115', 'DE', '+49 40 66' || printf('%05d', ?1))",
        )?;
        let mut order = tx.prepare(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency, address_id)
             VALUES (?1, ?2, ?3, 'completed', ?4, ?5, 'EUR', ?6)",
        )?;
        let mut item =
            tx.prepare("INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, ?2, 1, ?3)")?;
        let mut add_orders = |account: AccountId, count: i64, prefix: &str| -> rusqlite::Result<()> {
            address.execute(params![account.0, format!("Recipient {account}"), format!("{account} Bench Street")])?;
            let address_id = tx.last_insert_rowid();
            for k in 0..count {
                order.execute(params![
                    account.0,
                    format!("{prefix}-{k:07}"),
                    CREATED + k,
                    format!("Seller {}", k % 97),
                    1_000 + k % 5_000,
                    address_id
                ])?;
                let order_id = tx.last_insert_rowid();
                for i in 0..ITEMS_PER_ORDER {
                    item.execute(params![order_id, format!("Item {} of order {k}", i + 1), 500 + i])?;
                }
            }
            Ok(())
        };
        for other in &others {
            add_orders(*other, 50, &format!("O{other}"))?;
        }
        add_orders(big, ORDERS, "BIG")?;
    }

    tx.execute(
        "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
         VALUES (?1, 'visa', '4821', 7, 2031, ?2)",
        params![big.0, CREATED],
    )?;
    tx.execute("UPDATE accounts SET status = 'closure_pending' WHERE id = ?1", [big.0])?;
    tx.execute(
        "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
         VALUES (?1, ?2, ?3, 'other', 1)",
        params![big.0, CREATED + 100_000, CREATED + 100_000 + 72 * 3_600],
    )?;
    tx.commit()?;
    Ok(big)
}
