//! The database the export and purge benchmarks share: a few ordinary customers with 50
//! orders each, and one customer with a very large order history.

use closedesk::core::AccountId;
use closedesk::store::accounts::{NewAccount, insert_account};
use jiff::Timestamp;
use rusqlite::{Connection, params};

/// Every large account's orders have this many items.
pub const ITEMS_PER_ORDER: i64 = 2;

/// When the accounts were opened; the orders follow a minute apart.
pub const CREATED: i64 = 1_700_000_000;

/// Inserts `others` ordinary customers and then one with `orders` orders, each with
/// [`ITEMS_PER_ORDER`] items, an address and a card; returns the large one's id.
///
/// Every customer's phone and street differ, so a purge's byte scan has values of its own to
/// look for; seller names carry quotes and item titles commas, which exports must escape.
pub fn fill(conn: &mut Connection, others: i64, orders: i64) -> Result<AccountId, Box<dyn std::error::Error>> {
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
    let mut ordinary = Vec::new();
    for n in 0..others {
        ordinary.push(account(n)?);
    }
    let big = account(others)?;

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
        let mut add_orders = |account: AccountId, count: i64| -> rusqlite::Result<()> {
            address.execute(params![account.0, format!("Recipient {account}"), format!("{account} Bench Street")])?;
            let address_id = tx.last_insert_rowid();
            for k in 0..count {
                order.execute(params![
                    account.0,
                    format!("B{account}-{k:07}"),
                    CREATED + k * 60,
                    format!("Seller \"{}\" Official Store", k % 97),
                    1_000 + k % 5_000,
                    address_id
                ])?;
                let order_id = tx.last_insert_rowid();
                for i in 0..ITEMS_PER_ORDER {
                    item.execute(params![order_id, format!("Item {} of order {k}, size M", i + 1), 500 + i])?;
                }
            }
            Ok(())
        };
        for other in &ordinary {
            add_orders(*other, 50)?;
        }
        add_orders(big, orders)?;
    }
    tx.execute(
        "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
         VALUES (?1, 'visa', '4821', 7, 2031, ?2)",
        params![big.0, CREATED],
    )?;
    tx.commit()?;
    Ok(big)
}
