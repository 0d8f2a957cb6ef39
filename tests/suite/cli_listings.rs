//! Listings say when they are cut: the table ends with "showing 100 of 1,208 accounts — …",
//! the JSON carries the total and whether the list was cut, and `--limit 0` lists all.

use std::path::{Path, PathBuf};

use crate::support::cli;

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

const T0: &str = "2026-12-01T09:00:00Z";

fn run(db: &Path, args: &[&str]) -> String {
    let output = cli::run(db, args, None, &[("CLOSEDESK_NOW", T0)]);
    assert!(output.status.success(), "{args:?}: {}", cli::text(&output.stderr));
    cli::text(&output.stdout)
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run(db, args)).unwrap()
}

/// The demo's 8 accounts and 1,200 synthetic ones.
fn seeded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    run(&db, &["init"]);
    run(&db, &["seed", "--accounts", "1200", "--orders-per-account", "0"]);
    (dir, db)
}

fn rows(table: &str) -> usize {
    // The header, then one line per row, then the note if the list was cut.
    table.lines().skip(1).filter(|line| !line.starts_with("showing ")).count()
}

const MORE: &str = "— use --limit N for more, --limit 0 for all";

#[test]
fn the_accounts_listing_says_how_many_it_left_out() {
    let (_dir, db) = seeded();
    let table = run(&db, &["accounts"]);
    assert_eq!(rows(&table), 100);
    assert_eq!(table.lines().last().unwrap(), format!("showing 100 of 1,208 accounts {MORE}"), "{table}");

    let listed = json(&db, &["accounts", "--json"]);
    assert_eq!(listed["accounts"].as_array().unwrap().len(), 100);
    assert_eq!(listed["total"], 1208);
    assert_eq!(listed["truncated"], true);

    let all = run(&db, &["accounts", "--limit", "0"]);
    assert_eq!(rows(&all), 1208);
    assert!(!all.contains("showing "), "all shown, nothing to say");
    let all = json(&db, &["accounts", "--limit", "0", "--json"]);
    assert_eq!(all["accounts"].as_array().unwrap().len(), 1208);
    assert_eq!((all["total"].as_u64(), all["truncated"].as_bool()), (Some(1208), Some(false)));

    let exact = run(&db, &["accounts", "--limit", "1208"]);
    assert!(!exact.contains("showing "), "a limit the list just fits is no cut");

    let searched = run(&db, &["accounts", "--search", "synthetic-b1-1", "--limit", "5"]);
    // synthetic-b1-1, -10…-19, -100…-199, -1000…-1200: 1 + 10 + 100 + 201.
    assert_eq!(searched.lines().last().unwrap(), format!("showing 5 of 312 accounts {MORE}"), "{searched}");
    let searched = json(&db, &["accounts", "--search", "synthetic-b1-1", "--limit", "5", "--json"]);
    assert_eq!((searched["total"].as_u64(), searched["truncated"].as_bool()), (Some(312), Some(true)));
    let few = json(&db, &["accounts", "--search", "amelie", "--json"]);
    let found = few["accounts"].as_array().unwrap().len() as u64;
    assert!(found > 0 && found < 100, "{found}");
    assert_eq!((few["total"].as_u64(), few["truncated"].as_bool()), (Some(found), Some(false)));

    let pending = json(&db, &["accounts", "--status", "closure-pending", "--limit", "0", "--json"]);
    assert_eq!(pending["total"].as_u64(), Some(pending["accounts"].as_array().unwrap().len() as u64));
}

#[test]
fn the_audit_trail_and_the_outbox_say_how_many_they_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    run(&db, &["init"]);
    let email = DemoAccount::by_situation("closable").unwrap().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    // Three mails that stay (a code's mail goes once the code is used or replaced): the
    // closure's confirmation, the cancellation's, and a new closure's code.
    let at = |minute: u32, args: &[&str], stdin: Option<&str>| {
        let now = format!("2026-12-01T09:0{minute}:00Z");
        let output = cli::run(&db, args, stdin, &[("CLOSEDESK_NOW", &now)]);
        assert!(output.status.success(), "{args:?}: {}", cli::text(&output.stderr));
    };
    let code = || {
        // Read at the same instant: at the real clock the code would have expired, and its mail with it.
        let then = [("CLOSEDESK_NOW", "2026-12-01T09:01:00Z")];
        let mail = cli::text(&cli::run(&db, &["outbox", "--to", email, "--last"], None, &then).stdout);
        mail.lines().find_map(|line| line.strip_prefix("Your code: ")).unwrap().trim().to_owned()
    };
    let start = ["close", "start", email, "--reason", "privacy", "--password-stdin"];
    at(0, &start, Some(&password));
    let phrase = "Deactivate my account";
    at(0, &["close", "confirm", email, "--code", &code(), "--email", email, "--phrase", phrase], None);
    at(1, &["close", "cancel", email, "--password-stdin"], Some(&password));
    at(1, &["close", "cancel", email, "--code", &code()], None);
    at(3, &start, Some(&password));

    let all_events = json(&db, &["audit", "--limit", "0", "--json"]);
    let total = all_events["events"].as_array().unwrap().len();
    assert!(total > 10, "{total}");
    assert_eq!((all_events["total"].as_u64(), all_events["truncated"].as_bool()), (Some(total as u64), Some(false)));

    let table = run(&db, &["audit", "--limit", "2"]);
    assert_eq!(rows(&table), 2);
    assert_eq!(table.lines().last().unwrap(), format!("showing 2 of {total} events, the newest {MORE}"));
    let cut = json(&db, &["audit", "--limit", "2", "--json"]);
    assert_eq!((cut["total"].as_u64(), cut["truncated"].as_bool()), (Some(total as u64), Some(true)));
    let by_account = json(&db, &["audit", "1", "--limit", "1", "--json"]);
    assert!(by_account["total"].as_u64().unwrap() > 1);
    assert_eq!(by_account["events"].as_array().unwrap().len(), 1);

    let mails = run(&db, &["outbox", "--limit", "1"]);
    assert_eq!(rows(&mails), 1);
    assert_eq!(mails.lines().last().unwrap(), format!("showing 1 of 3 mails, the newest {MORE}"));
    let mails = run(&db, &["outbox", "--limit", "0"]);
    assert_eq!(rows(&mails), 3);
    assert!(!mails.contains("showing "));

    let agents = json(&db, &["agents", "list", "--json"]);
    assert_eq!((agents["total"].as_u64(), agents["truncated"].as_bool()), (Some(2), Some(false)));
}
