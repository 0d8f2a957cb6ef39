//! The demo set as the README, the sign-in hint and the closure tests rely on it.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::*;
use crate::auth::{Secret, password};
use crate::core::AccountId;
use crate::store::{accounts, agents};

fn now() -> Timestamp {
    "2026-11-29T14:05:00Z".parse().unwrap()
}

fn filled(path: &Path) -> Connection {
    let mut conn = store::create_empty(path).unwrap();
    assert!(fill_demo(&mut conn, now()).unwrap());
    conn
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

fn account_id(conn: &Connection, email: &str) -> AccountId {
    AccountId(conn.query_row("SELECT id FROM accounts WHERE email = ?1", [email], |row| row.get(0)).unwrap())
}

/// Everything that stands between an account and closure, plus a pending closure, named as
/// the demo situations name them. Written in SQL on purpose: it checks the demo data
/// independently of the readiness rules in `core`.
fn closure_conditions(conn: &Connection, account: AccountId) -> Vec<&'static str> {
    let mut found = Vec::new();
    let has = |sql: &str| -> bool { conn.query_row(sql, [account.0], |row| row.get::<_, bool>(0)).unwrap() };
    let order_in = |status: &str| -> bool {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM orders WHERE account_id = ?1 AND status = ?2)",
            params![account.0, status],
            |row| row.get(0),
        )
        .unwrap()
    };
    let positive_balance = |kind: &str| -> bool {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE account_id = ?1 AND kind = ?2
                            GROUP BY currency HAVING sum(amount_minor) > 0)",
            params![account.0, kind],
            |row| row.get(0),
        )
        .unwrap()
    };
    if order_in("awaiting_payment") {
        found.push("awaiting payment");
    }
    if order_in("pending") {
        found.push("pending order");
    }
    if order_in("in_transit") {
        found.push("in-transit order");
    }
    if has("SELECT EXISTS (SELECT 1 FROM disputes WHERE account_id = ?1 AND status IN ('open', 'awaiting_seller'))") {
        found.push("open dispute");
    }
    if positive_balance("refund") {
        found.push("refund balance");
    }
    if positive_balance("gift_card") {
        found.push("gift-card balance");
    }
    if has("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND status = 'closure_pending')
             OR EXISTS (SELECT 1 FROM closure_requests WHERE account_id = ?1)")
    {
        found.push("closure pending");
    }
    found
}

#[test]
fn every_closure_situation_has_a_demo_account_holding_only_that_blocker() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    assert_eq!(count(&conn, "SELECT count(*) FROM accounts"), DEMO_ACCOUNTS.len() as i64);
    for demo in DEMO_ACCOUNTS {
        let found = closure_conditions(&conn, account_id(&conn, demo.email));
        let expected: Vec<&str> = if demo.situation == "closable" { vec![] } else { vec![demo.situation] };
        assert_eq!(found, expected, "{}", demo.email);
    }
    let situations: Vec<&str> = DEMO_ACCOUNTS.iter().map(|demo| demo.situation).collect();
    for wanted in [
        "closable",
        "pending order",
        "in-transit order",
        "open dispute",
        "refund balance",
        "gift-card balance",
        "closure pending",
        "awaiting payment",
    ] {
        assert_eq!(situations.iter().filter(|s| **s == wanted).count(), 1, "{wanted}");
        assert_eq!(DemoAccount::by_situation(wanted).unwrap().situation, wanted);
    }
}

#[test]
fn closable_account_still_has_coupons_benefits_and_reviews_to_warn_about() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    let id = account_id(&conn, DemoAccount::by_situation("closable").unwrap().email);
    let counts = accounts::account_counts(&conn, id).unwrap();
    assert!(counts.reviews >= 2, "{counts:?}");
    let unredeemed = |kind: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM coupons WHERE account_id = ?1 AND kind = ?2 AND redeemed_at IS NULL AND expires_at > ?3",
            params![id.0, kind, now().as_second()],
            |row| row.get(0),
        )
        .unwrap()
    };
    assert!(unredeemed("coupon") >= 1);
    assert!(unredeemed("benefit") >= 1);
    assert!(counts.orders >= 4 && counts.addresses >= 1 && counts.payment_methods >= 1);
    assert!(counts.conversations >= 1 && counts.messages >= 2);
    assert_eq!(counts.subscriptions, 4);
}

#[test]
fn every_demo_customer_holds_a_lived_in_account() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    for demo in DEMO_ACCOUNTS {
        let id = account_id(&conn, demo.email);
        let row = accounts::get_account(&conn, &crate::core::AccountRef::Id(id)).unwrap();
        assert_eq!(row.display_name, demo.display_name);
        assert!(row.phone.is_some());
        assert!(demo.email.ends_with("@example.com"));
        assert!(
            now().as_second() - row.created_at.as_second() > 365 * 24 * 3600,
            "{} registered years ago",
            demo.email
        );
        let counts = accounts::account_counts(&conn, id).unwrap();
        assert!(counts.orders >= 3, "{}: {counts:?}", demo.email);
        assert!(counts.order_items >= counts.orders);
        assert!(counts.addresses >= 1 && counts.payment_methods >= 1);
        assert!(counts.coupons >= 1 && counts.reviews >= 1);
        assert_eq!(counts.subscriptions, 4);
        assert_eq!(counts.audit_events, 0);
        assert_eq!(counts.mail, 0);
    }
    let currencies: Vec<String> = conn
        .prepare("SELECT DISTINCT currency FROM orders ORDER BY currency")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(currencies, ["EUR", "GBP", "USD"]);
}

#[test]
fn demo_order_totals_match_their_items() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    let mismatched = count(
        &conn,
        "SELECT count(*) FROM orders o
         WHERE o.total_minor != (SELECT sum(quantity * unit_price_minor) FROM order_items WHERE order_id = o.id)",
    );
    assert_eq!(mismatched, 0);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM orders WHERE NOT EXISTS (SELECT 1 FROM order_items WHERE order_id = orders.id)"
        ),
        0
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM orders WHERE placed_at > unixepoch('2026-11-29T14:05:00Z')"),
        0,
        "no order is placed in the future"
    );
}

#[test]
fn pending_closure_is_a_day_into_its_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    let id = account_id(&conn, DemoAccount::by_situation("closure pending").unwrap().email);
    let request = accounts::closure_request(&conn, id).unwrap().unwrap();
    assert_eq!(request.requested_at.as_second(), now().as_second() - 24 * 3600);
    assert_eq!(request.purge_after.as_second(), now().as_second() + 48 * 3600);
    assert_eq!(request.reason_code, "privacy");
    let backup_taken: bool = conn
        .query_row("SELECT backup_taken FROM closure_requests WHERE account_id = ?1", [id.0], |row| row.get(0))
        .unwrap();
    assert!(backup_taken);
    assert_eq!(count(&conn, "SELECT count(*) FROM closure_requests"), 1);
}

#[test]
fn demo_customers_sign_in_with_the_demo_password_each_under_its_own_salt() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    let mut hashes = Vec::new();
    for demo in DEMO_ACCOUNTS {
        let (_, _, phc) = accounts::credential_by_email(&conn, demo.email).unwrap().unwrap();
        assert!(password::verify(&Secret::from(DEMO_CUSTOMER_PASSWORD), &phc));
        assert!(!password::verify(&Secret::from(DEMO_AGENT_PASSWORD), &phc));
        hashes.push(phc);
    }
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), DEMO_ACCOUNTS.len(), "salts differ");
    for password_text in [DEMO_CUSTOMER_PASSWORD, DEMO_AGENT_PASSWORD, DEMO_ADMIN_PASSWORD] {
        assert!(password_text.len() >= password::MIN_LENGTH);
    }
}

#[test]
fn demo_agent_and_admin_sign_in_with_their_roles() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    let listed = agents::list_agents(&conn).unwrap();
    assert_eq!(listed.len(), DEMO_AGENTS.len());
    for (name, role) in DEMO_AGENTS {
        let (agent, phc) = agents::credential_by_name(&conn, name).unwrap().unwrap();
        assert_eq!(agent.role, *role);
        assert!(!agent.disabled);
        assert!(password::verify(&Secret::from(demo_agent_password(*role)), &phc));
    }
    assert!(DEMO_AGENTS.iter().any(|(_, role)| *role == Role::Agent));
    assert!(DEMO_AGENTS.iter().any(|(_, role)| *role == Role::Admin));
}

#[test]
fn demo_is_filled_when_the_database_is_created_and_never_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("first-launch/closedesk.db");
    let (conn, opened) = open_or_create_with_demo(&path, now()).unwrap();
    assert_eq!(opened, store::Opened::Created);
    let accounts_before = count(&conn, "SELECT count(*) FROM accounts");
    let orders_before = count(&conn, "SELECT count(*) FROM orders");
    assert_eq!(accounts_before, DEMO_ACCOUNTS.len() as i64);
    drop(conn);

    let (mut conn, opened) = open_or_create_with_demo(&path, now()).unwrap();
    assert_eq!(opened, store::Opened::Existing);
    assert_eq!(count(&conn, "SELECT count(*) FROM accounts"), accounts_before);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders"), orders_before);
    assert!(!fill_demo(&mut conn, now()).unwrap(), "init on a used database adds nothing");
    assert_eq!(count(&conn, "SELECT count(*) FROM agents"), DEMO_AGENTS.len() as i64);
}

#[test]
fn a_database_with_only_an_agent_is_not_filled() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::create_empty(&dir.path().join("staffed.db")).unwrap();
    agents::insert_agent(&conn, "someone", Role::Admin, "not-a-hash", now()).unwrap();
    assert!(!fill_demo(&mut conn, now()).unwrap());
    assert_eq!(count(&conn, "SELECT count(*) FROM accounts"), 0);
}

#[test]
fn two_launches_on_one_fresh_database_fill_the_demo_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    drop(store::create_empty(&path).unwrap());
    let launches: Vec<_> = (0..2)
        .map(|n| {
            let path = path.clone();
            std::thread::Builder::new()
                .name(format!("launch-{n}"))
                .spawn(move || {
                    let mut conn = store::open_existing(&path).unwrap();
                    fill_demo(&mut conn, now()).unwrap()
                })
                .unwrap()
        })
        .collect();
    let filled: Vec<bool> = launches.into_iter().map(|launch| launch.join().unwrap()).collect();
    assert_eq!(filled.iter().filter(|f| **f).count(), 1, "{filled:?}");
    let conn = store::open_existing(&path).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM accounts"), DEMO_ACCOUNTS.len() as i64);
    assert_eq!(count(&conn, "SELECT count(*) FROM agents"), DEMO_AGENTS.len() as i64);
}

#[test]
fn readiness_panel_names_exactly_one_blocker_for_each_blocked_demo_account() {
    let dir = tempfile::tempdir().unwrap();
    let conn = filled(&dir.path().join("demo.db"));
    for demo in DEMO_ACCOUNTS {
        let holdings = store::holdings::holdings(&conn, account_id(&conn, demo.email), now()).unwrap();
        let verdict = crate::core::readiness::readiness(&holdings);
        let expected_blockers = usize::from(!matches!(demo.situation, "closable" | "closure pending"));
        assert_eq!(verdict.blockers.len(), expected_blockers, "{}: {:?}", demo.email, verdict.blockers);
        if demo.situation == "closable" {
            assert!(verdict.can_close());
            assert_eq!(verdict.warnings.len(), 2, "coupons lost and reviews stay: {:?}", verdict.warnings);
        }
    }
}
