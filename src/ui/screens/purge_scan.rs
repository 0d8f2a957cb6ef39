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
