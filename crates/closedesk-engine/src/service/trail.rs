//! What the command line reads of the records: the audit trail (its lines and the check of its
//! hash chain) and the outbox of mails sent. Both are staff's to read, or the database file's
//! owner's.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::ServiceResult;
use super::access::{Acting, authorize_staff};
use super::directory::Counted;
use crate::core::AccountRef;
use crate::core::audit_chain::{Noted, Verdict};
use crate::core::permissions::Action;
use crate::paths;
use crate::store::{accounts, audit, outbox};

pub use crate::store::audit::AuditRow;
pub use crate::store::outbox::MailRow;

/// The newest `limit` audit lines, about the account `which` names if given, oldest first.
pub fn audit_lines(
    conn: &Connection,
    acting: Acting,
    which: Option<&AccountRef>,
    limit: usize,
) -> ServiceResult<Counted<AuditRow>> {
    authorize_staff(conn, acting, Action::ViewAudit)?;
    // A purged account is gone from `accounts`, but its trail remains under its id.
    let account = match which {
        Some(AccountRef::Id(id)) => Some(*id),
        Some(other) => Some(accounts::get_account(conn, other)?.id),
        None => None,
    };
    let rows = audit::list(conn, account, limit)?;
    let filter = audit::AuditFilter { account, ..audit::AuditFilter::default() };
    Counted::of(rows, limit, || audit::count(conn, &filter))
}

/// The check of the whole audit chain, which must also still hold the `noted` line if given.
pub fn verify_audit(conn: &Connection, acting: Acting, noted: Option<Noted>) -> ServiceResult<Verdict> {
    authorize_staff(conn, acting, Action::ViewAudit)?;
    Ok(audit::verify_noted(conn, noted)?)
}

/// The newest `limit` mails of the outbox of the database at `db`, to `to` if given.
pub fn mails(conn: &Connection, acting: Acting, to: Option<&str>, limit: usize) -> ServiceResult<Counted<MailRow>> {
    authorize_staff(conn, acting, Action::ViewAudit)?;
    let rows = outbox::list(conn, to, limit)?;
    Counted::of(rows, limit, || outbox::count(conn, to))
}

/// The newest mail to `to` (or to anyone), with the path of its `.eml` file beside the
/// database at `db`.
pub fn last_mail(
    conn: &Connection,
    db: &Path,
    acting: Acting,
    to: Option<&str>,
) -> ServiceResult<Option<(MailRow, PathBuf)>> {
    authorize_staff(conn, acting, Action::ViewAudit)?;
    Ok(outbox::list(conn, to, 1)?.into_iter().next().map(|mail| {
        let path = paths::outbox_dir(db).join(&mail.eml_file);
        (mail, path)
    }))
}
