//! Where a purge's byte scan looked, under its receipts: each file and folder with its count,
//! and until when older copies of the database may still hold the purged accounts.

use egui::Ui;

use crate::core::time::utc_minute;
use crate::service::staff::PurgeReceipt;

/// The places of one purge run (the same for every receipt of the run), each with the hits
/// summed over its accounts, and the latest retain-until of older copies.
pub fn scanned_places_ui(ui: &mut Ui, receipts: &[PurgeReceipt]) {
    let Some(first) = receipts.first() else {
        return;
    };
    for (index, place) in first.scan.places.iter().enumerate() {
        let hits: usize = receipts.iter().filter_map(|receipt| receipt.scan.places.get(index)).map(|p| p.hits).sum();
        let line = if place.files == 0 && !place.name.ends_with('/') && place.name != "recorded partial files" {
            format!("Scanned {}: absent", place.name)
        } else {
            format!("Scanned {}: {} files, {} bytes, {hits} found", place.name, place.files, place.bytes)
        };
        ui.label(line);
    }
    let until = receipts.iter().filter_map(|receipt| receipt.older_copies_until).max();
    ui.label(match until {
        Some(until) => format!(
            "Older copies of the database may still hold these accounts until {}; a restore erases them again.",
            utc_minute(until)
        ),
        None => "No catalogued copy of the database taken before this purge is kept.".to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::core::AccountId;
    use crate::service::backups::{ScanReport, ScannedPlace};

    fn place(name: &str, files: u64, bytes: u64, hits: usize) -> ScannedPlace {
        ScannedPlace { name: name.to_owned(), files, bytes, hits }
    }

    fn receipt(account: i64, hits: usize, older_copies_until: Option<jiff::Timestamp>) -> PurgeReceipt {
        PurgeReceipt {
            account: AccountId(account),
            purged_at: jiff::Timestamp::UNIX_EPOCH,
            reason_code: "other".to_owned(),
            rows_deleted: 1,
            reviews_kept: 0,
            mail_files_deleted: 0,
            mail_files_failed: 0,
            values_shared: 0,
            checkpoint_complete: true,
            scan: ScanReport {
                files_scanned: Vec::new(),
                places: vec![
                    place("closedesk.db", 1, 4096, hits),
                    place("closedesk.db-wal", 1, 0, 0),
                    place("closedesk.db-shm", 1, 32_768, 0),
                    place("closedesk.db-journal", 0, 0, 0),
                    place("outbox/", 3, 900, 0),
                    place("recorded partial files", 0, 0, 0),
                ],
                values_checked: 5,
                hits,
            },
            older_copies_until,
        }
    }

    #[test]
    fn every_place_scanned_is_listed_with_the_run_s_counts_and_until_when_copies_may_hold_the_accounts() {
        let until: jiff::Timestamp = "2027-01-03T09:00:00Z".parse().unwrap();
        let receipts = [receipt(7, 1, None), receipt(8, 2, Some(until))];
        let harness = Harness::new_ui(|ui| scanned_places_ui(ui, &receipts));
        for line in [
            "Scanned closedesk.db: 1 files, 4096 bytes, 3 found",
            "Scanned closedesk.db-wal: 1 files, 0 bytes, 0 found",
            "Scanned closedesk.db-shm: 1 files, 32768 bytes, 0 found",
            "Scanned closedesk.db-journal: absent",
            "Scanned outbox/: 3 files, 900 bytes, 0 found",
            "Scanned recorded partial files: 0 files, 0 bytes, 0 found",
            "Older copies of the database may still hold these accounts until 2027-01-03 09:00 UTC; a restore \
             erases them again.",
        ] {
            assert!(harness.query_by_label(line).is_some(), "{line}");
        }
    }
}
