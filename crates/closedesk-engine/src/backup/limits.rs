//! The bounds `verify` holds itself to, and the refusals that name them.
//!
//! A backup file may come from anywhere. Whatever it holds, verifying it reads it once, in
//! chunks, and keeps no more than these bounds allow: the document is never held whole (except
//! the rows [`super::open_backup`] is asked to keep), so memory stays small for any file.

use std::fmt;

/// The largest file `verify` reads: 256 MiB. An account with 100,000 orders exports to about
/// 43 MB, so this leaves room for six times that, while a file larger than any real backup (or
/// a device that never ends) is refused before a byte is parsed.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The most one zip entry of a bundle may hold once inflated: the same 256 MiB, since
/// `backup.json` is the whole document, and a CSV file of the same rows is smaller. The
/// README is far smaller still; it may hold 64 KiB.
pub const MAX_ENTRY_BYTES: u64 = MAX_FILE_BYTES;

/// The most a bundle's README.txt may hold.
pub const MAX_README_BYTES: u64 = 64 << 10;

/// The longest single value (a text, a number): 4 MiB. The JSON parser holds one value in
/// memory at a time; no field closedesk stores comes near this.
pub const MAX_VALUE_BYTES: u64 = 4 << 20;

/// The most rows one backup may hold: 2,000,000 (an account with 100,000 orders has about
/// 320,000). The keys of the rows are kept to check that they are unique and that links
/// resolve, so this bounds that memory.
pub const MAX_ROWS: u64 = 2_000_000;

/// The highest ratio of inflated to compressed bytes accepted for an entry larger than
/// [`BOMB_FLOOR_BYTES`]: closedesk's JSON and CSV deflate about 10:1; a zip bomb, 1000:1.
pub const MAX_RATIO: u64 = 100;

/// Entries up to this size are never called bombs, whatever their ratio (a CSV file holding
/// only its column names deflates well).
pub const BOMB_FLOOR_BYTES: u64 = 1 << 20;

/// Why a file was refused before or while it was parsed; carried through the reader as an
/// [`std::io::Error`] and turned into a [`super::VerifyError`] with the file's path.
#[derive(Debug)]
pub(super) enum Refusal {
    /// The file ends before its structure does.
    Truncated(String),
    /// The zip structure is broken or inconsistent.
    Damaged(String),
    /// Not a closedesk bundle.
    Foreign(String),
    /// A zip that breaks the bundle's rules (names, entries).
    Invalid(String),
    /// Over one of the bounds above.
    TooLarge(String),
    /// An entry that inflates far beyond its size or beyond what it declares.
    Bomb(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated(reason)
            | Self::Damaged(reason)
            | Self::Foreign(reason)
            | Self::Invalid(reason)
            | Self::TooLarge(reason)
            | Self::Bomb(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The error that names this refusal for `path`.
    pub(super) fn into_error(self, path: &std::path::Path) -> super::VerifyError {
        use super::VerifyError;
        let path = path.to_owned();
        match self {
            Self::Truncated(reason) => VerifyError::Truncated { path, reason },
            Self::Damaged(reason) => VerifyError::Damaged { path, reason },
            Self::Foreign(reason) => VerifyError::Foreign { path, reason },
            Self::Invalid(reason) => VerifyError::Invalid { path, reason },
            Self::TooLarge(reason) => VerifyError::TooLarge { path, reason },
            Self::Bomb(reason) => VerifyError::ZipBomb { path, reason },
        }
    }
}

/// `256 MiB`, `4 MiB`, `64 KiB`, or bytes.
pub(super) fn describe(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}
