//! The admin page's copies of the database, as an admin uses them: the catalogue with each
//! copy's age, retain-until and whether it is past due; deleting a copy past its retention
//! after a confirmation naming the file; and restoring a copy, which erases the purged
//! customer again.

use crate::support::gui;

use closedesk::clock::Clock;
use closedesk::core::Role as StaffRole;
use closedesk::demo::DemoAccount;
use closedesk::service::backups;
use closedesk::service::export::Acting;
use egui::accesskit::Role;
use gui::{has_any_label, has_label, has_text, open_window_at, press, step_until, type_into};
use jiff::{SignedDuration, Timestamp};

const OPS_WINDOW: egui::Vec2 = egui::vec2(1200.0, 900.0);

#[test]
fn admin_sees_the_copies_deletes_one_past_retention_and_restores_another_without_the_purged_customer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let created = Timestamp::now() - SignedDuration::from_hours(24 * 40);
    closedesk::demo::open_or_create_with_demo(&db, created).unwrap();
    let copies = tempfile::tempdir().unwrap();
    let old = copies.path().join("old-copy.db");
    let recent = copies.path().join("recent-copy.db");
    backups::backup_database(&db, Acting::FileOwner, &old, false, created).unwrap();
    // Taken before the demo's pending account is purged, so it still holds the customer.
    backups::backup_database(&db, Acting::FileOwner, &recent, false, created + SignedDuration::from_hours(1)).unwrap();
    let now = Timestamp::now();
    let email = DemoAccount::by_situation("closure pending").unwrap().email;
    let purged = {
        let mut conn = closedesk::store::open_existing(&db).unwrap();
        let receipts = closedesk::store::purge::purge_due(
            &mut conn,
            now,
            &closedesk::paths::outbox_dir(&db),
            closedesk::core::audit::Actor::System,
            None,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(receipts.len(), 1);
        receipts[0].account
    };

    let mut harness = gui::staff_signed_in(open_window_at(db.clone(), Clock::Fixed(now), OPS_WINDOW), StaffRole::Admin);
    press(&mut harness, "Admin");
    step_until(&mut harness, "the copies", |h| has_label(h, "old-copy.db"));
    assert!(has_label(&harness, "recent-copy.db"));
    assert!(has_any_label(&harness, "past due"), "both copies are past thirty days");
    assert!(has_any_label(&harness, "40 days"));
    assert!(has_label(&harness, "Delete old-copy.db…"));
    harness.check_accessibility();

    // Escape takes the question back; the copy stays.
    press(&mut harness, "Delete old-copy.db…");
    step_until(&mut harness, "the question", |h| has_label(h, "Delete the copy"));
    harness.key_press(egui::Key::Escape);
    step_until(&mut harness, "the question gone with Escape", |h| !has_label(h, "Delete the copy"));
    assert!(old.exists(), "Escape deleted nothing");
    press(&mut harness, "Delete old-copy.db…");
    let question = format!("Delete {}? It is past its retention. This cannot be undone.", old.display());
    step_until(&mut harness, "the confirmation naming the file", |h| has_label(h, &question));
    assert!(old.exists(), "nothing is deleted before the confirmation");
    press(&mut harness, "Delete the copy");
    step_until(&mut harness, "the deletion", |h| has_text(h, &format!("Deleted {}.", old.display())));
    assert!(!old.exists());
    step_until(&mut harness, "the list without it", |h| !has_label(h, "old-copy.db"));

    type_into(&mut harness, Role::TextInput, "Copy to restore", recent.to_str().unwrap());
    press(&mut harness, "Restore from path");
    step_until(&mut harness, "the restore's confirmation", |h| has_label(h, "Restore this copy"));
    press(&mut harness, "Restore this copy");
    step_until(&mut harness, "the restore's receipt", |h| has_text(h, "Erased again: "));
    assert!(has_text(&harness, &format!("Erased again: {purged}.")), "the purged customer is erased again");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let back: i64 = conn.query_row("SELECT count(*) FROM accounts WHERE email = ?1", [email], |r| r.get(0)).unwrap();
    assert_eq!(back, 0, "the restore did not bring the purged customer back");
}
