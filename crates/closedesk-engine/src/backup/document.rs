//! Checking one backup document as it streams past: every rule of the published schema
//! (`assets/backup-format.schema.json`), the checksum, the counts and the references.
//!
//! The parser never fails on what a document *says*, only on broken JSON: each value is read
//! into a small [`Scalar`] and checked against its column's [`Rule`], and the first problem of
//! each kind is kept while the rest of the document is read (and hashed). At the end the
//! problems are reported in the documented order, so a tampered file is called tampered even
//! when the edit also broke a row.

use std::fmt;
use std::io::Read;
use std::path::Path;

use jiff::Timestamp;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use sha2::{Digest as _, Sha256};

use super::feed::Feed;
use super::limits::{MAX_ROWS, Refusal};
use super::view::BackupHeader;
use super::{FORMAT_NAME, FORMAT_VERSION, VerifyError, csv};
use crate::core::AccountId;
use crate::store::export::{Cell, CellRef, Kind, Link, Table, TableCounts};

/// The top-level members, in the order a document must hold them.
pub(super) const MEMBERS: [&str; 8] =
    ["format", "format_version", "closedesk_version", "exported_at", "account_id", "tables", "counts", "sha256"];

/// What a sound document holds.
pub(super) struct Checked {
    pub header: BackupHeader,
    pub sha256: String,
    pub counts: TableCounts,
    /// Per table, the rows; empty unless kept.
    pub rows: Vec<Vec<Vec<Cell>>>,
    /// Per table, the SHA-256 of the CSV file these rows make; empty unless asked for.
    pub csv_digests: Vec<[u8; 32]>,
}

/// What to keep besides the verdict.
#[derive(Clone, Copy)]
pub(super) struct Wanted {
    /// Every row, as typed cells (for the viewer and the comparison with a database).
    pub rows: bool,
    /// The digest of each table's CSV file (for a bundle).
    pub csv: bool,
}

/// Reads and checks the document `source` (at most `limit` bytes; `what` names it in
/// messages) of the file `path`.
pub(super) fn check<R: Read>(
    path: &Path,
    source: R,
    limit: u64,
    what: &'static str,
    wanted: Wanted,
) -> Result<Checked, VerifyError> {
    let mut feed = Feed::new(source, limit, what);
    let mut state = State::new(wanted);
    let parsed = {
        // By value: the standard library reads a `BufReader` byte by byte from its buffer.
        let buffered = std::io::BufReader::with_capacity(256 * 1024, &mut feed);
        let mut deserializer = serde_json::Deserializer::from_reader(buffered);
        DocumentSeed(&mut state).deserialize(&mut deserializer).and_then(|()| deserializer.end())
    };
    if let Err(err) = parsed {
        if let Some(found) = state.newer {
            return Err(VerifyError::NewerVersion { path: path.to_owned(), found, supported: FORMAT_VERSION });
        }
        return Err(match state.fatal.take() {
            Some(fatal) => fatal.into_error(path),
            None => classify(path, err, &feed),
        });
    }
    feed.drain().map_err(|err| io_error(path, err))?;
    let computed = feed.covered_digest();
    state.finish(path, computed)
}

/// Turns a parse failure of the document into the precise reason.
fn classify<R: Read>(path: &Path, err: serde_json::Error, feed: &Feed<R>) -> VerifyError {
    use serde_json::error::Category;
    if err.classify() == Category::Io {
        // serde_json hands the reader's own error back, a refusal among them.
        return io_error(path, std::io::Error::from(err));
    }
    let path = path.to_owned();
    match err.classify() {
        Category::Io => VerifyError::Unreadable { path, reason: err.to_string() },
        Category::Eof if !feed.has_content() => VerifyError::NotJson { path, reason: "the file is empty".to_owned() },
        Category::Eof => VerifyError::Truncated {
            path,
            reason: format!(
                "the document ends after {} bytes, before it is complete; it was cut short while being written or \
                 copied",
                feed.position()
            ),
        },
        Category::Syntax if feed.looks_like_a_backup() => {
            VerifyError::Damaged { path, reason: format!("the JSON is broken: {err}") }
        }
        Category::Syntax => VerifyError::NotJson { path, reason: err.to_string() },
        Category::Data => VerifyError::Foreign { path, reason: "the document is not a JSON object".to_owned() },
    }
}

/// The error for a failed read: the refusal it carries, or the reader's own failure.
pub(super) fn io_error(path: &Path, err: std::io::Error) -> VerifyError {
    match err.get_ref().and_then(|inner| inner.downcast_ref::<Refusal>()) {
        Some(_) => match err.into_inner().and_then(|inner| inner.downcast::<Refusal>().ok()) {
            Some(refusal) => refusal.into_error(path),
            None => VerifyError::Unreadable { path: path.to_owned(), reason: "unreadable".to_owned() },
        },
        None => VerifyError::Unreadable { path: path.to_owned(), reason: err.to_string() },
    }
}

/// A value, read without failing whatever it is: objects and arrays are skipped.
#[derive(Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Integer(i64),
    /// A whole number too large for `i64`.
    Large,
    Fraction,
    Text(String),
    Object,
    Array,
}

impl Scalar {
    fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "true or false",
            Self::Integer(_) | Self::Large => "a number",
            Self::Fraction => "a fraction",
            Self::Text(_) => "text",
            Self::Object => "an object",
            Self::Array => "an array",
        }
    }
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Integer(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(value).map_or(Scalar::Large, Scalar::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Fraction)
    }
    fn visit_str<E>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }
    fn visit_string<E>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }
}

/// What the schema says of a column's values beyond their kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// Any value of the kind.
    Any,
    /// One of these texts.
    OneOf(&'static [&'static str]),
    /// A whole number at least this.
    AtLeast(i64),
    /// A whole number in this range, both ends included.
    Between(i64, i64),
    /// Exactly this many ASCII digits.
    Digits(usize),
    /// Text of exactly this many characters.
    Chars(usize),
}

/// The values of `profile.status`.
pub(super) const ACCOUNT_STATUSES: &[&str] = &["active", "closure_pending", "closed"];
/// The values of `orders.status`.
pub(super) const ORDER_STATUSES: &[&str] =
    &["awaiting_payment", "pending", "in_transit", "delivered", "completed", "cancelled", "refunded"];
/// The values of `disputes.status`.
pub(super) const DISPUTE_STATUSES: &[&str] = &["open", "awaiting_seller", "resolved", "closed"];
/// The values of `ledger_entries.kind`.
pub(super) const LEDGER_KINDS: &[&str] = &["refund", "gift_card"];
/// The values of `coupons.kind`.
pub(super) const COUPON_KINDS: &[&str] = &["coupon", "benefit"];
/// The values of `subscriptions.topic`.
pub(super) const TOPICS: &[&str] = &["marketing_email", "promotions_push", "newsletter", "order_updates"];
/// The values of `audit_events.actor_kind`.
pub(super) const ACTOR_KINDS: &[&str] = &["customer", "agent", "system"];

/// The schema's rule for `table.column` (docs/backup-format.md lists the same).
pub(super) fn rule(table: Table, column: &str) -> Rule {
    match (table, column) {
        (Table::Profile, "status") => Rule::OneOf(ACCOUNT_STATUSES),
        (Table::Orders, "status") => Rule::OneOf(ORDER_STATUSES),
        (Table::Disputes, "status") => Rule::OneOf(DISPUTE_STATUSES),
        (Table::LedgerEntries, "kind") => Rule::OneOf(LEDGER_KINDS),
        (Table::Coupons, "kind") => Rule::OneOf(COUPON_KINDS),
        (Table::Subscriptions, "topic") => Rule::OneOf(TOPICS),
        (Table::AuditEvents, "actor_kind") => Rule::OneOf(ACTOR_KINDS),
        (Table::Orders, "total_minor")
        | (Table::OrderItems, "unit_price_minor")
        | (Table::Disputes, "amount_minor")
        | (Table::Coupons, "value_minor") => Rule::AtLeast(0),
        (Table::OrderItems, "quantity") => Rule::AtLeast(1),
        (Table::PaymentMethods, "exp_month") => Rule::Between(1, 12),
        (Table::Reviews, "rating") => Rule::Between(1, 5),
        (Table::PaymentMethods, "last4") => Rule::Digits(4),
        (_, "currency") => Rule::Chars(3),
        _ => Rule::Any,
    }
}

/// Reads an instant as the schema allows it: `YYYY-MM-DDTHH:MM:SS`, optional fraction, `Z`
/// (UTC, upper case), and a real date and time.
pub(super) fn instant(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|part| part.parse::<u32>().ok());
    let shaped = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && bytes.get(10) == Some(&b'T')
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16)
        && bytes.get(16) == Some(&b':')
        && digits(17..19)
        && match &bytes[19.min(bytes.len())..] {
            [b'Z'] => true,
            [b'.', fraction @ .., b'Z'] => !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit),
            _ => false,
        };
    let in_range = shaped
        && number(5..7).is_some_and(|month| (1..=12).contains(&month))
        && number(8..10).is_some_and(|day| (1..=31).contains(&day))
        && number(11..13).is_some_and(|hour| hour <= 23)
        && number(14..16).is_some_and(|minute| minute <= 59)
        && number(17..19).is_some_and(|second| second <= 59);
    if in_range { text.parse().ok() } else { None }
}

/// The version pattern of the schema: it starts with `MAJOR.MINOR.PATCH`.
pub(super) fn is_version(text: &str) -> bool {
    let mut parts = text.splitn(3, '.');
    let (Some(major), Some(minor), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor) && rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// Checks `value` against the column `index` of `table`; the cell, or what is wrong.
fn cell_of(table: Table, index: usize, row: usize, value: Scalar) -> Result<Cell, String> {
    let spec = table.columns()[index];
    let place = format!("{table}[{row}].{}", spec.name);
    let wrong = |found: &str| {
        let wanted = match spec.kind {
            Kind::Integer => "a whole number",
            Kind::Text => "text",
            Kind::Bool => "true or false",
            Kind::Time => "an RFC 3339 instant in UTC (…Z)",
        };
        let or_null = if spec.nullable { " or null" } else { "" };
        format!("{place}: expected {wanted}{or_null}, found {found}")
    };
    let cell = match (spec.kind, value) {
        (_, Scalar::Null) if spec.nullable => return Ok(Cell::Null),
        (Kind::Integer, Scalar::Integer(value)) => Cell::Integer(value),
        (Kind::Text, Scalar::Text(text)) => Cell::Text(text),
        (Kind::Bool, Scalar::Bool(value)) => Cell::Bool(value),
        (Kind::Time, Scalar::Text(text)) => {
            Cell::Time(instant(&text).ok_or_else(|| wrong("text that is no such instant"))?)
        }
        (_, other) => return Err(wrong(other.describe())),
    };
    let allowed = match (rule(table, spec.name), &cell) {
        (Rule::OneOf(values), Cell::Text(text)) => values.contains(&text.as_str()),
        (Rule::AtLeast(least), Cell::Integer(value)) => *value >= least,
        (Rule::Between(low, high), Cell::Integer(value)) => (low..=high).contains(value),
        (Rule::Digits(count), Cell::Text(text)) => text.len() == count && text.bytes().all(|b| b.is_ascii_digit()),
        (Rule::Chars(count), Cell::Text(text)) => text.chars().count() == count,
        _ => true,
    };
    if allowed {
        Ok(cell)
    } else {
        // Values of a rule are codes and numbers, never personal data; they are named.
        let shown = match &cell {
            Cell::Text(text) => format!("{:?}", text.chars().take(20).collect::<String>()),
            other => other.to_string(),
        };
        let wanted = match rule(table, spec.name) {
            Rule::OneOf(values) => format!("one of {}", values.join(", ")),
            Rule::AtLeast(least) => format!("at least {least}"),
            Rule::Between(low, high) => format!("from {low} to {high}"),
            Rule::Digits(count) => format!("{count} digits"),
            Rule::Chars(count) => format!("{count} characters"),
            Rule::Any => String::new(),
        };
        Err(format!("{place}: {shown} is not allowed; expected {wanted}"))
    }
}

/// Everything learnt so far, and the first problem of each kind.
struct State {
    wanted: Wanted,
    /// A problem that stops the reading at once.
    fatal: Option<Refusal>,
    /// A newer format version: nothing after it can be read with this build's rules.
    newer: Option<u64>,
    /// Members missing, unknown, repeated or out of order.
    members: Option<String>,
    /// A value that breaks the schema.
    values: Option<String>,
    /// Keys that repeat, links that point nowhere.
    references: Option<String>,
    members_seen: usize,
    next_member: usize,
    seen: [bool; MEMBERS.len()],
    version: u64,
    closedesk_version: Option<String>,
    exported_at: Option<Timestamp>,
    account: Option<i64>,
    stated_sha: Option<String>,
    stated_counts: Option<TableCounts>,
    next_table: usize,
    tables_seen: bool,
    counts: TableCounts,
    total_rows: u64,
    /// Per table, the integer keys of its rows; sorted once the table has ended.
    keys: Vec<Vec<i64>>,
    /// The topics of `subscriptions`, its key.
    topics: Vec<String>,
    rows: Vec<Vec<Vec<Cell>>>,
    csv: Option<Box<CsvDigests>>,
}

/// The SHA-256 of each table's CSV file, as the bundle's writer would write it from these rows.
struct CsvDigests {
    hashers: Vec<Sha256>,
    line: Vec<u8>,
}

impl State {
    fn new(wanted: Wanted) -> Self {
        let csv = wanted.csv.then(|| {
            let hashers = Table::ALL
                .into_iter()
                .map(|table| {
                    let mut sha = Sha256::new();
                    sha.update(csv::BOM);
                    sha.update(csv::header(table).as_bytes());
                    sha
                })
                .collect();
            Box::new(CsvDigests { hashers, line: Vec::new() })
        });
        Self {
            wanted,
            fatal: None,
            newer: None,
            members: None,
            values: None,
            references: None,
            members_seen: 0,
            next_member: 0,
            seen: [false; MEMBERS.len()],
            version: 0,
            closedesk_version: None,
            exported_at: None,
            account: None,
            stated_sha: None,
            stated_counts: None,
            next_table: 0,
            tables_seen: false,
            counts: TableCounts::default(),
            total_rows: 0,
            keys: vec![Vec::new(); Table::ALL.len()],
            topics: Vec::new(),
            rows: vec![Vec::new(); Table::ALL.len()],
            csv,
        }
    }

    fn value_problem(&mut self, problem: impl FnOnce() -> String) {
        if self.values.is_none() {
            self.values = Some(problem());
        }
    }

    fn reference_problem(&mut self, problem: impl FnOnce() -> String) {
        if self.references.is_none() {
            self.references = Some(problem());
        }
    }

    /// Takes one sound row of `table`.
    fn row(&mut self, table: Table, cells: Vec<Cell>) -> Result<(), Refusal> {
        self.total_rows += 1;
        if self.total_rows > MAX_ROWS {
            return Err(Refusal::TooLarge(format!("it holds more than {MAX_ROWS} rows, the most a backup may hold")));
        }
        self.counts.add_one(table);
        let key_column = table.key_column();
        let key_name = table.columns()[key_column].name;
        match &cells[key_column] {
            Cell::Integer(key) => self.keys[table.index()].push(*key),
            Cell::Text(topic) => {
                if self.topics.contains(topic) {
                    self.reference_problem(|| format!("two rows of \"{table}\" have {key_name} {topic:?}"));
                } else {
                    self.topics.push(topic.clone());
                }
            }
            _ => {}
        }
        for (spec, cell) in table.columns().iter().zip(&cells) {
            let Cell::Integer(value) = *cell else { continue };
            let key = &cells[key_column];
            match spec.link {
                Link::Account if self.account.is_some_and(|account| account != value) => {
                    let account = self.account.unwrap_or_default();
                    self.reference_problem(|| {
                        format!(
                            "\"{table}\" row {key_name} {}: {} {value} is not the backed-up account {account}",
                            Shown(key),
                            spec.name
                        )
                    });
                }
                Link::Row(target) if self.keys[target.index()].binary_search(&value).is_err() => {
                    self.reference_problem(|| {
                        format!(
                            "\"{table}\" row {key_name} {}: {} {value} names no row of \"{target}\"",
                            Shown(key),
                            spec.name
                        )
                    });
                }
                _ => {}
            }
        }
        if let Some(csv) = &mut self.csv {
            csv.line.clear();
            for (index, cell) in cells.iter().enumerate() {
                if index > 0 {
                    csv.line.push(b',');
                }
                // Writing into a Vec cannot fail.
                let _ = csv::write_cell(&mut csv.line, cell_ref(cell));
            }
            csv.line.extend_from_slice(b"\r\n");
            csv.hashers[table.index()].update(&csv.line);
        }
        if self.wanted.rows {
            self.rows[table.index()].push(cells);
        }
        Ok(())
    }

    /// A table has ended: its keys are sorted for the links of the tables after it.
    fn end_table(&mut self, table: Table) {
        let keys = &mut self.keys[table.index()];
        keys.sort_unstable();
        let repeated = keys.windows(2).find(|pair| pair[0] == pair[1]).map(|pair| pair[0]);
        if !Table::ALL.iter().any(|other| other.columns().iter().any(|c| c.link == Link::Row(table))) {
            // No table links here: the keys are no longer needed.
            *keys = Vec::new();
        }
        if let Some(key) = repeated {
            let column = table.columns()[table.key_column()].name;
            self.reference_problem(|| format!("two rows of \"{table}\" have {column} {key}"));
        }
    }

    /// The verdict, in the documented order of the checks.
    fn finish(mut self, path: &Path, computed: Option<String>) -> Result<Checked, VerifyError> {
        let invalid = |reason: String| VerifyError::Invalid { path: path.to_owned(), reason };
        if let Some(name) = MEMBERS.iter().zip(self.seen).find(|(_, seen)| !seen).map(|(name, _)| name) {
            self.members.get_or_insert_with(|| format!("no \"{name}\" member"));
        }
        if let Some(problem) = self.members {
            return Err(invalid(problem));
        }
        let stated = self.stated_sha.take().unwrap_or_default();
        let computed = computed.unwrap_or_default();
        if computed != stated {
            return Err(VerifyError::Tampered { path: path.to_owned(), stated, computed });
        }
        if let Some(problem) = self.values {
            return Err(invalid(problem));
        }
        let stated_counts = self.stated_counts.unwrap_or_default();
        for table in Table::ALL {
            let (stated, found) = (stated_counts.get(table), self.counts.get(table));
            if stated != found {
                return Err(VerifyError::CountsMismatch { path: path.to_owned(), table, stated, found });
            }
            if let Some(max) = table.max_rows().filter(|max| found > *max) {
                return Err(invalid(format!("\"{table}\" holds {found} rows; at most {max} is allowed")));
            }
        }
        if let Some(problem) = self.references {
            return Err(VerifyError::BrokenReference { path: path.to_owned(), reason: problem });
        }
        if self.counts.get(Table::Profile) != 1 {
            return Err(invalid("\"profile\" must hold exactly one row".to_owned()));
        }
        let header = BackupHeader {
            format_version: self.version,
            closedesk_version: self.closedesk_version.unwrap_or_default(),
            exported_at: self.exported_at.unwrap_or_default(),
            account: AccountId(self.account.unwrap_or_default()),
        };
        let csv_digests =
            self.csv.map(|csv| csv.hashers.into_iter().map(|sha| sha.finalize().into()).collect()).unwrap_or_default();
        Ok(Checked { header, sha256: stated, counts: self.counts, rows: self.rows, csv_digests })
    }
}

/// A key as a message shows it.
struct Shown<'a>(&'a Cell);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Cell::Text(text) => write!(f, "{text:?}"),
            other => other.fmt(f),
        }
    }
}

/// Borrows an owned cell as the CSV writer takes it.
pub(super) fn cell_ref(cell: &Cell) -> CellRef<'_> {
    match cell {
        Cell::Null => CellRef::Null,
        Cell::Integer(value) => CellRef::Integer(*value),
        Cell::Text(text) => CellRef::Text(text),
        Cell::Bool(value) => CellRef::Bool(*value),
        Cell::Time(at) => CellRef::Time(*at),
    }
}

/// Stops the parser: the reason is in the state.
fn stop<E: de::Error>() -> E {
    E::custom("stopped")
}

/// The whole document: a JSON object of the members above.
struct DocumentSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(name) = map.next_key::<String>()? {
            let first = state.members_seen == 0;
            state.members_seen += 1;
            let shown: String = name.chars().take(40).collect();
            if first && name != "format" {
                let reason = format!("its first member is {shown:?}, not \"format\"");
                state.fatal = Some(Refusal::Foreign(reason));
                return Err(stop());
            }
            let Some(index) = MEMBERS.iter().position(|member| *member == name) else {
                state.members.get_or_insert_with(|| format!("unknown member {shown:?} at the top level"));
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if state.seen[index] {
                state.members.get_or_insert_with(|| format!("the member \"{name}\" appears twice"));
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if state.seen[MEMBERS.len() - 1] {
                state.members.get_or_insert_with(|| "\"sha256\" is not the last member".to_owned());
            } else if index < state.next_member {
                state.members.get_or_insert_with(|| {
                    format!("the member \"{name}\" is out of place; the members go in the order {}", MEMBERS.join(", "))
                });
            }
            state.seen[index] = true;
            state.next_member = state.next_member.max(index + 1);
            match MEMBERS[index] {
                "format" => match map.next_value::<Scalar>()? {
                    Scalar::Text(format) if format == FORMAT_NAME => {}
                    Scalar::Text(format) => {
                        let shown: String = format.chars().take(60).collect();
                        state.fatal = Some(Refusal::Foreign(format!("its format is {shown:?}, not {FORMAT_NAME:?}")));
                        return Err(stop());
                    }
                    _ => {
                        state.fatal = Some(Refusal::Foreign("its \"format\" member is not text".to_owned()));
                        return Err(stop());
                    }
                },
                "format_version" => match map.next_value::<Scalar>()? {
                    Scalar::Integer(version) if version > FORMAT_VERSION as i64 => {
                        state.newer = Some(version as u64);
                        return Err(stop());
                    }
                    Scalar::Large => {
                        state.newer = Some(u64::MAX);
                        return Err(stop());
                    }
                    Scalar::Integer(version) if version >= 1 => state.version = version as u64,
                    Scalar::Integer(version) => {
                        state.members.get_or_insert_with(|| format!("format_version {version} does not exist"));
                    }
                    other => {
                        let found = other.describe();
                        state
                            .members
                            .get_or_insert_with(|| format!("\"format_version\" is {found}, not a whole number"));
                    }
                },
                "closedesk_version" => match map.next_value::<Scalar>()? {
                    Scalar::Text(version) if is_version(&version) => state.closedesk_version = Some(version),
                    _ => state.value_problem(|| "\"closedesk_version\" is not a version such as \"1.2.3\"".to_owned()),
                },
                "exported_at" => match map.next_value::<Scalar>()?.into_text().as_deref().and_then(instant) {
                    Some(at) => state.exported_at = Some(at),
                    None => state.value_problem(|| {
                        "\"exported_at\" is not an RFC 3339 instant in UTC such as \"2026-12-01T09:00:00Z\"".to_owned()
                    }),
                },
                "account_id" => match map.next_value::<Scalar>()? {
                    Scalar::Integer(account) => state.account = Some(account),
                    other => {
                        let found = other.describe();
                        state.value_problem(|| format!("\"account_id\" is {found}, not a whole number"));
                    }
                },
                "tables" => map.next_value_seed(TablesSeed(state))?,
                "counts" => map.next_value_seed(CountsSeed(state))?,
                _ => {
                    // The checksum; the feed found where its value starts.
                    match map.next_value::<Scalar>()? {
                        Scalar::Text(sha)
                            if sha.len() == 64
                                && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
                        {
                            state.stated_sha = Some(sha);
                        }
                        _ => {
                            state
                                .members
                                .get_or_insert_with(|| "\"sha256\" is not 64 lower-case hex digits".to_owned());
                        }
                    }
                }
            }
        }
        if state.members_seen == 0 {
            state.fatal = Some(Refusal::Foreign("it has no \"format\" member".to_owned()));
            return Err(stop());
        }
        Ok(())
    }
}

impl Scalar {
    fn into_text(self) -> Option<String> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// `"tables"`: every table once, in order, each checked row by row.
struct TablesSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for TablesSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        state.tables_seen = true;
        while let Some(name) = map.next_key::<String>()? {
            let shown: String = name.chars().take(40).collect();
            let expected = Table::ALL.get(state.next_table).copied();
            match Table::from_name(&name) {
                Some(table) if Some(table) == expected => {
                    state.next_table += 1;
                    map.next_value_seed(TableSeed { state: &mut *state, table })?;
                    state.end_table(table);
                }
                Some(table) => {
                    state.value_problem(|| match expected {
                        Some(expected) => format!("in \"tables\": \"{table}\" where \"{expected}\" should be (the tables go in the documented order, once each)"),
                        None => format!("in \"tables\": the table \"{table}\" appears twice"),
                    });
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    state.value_problem(|| format!("in \"tables\": unknown table {shown:?}"));
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(table) = Table::ALL.get(state.next_table) {
            state.value_problem(|| format!("in \"tables\": the table \"{table}\" is missing"));
        }
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.0.value_problem(|| "\"tables\" is not an object".to_owned());
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.visit_bool(true)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.visit_bool(true)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.visit_bool(true)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.visit_bool(true)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_bool(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.visit_bool(true)
    }
}

/// One table: an array of rows.
struct TableSeed<'s> {
    state: &'s mut State,
    table: Table,
}

impl<'de> DeserializeSeed<'de> for TableSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of \"{}\" rows", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (state, table) = (self.state, self.table);
        let mut index = 0;
        while let Some(row) = seq.next_element_seed(RowSeed { table, index })? {
            match row {
                Ok(cells) => {
                    if let Err(refusal) = state.row(table, cells) {
                        state.fatal = Some(refusal);
                        return Err(stop());
                    }
                }
                Err(problem) => state.value_problem(|| problem),
            }
            index += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        let table = self.table;
        self.state.value_problem(|| format!("in \"tables\": \"{table}\" is not an array of rows"));
        Ok(())
    }
}

/// One row: an object with exactly the table's columns, each of its kind and rule. Its value
/// is the cells in column order, or what is wrong with the row.
struct RowSeed {
    table: Table,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = Result<Vec<Cell>, String>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RowSeed {
    fn not_an_object(&self, found: &str) -> Result<Vec<Cell>, String> {
        Err(format!("{}[{}]: expected a row object, found {found}", self.table, self.index))
    }
}

impl<'de> Visitor<'de> for RowSeed {
    type Value = Result<Vec<Cell>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} of \"{}\"", self.index, self.table)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (table, index) = (self.table, self.index);
        let columns = table.columns();
        let mut cells: Vec<Option<Cell>> = vec![None; columns.len()];
        let mut problem: Option<String> = None;
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<Scalar>()?;
            if problem.is_some() {
                continue;
            }
            let Some(column) = table.column_index(&name) else {
                let shown: String = name.chars().take(40).collect();
                problem = Some(format!("{table}[{index}]: unknown column {shown:?}"));
                continue;
            };
            if cells[column].is_some() {
                problem = Some(format!("{table}[{index}].{name}: appears twice"));
                continue;
            }
            match cell_of(table, column, index, value) {
                Ok(cell) => cells[column] = Some(cell),
                Err(wrong) => problem = Some(wrong),
            }
        }
        if let Some(problem) = problem {
            return Ok(Err(problem));
        }
        Ok(cells
            .into_iter()
            .zip(columns)
            .map(|(cell, spec)| {
                cell.ok_or_else(|| format!("{table}[{index}]: the column \"{}\" is missing", spec.name))
            })
            .collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.not_an_object("an array"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.not_an_object("true or false"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.not_an_object("text"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.not_an_object("null"))
    }
}

/// `"counts"`: one whole number per table.
struct CountsSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for CountsSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of counts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut counts = TableCounts::default();
        let mut seen = [false; Table::ALL.len()];
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<Scalar>()?;
            let Some(table) = Table::from_name(&name) else {
                let shown: String = name.chars().take(40).collect();
                state.value_problem(|| format!("\"counts\" names an unknown table {shown:?}"));
                continue;
            };
            if std::mem::replace(&mut seen[table.index()], true) {
                state.value_problem(|| format!("\"counts\" names \"{table}\" twice"));
            }
            match value {
                Scalar::Integer(rows) if rows >= 0 => counts.set(table, rows as u64),
                other => {
                    let found = other.describe();
                    state.value_problem(|| format!("\"counts\".\"{table}\" is {found}, not a count"));
                }
            }
        }
        if let Some(table) = Table::ALL.into_iter().find(|table| !seen[table.index()]) {
            state.value_problem(|| format!("\"counts\" has no count for \"{table}\""));
        }
        state.stated_counts = Some(counts);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.value_problem(|| "\"counts\" is not an object".to_owned());
        Ok(())
    }
}
