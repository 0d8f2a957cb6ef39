//! The window shows instants in the computer's time zone and names the zone; the database and the
//! audit keep UTC. `TZ` is read once per process, so the story runs in a child copy of this
//! test binary started with `TZ` set, rather than changing the zone under the other tests.

use crate::support::gui;

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use egui_kittest::kittest::Queryable as _;
use gui::{account_of, sign_in_customer, sign_in_screen, step_until};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Central European time as a POSIX rule, so that neither process needs a tz database.
const PARIS: &str = "CET-1CEST,M3.5.0,M10.5.0/3";
/// Set in the child only: the story below runs when the parent started it.
const CHILD: &str = "CLOSEDESK_TEST_TZ_CHILD";
const HEADING: &str = "Your account is scheduled for deletion on ";

#[test]
fn a_deletion_date_is_shown_in_the_zone_tz_names_with_the_zone_named() {
    let dir = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "gui_time_zone::shown_in_local_time", "--ignored", "--nocapture", "--test-threads=1"])
        .env("TZ", PARIS)
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "the child story failed:\n{out}\n{}", String::from_utf8_lossy(&child.stderr));
    assert!(out.contains("1 passed"), "the child ran the story:\n{out}");
}

/// Run by the test above in a process whose `TZ` is [`PARIS`].
#[test]
#[ignore = "started by a_deletion_date_is_shown_in_the_zone_tz_names_with_the_zone_named with TZ set"]
fn shown_in_local_time() {
    let Some(dir) = std::env::var_os(CHILD) else {
        panic!("run through a_deletion_date_is_shown_in_the_zone_tz_names_with_the_zone_named, which sets TZ");
    };
    let db = std::path::Path::new(&dir).join("closedesk.db");
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let mut harness = sign_in_screen(&db);
    sign_in_customer(&mut harness, demo.email, DEMO_CUSTOMER_PASSWORD);
    step_until(&mut harness, "the closure-pending screen", |h| h.query_by_label_contains(HEADING).is_some());
    let shown = harness.get_by_label_contains(HEADING).value().unwrap_or_default();

    let (conn, account) = account_of(&db, demo);
    let purge_after: i64 = conn
        .query_row("SELECT purge_after FROM closure_requests WHERE account_id = ?1", [account.0], |row| row.get(0))
        .unwrap();
    let at = Timestamp::from_second(purge_after).unwrap();
    let paris = at.to_zoned_datetime(TimeZone::posix(PARIS).unwrap()).strftime("%Y-%m-%d %H:%M %Z").to_string();
    assert!(paris.ends_with(" CET") || paris.ends_with(" CEST"), "{paris}");
    assert!(shown.contains(&paris), "expected {paris} in: {shown}");
    let utc = at.strftime("%Y-%m-%d %H:%M").to_string();
    assert!(!shown.contains(&format!("{utc} UTC")), "shown in UTC: {shown}");
}
