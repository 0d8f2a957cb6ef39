//! `closedesk backups`, `backups prune` and `restore-db`: the catalogue of database copies and
//! restoring one, through `closedesk_engine::service::backups`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::output::{self, say};
use super::{Failure, print_json, table};
use crate::clock::Clock;
use crate::core::permissions::Principal;
use crate::core::time::utc_minute;
use closedesk_engine::service::backups;
use closedesk_engine::service::export::Acting;

fn acting(session: Option<Principal>) -> Acting {
    session.map_or(Acting::FileOwner, Acting::Session)
}

/// How old a copy taken at `taken_at` is at `now`, in whole days (or hours under a day).
fn age(taken_at: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let hours = now.duration_since(taken_at).as_hours().max(0);
    if hours < 24 { format!("{hours} h") } else { format!("{} d", hours / 24) }
}

/// `backups`: the catalogued copies closedesk has not deleted.
pub(super) fn list(db: &Path, json: bool, clock: Clock) -> Result<(), Failure> {
    let now = clock.now();
    let copies = backups::list_copies(db, Acting::FileOwner, now)?;
    if json {
        return print_json(&json!({ "at": now, "copies": copies, "total": copies.len(), "truncated": false }));
    }
    if copies.is_empty() {
        return say!("No copy of the database is catalogued (backup-db catalogues each copy it writes).");
    }
    let cells: Vec<Vec<String>> = copies
        .iter()
        .map(|copy| {
            vec![
                copy.row.path.clone(),
                age(copy.row.taken_at, now),
                output::counted(copy.row.bytes, "byte", "bytes"),
                utc_minute(copy.row.retain_until),
                if copy.past_due { "past due" } else { "kept" }.to_owned(),
                if copy.exists { "yes" } else { "missing" }.to_owned(),
            ]
        })
        .collect();
    output::stdout(&table::render(&["PATH", "AGE", "SIZE", "RETAIN UNTIL", "RETENTION", "FILE"], &cells))
}

/// `backups prune`: deletes the copies past their retention.
pub(super) fn prune(db: &Path, session: Option<Principal>, clock: Clock) -> Result<(), Failure> {
    let now = clock.now();
    let pruned = backups::prune(db, acting(session), now).map_err(|err| super::staff::failure(err, "prune copies"))?;
    if pruned.removed.is_empty() && pruned.left.is_empty() {
        return say!("No copy is past its retention at {}; nothing was removed.", utc_minute(now));
    }
    let mut text = String::new();
    for copy in &pruned.removed {
        if copy.file_deleted {
            let _ = writeln!(text, "removed {} (past its retention)", copy.path);
        } else {
            let _ = writeln!(text, "{} was already gone; its catalogue entry is closed", copy.path);
        }
    }
    for why in &pruned.left {
        let _ = writeln!(text, "left {why}");
    }
    if pruned.left.is_empty() {
        return output::stdout(&text);
    }
    // A copy past retention that stays must reach whoever runs the schedule: exit 1.
    match output::stdout(&text) {
        Err(failure) if !failure.is_output_closed() => return Err(failure),
        _ => {}
    }
    Err(Failure::error(format!(
        "{} past retention could not be deleted (listed above)",
        output::counted(pruned.left.len() as u64, "copy", "copies")
    )))
}

/// `restore-db FILE`: restores a copy, erasing again every purged account.
pub(super) fn restore(
    db: &Path,
    file: &Path,
    force: bool,
    session: Option<Principal>,
    clock: Clock,
) -> Result<(), Failure> {
    let receipt = backups::restore(db, acting(session), file, force, clock.now())
        .map_err(|err| super::staff::failure(err, "restore the database"))?;
    let mut text = format!(
        "restored {} over {} ({}, schema version {} brought up to date){}\n",
        receipt.source.display(),
        receipt.database.display(),
        output::counted(receipt.accounts, "account", "accounts"),
        receipt.copy_schema_version,
        if receipt.replaced_changes { "; changes made since the copy were replaced (--force)" } else { "" }
    );
    let ids: Vec<String> = receipt.erased_again.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        text,
        "erased again: {} ({}); the erasure ledger holds {}",
        if ids.is_empty() { "none".to_owned() } else { ids.join(", ") },
        output::counted(ids.len() as u64, "account", "accounts"),
        output::counted(receipt.ledger_entries as u64, "account", "accounts"),
    );
    let _ = writeln!(
        text,
        "byte scan for {} of those accounts:",
        output::counted(receipt.values_checked as u64, "personal value", "personal values")
    );
    for place in &receipt.scan {
        let _ = writeln!(text, "  {}", place_line(place));
    }
    output::stdout(&text)
}

/// One scanned place: `closedesk.db: 1,234 bytes, 0 found`, `closedesk.db-wal: absent`.
pub(super) fn place_line(place: &crate::service::backups::ScannedPlace) -> String {
    if place.files == 0 && place.bytes == 0 && !place.name.ends_with('/') && place.name != "recorded partial files" {
        return format!("{}: absent", place.name);
    }
    let files = if place.name.ends_with('/') || place.name == "recorded partial files" {
        format!("{}, ", output::counted(place.files, "file", "files"))
    } else {
        String::new()
    };
    format!("{}: {files}{}, {} found", place.name, output::counted(place.bytes, "byte", "bytes"), place.hits)
}
