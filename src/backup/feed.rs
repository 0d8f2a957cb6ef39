//! The bytes of a backup document on their way to the JSON parser: read in chunks, hashed
//! up to the checksum's value, and held to the verifier's bounds.
//!
//! `serde_json` reads a [`std::io::Read`] one byte at a time; [`Feed`] serves those bytes from
//! its own chunk, so that it knows exactly how far the parser has come. That is how the
//! checksum is found without keeping the document: the parser's visitor calls
//! [`Feed::watch_for_value`] when it meets the top-level `"sha256"` key, and the next `"`
//! handed over opens the value, so everything before it is what the checksum covers.
//!
//! Each chunk is also scanned as it arrives for the two things `serde_json` would otherwise
//! gather in memory whole: one string, and one run of non-structural bytes (a number).
//! Either longer than [`super::limits::MAX_VALUE_BYTES`] refuses the file, so the parser never
//! holds more than that.

use std::cell::Cell;
use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use super::limits::{MAX_VALUE_BYTES, Refusal};

/// Bytes read from the source at a time.
const CHUNK: usize = 256 * 1024;

/// How many of the first bytes are kept to recognise a backup.
const HEAD: usize = 256;

/// A hashing, bounded reader for `serde_json`.
pub(super) struct Feed<'w, R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    /// The offset of `buf[0]` in the document.
    base: u64,
    /// Bytes read from `inner` beyond which the document is refused.
    limit: u64,
    /// What the limit is, for the message: e.g. `backup.json`.
    what: &'static str,
    sha: Sha256,
    /// The offset up to which `sha` has taken the document.
    hashed: u64,
    /// Set by the visitor: the next `"` handed over opens the checksum's value.
    watch: &'w Cell<bool>,
    /// Where the checksum's value starts, once seen.
    value_start: Option<u64>,
    lex: Lexer,
    /// The first bytes of the document, to tell a damaged backup from some other file.
    head: Vec<u8>,
    /// Whether anything but whitespace was read.
    content: bool,
}

impl<'w, R: Read> Feed<'w, R> {
    /// Reads `inner`, refusing it past `limit` bytes; `watch` is shared with the visitor.
    pub(super) fn new(inner: R, limit: u64, what: &'static str, watch: &'w Cell<bool>) -> Self {
        Self {
            inner,
            buf: vec![0; CHUNK].into_boxed_slice(),
            pos: 0,
            filled: 0,
            base: 0,
            limit,
            what,
            sha: Sha256::new(),
            hashed: 0,
            watch,
            value_start: None,
            lex: Lexer::default(),
            head: Vec::new(),
            content: false,
        }
    }

    /// Whether anything but whitespace was read.
    pub(super) fn has_content(&self) -> bool {
        self.content
    }

    /// Whether the document starts the way closedesk backups start.
    pub(super) fn looks_like_a_backup(&self) -> bool {
        memchr::memmem::find(&self.head, super::FORMAT_NAME.as_bytes()).is_some()
    }

    /// The bytes handed to the parser so far.
    pub(super) fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The SHA-256 of every byte before the checksum's value, in lower-case hex, and whether
    /// that value was seen (without it the document has no checksum to compare).
    pub(super) fn covered_digest(mut self) -> Option<String> {
        let start = self.value_start?;
        self.hash_to(start);
        Some(super::json::hex(&self.sha.finalize()))
    }

    /// Reads what is left of the source, so that its own checks at the end (a zip entry's
    /// size and CRC) run; the document's parser has already seen that only whitespace follows.
    pub(super) fn drain(&mut self) -> io::Result<()> {
        loop {
            self.pos = self.filled;
            if !self.refill()? {
                return Ok(());
            }
        }
    }

    /// Hashes the current chunk up to document offset `end` (no further than the chunk).
    fn hash_to(&mut self, end: u64) {
        let chunk_end = self.base + self.filled as u64;
        let end = end.min(chunk_end);
        if end > self.hashed && self.hashed >= self.base {
            let from = (self.hashed - self.base) as usize;
            let to = (end - self.base) as usize;
            self.sha.update(&self.buf[from..to]);
            self.hashed = end;
        }
    }

    /// Replaces the spent chunk with the next; `false` at the end of the source.
    fn refill(&mut self) -> io::Result<bool> {
        // Everything handed over lies before the checksum's value, unless the value was seen.
        self.hash_to(self.value_start.unwrap_or(u64::MAX));
        self.base += self.filled as u64;
        self.pos = 0;
        self.filled = 0;
        let read = loop {
            match self.inner.read(&mut self.buf) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        };
        if read == 0 {
            return Ok(false);
        }
        self.filled = read;
        let end = self.base + read as u64;
        if end > self.limit {
            return Err(io::Error::other(Refusal::TooLarge(format!(
                "{} is larger than {}, the most a backup may hold",
                self.what,
                super::limits::describe(self.limit)
            ))));
        }
        let chunk = &self.buf[..read];
        if self.head.len() < HEAD {
            self.head.extend_from_slice(&chunk[..chunk.len().min(HEAD - self.head.len())]);
        }
        self.content = self.content || chunk.iter().any(|byte| !byte.is_ascii_whitespace());
        self.lex.scan(chunk, self.base)?;
        Ok(true)
    }
}

impl<R: Read> Read for Feed<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.pos == self.filled && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.filled - self.pos);
        let piece = &self.buf[self.pos..self.pos + n];
        if self.watch.get()
            && let Some(at) = memchr::memchr(b'"', piece)
        {
            self.watch.set(false);
            self.value_start = Some(self.base + (self.pos + at) as u64);
        }
        out[..n].copy_from_slice(piece);
        self.pos += n;
        Ok(n)
    }
}

/// Tracks strings and other tokens across chunks, to bound the longest one.
#[derive(Default)]
struct Lexer {
    in_string: bool,
    /// A backslash ended the last chunk inside a string: the next byte is escaped.
    escaped: bool,
    /// Where the current string, or run of non-structural bytes, started.
    token_start: u64,
}

impl Lexer {
    fn scan(&mut self, chunk: &[u8], base: u64) -> io::Result<()> {
        let mut i = 0;
        if self.escaped {
            self.escaped = false;
            i = 1;
        }
        while i < chunk.len() {
            if self.in_string {
                match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                    None => break,
                    Some(at) if chunk[i + at] == b'\\' => {
                        i += at + 2;
                        if i > chunk.len() {
                            self.escaped = true;
                        }
                    }
                    Some(at) => {
                        self.in_string = false;
                        i += at + 1;
                        self.token_start = base + i as u64;
                    }
                }
            } else {
                match chunk[i] {
                    b'"' => {
                        self.check(base + i as u64)?;
                        self.in_string = true;
                        self.token_start = base + i as u64;
                    }
                    b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\n' | b'\r' | b'\t' => {
                        self.token_start = base + i as u64 + 1;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        self.check(base + chunk.len() as u64)
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

    fn read_all(bytes: &[u8], watch_after: usize) -> (Vec<u8>, Option<String>) {
        let watch = Cell::new(false);
        let mut feed = Feed::new(bytes, u64::MAX, "test", &watch);
        let mut out = Vec::new();
        let mut byte = [0];
        while feed.read(&mut byte).unwrap() == 1 {
            out.push(byte[0]);
            if out.len() == watch_after {
                watch.set(true);
            }
        }
        (out, feed.covered_digest())
    }

    #[test]
    fn the_digest_covers_exactly_the_bytes_before_the_watched_value() {
        let doc = br#"{"a":"x\"y","sha256" : "abc"}"#;
        let key_end = doc.windows(8).position(|w| w == b"\"sha256\"").unwrap() + 8;
        let (out, digest) = read_all(doc, key_end);
        assert_eq!(out, doc);
        let value = doc.iter().rposition(|&b| b == b'a').unwrap() - 1;
        assert_eq!(digest.unwrap(), super::super::json::hex(&Sha256::digest(&doc[..value])));
        assert_eq!(read_all(doc, 0).1, None);
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
            let watch = Cell::new(false);
            let mut feed = Feed::new(&doc[..], u64::MAX, "test", &watch);
            let err = std::io::copy(&mut feed, &mut std::io::sink()).unwrap_err();
            assert!(err.to_string().contains("longer than"), "{err}");
        }
        let mut fine = Vec::new();
        for _ in 0..3 {
            fine.extend_from_slice(b"\"");
            fine.extend(std::iter::repeat_n(b'a', MAX_VALUE_BYTES as usize - 4));
            fine.extend_from_slice(b"\",");
        }
        let watch = Cell::new(false);
        std::io::copy(&mut Feed::new(&fine[..], u64::MAX, "test", &watch), &mut std::io::sink()).unwrap();
    }

    #[test]
    fn a_source_past_the_limit_is_refused() {
        let doc = vec![b' '; 1000];
        let watch = Cell::new(false);
        let mut feed = Feed::new(&doc[..], 999, "backup.json", &watch);
        let err = std::io::copy(&mut feed, &mut std::io::sink()).unwrap_err();
        assert!(err.to_string().contains("backup.json is larger than"), "{err}");
    }
}
