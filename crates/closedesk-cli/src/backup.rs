//! `closedesk export`, `verify` and `backup-db`: the backups of `closedesk_engine::backup` from a terminal.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::Path;

use rusqlite::Connection;

use super::Failure;
use super::output::{self, say};
use crate::clock::Clock;
use crate::core::AccountRef;
use crate::core::money::group_thousands;
use crate::core::permissions::Principal;
use crate::core::time::utc_minute;
use crate::core::words::counted;
use closedesk_engine::backup::{self, Format, Progress};
use closedesk_engine::service::directory;
use closedesk_engine::service::export::{Acting, ExportError, export_account_on};

/// Exports one account to `out`; progress on stderr when it is a terminal.
pub(super) fn export(
    conn: &Connection,
    which: &AccountRef,
    out: &Path,
    format: Format,
    force: bool,
    clock: Clock,
) -> Result<(), Failure> {
    let account = directory::find(conn, Acting::FileOwner, which)?;
    let now = clock.now();
    let show_progress = std::io::stderr().is_terminal();
    let report = |progress: Progress| {
        if show_progress {
            output::stderr(&format!(
                "\rexporting {}: {} of {}",
                progress.table,
                group_thousands(progress.rows_done),
                output::counted(progress.rows_total, "row", "rows")
            ));
        }
        true
    };
    // The command line acts as whoever can open the file; the trail names no person.
    let summary = export_account_on(conn, Acting::FileOwner, account.id, out, format, force, now, &report);
    if show_progress {
        output::stderr("\n");
    }
    let summary = summary.map_err(|err| match err {
        ExportError::NotAudited { reason, .. } => {
            let db = conn.path().unwrap_or("the database");
            Failure::error(format!(
                "wrote {}, but the audit trail in {db} could not record it: {reason}",
                out.display()
            ))
        }
        ExportError::Exists(err) => Failure::from(err).naming_file(out),
        ExportError::Other(err) => Failure::from(err).naming_file(out),
        ExportError::Cancelled => Failure::error(format!("{}: the backup was cancelled", out.display())),
    })?;
    say!(
        "wrote {}: {} backup of account {}, {} in {}, {}, sha256 {}",
        out.display(),
        summary.format,
        summary.account,
        output::counted(summary.counts.total(), "row", "rows"),
        output::counted(backup::Table::ALL.len() as u64, "table", "tables"),
        output::counted(summary.bytes, "byte", "bytes"),
        summary.sha256
    )
}

/// Verifies `file`, and compares it with the database when `against` is given.
pub(super) fn verify(file: &Path, against: Option<&Connection>) -> Result<(), Failure> {
    let report = backup::verify(file, against)?;
    let header = &report.header;
    let mut text = format!(
        "ok: {} is a sound closedesk backup ({}, format version {}, closedesk {}) of account {} taken {}: \
         {}, sha256 {}\n",
        file.display(),
        report.format,
        header.format_version,
        header.closedesk_version,
        header.account,
        utc_minute(header.exported_at),
        output::counted(report.counts.total(), "row", "rows"),
        report.sha256
    );
    match report.differences.as_deref() {
        None => output::stdout(&text),
        Some([]) => {
            text.push_str("matches the database: every table holds the same rows\n");
            output::stdout(&text)
        }
        Some(differences) => {
            for difference in differences {
                let _ = writeln!(text, "differs: {difference}");
            }
            // The differences are the answer: a reader that went away does not change it.
            match output::stdout(&text) {
                Err(failure) if !failure.is_output_closed() => return Err(failure),
                _ => {}
            }
            Err(Failure::error(format!(
                "{}: differs from the database in {} (listed above)",
                file.display(),
                counted(differences.len() as i64, "place", "places")
            )))
        }
    }
}

/// Copies the whole database at `db` to `out`, by the agent `session` when one signed in, and
/// catalogues the copy with its retention.
pub(super) fn backup_db(
    db: &Path,
    out: &Path,
    force: bool,
    session: Option<Principal>,
    clock: Clock,
) -> Result<(), Failure> {
    let acting = session.map_or(Acting::FileOwner, Acting::Session);
    let report =
        crate::service::backups::backup_database(db, acting, out, force, clock.now()).map_err(|err| match err {
            crate::service::ServiceError::Backup(err) => Failure::from(err).naming_file(out),
            other => super::staff::failure(other, "back up the database"),
        })?;
    let copy = &report.copy;
    if let Some(reason) = &report.not_catalogued {
        output::note!(
            "warning: {} was written but not catalogued, so nothing tracks its retention: {reason}",
            copy.target.display()
        );
    }
    say!(
        "wrote {}: a consistent copy of {} ({}, schema version {}, {}), integrity check ok, sha256 {}; \
         kept until {} (backup_retention_days)",
        copy.target.display(),
        db.display(),
        output::counted(copy.accounts, "account", "accounts"),
        copy.schema_version,
        output::counted(copy.bytes, "byte", "bytes"),
        copy.sha256,
        utc_minute(report.retain_until)
    )
}
