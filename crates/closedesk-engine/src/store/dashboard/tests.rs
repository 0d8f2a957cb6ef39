use jiff::Timestamp;
use rusqlite::Connection;

use super::*;
use crate::core::{AccountRef, Currency, OrderStatus};
use crate::demo::{DEMO_ACCOUNTS, DemoAccount};
use crate::store::accounts::{self, NewAccount};
use crate::store::records::{self, NewOrder};

fn now() -> Timestamp {
    "2026-03-15T12:00:00Z".parse().unwrap()
}

fn demo_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let (conn, _) = crate::demo::open_or_create_with_demo(&dir.path().join("demo.db"), now()).unwrap();
    (dir, conn)
}

fn demo_id(conn: &Connection, demo: &DemoAccount) -> AccountId {
    accounts::get_account(conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id
}

/// An account with `n` orders whose totals, statuses and sellers vary with their number.
fn account_with_orders(conn: &mut Connection, n: i64) -> AccountId {
    let tx = conn.transaction().unwrap();
    let account = accounts::insert_account(
        &tx,
        &NewAccount {
            display_name: "Paging Person",
            email: "paging@example.test",
            phone: None,
            country: "DE",
            created_at: Timestamp::from_second(1_600_000_000).unwrap(),
            password_phc: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
        },
    )
    .unwrap();
    for i in 0..n {
        let status = OrderStatus::ALL[(i % 7) as usize];
        let number = format!("PG-{i:05}");
        let seller = if i % 10 == 3 { "100% Cotton_Shop".to_owned() } else { format!("Seller {}", i % 4) };
        let order = records::insert_order(
            &tx,
            &NewOrder {
                account,
                order_number: &number,
                placed_at: Timestamp::from_second(1_700_000_000 + i * 3_600).unwrap(),
                status,
                seller: &seller,
                total_minor: (i * 7_919) % 10_000,
                currency: "EUR",
                address_id: None,
            },
        )
        .unwrap();
        let title = if i == 42 { "Brass lamp" } else { "Widget" };
        records::insert_order_item(&tx, order, title, 2, (i * 7_919) % 10_000 / 2).unwrap();
    }
    tx.commit().unwrap();
    account
}

fn text(row: &Row, column: usize) -> &str {
    row.cells[column].as_text().unwrap_or_default()
}

#[test]
fn windows_of_the_orders_tab_cover_every_order_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = crate::store::create_empty(&dir.path().join("paging.db")).unwrap();
    let account = account_with_orders(&mut conn, 250);
    let sort = Sort { column: 4, descending: true };

    let mut seen = Vec::new();
    for offset in (0..300).step_by(100) {
        seen.extend(orders_page(&conn, account, &Filter::default(), &sort, offset, 100).unwrap());
    }
    assert_eq!(seen.len(), 250, "the last window is short and nothing repeats");
    assert_eq!(orders_count(&conn, account, &Filter::default()).unwrap(), 250);
    let totals: Vec<i64> = seen.iter().map(|row| row.cells[4].as_money().unwrap().amount_minor).collect();
    assert!(totals.windows(2).all(|pair| pair[0] >= pair[1]), "largest first");
    let mut ids: Vec<i64> = seen.iter().map(|row| row.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    assert!(seen.iter().all(|row| row.children == 1), "each order has one item");
    assert!(orders_page(&conn, account, &Filter::default(), &sort, 300, 100).unwrap().is_empty());
}

#[test]
fn status_and_text_filters_narrow_the_rows_and_the_count_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = crate::store::create_empty(&dir.path().join("filter.db")).unwrap();
    let account = account_with_orders(&mut conn, 140);
    let sort = Sort::default_for(Listing::Orders);

    let in_transit = Filter::statuses(&["in_transit"]);
    let rows = orders_page(&conn, account, &in_transit, &sort, 0, 1_000).unwrap();
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|row| text(row, 2) == "Shipped / in transit"));
    assert_eq!(orders_count(&conn, account, &in_transit).unwrap(), 20);

    let two = Filter::statuses(&["pending", "awaiting_payment", "not-a-status"]);
    assert_eq!(orders_count(&conn, account, &two).unwrap(), 40, "unknown statuses are ignored");

    // LIKE's wildcards are taken literally: "100%" finds only the seller with that name.
    let literal = Filter { text: "100% cotton_".to_owned(), statuses: Vec::new(), masked: false };
    assert_eq!(orders_count(&conn, account, &literal).unwrap(), 14);
    let by_item = Filter { text: "brass".to_owned(), statuses: Vec::new(), masked: false };
    let rows = orders_page(&conn, account, &by_item, &sort, 0, 10).unwrap();
    assert_eq!(rows.iter().map(|row| text(row, 0)).collect::<Vec<_>>(), ["PG-00042"], "item titles are searched");
    let two_words = Filter { text: "seller pg-0001".to_owned(), statuses: Vec::new(), masked: false };
    assert_eq!(orders_count(&conn, account, &two_words).unwrap(), 9, "every word must match");
}

#[test]
fn sorting_on_each_column_orders_the_rows_and_ties_break_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = crate::store::create_empty(&dir.path().join("sort.db")).unwrap();
    let account = account_with_orders(&mut conn, 60);
    let numbers = |sort: Sort| -> Vec<String> {
        orders_page(&conn, account, &Filter::default(), &sort, 0, 100)
            .unwrap()
            .iter()
            .map(|row| text(row, 0).to_owned())
            .collect()
    };
    let ascending = numbers(Sort { column: 0, descending: false });
    let mut expected = ascending.clone();
    expected.sort();
    assert_eq!(ascending, expected);
    let descending = numbers(Sort { column: 0, descending: true });
    assert_eq!(descending, expected.iter().rev().cloned().collect::<Vec<_>>());

    let by_status =
        orders_page(&conn, account, &Filter::default(), &Sort { column: 2, descending: false }, 0, 100).unwrap();
    assert_eq!(text(&by_status[0], 2), "Awaiting payment", "statuses sort in the order of an order's life");
    assert_eq!(text(&by_status[59], 2), "Refunded");
}

#[test]
fn an_order_expands_to_its_items_priced_in_its_currency() {
    let (_dir, conn) = demo_db();
    let demo = &DEMO_ACCOUNTS[0];
    let account = demo_id(&conn, demo);
    let rows = page(&conn, account, Listing::Orders, &Query::default_for(Listing::Orders), now(), 0..100).unwrap();
    let oldest = rows.last().unwrap();
    assert_eq!(oldest.children, 2);
    let items = children(&conn, account, Listing::Orders, oldest.id).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(text(&items[0], 0), "LED fairy lights, 10 m, warm white");
    assert_eq!(items[0].cells[1], Value::Integer(2));
    let eur = Currency::new("EUR").unwrap();
    assert_eq!(items[0].cells[3], Value::Money(Money::new(1_798, eur)));
    assert!(children(&conn, account, Listing::Addresses, oldest.id).unwrap().is_empty());
    let other = demo_id(&conn, &DEMO_ACCOUNTS[1]);
    assert!(children(&conn, other, Listing::Orders, oldest.id).unwrap().is_empty(), "not across accounts");
}

#[test]
fn a_masked_filter_does_not_match_personal_columns() {
    let (_dir, conn) = demo_db();
    let account = demo_id(&conn, &DEMO_ACCOUNTS[0]);
    let street = page(&conn, account, Listing::Addresses, &Query::default_for(Listing::Addresses), now(), 0..10)
        .unwrap()
        .iter()
        .find_map(|row| row.cells[1].as_text().map(str::to_owned))
        .unwrap();
    let word = street.split_whitespace().find(|word| word.chars().all(char::is_alphabetic) && word.len() > 3).unwrap();
    let mut filter = Filter { text: word.to_owned(), statuses: Vec::new(), masked: false };
    assert!(count(&conn, account, Listing::Addresses, &filter, now()).unwrap() > 0, "{word}");
    filter.masked = true;
    assert_eq!(count(&conn, account, Listing::Addresses, &filter, now()).unwrap(), 0, "{word} while masked");

    // The mail's recipient and body (which may hold a one-time code) are not searched either;
    // its subject is.
    let mail = crate::store::outbox::NewMail {
        account,
        to: DEMO_ACCOUNTS[0].email,
        subject: "Your closure code",
        body: "Your code: 123456",
        created_at: now(),
        eml_file: "1.eml",
    };
    crate::store::outbox::insert(&conn, &mail).unwrap();
    for (text, unmasked, masked) in [("laurent", 1, 0), ("123456", 1, 0), ("closure", 1, 1)] {
        let mut filter = Filter { text: text.to_owned(), statuses: Vec::new(), masked: false };
        assert_eq!(count(&conn, account, Listing::Mail, &filter, now()).unwrap(), unmasked, "{text}");
        filter.masked = true;
        assert_eq!(count(&conn, account, Listing::Mail, &filter, now()).unwrap(), masked, "{text} while masked");
    }
}

#[test]
fn personal_columns_are_among_the_searched_ones() {
    for listing in Listing::ALL {
        let spec = listing.spec();
        assert!(spec.personal.iter().all(|column| spec.text.contains(column)), "{listing}");
    }
}

#[test]
fn every_listing_pages_counts_sorts_and_filters_on_the_demo_set() {
    let (_dir, conn) = demo_db();
    for demo in DEMO_ACCOUNTS {
        let account = demo_id(&conn, demo);
        for listing in Listing::ALL {
            let all = count(&conn, account, listing, &Filter::default(), now()).unwrap();
            for (column, spec) in listing.columns().iter().enumerate() {
                for descending in [false, true] {
                    let query = Query { filter: Filter::default(), sort: Sort { column, descending } };
                    let rows = page(&conn, account, listing, &query, now(), 0..1_000).unwrap();
                    assert_eq!(rows.len() as u64, all, "{listing} sorted by {}", spec.title);
                    assert!(rows.iter().all(|row| row.cells.len() == listing.columns().len()));
                }
            }
            if let Some(status) = listing.status_filter() {
                let per_status: u64 = status
                    .choices
                    .iter()
                    .map(|choice| count(&conn, account, listing, &Filter::statuses(&[choice.value]), now()).unwrap())
                    .sum();
                assert_eq!(per_status, all, "{listing}: each row has exactly one {}", status.title);
            }
            let nothing = Filter { text: "no-such-text-anywhere".to_owned(), statuses: Vec::new(), masked: false };
            assert_eq!(count(&conn, account, listing, &nothing, now()).unwrap(), 0, "{listing}");
        }
    }
}

#[test]
fn payment_methods_show_brand_last_four_and_expiry_only() {
    let (_dir, conn) = demo_db();
    let account = demo_id(&conn, &DEMO_ACCOUNTS[0]);
    let query = Query { filter: Filter::default(), sort: Sort { column: 0, descending: true } };
    let rows = page(&conn, account, Listing::PaymentMethods, &query, now(), 0..10).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(text(&rows[0], 0), "Visa");
    assert_eq!(text(&rows[0], 1), "•••• 4417");
    assert_eq!(text(&rows[0], 2), "09/2028");
    assert_eq!(text(&rows[0], 3), "Valid");
    assert_eq!(text(&rows[1], 3), "Expired", "the Mastercard expired last year");
}

#[test]
fn the_summary_adds_up_to_the_rows_and_names_the_readiness_verdict() {
    let (_dir, conn) = demo_db();
    for demo in DEMO_ACCOUNTS {
        let account = demo_id(&conn, demo);
        let summary = summary(&conn, account, now()).unwrap();
        assert_eq!(summary.account.email, demo.email);
        let by_status: u64 = summary.orders_by_status.iter().map(|total| total.count).sum();
        assert_eq!(by_status as i64, summary.counts.orders);
        let spent: i64 = summary.spending.iter().map(|month| month.total.amount_minor).sum();
        let paid: i64 = conn
            .query_row(
                "SELECT coalesce(sum(total_minor), 0) FROM orders WHERE account_id = ?1
                 AND status NOT IN ('awaiting_payment', 'cancelled', 'refunded')",
                [account.0],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(spent, paid, "{}", demo.situation);
        assert_eq!(summary.readiness, crate::core::readiness::readiness(&summary.holdings));
        assert_eq!(summary.subscriptions.len(), 4);
    }
    let disputed = demo_id(&conn, DemoAccount::by_situation("open dispute").unwrap());
    let summary = summary(&conn, disputed, now()).unwrap();
    assert_eq!(summary.disputed, [Money::new(5_990, Currency::new("USD").unwrap())]);
}

#[test]
fn a_reader_cannot_write() {
    let (dir, _conn) = demo_db();
    let reader = open_reader(&dir.path().join("demo.db")).unwrap();
    let err = reader.execute("DELETE FROM orders", []).unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert!(open_reader(&dir.path().join("missing.db")).is_err(), "a reader never creates a file");
}

#[test]
fn a_backup_loaded_into_memory_answers_the_same_queries_and_stays_read_only() {
    let (dir, conn) = demo_db();
    let demo = DemoAccount::by_situation("in-transit order").unwrap();
    let account = demo_id(&conn, demo);
    let file = dir.path().join("backup.json");
    crate::backup::export_to_file(&conn, account, &file, crate::backup::Format::Json, false, now(), &|_| true).unwrap();
    let view = crate::backup::open_backup(&file).unwrap();
    let snapshot = load_backup(view.tables().iter().map(|table| (table.table, table.rows.as_slice()))).unwrap();

    let live = summary(&conn, account, now()).unwrap();
    let copy = snapshot.read(|memory| summary(memory, account, now())).unwrap();
    assert_eq!(copy, live);
    for listing in Listing::ALL {
        let query = Query::default_for(listing);
        let live_rows = page(&conn, account, listing, &query, now(), 0..1_000).unwrap();
        let copy_rows = snapshot.read(|memory| page(memory, account, listing, &query, now(), 0..1_000)).unwrap();
        assert_eq!(copy_rows, live_rows, "{listing}");
    }
    let err = snapshot.read(|memory| Ok(memory.execute("DELETE FROM orders", [])?)).unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
}

#[test]
fn a_backup_streamed_into_a_snapshot_answers_the_same_queries_and_leaves_no_file() {
    let (dir, conn) = demo_db();
    let demo = DemoAccount::by_situation("in-transit order").unwrap();
    let account = demo_id(&conn, demo);
    let live = summary(&conn, account, now()).unwrap();
    for format in [crate::backup::Format::Json, crate::backup::Format::Bundle] {
        let file = dir.path().join(format!("backup.{}", format.extension()));
        crate::backup::export_to_file(&conn, account, &file, format, false, now(), &|_| true).unwrap();
        let opened = crate::backup::open_backup_snapshot(&file).unwrap();
        assert_eq!(opened.header.account, account);
        assert_eq!(opened.profile.as_ref().map(|profile| profile.email.as_str()), Some(demo.email));
        let snapshot = opened.snapshot;
        let copy = snapshot.read(|copy| summary(copy, account, now())).unwrap();
        assert_eq!(copy, live, "{format}");
        for listing in Listing::ALL {
            let query = Query::default_for(listing);
            let live_rows = page(&conn, account, listing, &query, now(), 0..1_000).unwrap();
            let copy_rows = snapshot.read(|copy| page(copy, account, listing, &query, now(), 0..1_000)).unwrap();
            assert_eq!(copy_rows, live_rows, "{format} {listing}");
        }
        let err = snapshot.read(|copy| Ok(copy.execute("DELETE FROM orders", [])?)).unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
        let file = snapshot.file().expect("the rows are in a temporary file").to_owned();
        assert!(file.exists());
        drop(snapshot);
        assert!(!file.exists(), "closing the backup deletes its temporary file");
    }
}

#[test]
fn a_backup_that_fails_verification_is_not_streamed_into_a_snapshot() {
    let (dir, conn) = demo_db();
    let account = demo_id(&conn, DemoAccount::by_situation("in-transit order").unwrap());
    let file = dir.path().join("backup.json");
    crate::backup::export_to_file(&conn, account, &file, crate::backup::Format::Json, false, now(), &|_| true).unwrap();
    let text =
        std::fs::read_to_string(&file).unwrap().replacen("\"status\":\"in_transit\"", "\"status\":\"delivered\"", 1);
    std::fs::write(&file, text).unwrap();
    let err = crate::backup::open_backup_snapshot(&file).unwrap_err();
    assert_eq!(err.reason(), "tampered", "{err}");
}
