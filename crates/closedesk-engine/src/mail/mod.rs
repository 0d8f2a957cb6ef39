//! The outbox: real RFC 5322 `.eml` files in a folder beside the database, plus a table row
//! per mail. A deployment can hand the folder to a relay; tests and the mailbox read the codes
//! back from it ([`read_eml_body`]).

mod read;
mod templates;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use lettre::message::{Mailbox, Message, header::ContentType};
use rusqlite::Connection;

pub use read::{ReadError, decode_eml, read_eml_body};
pub use templates::{cancel_confirmed, closure_confirmed, code_mail};

use crate::core::AccountId;
use crate::store::{self, StoreError};

/// The sender of every mail closedesk writes.
pub const FROM: &str = "closedesk <no-reply@closedesk.invalid>";

/// A mail about to be written.
#[derive(Clone, Debug)]
pub struct Mail {
    /// The subject line.
    pub subject: String,
    /// The plain-text body, as delivered.
    pub body: String,
    /// The body as the outbox table keeps it: one-time codes replaced by `******`.
    pub body_for_table: String,
    /// For a mail carrying a one-time code, when the code expires: the mail is removed then,
    /// or sooner when the code is used, replaced or voided.
    pub code_expires_at: Option<Timestamp>,
}

/// Why a mail could not be written.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The address or a header could not be encoded.
    #[error("cannot build the mail: {0}")]
    Build(String),
    /// The outbox folder or file could not be written.
    #[error("cannot write to the outbox folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The outbox table could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `mail` to `to` as an `.eml` file in `outbox_dir`; returns the file's path.
///
/// The file is written under a temporary name, synced, then renamed: a crash leaves either a
/// whole mail or none. Record it with [`store::outbox::insert`] in the caller's transaction.
pub fn write_eml(outbox_dir: &Path, to: &str, mail: &Mail, now: Timestamp) -> Result<PathBuf, MailError> {
    let io_error = |source| MailError::Io { path: outbox_dir.to_owned(), source };
    let to: Mailbox = to.parse().map_err(|_| MailError::Build("the registered email is not a valid address".into()))?;
    let from: Mailbox = FROM.parse().map_err(|_| MailError::Build("bad sender".into()))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .date(std::time::SystemTime::try_from(now).unwrap_or(std::time::UNIX_EPOCH))
        // lettre adds Date itself, but leaves Message-ID to the relay and MIME-Version to
        // multipart bodies; the outbox stands in for the relay, so both are set here.
        .message_id(Some(format!("<{:032x}@closedesk.invalid>", rand::random::<u128>())))
        .header(lettre::message::header::MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|err| MailError::Build(err.to_string()))?;

    std::fs::create_dir_all(outbox_dir).map_err(io_error)?;
    let mut file =
        tempfile::Builder::new().prefix(".mail-").suffix(".tmp").tempfile_in(outbox_dir).map_err(io_error)?;
    file.write_all(&message.formatted()).map_err(io_error)?;
    file.as_file().sync_all().map_err(io_error)?;
    let name = format!("{}-{:08x}.eml", now.strftime("%Y%m%dT%H%M%SZ"), rand::random::<u32>());
    let path = outbox_dir.join(name);
    file.persist_noclobber(&path).map_err(|err| io_error(err.error))?;
    Ok(path)
}

/// Removes the outbox files named `names` (rows already deleted and committed); a file that
/// cannot be removed now is removed by the next start's recovery, having no row.
pub fn remove_files(outbox_dir: &Path, names: &[String]) {
    for name in names {
        // Only a bare file name inside the outbox folder: a row can never point elsewhere.
        let Some(file_name) = Path::new(name).file_name() else { continue };
        if let Err(err) = std::fs::remove_file(outbox_dir.join(file_name))
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %err.kind(), "a code mail could not be removed from the outbox");
        }
    }
}

/// Writes the mail file and its outbox row (inside the caller's transaction).
pub fn send(
    conn: &Connection,
    outbox_dir: &Path,
    account: AccountId,
    to: &str,
    mail: &Mail,
    now: Timestamp,
) -> Result<PathBuf, MailError> {
    let path = write_eml(outbox_dir, to, mail, now)?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let recorded = store::outbox::insert(
        conn,
        &store::outbox::NewMail {
            account,
            to,
            subject: &mail.subject,
            body: &mail.body_for_table,
            created_at: now,
            eml_file: &file_name,
        },
    );
    let recorded =
        recorded.and_then(|id| mail.code_expires_at.map_or(Ok(()), |at| store::outbox::mark_code_mail(conn, id, at)));
    if let Err(err) = recorded {
        // Without its row the file would be an orphan no purge could find.
        let _ = std::fs::remove_file(&path);
        return Err(err.into());
    }
    Ok(path)
}
