//! `closedesk export`, `verify` and `backup-db`: the backups of `closedesk_engine::backup` from a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use rusqlite::Connection;

use super::Failure;
use crate::clock::Clock;
use crate::core::AccountRef;
use crate::core::audit::Actor;
use crate::core::money::group_thousands;
use crate::core::permissions::Principal;
use crate::core::time::utc_minute;
use crate::core::words::counted;
use crate::store::accounts;
use closedesk_engine::backup::{self, Format, Progress};

/// Exports one account to `out`; progress on stderr when it is a terminal.
pub(super) fn export(
    conn: &Connection,
    which: &AccountRef,
    out: &Path,
    format: Format,
    force: bool,
    clock: Clock,
) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let now = clock.now();
    let show_progress = std::io::stderr().is_terminal();
    let report = |progress: Progress| {
        if show_progress {
            eprint!(
                "\rexporting {}: {} of {} rows",
                progress.table,
                group_thousands(progress.rows_done),
                group_thousands(progress.rows_total)
            );
            let _ = std::io::stderr().flush();
        }
        true
    };
    let summary = backup::export_to_file(conn, account.id, out, format, force, now, &report);
    if show_progress {
        eprintln!();
    }
    let summary = summary?;
    // The command line acts as whoever can open the file; the trail names no person.
    backup::record_export(conn, account.id, Actor::System, format, now).map_err(|err| {
        Failure::error(format!("wrote {}, but the audit trail could not record it: {err}", out.display()))
    })?;
    println!(
        "wrote {}: {} backup of account {}, {} rows in {} tables, {} bytes, sha256 {}",
        out.display(),
        summary.format,
        summary.account,
        group_thousands(summary.counts.total()),
        backup::Table::ALL.len(),
        group_thousands(summary.bytes),
        summary.sha256
    );
    Ok(())
}

/// Verifies `file`, and compares it with the database when `against` is given.
pub(super) fn verify(file: &Path, against: Option<&Connection>) -> Result<(), Failure> {
    let report = backup::verify(file, against)?;
    let header = &report.header;
    println!(
        "ok: {} is a sound closedesk backup ({}, format version {}, closedesk {}) of account {} taken {}: \
         {} rows, sha256 {}",
        file.display(),
        report.format,
        header.format_version,
        header.closedesk_version,
        header.account,
        utc_minute(header.exported_at),
        group_thousands(report.counts.total()),
        report.sha256
    );
    match report.differences.as_deref() {
        None => Ok(()),
        Some([]) => {
            println!("matches the database: every table holds the same rows");
            Ok(())
        }
        Some(differences) => {
            for difference in differences {
                println!("differs: {difference}");
            }
            Err(Failure::error(format!(
                "{}: differs from the database in {} (listed above)",
                file.display(),
                counted(differences.len() as i64, "place", "places")
            )))
        }
    }
}

/// Copies the whole database at `db` to `out`, by the agent `session` when one signed in.
pub(super) fn backup_db(
    db: &Path,
    out: &Path,
    force: bool,
    session: Option<Principal>,
    clock: Clock,
) -> Result<(), Failure> {
    let report = match session {
        Some(session) => crate::service::staff::backup_database(db, session, out, force, clock.now())
            .map_err(|err| super::staff::failure(err, "back up the database"))?,
        None => backup::backup_database(db, out, force)?,
    };
    println!(
        "wrote {}: a consistent copy of {} ({} accounts, schema version {}, {} bytes), integrity check ok",
        report.target.display(),
        db.display(),
        group_thousands(report.accounts),
        report.schema_version,
        group_thousands(report.bytes)
    );
    Ok(())
}
