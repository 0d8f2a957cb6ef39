//! The local outbox read like a mailbox: the newest mails of one account, from their `.eml`
//! files. Mail is not sent anywhere in closedesk, so this is how a person reads a code.
//!
//! TODO(closure): reading an `.eml` back belongs beside `mail::write_eml`; it lives here until
//! the mail module offers it.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::core::{AccountId, AccountRef};
use crate::paths;
use crate::store::{self, accounts, outbox};

use super::remote::Remote;

/// How many of the newest mails the mailbox shows.
pub const MAILBOX_SIZE: usize = 5;

/// One mail as the mailbox shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct MailItem {
    /// The subject line.
    pub subject: String,
    /// When it was written to the outbox.
    pub sent_at: Timestamp,
    /// The plain-text body as delivered (it may hold a code), or why it cannot be read.
    pub body: String,
}

impl std::fmt::Debug for MailItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold a one-time code: never print it in logs.
        f.debug_struct("MailItem")
            .field("subject", &self.subject)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

/// The mailbox of one account as a screen holds it.
#[derive(Debug)]
pub struct MailboxView {
    /// The account whose mail is shown.
    pub account: AccountId,
    /// The outbox folder, named on screen so that a person can open it.
    pub folder: PathBuf,
    /// The newest mails.
    pub items: Remote<Vec<MailItem>>,
    /// Whether a (re)load is due; the app starts it when the mailbox worker is free.
    pub wanted: bool,
}

impl MailboxView {
    /// A mailbox of `account`, for the database at `db_path`, that loads at once.
    pub fn new(account: AccountId, db_path: &Path) -> Self {
        Self { account, folder: paths::outbox_dir(db_path), items: Remote::Loading, wanted: true }
    }

    /// Asks for a reload, e.g. after a code was mailed.
    pub fn refresh(&mut self) {
        self.wanted = true;
    }
}

/// Reads the newest mails of `account` from the outbox table and their `.eml` files.
pub fn load(db_path: &Path, account: AccountId) -> Result<Vec<MailItem>, String> {
    let conn = store::open_existing(db_path).map_err(|err| err.to_string())?;
    let row = accounts::get_account(&conn, &AccountRef::Id(account)).map_err(|err| err.to_string())?;
    let rows = outbox::list(&conn, Some(&row.email), MAILBOX_SIZE).map_err(|err| err.to_string())?;
    let folder = paths::outbox_dir(db_path);
    Ok(rows
        .into_iter()
        .filter(|mail| mail.account == Some(account))
        .map(|mail| {
            let body = read_body(&folder, &mail.eml_file)
                .unwrap_or_else(|why| format!("The file {} in the outbox folder {why}.", mail.eml_file));
            MailItem { subject: mail.subject, sent_at: mail.created_at, body }
        })
        .collect())
}

/// The decoded body of the `.eml` file `name` in `folder`, or why it cannot be read.
fn read_body(folder: &Path, name: &str) -> Result<String, &'static str> {
    // The name comes from the database: accept a bare file name only, never a path.
    if Path::new(name).file_name().and_then(|n| n.to_str()) != Some(name) {
        return Err("has an unexpected name");
    }
    let raw = std::fs::read(folder.join(name)).map_err(|_| "cannot be read")?;
    Ok(decode_eml(&String::from_utf8_lossy(&raw)))
}

/// The plain-text body of an RFC 5322 mail with one text part, decoded from its
/// `Content-Transfer-Encoding` (quoted-printable, base64, or 7/8 bit).
pub fn decode_eml(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let (headers, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    let encoding = header_value(headers, "content-transfer-encoding").unwrap_or_default().to_ascii_lowercase();
    match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => String::from_utf8_lossy(&decode_base64(body)).into_owned(),
        _ => body.to_owned(),
    }
}

/// The value of header `name` (any case), with folded lines joined.
fn header_value(headers: &str, name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in headers.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(value) = value.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((key, rest)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case(name)
        {
            value = Some(rest.trim().to_owned());
        }
    }
    value.map(|value| value.trim().to_owned())
}

/// Decodes quoted-printable text (RFC 2045): `=XX` bytes and `=` soft line breaks.
fn decode_quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|pair| std::str::from_utf8(pair).ok());
                if let Some(byte) = hex.and_then(|pair| u8::from_str_radix(pair, 16).ok()) {
                    out.push(byte);
                    i += 3;
                } else {
                    // Not an escape after all: keep the text as it is.
                    out.push(b'=');
                    i += 1;
                }
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes base64 (RFC 4648), skipping line breaks and anything outside the alphabet.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |byte: u8| -> Option<u32> {
        match byte {
            b'A'..=b'Z' => Some(u32::from(byte - b'A')),
            b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0_u32;
    let mut bits = 0;
    for sextet in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | sextet;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_bodies_are_decoded_with_soft_breaks_and_utf8() {
        let raw = "From: a@b.c\r\nSubject: Your code\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
                   Your code: 123456\r\n\r\nIt is valid f=\r\nor ten minutes.\r\n\r\n=E2=80=94 closedesk\r\n";
        let body = decode_eml(raw);
        assert!(body.contains("Your code: 123456"), "{body}");
        assert!(body.contains("valid for ten minutes"), "{body}");
        assert!(body.contains("— closedesk"), "{body}");
    }

    #[test]
    fn base64_and_plain_bodies_are_read() {
        let raw = "Content-Transfer-Encoding:\r\n base64\r\n\r\nSGVsbG8sIHfDtnJsZCE=\r\n";
        assert_eq!(decode_eml(raw), "Hello, wörld!");
        assert_eq!(decode_eml("Subject: x\n\nplain text\n"), "plain text\n");
    }

    #[test]
    fn a_mail_read_back_from_the_outbox_shows_its_code() {
        let dir = tempfile::tempdir().unwrap();
        let code = crate::core::closure::Code::from_number(42);
        let expires = "2026-11-29T10:00:00Z".parse().unwrap();
        let mail = crate::mail::code_mail(crate::core::closure::Purpose::Close, &code, expires);
        let path = crate::mail::write_eml(dir.path(), "ann@example.com", &mail, expires).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let body = read_body(dir.path(), name).unwrap();
        assert!(body.contains("Your code: 000042"), "{body}");
        assert!(read_body(dir.path(), "../secrets.eml").is_err(), "only bare file names are read");
    }
}
