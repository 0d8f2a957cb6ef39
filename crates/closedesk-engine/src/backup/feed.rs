//! The bytes of a backup document on their way to the JSON parser: read in chunks, hashed
//! up to the checksum's value, and held to the verifier's bounds.
//!
//! [`Feed`] sits under a [`std::io::BufReader`], so `serde_json` takes its bytes through the
//! standard library's buffered fast path, and sees each chunk before the parser does. A small
//! lexer follows the chunk's strings and nesting: it finds where the top-level `"sha256"`
//! member's value starts, so that exactly the bytes before it are hashed, and it bounds the
//! two things `serde_json` would otherwise gather in memory whole: one string, and one run of
//! non-structural bytes (a number). Either longer than [`super::limits::MAX_VALUE_BYTES`]
//! refuses the file, so the parser never holds more than that.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use super::limits::{MAX_VALUE_BYTES, Refusal};

/// How many of the first bytes are kept to recognise a backup.
const HEAD: usize = 256;

/// A hashing, bounded reader for `serde_json` (through a `BufReader`).
pub(super) struct Feed<R> {
    inner: R,
    /// Bytes read from `inner` so far.
    read: u64,
    /// Bytes read from `inner` beyond which the document is refused.
    limit: u64,
    /// What the limit is, for the message: e.g. `backup.json`.
    what: &'static str,
    sha: Sha256,
    lex: Lexer,
    /// The first bytes of the document, to tell a damaged backup from some other file.
    head: Vec<u8>,
    /// Whether anything but whitespace was read.
    content: bool,
}

impl<R: Read> Feed<R> {
    /// Reads `inner`, refusing it past `limit` bytes.
    pub(super) fn new(inner: R, limit: u64, what: &'static str) -> Self {
        Self {
            inner,
            read: 0,
            limit,
            what,
            sha: Sha256::new(),
            lex: Lexer::default(),
            head: Vec::new(),
            content: false,
        }
    }

    /// The bytes read so far.
    pub(super) fn position(&self) -> u64 {
        self.read
    }

    /// Whether anything but whitespace was read.
    pub(super) fn has_content(&self) -> bool {
        self.content
    }

    /// Whether the document starts the way closedesk backups start.
    pub(super) fn looks_like_a_backup(&self) -> bool {
        memchr::memmem::find(&self.head, super::FORMAT_NAME.as_bytes()).is_some()
    }

    /// The SHA-256 of every byte before the checksum's value, in lower-case hex; `None` when
    /// no top-level `"sha256"` member with a text value was found.
    pub(super) fn covered_digest(self) -> Option<String> {
        self.lex.value_start?;
        Some(super::json::hex(&self.sha.finalize()))
    }

    /// Reads what is left of the source, so that its own checks at the end (a zip entry's
    /// size and CRC) run; the parser has already seen that only whitespace follows.
    pub(super) fn drain(&mut self) -> io::Result<()> {
        let mut scratch = vec![0; 16 * 1024];
        while self.read(&mut scratch)? > 0 {}
        Ok(())
    }
}

impl<R: Read> Read for Feed<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let read = loop {
            match self.inner.read(out) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        };
        let base = self.read;
        self.read += read as u64;
        if self.read > self.limit {
            return Err(io::Error::other(Refusal::TooLarge(format!(
                "{} is larger than {}, the most a backup may hold",
                self.what,
                super::limits::describe(self.limit)
            ))));
        }
        let chunk = &out[..read];
        if self.head.len() < HEAD {
            self.head.extend_from_slice(&chunk[..chunk.len().min(HEAD - self.head.len())]);
        }
        self.content = self.content || chunk.iter().any(|byte| !byte.is_ascii_whitespace());
        let before = self.lex.value_start;
        self.lex.scan(chunk, base)?;
        // Everything before the checksum's value is hashed, nothing from it on.
        let hashed_to = match (before, self.lex.value_start) {
            (Some(_), _) => 0,
            (None, Some(start)) => (start - base) as usize,
            (None, None) => chunk.len(),
        };
        self.sha.update(&chunk[..hashed_to]);
        Ok(read)
    }
}

/// Where the lexer is in the top-level object, to find the checksum's value.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Member {
    /// Anywhere else.
    #[default]
    Elsewhere,
    /// At depth 1 after `{` or `,`: the next string is a key.
    KeyNext,
    /// Inside a top-level key.
    InKey,
    /// After the key `"sha256"`: the next string opens its value.
    ShaValueNext,
}

/// Tracks strings, nesting and tokens across chunks.
#[derive(Default)]
struct Lexer {
    in_string: bool,
    /// A backslash ended the last chunk inside a string: the next byte is escaped.
    escaped: bool,
    /// Where the current string, or run of non-structural bytes, started.
    token_start: u64,
    depth: u64,
    member: Member,
    /// The first bytes of the current top-level key.
    key: Vec<u8>,
    /// Where the checksum's value starts, once found.
    value_start: Option<u64>,
}

impl Lexer {
    fn scan(&mut self, chunk: &[u8], base: u64) -> io::Result<()> {
        let mut i = 0;
        if self.escaped {
            self.escaped = false;
            self.key_bytes(&chunk[..1.min(chunk.len())]);
            i = 1;
        }
        while i < chunk.len() {
            if self.in_string {
                let Some(at) = memchr::memchr2(b'"', b'\\', &chunk[i..]) else {
                    self.key_bytes(&chunk[i..]);
                    break;
                };
                if chunk[i + at] == b'\\' {
                    // The escape and the byte it escapes.
                    self.key_bytes(&chunk[i..(i + at + 2).min(chunk.len())]);
                    i += at + 2;
                    if i > chunk.len() {
                        self.escaped = true;
                    }
                } else {
                    self.key_bytes(&chunk[i..i + at]);
                    self.in_string = false;
                    i += at + 1;
                    self.check(base + i as u64)?;
                    self.token_start = base + i as u64;
                    if self.member == Member::InKey {
                        self.member = if self.key == b"sha256" { Member::ShaValueNext } else { Member::Elsewhere };
                    }
                }
                continue;
            }
            match chunk[i] {
                b'"' => {
                    self.check(base + i as u64)?;
                    self.in_string = true;
                    self.token_start = base + i as u64;
                    match self.member {
                        Member::KeyNext => {
                            self.member = Member::InKey;
                            self.key.clear();
                        }
                        Member::ShaValueNext => {
                            if self.value_start.is_none() {
                                self.value_start = Some(base + i as u64);
                            }
                            self.member = Member::Elsewhere;
                        }
                        _ => {}
                    }
                }
                structural @ (b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\n' | b'\r' | b'\t') => {
                    self.token_start = base + i as u64 + 1;
                    match structural {
                        b'{' | b'[' => {
                            self.depth += 1;
                            self.member =
                                if structural == b'{' && self.depth == 1 { Member::KeyNext } else { Member::Elsewhere };
                        }
                        b'}' | b']' => {
                            self.depth = self.depth.saturating_sub(1);
                            self.member = Member::Elsewhere;
                        }
                        b',' if self.depth == 1 => self.member = Member::KeyNext,
                        b',' => self.member = Member::Elsewhere,
                        _ => {}
                    }
                }
                // A number or a literal: no key, and no text value for `"sha256"`.
                _ => self.member = Member::Elsewhere,
            }
            i += 1;
        }
        self.check(base + chunk.len() as u64)
    }

    /// Keeps the first bytes of a top-level key, enough to tell `sha256` from others.
    fn key_bytes(&mut self, bytes: &[u8]) {
        if self.member == Member::InKey && self.key.len() <= 8 {
            self.key.extend_from_slice(&bytes[..bytes.len().min(9 - self.key.len())]);
        }
    }

    /// Refuses a token that has grown past the bound by `now`.
    fn check(&self, now: u64) -> io::Result<()> {
        if now.saturating_sub(self.token_start) > MAX_VALUE_BYTES {
            let what = if self.in_string { "a text value" } else { "a value" };
            return Err(io::Error::other(Refusal::TooLarge(format!(
                "{what} starting at byte {} is longer than {}, the most one value may hold",
                self.token_start,
                super::limits::describe(MAX_VALUE_BYTES)
            ))));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(doc: &[u8], chunk: usize) -> Option<String> {
        let mut feed = Feed::new(doc, u64::MAX, "test");
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let read = feed.read(&mut buf).unwrap();
            if read == 0 {
                break;
            }
            out.extend_from_slice(&buf[..read]);
        }
        assert_eq!(out, doc);
        feed.covered_digest()
    }

    #[test]
    fn the_digest_covers_exactly_the_bytes_before_the_checksum_value_whatever_the_chunks() {
        let doc = br#"{"a":"x\"y","b":{"sha256":"no"},"c":["sha256"],"sha256" : "abc"}"#;
        let value = doc.len() - 6;
        let expected = super::super::json::hex(&Sha256::digest(&doc[..value]));
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(digest_of(doc, chunk).as_deref(), Some(expected.as_str()), "chunks of {chunk}");
        }
        assert_eq!(digest_of(br#"{"a":1,"sha2567":"x"}"#, 3), None);
        assert_eq!(digest_of(br#"{"sha256":5}"#, 3), None);
    }

    #[test]
    fn a_long_string_or_number_is_refused_whatever_the_chunks() {
        let long = MAX_VALUE_BYTES as usize + 10;
        let mut text = b"[\"".to_vec();
        text.extend(std::iter::repeat_n(b'a', long));
        let mut number = b"[".to_vec();
        number.extend(std::iter::repeat_n(b'7', long));
        // Escaped quotes do not end a string.
        let mut escaped = b"[\"".to_vec();
        escaped.extend(std::iter::repeat_n(*b"\\\"", long / 2 + 1).flatten());
        for doc in [text, number, escaped] {
            let mut feed = Feed::new(&doc[..], u64::MAX, "test");
            let err = std::io::copy(&mut feed, &mut std::io::sink()).unwrap_err();
            assert!(err.to_string().contains("longer than"), "{err}");
        }
        let mut fine = Vec::new();
        for _ in 0..3 {
            fine.extend_from_slice(b"\"");
            fine.extend(std::iter::repeat_n(b'a', MAX_VALUE_BYTES as usize - 4));
            fine.extend_from_slice(b"\",");
        }
        std::io::copy(&mut Feed::new(&fine[..], u64::MAX, "test"), &mut std::io::sink()).unwrap();
    }

    #[test]
    fn a_source_past_the_limit_is_refused() {
        let doc = vec![b' '; 1000];
        let mut feed = Feed::new(&doc[..], 999, "backup.json");
        let err = std::io::copy(&mut feed, &mut std::io::sink()).unwrap_err();
        assert!(err.to_string().contains("backup.json is larger than"), "{err}");
    }
}
