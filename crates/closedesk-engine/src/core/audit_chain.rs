//! The hash chain of the audit trail: each line stores a SHA-256 over its own fields and the
//! hash of the line before it, so that an edited, deleted or reordered line breaks the chain.
//!
//! The hash covers the stored values with their SQLite types, each one tagged and
//! length-prefixed, so that no two different lines can encode to the same bytes (`"ab" + "c"`
//! is not `"a" + "bc"`, a missing account is not account 0). The row id is not hashed: the
//! order of the chain is the order of the ids, and moving a line shows as a broken link,
//! which says more ("reordered") than a broken hash would.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// What the first line of the trail is chained to.
pub const GENESIS: Hash = [0; 32];

/// Names the encoding, so that a later change of it can never verify as this one.
const DOMAIN: &[u8] = b"closedesk audit chain v1\n";

/// One stored value of an audit line, as SQLite holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    /// `NULL`.
    Null,
    /// An `INTEGER`.
    Integer(i64),
    /// A `REAL` (never written by closedesk; hashed so that a changed type shows).
    Real(f64),
    /// `TEXT`, as its UTF-8 bytes.
    Text(&'a [u8]),
    /// A `BLOB`.
    Blob(&'a [u8]),
}

impl Field<'_> {
    fn encode(self, hasher: &mut Sha256) {
        match self {
            Self::Null => hasher.update([0]),
            Self::Integer(value) => {
                hasher.update([1]);
                hasher.update(value.to_be_bytes());
            }
            Self::Real(value) => {
                hasher.update([2]);
                hasher.update(value.to_bits().to_be_bytes());
            }
            Self::Text(bytes) => {
                hasher.update([3]);
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
            Self::Blob(bytes) => {
                hasher.update([4]);
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
        }
    }
}

/// The chained fields of one line, in column order: `at`, `account_id`, `actor_kind`,
/// `actor_id`, `action`, `outcome`.
pub type Fields<'a> = [Field<'a>; 6];

/// The hash of a line with `fields`, chained to the line whose hash is `prev`.
#[must_use]
pub fn line_hash(fields: &Fields<'_>, prev: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update((fields.len() as u64).to_be_bytes());
    for field in fields {
        field.encode(&mut hasher);
    }
    hasher.update(prev);
    hasher.finalize().into()
}

/// Why a line breaks the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Break {
    /// It has no hash (or not a 32-byte one): written outside closedesk's audit writer, or its
    /// hash was removed.
    Unchained,
    /// Its fields or its hash were changed since it was written.
    Edited,
    /// The line it was chained to is gone (deleted), or that line's hash was changed.
    MissingPredecessor,
    /// It was chained to another line than the one now before it: lines were moved or copied.
    Reordered {
        /// The line it was written after.
        chained_to: i64,
    },
    /// Its hash is not the one an operator noted for it: the chain up to it was rewritten.
    Rewritten,
    /// An operator noted this line as the newest, but the chain no longer reaches it: the
    /// trail was cut back (or its ids changed).
    CutBack,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unchained => f.write_str("unchained: it has no hash, so it was not written by closedesk"),
            Self::Edited => f.write_str("edited: its fields no longer match its hash"),
            Self::MissingPredecessor => {
                f.write_str("missing predecessor: the line it was chained to was deleted or changed")
            }
            Self::Reordered { chained_to } => {
                write!(f, "reordered: it was written after row {chained_to}, not after the row now before it")
            }
            Self::Rewritten => f.write_str("rewritten: its hash is not the one noted for it"),
            Self::CutBack => f.write_str("cut back: the trail no longer reaches this row, which was noted"),
        }
    }
}

/// What a line's link says before it is explained: [`Link::Relinked`] still needs to know
/// whether another line holds the hash it was chained to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The line is sound and follows the line before it.
    Sound,
    /// The line is broken for this reason.
    Broken(Break),
    /// The line's own hash is sound, but it was chained to `prev`, not to the line before it.
    Relinked {
        /// The hash it was chained to.
        prev: Hash,
    },
}

/// Walks the trail in id order, one line at a time, so that a trail of any length is checked
/// without being held in memory.
#[derive(Clone, Debug)]
pub struct Walk {
    expected_prev: Hash,
    lines: u64,
}

impl Default for Walk {
    fn default() -> Self {
        Self { expected_prev: GENESIS, lines: 0 }
    }
}

impl Walk {
    /// Checks the next line: its fields, its stored `prev_hash` and its stored `hash`.
    pub fn next(&mut self, fields: &Fields<'_>, prev: Option<&[u8]>, hash: Option<&[u8]>) -> Link {
        let (Some(Ok(prev)), Some(Ok(hash))) = (prev.map(<Hash>::try_from), hash.map(<Hash>::try_from)) else {
            return Link::Broken(Break::Unchained);
        };
        if line_hash(fields, &prev) != hash {
            return Link::Broken(Break::Edited);
        }
        if prev != self.expected_prev {
            return Link::Relinked { prev };
        }
        self.expected_prev = hash;
        self.lines += 1;
        Link::Sound
    }

    /// How many lines were found sound so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }
}

/// The verdict on the whole trail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verdict {
    /// Every line is chained to the one before it.
    Intact {
        /// How many lines the trail holds.
        rows: u64,
        /// The newest line's id and hash, if there is a line: an operator who notes them can
        /// later tell whether the trail was cut back or rewritten up to there.
        head: Option<Head>,
    },
    /// The first line that breaks the chain.
    Broken {
        /// The broken line's id.
        id: i64,
        /// Why it breaks the chain.
        why: Break,
        /// How many lines before it are sound.
        rows_before: u64,
    },
}

impl Verdict {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        matches!(self, Self::Intact { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Intact { rows, head: None } => write!(f, "intact ({rows} rows)"),
            Self::Intact { rows, head: Some(head) } => {
                write!(f, "intact ({rows} rows); newest row {}, hash {}", head.id, head.hash)
            }
            Self::Broken { id, why, .. } => write!(f, "broken at row {id}: {why}"),
        }
    }
}

/// The newest line of an intact trail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    /// Its row id.
    pub id: i64,
    /// Its hash, in lowercase hex.
    pub hash: String,
}

/// A line an operator noted from an earlier check (`ID:HASH`), which the trail must still hold
/// with the same hash: the chain alone cannot tell its newest lines deleted, or the whole trail
/// rewritten by someone who can write the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Noted {
    /// The line's id.
    pub id: i64,
    /// Its hash.
    pub hash: Hash,
}

impl std::str::FromStr for Noted {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("'{text}' is not ROW:HASH (a row id, a colon and 64 hex digits)");
        let (id, hash) = text.trim().split_once(':').ok_or_else(wrong)?;
        let id = id.parse().map_err(|_| wrong())?;
        if hash.len() != 64 || !hash.is_ascii() {
            return Err(wrong());
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(hash.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| wrong())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| wrong())?;
        }
        Ok(Self { id, hash: bytes })
    }
}

/// `hash` in lowercase hex.
#[must_use]
pub fn hex(hash: &[u8]) -> String {
    use fmt::Write as _;
    hash.iter().fold(String::with_capacity(hash.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(at: i64, action: &'a str, outcome: &'a str) -> Fields<'a> {
        [
            Field::Integer(at),
            Field::Integer(7),
            Field::Text(b"agent"),
            Field::Integer(3),
            Field::Text(action.as_bytes()),
            Field::Text(outcome.as_bytes()),
        ]
    }

    #[test]
    fn moving_bytes_between_fields_or_changing_a_type_changes_the_hash() {
        let base = line_hash(&fields(1, "ab", "c"), &GENESIS);
        assert_ne!(base, line_hash(&fields(1, "a", "bc"), &GENESIS));
        let mut null_account = fields(1, "ab", "c");
        null_account[1] = Field::Null;
        let mut zero_account = fields(1, "ab", "c");
        zero_account[1] = Field::Integer(0);
        assert_ne!(line_hash(&null_account, &GENESIS), line_hash(&zero_account, &GENESIS));
        let mut as_text = fields(1, "ab", "c");
        as_text[0] = Field::Text(b"1");
        assert_ne!(base, line_hash(&as_text, &GENESIS));
        assert_ne!(base, line_hash(&fields(1, "ab", "c"), &[1; 32]));
        assert_eq!(base, line_hash(&fields(1, "ab", "c"), &GENESIS), "the same line hashes alike");
    }

    #[test]
    fn a_walk_finds_each_kind_of_break() {
        let one = fields(1, "sign_in", "ok");
        let two = fields(2, "reveal", "ok");
        let h1 = line_hash(&one, &GENESIS);
        let h2 = line_hash(&two, &h1);

        let mut walk = Walk::default();
        assert_eq!(walk.next(&one, Some(&GENESIS), Some(&h1)), Link::Sound);
        assert_eq!(walk.next(&two, Some(&h1), Some(&h2)), Link::Sound);
        assert_eq!(walk.lines(), 2);

        let edited = fields(2, "reveal", "denied");
        assert_eq!(Walk::default().next(&edited, Some(&GENESIS), Some(&h1)), Link::Broken(Break::Edited));
        assert_eq!(Walk::default().next(&one, None, Some(&h1)), Link::Broken(Break::Unchained));
        assert_eq!(Walk::default().next(&one, Some(&GENESIS), Some(&h1[..31])), Link::Broken(Break::Unchained));
        // The first line deleted: the second is chained to a hash the walk has not seen.
        assert_eq!(Walk::default().next(&two, Some(&h1), Some(&h2)), Link::Relinked { prev: h1 });
    }

    #[test]
    fn the_verdict_reads_as_one_line() {
        let intact = Verdict::Intact { rows: 3, head: None };
        assert_eq!(intact.to_string(), "intact (3 rows)");
        let broken = Verdict::Broken { id: 9, why: Break::Reordered { chained_to: 11 }, rows_before: 8 };
        assert_eq!(
            broken.to_string(),
            "broken at row 9: reordered: it was written after row 11, not after the row now before it"
        );
        assert!(!broken.is_intact());
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }

    #[test]
    fn a_noted_line_reads_back_from_its_printed_form() {
        let hash = line_hash(&fields(1, "a", "b"), &GENESIS);
        let noted: Noted = format!("12:{}", hex(&hash)).parse().unwrap();
        assert_eq!(noted, Noted { id: 12, hash });
        for wrong in ["12", "x:00", "12:abc", &format!("12:{}", "zz".repeat(32))] {
            assert!(wrong.parse::<Noted>().is_err(), "{wrong}");
        }
    }
}
