//! The purge: once an account's grace period has run out, every row it owns is deleted, its
//! reviews are kept as by "Deleted user", a tombstone without personal data is left, and a
//! byte scan checks that none of its personal values remains in the database files.
//!
//! The deletion is one `BEGIN IMMEDIATE` transaction. The connection runs with
//! `secure_delete=ON` (see [`super::open::configure`]), so SQLite overwrites freed cells and
//! pages with zeros; a `wal_checkpoint(TRUNCATE)` afterwards moves the zeroed pages into the
//! database file and empties the write-ahead log, which still holds older page images.

use std::collections::HashSet;
use std::path::Path;

use aho_corasick::AhoCorasick;
use jiff::Timestamp;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use zeroize::Zeroizing;

use super::scan::{Counts, ScanReport, ScannedPlace, count_everywhere};
use super::{StoreError, StoreResult};
use crate::core::AccountId;
use crate::core::audit::{Actor, AuditEvent};
use crate::core::personal::{self, Scan};
use crate::core::time::from_unix;

/// Values shorter than this are not searched for: they occur by chance in any file.
const MIN_NEEDLE_BYTES: usize = 4;

/// One purged account's personal values, for the byte scan; wiped from memory when dropped.
type Values = Vec<Zeroizing<String>>;

/// What a purge removed and what the byte scan afterwards found: counts only, never a value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReceipt {
    /// The purged account's id, as its tombstone keeps it.
    pub account: AccountId,
    /// When the purge ran; the tombstone's `closed_at`.
    pub purged_at: Timestamp,
    /// Why the customer closed the account (a fixed code from the closure request).
    pub reason_code: String,
    /// Rows deleted, summed over every table.
    pub rows_deleted: u64,
    /// Reviews kept for the sellers' pages, now without an author.
    pub reviews_kept: u64,
    /// `.eml` files of the account's mail deleted from the outbox folder.
    pub mail_files_deleted: u64,
    /// `.eml` files that existed but could not be deleted (e.g. no permission).
    pub mail_files_failed: u64,
    /// Personal values that text the database keeps also holds (another account's name, a kept
    /// review, or by chance a postal code holding a card's last four digits): their bytes
    /// rightly remain, so the scan could not tell a leftover from them and skipped them.
    pub values_shared: u64,
    /// Whether the checkpoint moved every page into the database file and emptied the log;
    /// `false` when another connection was still reading an older snapshot.
    pub checkpoint_complete: bool,
    /// The byte scan for the account's other values: the database, its log, index and
    /// journal, the outbox folder and the partial files intents record, each with its count.
    pub scan: ScanReport,
    /// Until when catalogued copies of the database taken before the purge may still hold the
    /// account (the latest retain-until among them); `None` when no kept copy is that old.
    pub older_copies_until: Option<Timestamp>,
}

/// How a purge request ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PurgeOutcome {
    /// The account's data was removed now.
    Purged(PurgeReceipt),
    /// A tombstone shows the account was purged before; nothing was changed.
    AlreadyPurged,
}

/// Closure-pending accounts whose grace period has ended at `now` (a purge date equal to
/// `now` counts as ended), with their purge dates, earliest first.
pub fn due_accounts(conn: &Connection, now: Timestamp) -> StoreResult<Vec<(AccountId, Timestamp)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.account_id, r.purge_after
         FROM closure_requests r JOIN accounts a ON a.id = r.account_id
         WHERE a.status = 'closure_pending' AND r.purge_after <= ?1
         ORDER BY r.purge_after, r.account_id",
    )?;
    let rows = stmt.query_map([now.as_second()], |row| Ok((AccountId(row.get(0)?), from_unix(row.get(1)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What one due account's purge would delete, counted before anything is: what the admin
/// confirms. Counts only, never a personal value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgePreview {
    /// The account.
    pub account: AccountId,
    /// When its grace period ended.
    pub purge_after: Timestamp,
    /// Its orders.
    pub orders: u64,
    /// Its saved addresses.
    pub addresses: u64,
    /// Its payment methods.
    pub payment_methods: u64,
    /// Messages in its conversations.
    pub messages: u64,
    /// Its reviews, kept for the sellers' pages as by "Deleted user".
    pub reviews_kept: u64,
    /// Every row the purge deletes, summed over every table.
    pub rows: u64,
}

/// The accounts due at `now`, earliest first, each with what its purge would delete.
pub fn purge_preview(conn: &Connection, now: Timestamp) -> StoreResult<Vec<PurgePreview>> {
    let count = |sql: &str, id: i64| -> StoreResult<u64> {
        let n: i64 = conn.prepare_cached(sql)?.query_row([id], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or_default())
    };
    let mut previews = Vec::new();
    for (account, purge_after) in due_accounts(conn, now)? {
        let id = account.0;
        let mut rows = 0;
        // The same statements the purge runs, counted: the preview cannot drift from it.
        for sql in DELETE_STATEMENTS {
            rows += count(&sql.replacen("DELETE FROM", "SELECT count(*) FROM", 1), id)?;
        }
        previews.push(PurgePreview {
            account,
            purge_after,
            orders: count("SELECT count(*) FROM orders WHERE account_id = ?1", id)?,
            addresses: count("SELECT count(*) FROM addresses WHERE account_id = ?1", id)?,
            payment_methods: count("SELECT count(*) FROM payment_methods WHERE account_id = ?1", id)?,
            messages: count(
                "SELECT count(*) FROM messages WHERE conversation_id IN
                 (SELECT id FROM conversations WHERE account_id = ?1)",
                id,
            )?,
            reviews_kept: count("SELECT count(*) FROM reviews WHERE account_id = ?1", id)?,
            rows,
        });
    }
    Ok(previews)
}

/// Purges every account due at `now` (of `only`, when given: the accounts a person confirmed),
/// earliest purge date first, each audited as done by `actor`, calling
/// `progress(done, total)` before the first and after each account's rows are gone.
///
/// Each account's rows go in a transaction of its own; the checkpoint and the byte scan then
/// run once for all of them, each receipt counting its own account's values.
///
/// It stops at the first error and returns it; the accounts purged before it stay purged (and
/// are still checkpointed, so the log keeps none of their pages).
pub fn purge_due(
    conn: &mut Connection,
    now: Timestamp,
    outbox_dir: &Path,
    actor: Actor,
    only: Option<&[AccountId]>,
    progress: &mut dyn FnMut(usize, usize),
) -> StoreResult<Vec<PurgeReceipt>> {
    let mut due = due_accounts(conn, now)?;
    if let Some(only) = only {
        // An account that fell due after the list was shown was not confirmed: it waits.
        due.retain(|(account, _)| only.contains(account));
    }
    let total = due.len();
    progress(0, total);
    let mut removed = Vec::with_capacity(total);
    for (done, (account, _)) in due.into_iter().enumerate() {
        match super::write(conn, |tx| remove_account(tx, account, now, actor)) {
            Ok(Removal::Removed(mut rows)) => {
                // The account's mail goes as part of its own step, not after the whole run: a
                // run killed later leaves no mail of an account already purged (and what a kill
                // between the commit and here leaves, crate::erasure::recover removes).
                rows.mail_done = delete_mail_files(outbox_dir, &std::mem::take(&mut rows.mail_files));
                removed.push((account, rows));
            }
            // Another process purged it since the list was read: that is not an error.
            Ok(Removal::AlreadyPurged) => {}
            Err(err) => {
                if let Err(after) = after_removal(conn, now, outbox_dir, removed) {
                    tracing::warn!(error = %after, "the purges before a failed one could not be checked");
                }
                return Err(err);
            }
        }
        progress(done + 1, total);
    }
    let receipts = after_removal(conn, now, outbox_dir, removed)?;
    crate::erasure::mirror_ledger(conn);
    Ok(receipts)
}

/// Purges one account whose grace period has ended at `now`.
///
/// An account already purged gives [`PurgeOutcome::AlreadyPurged`] and changes nothing; an
/// account that does not exist is [`StoreError::NotFound`]; one that is not closure-pending
/// or whose purge date is still ahead is a [`StoreError::Conflict`] and changes nothing.
///
/// After the transaction commits, the account's `.eml` files are deleted from `outbox_dir`,
/// the log is checkpointed, and the database files are scanned for its personal values
/// (except those other text also holds; see [`PurgeReceipt::values_shared`]).
pub fn purge_account(
    conn: &mut Connection,
    account: AccountId,
    now: Timestamp,
    outbox_dir: &Path,
) -> StoreResult<PurgeOutcome> {
    let removed = match super::write(conn, |tx| remove_account(tx, account, now, Actor::System))? {
        Removal::AlreadyPurged => return Ok(PurgeOutcome::AlreadyPurged),
        Removal::Removed(removed) => removed,
    };
    let mut receipts = after_removal(conn, now, outbox_dir, vec![(account, removed)])?;
    crate::erasure::mirror_ledger(conn);
    Ok(PurgeOutcome::Purged(receipts.remove(0)))
}

/// What [`erase_again`] did in a copy being restored.
#[derive(Debug)]
pub struct ErasedAgain {
    /// A receipt for each account the copy still held.
    pub receipts: Vec<PurgeReceipt>,
    /// Their personal values that no other text in the copy holds: what a later byte scan of
    /// the restored files must not find. Wiped from memory when dropped.
    pub values: Vec<Zeroizing<String>>,
}

/// Erases again, in the database on `conn` (a copy being restored), every account of
/// `erasures` it still holds, through the purge's own steps; the tombstone and ledger entry of
/// each keep the first purge's time. An account the copy no longer holds (or holds under a
/// tombstone already) only gets its ledger entry.
pub fn erase_again(
    conn: &mut Connection,
    erasures: &[super::ledger::Erasure],
    now: Timestamp,
    outbox_dir: &Path,
) -> StoreResult<ErasedAgain> {
    let mut removed = Vec::new();
    for erasure in erasures {
        let (account, id) = (erasure.account, erasure.account.0);
        let removal = super::write(conn, |tx| {
            super::ledger::record(tx, account, erasure.purged_at)?;
            let held: i64 =
                tx.prepare_cached("SELECT count(*) FROM accounts WHERE id = ?1")?.query_row([id], |row| row.get(0))?;
            if held == 0 || super::accounts::purged_at(tx, account)?.is_some() {
                return Ok(None);
            }
            // The purge's own checks ask for a closure past its grace period: that is what the
            // ledger says this account had, whatever state the copy caught it in.
            tx.prepare_cached("UPDATE accounts SET status = 'closure_pending' WHERE id = ?1")?.execute([id])?;
            tx.prepare_cached(
                "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
                 VALUES (?1, ?2, ?2, 'other', 0)
                 ON CONFLICT(account_id) DO UPDATE SET purge_after = excluded.purge_after",
            )?
            .execute(params![id, now.as_second()])?;
            let removal = remove_account(tx, account, now, Actor::System)?;
            tx.prepare_cached("UPDATE tombstones SET closed_at = ?2 WHERE account_id = ?1")?
                .execute(params![id, erasure.purged_at.as_second()])?;
            Ok(Some(removal))
        })?;
        if let Some(Removal::Removed(rows)) = removal {
            removed.push((account, rows));
        }
    }
    let values: Values = removed.iter().flat_map(|(_, rows)| rows.values.iter().cloned()).collect();
    let receipts = after_removal(conn, now, outbox_dir, removed)?;
    let keep: Vec<bool> = {
        let bytes: Vec<&[u8]> = values.iter().map(|value| value.as_bytes()).collect();
        let held = held_elsewhere(conn, &bytes)?;
        bytes.iter().map(|value| !held.contains(value)).collect()
    };
    let values = values.into_iter().zip(keep).filter_map(|(value, keep)| keep.then_some(value)).collect();
    Ok(ErasedAgain { receipts, values })
}

/// The partial files live intents record, except the database's own files (a copy being
/// restored is recorded too, and is scanned as the database).
fn recorded_partials(db_path: &Path) -> Vec<std::path::PathBuf> {
    let own = db_path.as_os_str().to_string_lossy().into_owned();
    crate::erasure::recorded_partials(db_path)
        .into_iter()
        .filter(|path| !path.as_os_str().to_string_lossy().starts_with(&own))
        .collect()
}

/// What follows the removal transactions of `removed`: their mail files, one checkpoint, and
/// one byte scan for all their values; a receipt for each, in order.
fn after_removal(
    conn: &Connection,
    now: Timestamp,
    outbox_dir: &Path,
    removed: Vec<(AccountId, Removed)>,
) -> StoreResult<Vec<PurgeReceipt>> {
    if removed.is_empty() {
        return Ok(Vec::new());
    }
    // The mail files go first: the rows naming them are gone, so if a later step failed,
    // no second run could find them again.
    let mail: Vec<(u64, u64)> = removed
        .iter()
        .map(|(_, rows)| {
            let (deleted, failed) = delete_mail_files(outbox_dir, &rows.mail_files);
            (deleted + rows.mail_done.0, failed + rows.mail_done.1)
        })
        .collect();
    // Busy (first column 1) means a reader kept the checkpoint from finishing.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;

    let (mut accounts, mut groups) = (Vec::with_capacity(removed.len()), Vec::with_capacity(removed.len()));
    for (account, rows) in removed {
        groups.push(rows.values);
        accounts.push((account, rows.reason_code, rows.rows_deleted, rows.reviews_kept));
    }
    let needles: Vec<&[u8]> = groups.iter().flatten().map(|value| value.as_bytes()).collect();
    let partials = conn.path().map(|db_path| recorded_partials(Path::new(db_path))).unwrap_or_default();
    let counts = match conn.path().filter(|p| !p.is_empty()) {
        Some(db_path) => {
            count_everywhere(Path::new(db_path), Some(outbox_dir), &partials, &needles).map_err(|err| {
                let ids: Vec<String> = accounts.iter().map(|(account, ..)| account.to_string()).collect();
                StoreError::Unavailable {
                    path: db_path.into(),
                    reason: match ids.as_slice() {
                        [one] => format!("account {one} was purged, but its byte scan could not read the files: {err}"),
                        many => format!(
                            "accounts {} were purged, but their byte scan could not read the files: {err}",
                            many.join(", ")
                        ),
                    },
                }
            })?
        }
        // An in-memory database has no file that could keep a byte.
        None => Counts { hits: vec![0; needles.len()], ..Counts::default() },
    };
    // Only a value found in the files needs explaining, so only those are looked for in the
    // text the database keeps.
    let found: Vec<&[u8]> = needles.iter().zip(&counts.hits).filter(|(_, hits)| **hits > 0).map(|(n, _)| *n).collect();
    let held = held_elsewhere(conn, &found)?;
    let older_copies_until = super::copies::kept_until(conn, now)?;

    let mut hits = counts.hits.iter().enumerate();
    let receipts = accounts
        .into_iter()
        .zip(mail)
        .zip(&groups)
        .map(|(((account, reason_code, rows_deleted, reviews_kept), (deleted, failed)), group)| {
            let mut scan = ScanReport {
                files_scanned: counts.files_scanned.clone(),
                places: counts.places.iter().map(|place| ScannedPlace { hits: 0, ..place.clone() }).collect(),
                ..ScanReport::default()
            };
            let mut shared = 0;
            for (value, (index, found)) in group.iter().zip(hits.by_ref()) {
                if held.contains(value.as_bytes()) {
                    shared += 1;
                } else {
                    scan.values_checked += 1;
                    scan.hits += found;
                    for (place, place_hits) in scan.places.iter_mut().zip(&counts.place_hits) {
                        place.hits += place_hits[index];
                    }
                }
            }
            PurgeReceipt {
                account,
                purged_at: now,
                reason_code,
                rows_deleted,
                reviews_kept,
                mail_files_deleted: deleted,
                mail_files_failed: failed,
                values_shared: shared,
                checkpoint_complete: busy == 0,
                scan,
                older_copies_until,
            }
        })
        .collect();
    Ok(receipts)
}

/// What the purge transaction did.
enum Removal {
    /// Only a tombstone was found.
    AlreadyPurged,
    /// The rows are gone.
    Removed(Removed),
}

/// What the purge transaction removed, and what the steps after it need.
struct Removed {
    reason_code: String,
    rows_deleted: u64,
    reviews_kept: u64,
    /// The account's personal values.
    values: Values,
    /// The outbox file names of the account's mail not deleted yet.
    mail_files: Vec<String>,
    /// Mail files already deleted (and failed) right after the account's own transaction.
    mail_done: (u64, u64),
}

/// The account's rows, children before parents: each parent is deleted when nothing points
/// at it any more, so its foreign-key checks and cascades find empty indexes.
const DELETE_STATEMENTS: &[&str] = &[
    "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE account_id = ?1)",
    "DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)",
    "DELETE FROM disputes WHERE account_id = ?1",
    "DELETE FROM conversations WHERE account_id = ?1",
    "DELETE FROM orders WHERE account_id = ?1",
    "DELETE FROM addresses WHERE account_id = ?1",
    "DELETE FROM payment_methods WHERE account_id = ?1",
    "DELETE FROM ledger_entries WHERE account_id = ?1",
    "DELETE FROM coupons WHERE account_id = ?1",
    "DELETE FROM subscriptions WHERE account_id = ?1",
    "DELETE FROM outbox WHERE account_id = ?1",
    "DELETE FROM closure_attempts WHERE account_id = ?1",
    "DELETE FROM closure_requests WHERE account_id = ?1",
    "DELETE FROM credentials WHERE account_id = ?1",
    "DELETE FROM sign_in_failures WHERE subject_kind = 'customer' AND subject_id = ?1",
    "DELETE FROM accounts WHERE id = ?1",
];

/// Checks that `account` is due, collects what the later steps need, then deletes its rows,
/// keeps its reviews, leaves its tombstone and audits the purge as done by `actor`: all inside
/// `tx`.
fn remove_account(tx: &Transaction<'_>, account: AccountId, now: Timestamp, actor: Actor) -> StoreResult<Removal> {
    let id = account.0;
    let mut values = Vec::new();
    let status: Option<String> =
        tx.prepare_cached("SELECT status FROM accounts WHERE id = ?1")?.query_row([id], |row| row.get(0)).optional()?;
    let tombstone = super::accounts::purged_at(tx, account)?.is_some();
    let Some(status) = status else {
        return if tombstone {
            Ok(Removal::AlreadyPurged)
        } else {
            Err(StoreError::NotFound(format!("account {account}")))
        };
    };
    if tombstone {
        // SQLite hands a deleted highest id to the next new row; the tombstone must not be lost.
        return Err(StoreError::Conflict(format!(
            "account {account} reuses the id of an account purged before; its tombstone is kept and this account \
             cannot be purged until ids are never reused"
        )));
    }
    if status != "closure_pending" {
        return Err(StoreError::Conflict(format!(
            "account {account} is {status}, not closure-pending: only a closed account past its grace period is purged"
        )));
    }
    let request: Option<(i64, String)> = tx
        .prepare_cached("SELECT purge_after, reason_code FROM closure_requests WHERE account_id = ?1")?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((purge_after, reason_code)) = request else {
        return Err(StoreError::Conflict(format!("account {account} is closure-pending but has no closure request")));
    };
    if purge_after > now.as_second() {
        return Err(StoreError::Conflict(format!(
            "account {account} is not due for purge until {}",
            from_unix(purge_after)
        )));
    }

    collect_values(tx, account, &mut values)?;
    let mail_files = tx
        .prepare_cached("SELECT eml_file FROM outbox WHERE account_id = ?1")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;

    let reviews_kept = tx
        .prepare_cached("UPDATE reviews SET account_id = NULL, order_id = NULL WHERE account_id = ?1")?
        .execute([id])? as u64;
    let mut rows_deleted = 0_u64;
    for sql in DELETE_STATEMENTS {
        rows_deleted += tx.prepare_cached(sql)?.execute([id])? as u64;
    }
    tx.prepare_cached("INSERT INTO tombstones (account_id, closed_at, reason_code) VALUES (?1, ?2, ?3)")?
        .execute(params![id, now.as_second(), reason_code])?;
    super::ledger::record(tx, account, now)?;
    super::audit::record(tx, &AuditEvent { account: Some(account), actor, action: "purge", outcome: "ok" }, now)?;

    Ok(Removal::Removed(Removed { reason_code, rows_deleted, reviews_kept, values, mail_files, mail_done: (0, 0) }))
}

/// Adds the account's personal values that the list of personal data
/// ([`crate::core::personal`]) says the byte scan looks for to `values`: those of its own row
/// and of every table whose rows carry its id.
fn collect_values(tx: &Transaction<'_>, account: AccountId, values: &mut Values) -> StoreResult<()> {
    for table in personal::TABLES {
        let scanned: Vec<(&str, Scan)> = table
            .columns
            .iter()
            .map(|(column, class)| (*column, class.scan()))
            .filter(|(_, scan)| *scan != Scan::No)
            .collect();
        if scanned.is_empty() {
            continue;
        }
        let names: Vec<&str> = scanned.iter().map(|(column, _)| *column).collect();
        let owner = if table.name == "accounts" { "id" } else { "account_id" };
        let sql = format!("SELECT {} FROM {} WHERE {owner} = ?1", names.join(", "), table.name);
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query([account.0])?;
        while let Some(row) = rows.next()? {
            for (index, (_, scan)) in scanned.iter().enumerate() {
                let Some(value) = row.get::<_, Option<String>>(index)?.map(Zeroizing::new) else { continue };
                if *scan == Scan::AnyCase {
                    let lowercase = Zeroizing::new(value.to_lowercase());
                    if *lowercase != *value {
                        push_value(values, Some(lowercase));
                    }
                }
                push_value(values, Some(value));
            }
        }
    }
    Ok(())
}

/// Keeps `value` for the scan unless it is missing, already kept, or too short to mean anything.
fn push_value(values: &mut Values, value: Option<Zeroizing<String>>) {
    let Some(value) = value else { return };
    if value.len() >= MIN_NEEDLE_BYTES && !values.contains(&value) {
        values.push(value);
    }
}

/// Which of `values` (each found in the database files) also occur inside text the database
/// keeps: another account's name or street, a kept review, or a postal code or order number
/// that happens to hold a card's last four digits. Their bytes rightly stay in the file, so
/// the scan cannot tell a leftover from them.
///
/// Tables where such text usually is are read first, and reading stops once every value is
/// explained; only a value that nothing explains (a real leftover) reads the whole database.
fn held_elsewhere<'v>(conn: &Connection, values: &[&'v [u8]]) -> StoreResult<HashSet<&'v [u8]>> {
    let mut patterns: Vec<&[u8]> = values.to_vec();
    patterns.sort_unstable();
    patterns.dedup();
    let mut held = vec![false; patterns.len()];
    if !patterns.is_empty() {
        let matcher = AhoCorasick::new(&patterns)
            .map_err(|err| StoreError::Conflict(format!("the purge's value search could not be built: {err}")))?;
        'tables: for table in text_tables(conn)? {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for column in 0..columns {
                    let ValueRef::Text(text) = row.get_ref(column)? else { continue };
                    for found in matcher.find_overlapping_iter(text) {
                        held[found.pattern().as_usize()] = true;
                    }
                }
                if held.iter().all(|h| *h) {
                    break 'tables;
                }
            }
        }
    }
    Ok(patterns.into_iter().zip(held).filter_map(|(pattern, held)| held.then_some(pattern)).collect())
}

/// The tables whose rows hold the database's text, those that hold personal values first:
/// every table but SQLite's own and the full-text tables, whose text lives in (and is read
/// through) the ordinary tables.
fn text_tables(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
         ORDER BY name IN ('accounts', 'addresses', 'payment_methods', 'reviews') DESC, name",
    )?;
    let names = stmt.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(names)
}

/// Deletes the named `.eml` files from `outbox_dir`; returns how many were deleted and how
/// many could not be. Files already gone are neither.
fn delete_mail_files(outbox_dir: &Path, names: &[String]) -> (u64, u64) {
    let (mut deleted, mut failed) = (0, 0);
    for name in names {
        // Only a plain file name inside the outbox folder: a row can never point elsewhere.
        let Some(file_name) = Path::new(name).file_name() else { continue };
        match std::fs::remove_file(outbox_dir.join(file_name)) {
            Ok(()) => deleted += 1,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                failed += 1;
                tracing::warn!(error = %err.kind(), "a purged account's mail file could not be deleted");
            }
        }
    }
    (deleted, failed)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use rusqlite::Connection;

    use super::*;
    use crate::store::accounts::{NewAccount, insert_account};
    use crate::store::scan::scan_files;

    /// The purged account's personal values: distinctive, so any hit can only be a leftover.
    const EMAIL: &str = "Quillon.Vexabright@Purge-Example.test";
    const NAME: &str = "Quillon Vexabright";
    const PHONE: &str = "+49 1579 8812345";
    const RECIPIENT: &str = "Quillon V. Zephyrmoor";
    const LINE1: &str = "17 Zephyrine Alley";
    const LINE2: &str = "Loft Xq-88";
    const ADDRESS_PHONE: &str = "+49 1579 0000999";
    const SECOND_LINE1: &str = "Apartment 9, Quorvath Court";
    const LAST4: &str = "7319";

    const KEEPER_EMAIL: &str = "keeper.otherperson@example.test";

    const CREATED: i64 = 1_700_000_000;
    const DEADLINE: i64 = 1_800_000_000;
    const TARGET_ORDERS: i64 = 40;
    const FILLERS: i64 = 400;

    /// Every row the fixture gives the purged account, table by table.
    const TARGET_ROWS: u64 = 2 * TARGET_ORDERS as u64 // order items
        + 2 // messages
        + 1 // disputes
        + 1 // conversations
        + TARGET_ORDERS as u64 // orders
        + 2 // addresses
        + 1 // payment methods
        + 2 // ledger entries
        + 1 // coupons
        + 2 // subscriptions
        + 2 // outbox
        + 1 // closure attempts
        + 1 // closure requests
        + 1 // credentials
        + 1 // sign-in failures
        + 1; // accounts

    fn values() -> Vec<Zeroizing<String>> {
        [EMAIL, &EMAIL.to_lowercase(), NAME, PHONE, RECIPIENT, LINE1, LINE2, ADDRESS_PHONE, SECOND_LINE1, LAST4]
            .iter()
            .map(|v| Zeroizing::new((*v).to_owned()))
            .collect()
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    struct Shop {
        _dir: tempfile::TempDir,
        db: PathBuf,
        outbox: PathBuf,
        conn: Connection,
        target: AccountId,
        keeper: AccountId,
    }

    fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> i64 {
        conn.execute(sql, params).unwrap();
        conn.last_insert_rowid()
    }

    fn account(conn: &Connection, name: &str, email: &str, phone: Option<&str>) -> AccountId {
        insert_account(
            conn,
            &NewAccount {
                display_name: name,
                email,
                phone,
                country: "DE",
                created_at: at(CREATED),
                password_phc: "$argon2id$v=19$m=19456,t=2,p=1$test$test",
            },
        )
        .unwrap()
    }

    /// An ordinary customer with an address, a card, three orders and a review.
    fn filler(conn: &Connection, n: i64) {
        let id = account(conn, &format!("Filler Person {n}"), &format!("filler{n}@example.test"), None).0;
        let address = exec(
            conn,
            "INSERT INTO addresses (account_id, recipient, line1, city, postal_code, country)
             VALUES (?1, ?2, ?3, 'Hamburg', '20095', 'DE')",
            params![id, format!("Filler Person {n}"), format!("{n} Filler Street")],
        );
        exec(
            conn,
            "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
             VALUES (?1, 'visa', ?2, 1, 2031, ?3)",
            params![id, format!("{:04}", 1000 + n), CREATED],
        );
        for k in 0..3 {
            let order = exec(
                conn,
                "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency, address_id)
                 VALUES (?1, ?2, ?3, 'completed', 'Seller Co', 1000, 'EUR', ?4)",
                params![id, format!("F{n:04}-{k}"), CREATED + k, address],
            );
            for _ in 0..2 {
                exec(
                    conn,
                    "INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, 'Teapot', 1, 500)",
                    [order],
                );
            }
        }
    }

    /// A database of fillers around the closure-pending account, its data in every table, and
    /// a second, active account that must survive untouched.
    fn shop() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let outbox = crate::paths::outbox_dir(&db);
        std::fs::create_dir_all(&outbox).unwrap();
        let mut conn = crate::store::create_empty(&db).unwrap();
        let tx = conn.transaction().unwrap();
        for n in 0..FILLERS / 2 {
            filler(&tx, n);
        }

        let target = account(&tx, NAME, EMAIL, Some(PHONE));
        let id = target.0;
        let address = exec(
            &tx,
            "INSERT INTO addresses (account_id, recipient, line1, line2, city, postal_code, country, phone, is_default)
             VALUES (?1, ?2, ?3, ?4, 'Berlin', '10115', 'DE', ?5, 1)",
            params![id, RECIPIENT, LINE1, LINE2, ADDRESS_PHONE],
        );
        exec(
            &tx,
            "INSERT INTO addresses (account_id, recipient, line1, city, postal_code, country)
             VALUES (?1, ?2, ?3, 'Berlin', '10117', 'DE')",
            params![id, NAME, SECOND_LINE1],
        );
        exec(
            &tx,
            "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
             VALUES (?1, 'visa', ?2, 12, 2030, ?3)",
            params![id, LAST4, CREATED],
        );
        let mut orders = Vec::new();
        for k in 0..TARGET_ORDERS {
            let order = exec(
                &tx,
                "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency, address_id)
                 VALUES (?1, ?2, ?3, 'completed', 'Seller Co', 1000, 'EUR', ?4)",
                params![id, format!("TGT-{k:05}"), CREATED + k, address],
            );
            for _ in 0..2 {
                exec(
                    &tx,
                    "INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, 'Lamp', 1, 500)",
                    [order],
                );
            }
            orders.push(order);
        }
        let conversation = exec(
            &tx,
            "INSERT INTO conversations (account_id, seller, subject, order_id, started_at)
             VALUES (?1, 'Seller Co', 'Where is my parcel?', ?2, ?3)",
            params![id, orders[0], CREATED],
        );
        for from_customer in [1, 0] {
            exec(
                &tx,
                "INSERT INTO messages (conversation_id, sent_at, from_customer, body) VALUES (?1, ?2, ?3, 'On its way')",
                params![conversation, CREATED, from_customer],
            );
        }
        exec(
            &tx,
            "INSERT INTO disputes (account_id, order_id, opened_at, status, reason, amount_minor, currency)
             VALUES (?1, ?2, ?3, 'resolved', 'not as described', 500, 'EUR')",
            params![id, orders[1], CREATED],
        );
        for amount in [500, -500] {
            exec(
                &tx,
                "INSERT INTO ledger_entries (account_id, kind, amount_minor, currency, created_at, memo)
                 VALUES (?1, 'refund', ?2, 'EUR', ?3, 'refund')",
                params![id, amount, CREATED],
            );
        }
        exec(
            &tx,
            "INSERT INTO coupons (account_id, kind, code, description, value_minor, currency)
             VALUES (?1, 'coupon', 'SAVE10', 'Ten off', 1000, 'EUR')",
            [id],
        );
        for topic in ["newsletter", "order_updates"] {
            exec(
                &tx,
                "INSERT INTO subscriptions (account_id, topic, enabled, updated_at) VALUES (?1, ?2, 0, ?3)",
                params![id, topic, CREATED],
            );
        }
        // One mail file is on disk, the other was already deleted by hand.
        std::fs::write(outbox.join("target-1.eml"), format!("To: {EMAIL}\r\n\r\nHello {NAME}")).unwrap();
        for file in ["target-1.eml", "target-2.eml"] {
            exec(
                &tx,
                "INSERT INTO outbox (account_id, to_addr, subject, body, created_at, eml_file)
                 VALUES (?1, ?2, 'Your code', ?3, ?4, ?5)",
                params![id, EMAIL, format!("Hello {NAME}, your code is ******"), CREATED, file],
            );
        }
        for (order, body) in [(orders[0], "Great seller, fast shipping"), (orders[2], "Lamp works well")] {
            exec(
                &tx,
                "INSERT INTO reviews (account_id, order_id, seller, rating, body, created_at)
                 VALUES (?1, ?2, 'Seller Co', 5, ?3, ?4)",
                params![id, order, body, CREATED],
            );
        }
        exec(
            &tx,
            "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, note, backup_taken)
             VALUES (?1, ?2, ?3, 'too_many_emails', 'Moving on', 1)",
            params![id, CREATED, DEADLINE],
        );
        exec(
            &tx,
            "INSERT INTO closure_attempts (account_id, purpose, state_json, updated_at) VALUES (?1, 'close', '{}', ?2)",
            params![id, CREATED],
        );
        exec(
            &tx,
            "INSERT INTO sign_in_failures (subject_kind, subject_id, failures, last_failure_at)
             VALUES ('customer', ?1, 2, ?2)",
            params![id, CREATED],
        );
        exec(&tx, "UPDATE accounts SET status = 'closure_pending' WHERE id = ?1", [id]);
        crate::store::audit::record(
            &tx,
            &AuditEvent { account: Some(target), actor: Actor::Customer(target), action: "close", outcome: "ok" },
            at(CREATED),
        )
        .unwrap();

        let keeper = account(&tx, "Keeper Otherperson", KEEPER_EMAIL, Some("+44 20 7946 0000"));
        let keeper_order = exec(
            &tx,
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
             VALUES (?1, 'KEEP-1', ?2, 'delivered', 'Seller Co', 800, 'EUR')",
            params![keeper.0, CREATED],
        );
        exec(
            &tx,
            "INSERT INTO reviews (account_id, order_id, seller, rating, body, created_at)
             VALUES (?1, ?2, 'Seller Co', 4, 'Fine', ?3)",
            params![keeper.0, keeper_order, CREATED],
        );
        std::fs::write(outbox.join("keeper-1.eml"), "To: keeper").unwrap();
        exec(
            &tx,
            "INSERT INTO outbox (account_id, to_addr, subject, body, created_at, eml_file)
             VALUES (?1, ?2, 'Welcome', 'Welcome', ?3, 'keeper-1.eml')",
            params![keeper.0, KEEPER_EMAIL, CREATED],
        );

        for n in FILLERS / 2..FILLERS {
            filler(&tx, n);
        }
        tx.commit().unwrap();
        Shop { _dir: dir, db, outbox, conn, target, keeper }
    }

    fn purge(shop: &mut Shop, now: i64) -> StoreResult<PurgeOutcome> {
        purge_account(&mut shop.conn, shop.target, at(now), &shop.outbox)
    }

    fn purged(shop: &mut Shop) -> PurgeReceipt {
        match purge(shop, DEADLINE).unwrap() {
            PurgeOutcome::Purged(receipt) => receipt,
            PurgeOutcome::AlreadyPurged => panic!("the account had not been purged before"),
        }
    }

    fn user_tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// Every table's row count: what "nothing changed" is checked against.
    fn row_counts(conn: &Connection) -> Vec<(String, i64)> {
        user_tables(conn)
            .into_iter()
            .map(|table| {
                let count = conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0)).unwrap();
                (table, count)
            })
            .collect()
    }

    fn count(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> i64 {
        conn.query_row(sql, params, |row| row.get(0)).unwrap()
    }

    fn status(conn: &Connection, account: AccountId) -> Option<String> {
        conn.query_row("SELECT status FROM accounts WHERE id = ?1", [account.0], |row| row.get(0)).optional().unwrap()
    }

    #[test]
    fn one_second_before_the_deadline_nothing_is_purged_and_at_the_deadline_it_is() {
        let mut shop = shop();
        let before = row_counts(&shop.conn);

        let err = purge(&mut shop, DEADLINE - 1).unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m.contains("not due for purge until")), "{err}");
        assert!(err.to_string().contains(&at(DEADLINE).to_string()), "names the purge date: {err}");
        assert_eq!(row_counts(&shop.conn), before, "a refused purge changes nothing");
        assert_eq!(status(&shop.conn, shop.target).as_deref(), Some("closure_pending"));
        assert!(shop.outbox.join("target-1.eml").exists());

        assert_eq!(due_accounts(&shop.conn, at(DEADLINE - 1)).unwrap(), vec![]);
        assert_eq!(due_accounts(&shop.conn, at(DEADLINE)).unwrap(), vec![(shop.target, at(DEADLINE))]);
        let receipt = purged(&mut shop);
        assert_eq!(receipt.account, shop.target);
        assert_eq!(receipt.purged_at, at(DEADLINE));
        assert_eq!(status(&shop.conn, shop.target), None);
    }

    #[test]
    fn after_purge_no_row_of_the_account_remains_but_its_reviews_and_tombstone_do() {
        let mut shop = shop();
        let keeper_before = crate::store::accounts::account_counts(&shop.conn, shop.keeper).unwrap();
        let reviews_before = count(&shop.conn, "SELECT count(*) FROM reviews", []);
        let receipt = purged(&mut shop);
        let conn = &shop.conn;
        let id = shop.target.0;

        let mut checked = Vec::new();
        for table in user_tables(conn) {
            let has_account_id =
                count(conn, "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'account_id'", [&table]) > 0;
            if !has_account_id || ["audit_events", "tombstones", "erasures"].contains(&table.as_str()) {
                continue;
            }
            let left = count(conn, &format!("SELECT count(*) FROM \"{table}\" WHERE account_id = ?1"), [id]);
            assert_eq!(left, 0, "{table} still holds {left} rows of the account");
            checked.push(table);
        }
        assert!(checked.len() >= 13, "every table with an account_id was checked, got {}", checked.len());
        assert_eq!(count(conn, "SELECT count(*) FROM accounts WHERE id = ?1", [id]), 0);
        assert_eq!(
            count(conn, "SELECT count(*) FROM order_items WHERE order_id NOT IN (SELECT id FROM orders)", []),
            0
        );
        assert_eq!(
            count(
                conn,
                "SELECT count(*) FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)",
                []
            ),
            0
        );
        assert_eq!(count(conn, "SELECT count(*) FROM sign_in_failures WHERE subject_id = ?1", [id]), 0);
        assert!(crate::store::accounts::credential_by_email(conn, EMAIL).unwrap().is_none(), "the login is gone");
        assert_eq!(count(conn, "SELECT count(*) FROM pragma_foreign_key_check", []), 0, "no dangling reference");

        assert_eq!(receipt.rows_deleted, TARGET_ROWS);
        assert_eq!(receipt.reviews_kept, 2);
        assert_eq!(count(conn, "SELECT count(*) FROM reviews", []), reviews_before);
        assert_eq!(
            count(conn, "SELECT count(*) FROM reviews WHERE account_id IS NULL AND order_id IS NULL", []),
            2,
            "the account's reviews stay, by \"Deleted user\""
        );
        let tombstone: (i64, String) = conn
            .query_row("SELECT closed_at, reason_code FROM tombstones WHERE account_id = ?1", [id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        assert_eq!(tombstone, (DEADLINE, "too_many_emails".to_owned()));
        assert_eq!(
            crate::store::ledger::purged_at(conn, shop.target).unwrap(),
            Some(at(DEADLINE)),
            "the erasure ledger records the purge in its own transaction"
        );
        assert_eq!(receipt.reason_code, "too_many_emails");

        assert_eq!(receipt.mail_files_deleted, 1, "the file already gone is not counted");
        assert_eq!(receipt.mail_files_failed, 0);
        assert!(!shop.outbox.join("target-1.eml").exists());
        assert!(shop.outbox.join("keeper-1.eml").exists(), "another account's mail stays");
        assert_eq!(crate::store::accounts::account_counts(conn, shop.keeper).unwrap(), keeper_before);
        assert_eq!(count(conn, "SELECT count(*) FROM accounts", []), FILLERS + 1);
    }

    #[test]
    fn after_purge_no_byte_of_the_account_remains_in_the_database_files() {
        let mut shop = shop();
        let before = scan_files(&shop.db, &values()).unwrap();
        assert!(before.hits > 0, "the scan sees the values before the purge");

        let receipt = purged(&mut shop);
        assert!(receipt.checkpoint_complete);
        assert_eq!(receipt.scan.hits, 0, "the purge's own scan found {} leftovers", receipt.scan.hits);
        assert_eq!(receipt.scan.values_checked, values().len(), "every personal value was searched for");
        let names: Vec<&str> = receipt.scan.files_scanned.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"closedesk.db") && names.contains(&"closedesk.db-wal"), "{names:?}");
        assert!(receipt.scan.files_scanned.iter().all(|(name, _)| !name.contains('/')), "file names only");
        assert!(receipt.scan.files_scanned.iter().any(|(name, bytes)| name == "closedesk.db-wal" && *bytes == 0));

        for value in values() {
            let report = scan_files(&shop.db, std::slice::from_ref(&value)).unwrap();
            assert_eq!(report.hits, 0, "a value of {} bytes is still in the files {} times", value.len(), report.hits);
        }
        let keeper = scan_files(&shop.db, &[Zeroizing::new(KEEPER_EMAIL.to_owned())]).unwrap();
        assert!(keeper.hits > 0, "another account's email is still found");
    }

    #[test]
    fn after_purge_the_search_indexes_hold_no_token_of_the_name() {
        // The full-text indexes keep names folded to lower case, and the pair index joins words.
        let tokens =
            || ["vexabright", "quillon_vexabright", "vexabright_quillon"].map(|t| Zeroizing::new(t.to_owned()));
        let mut shop = shop();
        let before = scan_files(&shop.db, &tokens()).unwrap();
        assert!(before.hits >= 3, "the indexes hold the name's tokens before the purge: {}", before.hits);
        purged(&mut shop);
        for token in tokens() {
            let report = scan_files(&shop.db, std::slice::from_ref(&token)).unwrap();
            assert_eq!(report.hits, 0, "{} is still in the files", token.as_str());
        }
    }

    #[test]
    fn a_reader_holding_an_old_snapshot_is_reported_and_a_later_checkpoint_finishes_the_job() {
        let mut shop = shop();
        shop.conn.busy_timeout(Duration::from_millis(20)).unwrap();
        let mut reader = crate::store::open_existing(&shop.db).unwrap();
        let snapshot = reader.transaction().unwrap();
        assert_eq!(count(&snapshot, "SELECT count(*) FROM accounts WHERE id = ?1", [shop.target.0]), 1);

        let receipt = purged(&mut shop);
        assert!(!receipt.checkpoint_complete, "the reader kept the log from being emptied");
        assert!(receipt.scan.hits > 0, "and the scan says so");

        drop(snapshot);
        let busy: i64 = shop.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0)).unwrap();
        assert_eq!(busy, 0);
        assert_eq!(scan_files(&shop.db, &values()).unwrap().hits, 0);
    }

    #[test]
    fn a_second_purge_finds_the_tombstone_and_changes_nothing() {
        let mut shop = shop();
        purged(&mut shop);
        let after_first = row_counts(&shop.conn);
        assert_eq!(purge(&mut shop, DEADLINE + 3_600).unwrap(), PurgeOutcome::AlreadyPurged);
        assert_eq!(row_counts(&shop.conn), after_first);
        assert_eq!(
            count(&shop.conn, "SELECT closed_at FROM tombstones WHERE account_id = ?1", [shop.target.0]),
            DEADLINE,
            "the tombstone keeps the first purge's time"
        );
        let receipts =
            purge_due(&mut shop.conn, at(DEADLINE + 3_600), &shop.outbox, Actor::System, None, &mut |_, _| {}).unwrap();
        assert!(receipts.is_empty());
    }

    #[test]
    fn the_audit_trail_holds_no_personal_value_after_purge() {
        let mut shop = shop();
        purged(&mut shop);
        let conn = &shop.conn;
        let mut stmt = conn
            .prepare(
                "SELECT at || '|' || ifnull(account_id, '') || '|' || actor_kind || '|' || ifnull(actor_id, '')
                        || '|' || action || '|' || outcome
                 FROM audit_events",
            )
            .unwrap();
        let rows: Vec<String> = stmt.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        let values = values();
        let leaks = rows.iter().filter(|row| values.iter().any(|v| row.contains(v.as_str()))).count();
        assert_eq!(leaks, 0, "{leaks} of {} audit rows hold a personal value", rows.len());
        assert_eq!(
            count(
                conn,
                "SELECT count(*) FROM audit_events
                 WHERE account_id = ?1 AND actor_kind = 'system' AND action = 'purge' AND outcome = 'ok' AND at = ?2",
                params![shop.target.0, DEADLINE],
            ),
            1
        );
        assert_eq!(count(conn, "SELECT count(*) FROM audit_events WHERE account_id = ?1", [shop.target.0]), 2);
    }

    #[test]
    fn unknown_and_active_accounts_are_refused_without_change() {
        let mut shop = shop();
        let before = row_counts(&shop.conn);
        let err = purge_account(&mut shop.conn, AccountId(999_999), at(DEADLINE), &shop.outbox).unwrap_err();
        assert!(matches!(&err, StoreError::NotFound(m) if m == "account 999999"), "{err}");
        let err = purge_account(&mut shop.conn, shop.keeper, at(DEADLINE), &shop.outbox).unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m.contains("not closure-pending")), "{err}");
        assert_eq!(row_counts(&shop.conn), before);
    }

    #[test]
    fn purge_due_purges_the_earliest_first_and_reports_progress() {
        let mut shop = shop();
        let keeper = shop.keeper.0;
        shop.conn.execute("UPDATE accounts SET status = 'closure_pending' WHERE id = ?1", [keeper]).unwrap();
        shop.conn
            .execute(
                "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
                 VALUES (?1, ?2, ?3, 'other', 0)",
                params![keeper, CREATED, DEADLINE - 100],
            )
            .unwrap();
        assert_eq!(
            due_accounts(&shop.conn, at(DEADLINE)).unwrap(),
            vec![(shop.keeper, at(DEADLINE - 100)), (shop.target, at(DEADLINE))]
        );

        let mut calls = Vec::new();
        let receipts =
            purge_due(&mut shop.conn, at(DEADLINE), &shop.outbox, Actor::System, None, &mut |done, total| {
                calls.push((done, total));
            })
            .unwrap();
        assert_eq!(calls, vec![(0, 2), (1, 2), (2, 2)]);
        let order: Vec<AccountId> = receipts.iter().map(|r| r.account).collect();
        assert_eq!(order, vec![shop.keeper, shop.target]);
        assert_eq!(receipts[0].reason_code, "other");
        assert!(receipts.iter().all(|r| r.scan.hits == 0));
        assert!(!shop.outbox.join("keeper-1.eml").exists());
        assert_eq!(due_accounts(&shop.conn, at(DEADLINE)).unwrap(), vec![]);

        // One scan served both: each receipt counts its own account's values, and none is left.
        assert_eq!(receipts[1].scan.values_checked, values().len());
        assert!(receipts[0].scan.values_checked > 0);
        assert!(
            receipts.iter().all(|r| r.checkpoint_complete && r.scan.files_scanned == receipts[0].scan.files_scanned)
        );
        for value in values().into_iter().chain([Zeroizing::new(KEEPER_EMAIL.to_owned())]) {
            assert_eq!(scan_files(&shop.db, std::slice::from_ref(&value)).unwrap().hits, 0, "a value is left");
        }
    }

    #[test]
    fn the_preview_counts_what_the_purge_then_deletes_and_only_the_confirmed_accounts_go() {
        let mut shop = shop();
        let before = row_counts(&shop.conn);
        let previews = purge_preview(&shop.conn, at(DEADLINE)).unwrap();
        assert_eq!(previews.len(), 1);
        let preview = &previews[0];
        assert_eq!(preview.account, shop.target);
        assert!(preview.orders > 0 && preview.rows > preview.orders, "{preview:?}");
        assert_eq!(row_counts(&shop.conn), before, "the preview changes nothing");

        let none = purge_due(&mut shop.conn, at(DEADLINE), &shop.outbox, Actor::System, Some(&[]), &mut |_, _| {});
        assert!(none.unwrap().is_empty(), "an account not confirmed is not purged");
        let only = [shop.target];
        let receipts =
            purge_due(&mut shop.conn, at(DEADLINE), &shop.outbox, Actor::System, Some(&only), &mut |_, _| {}).unwrap();
        assert_eq!(receipts[0].rows_deleted, preview.rows);
        assert_eq!(receipts[0].reviews_kept, preview.reviews_kept);
    }

    #[test]
    fn the_receipt_serializes_counts_and_no_value() {
        let mut shop = shop();
        let receipt = purged(&mut shop);
        let json = serde_json::to_string(&receipt).unwrap();
        let values = values();
        assert_eq!(values.iter().filter(|v| json.contains(v.as_str())).count(), 0);
        assert!(json.contains("\"rows_deleted\""), "{json}");
    }

    #[test]
    fn values_another_account_also_holds_are_set_aside_not_reported_as_leftovers() {
        let mut shop = shop();
        let keeper = shop.keeper.0;
        // A neighbour in the same building, paying with a card that ends the same way.
        shop.conn
            .execute(
                "INSERT INTO addresses (account_id, recipient, line1, city, postal_code, country)
                 VALUES (?1, 'Keeper Otherperson', ?2, 'Berlin', '10117', 'DE')",
                params![keeper, SECOND_LINE1],
            )
            .unwrap();
        shop.conn
            .execute(
                "INSERT INTO payment_methods (account_id, brand, last4, exp_month, exp_year, added_at)
                 VALUES (?1, 'mastercard', ?2, 3, 2029, ?3)",
                params![keeper, LAST4, CREATED],
            )
            .unwrap();

        let receipt = purged(&mut shop);
        assert_eq!(receipt.values_shared, 2);
        assert_eq!(receipt.scan.values_checked, values().len() - 2);
        assert_eq!(receipt.scan.hits, 0);
        let shared = [Zeroizing::new(SECOND_LINE1.to_owned()), Zeroizing::new(LAST4.to_owned())];
        assert!(scan_files(&shop.db, &shared).unwrap().hits > 0, "the neighbour's values are still there");
    }

    #[test]
    fn a_value_that_other_text_happens_to_hold_is_set_aside_too() {
        let mut shop = shop();
        // Another customer's postal code holds the purged card's last four digits by chance.
        shop.conn
            .execute(
                "INSERT INTO addresses (account_id, recipient, line1, city, postal_code, country)
                 VALUES (?1, 'Keeper Otherperson', 'Elsewhere 1', 'Oslo', ?2, 'NO')",
                params![shop.keeper.0, format!("0{LAST4}")],
            )
            .unwrap();
        let receipt = purged(&mut shop);
        assert_eq!((receipt.values_shared, receipt.scan.hits), (1, 0), "not a leftover: {receipt:?}");
    }

    #[test]
    fn an_account_reusing_a_purged_id_is_refused_and_the_tombstone_kept() {
        let mut shop = shop();
        purged(&mut shop);
        let id = shop.target.0;
        shop.conn
            .execute(
                "INSERT INTO accounts (id, display_name, email, country, created_at, status)
                 VALUES (?1, 'Newcomer', 'newcomer@example.test', 'DE', ?2, 'closure_pending')",
                params![id, DEADLINE],
            )
            .unwrap();
        shop.conn
            .execute(
                "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
                 VALUES (?1, ?2, ?2, 'other', 0)",
                params![id, DEADLINE],
            )
            .unwrap();
        let before = row_counts(&shop.conn);
        let err = purge(&mut shop, DEADLINE + 10).unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m.contains("reuses the id")), "{err}");
        assert_eq!(row_counts(&shop.conn), before);
        assert_eq!(count(&shop.conn, "SELECT closed_at FROM tombstones WHERE account_id = ?1", [id]), DEADLINE);
    }
}
