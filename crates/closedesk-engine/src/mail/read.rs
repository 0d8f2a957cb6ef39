//! Reading an outbox `.eml` back: the plain-text body of the mails [`super::write_eml`]
//! writes, decoded from their transfer encoding. Mail is not sent anywhere in closedesk, so
//! this is how a person (and a test) reads a code.

use std::path::Path;

/// Why an outbox file could not be read back. The messages complete "The file … in the
/// outbox folder …" and name no personal data.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The name is not a bare file name: it came from the database and could point elsewhere.
    #[error("has an unexpected name")]
    UnexpectedName,
    /// The file is missing or unreadable.
    #[error("cannot be read")]
    Unreadable(#[source] std::io::Error),
}

/// The decoded body of the `.eml` file `file_name` in `outbox_dir`.
pub fn read_eml_body(outbox_dir: &Path, file_name: &str) -> Result<String, ReadError> {
    // The name comes from the database: accept a bare file name only, never a path.
    if Path::new(file_name).file_name().and_then(|n| n.to_str()) != Some(file_name) {
        return Err(ReadError::UnexpectedName);
    }
    let raw = std::fs::read(outbox_dir.join(file_name)).map_err(ReadError::Unreadable)?;
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
        let body = read_eml_body(dir.path(), name).unwrap();
        assert!(body.contains("Your code: 000042"), "{body}");
        assert!(
            matches!(read_eml_body(dir.path(), "../secrets.eml"), Err(ReadError::UnexpectedName)),
            "only bare file names are read"
        );
    }
}
