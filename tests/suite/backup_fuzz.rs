//! The verifier against the published schema, and against mutated files.
//!
//! - Field edits of a real export, resealed as docs/backup-format.md describes, are accepted
//!   by `verify` exactly when the schema (checked by the `jsonschema` crate) accepts them;
//!   the only differences allowed are the rules the schema cannot state (keys unique, links
//!   that resolve, counts that match), each named by its own reason.
//! - Byte flips, truncations and edits of real JSON files and bundles never make `verify`
//!   panic, and every byte flip is refused.
//!
//! The budget is proptest's: a few dozen cases in CI; `PROPTEST_CASES=5000 cargo test --test
//! suite backup_fuzz` for a long run. Inputs that once failed are kept below as regression tests.

use std::path::PathBuf;
use std::sync::OnceLock;

use closedesk::backup::{self, Format, Progress, Table, export_to_file};
use closedesk::demo::DemoAccount;
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const NOW: &str = "2026-12-01T09:00:00Z";
/// Cases per property in CI: a few seconds in all.
const CI_CASES: u32 = 48;

struct Fixture {
    _dir: tempfile::TempDir,
    /// The closable demo account, exported as JSON: its bytes, one row per line.
    json: Vec<u8>,
    document: Value,
    bundle: Vec<u8>,
    schema: jsonschema::Validator,
}

fn keep_going(_: Progress) -> bool {
    true
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) =
            closedesk::demo::open_or_create_with_demo(&dir.path().join("closedesk.db"), NOW.parse().unwrap()).unwrap();
        let demo = DemoAccount::by_situation("closable").unwrap();
        let account =
            closedesk::store::accounts::get_account(&conn, &closedesk::core::AccountRef::Email(demo.email.into()))
                .unwrap()
                .id;
        let export = |format: Format| {
            let path = dir.path().join(format!("backup.{}", format.extension()));
            export_to_file(&conn, account, &path, format, false, NOW.parse().unwrap(), &keep_going).unwrap();
            std::fs::read(path).unwrap()
        };
        let json = export(Format::Json);
        let bundle = export(Format::Bundle);
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/backup-format.schema.json")).unwrap(),
        )
        .unwrap();
        let schema = jsonschema::validator_for(&schema).unwrap();
        let document = serde_json::from_slice(&json).unwrap();
        Fixture { _dir: dir, json, document, bundle, schema }
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(CI_CASES)
}

/// Recomputes the checksum of an edited document, as docs/backup-format.md describes.
fn reseal(bytes: &mut Vec<u8>) {
    let key = b"\"sha256\":\"";
    let start = bytes.windows(key.len()).rposition(|window| window == key).unwrap() + key.len() - 1;
    let digest = Sha256::digest(&bytes[..start]);
    let hex = digest.iter().fold(String::new(), |mut hex, byte| {
        use std::fmt::Write as _;
        write!(hex, "{byte:02x}").unwrap();
        hex
    });
    bytes.splice(start + 1..start + 65, hex.into_bytes());
}

/// Writes `bytes` to a fresh file and verifies it.
fn verify_bytes(bytes: &[u8], name: &str) -> Result<backup::VerifyReport, backup::VerifyError> {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    backup::verify(&path, None)
}

/// One edit of the document.
#[derive(Clone, Debug)]
enum Edit {
    /// Sets a column of a row.
    Cell { table: Table, row: usize, column: usize, value: Value },
    /// Removes a column from a row.
    Drop { table: Table, row: usize, column: usize },
    /// Adds a column no table has.
    Extra { table: Table, row: usize },
    /// Sets a header member.
    Header { member: &'static str, value: Value },
    /// Removes a header member.
    Without { member: &'static str },
}

impl Edit {
    /// Whether the edit touches a key or a link, whose rules (unique, resolving) the schema
    /// cannot state.
    fn touches_references(&self) -> bool {
        match self {
            Self::Cell { table, column, .. } => {
                let spec = table.columns()[*column];
                *column == table.key_column() || spec.link != closedesk::backup::Link::None
            }
            Self::Header { member, .. } => *member == "account_id",
            _ => false,
        }
    }
}

/// Values that probe every rule: the types, the enums, the ranges, the patterns.
fn values() -> impl Strategy<Value = Value> {
    let texts = [
        "active",
        "closed",
        "hacked",
        "pending",
        "refunded",
        "open",
        "resolved",
        "gift_card",
        "benefit",
        "newsletter",
        "order_updates",
        "system",
        "agent",
        "1234",
        "0000",
        "12a4",
        "123",
        "12345",
        "4111111111111111",
        "EUR",
        "usd",
        "EU",
        "EURO",
        "€€€",
        "",
        "0.1.0",
        "2.0.0-beta",
        "1.2",
        "v1.2.3",
        "2026-12-01T09:00:00Z",
        "2026-12-01T09:00:00.5Z",
        "2026-12-01T11:00:00+02:00",
        "2026-12-01T09:00:00z",
        "2026-12-01 09:00:00Z",
        "2026-13-01T09:00:00Z",
        "2026-12-01T24:00:00Z",
        "2026-12-01T09:60:00Z",
        "2026-12-01",
        "0001-01-01T00:00:00Z",
        "9999-12-28T23:59:59Z",
    ];
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        prop_oneof![Just(-5_i64), Just(0), Just(1), Just(4), Just(5), Just(6), Just(12), Just(13), Just(i64::MAX)]
            .prop_map(Value::from),
        (-1_000_000_i64..1_000_000).prop_map(Value::from),
        Just(Value::from(1.5)),
        proptest::sample::select(texts.to_vec()).prop_map(Value::from),
        Just(serde_json::json!({"a": 1})),
        Just(serde_json::json!([1])),
    ]
}

fn edits() -> impl Strategy<Value = Edit> {
    let tables =
        proptest::sample::select(Table::ALL.into_iter().filter(|table| table_rows(*table) > 0).collect::<Vec<_>>());
    let cell = (tables.clone(), any::<proptest::sample::Index>(), any::<proptest::sample::Index>(), values()).prop_map(
        |(table, row, column, value)| Edit::Cell {
            table,
            row: row.index(table_rows(table)),
            column: column.index(table.columns().len()),
            value,
        },
    );
    let drop = (tables.clone(), any::<proptest::sample::Index>(), any::<proptest::sample::Index>()).prop_map(
        |(table, row, column)| Edit::Drop {
            table,
            row: row.index(table_rows(table)),
            column: column.index(table.columns().len()),
        },
    );
    let extra = (tables, any::<proptest::sample::Index>())
        .prop_map(|(table, row)| Edit::Extra { table, row: row.index(table_rows(table)) });
    let members = proptest::sample::select(vec!["format_version", "closedesk_version", "exported_at", "account_id"]);
    let header = (members.clone(), values()).prop_map(|(member, value)| Edit::Header { member, value });
    let without =
        proptest::sample::select(vec!["format_version", "closedesk_version", "exported_at", "account_id", "counts"])
            .prop_map(|member| Edit::Without { member });
    prop_oneof![6 => cell, 1 => drop, 1 => extra, 3 => header, 1 => without]
}

fn table_rows(table: Table) -> usize {
    fixture().document["tables"][table.name()].as_array().map_or(0, Vec::len)
}

/// The document with `edit` made, as bytes laid out as closedesk writes them (one row a
/// line), resealed; and the same as a JSON value for the schema.
fn apply(edit: &Edit) -> (Vec<u8>, Value) {
    let fixture = fixture();
    let text = String::from_utf8(fixture.json.clone()).unwrap();
    let mut document = fixture.document.clone();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    match edit {
        Edit::Cell { table, row, .. } | Edit::Drop { table, row, .. } | Edit::Extra { table, row } => {
            let object = document["tables"][table.name()][*row].as_object_mut().unwrap();
            match edit {
                Edit::Cell { column, value, .. } => {
                    object.insert(table.columns()[*column].name.to_owned(), value.clone());
                }
                Edit::Drop { column, .. } => {
                    object.remove(table.columns()[*column].name);
                }
                _ => {
                    object.insert("surprise".to_owned(), Value::from(1));
                }
            }
            // The table's name line, then its rows, one a line.
            let start = lines.iter().position(|line| *line == format!("\"{}\":[", table.name())).unwrap();
            let line = &mut lines[start + 1 + row];
            let comma = if line.ends_with(',') { "," } else { "" };
            *line = format!("{}{comma}", serde_json::to_string(&document["tables"][table.name()][*row]).unwrap());
        }
        Edit::Header { member, value } => {
            document[*member] = value.clone();
            let first = &mut lines[0];
            let old = format!("\"{member}\":{}", serde_json::to_string(&fixture.document[*member]).unwrap());
            assert!(first.contains(&old), "{old} in {first}");
            *first = first.replacen(&old, &format!("\"{member}\":{}", serde_json::to_string(value).unwrap()), 1);
        }
        Edit::Without { member } => {
            document.as_object_mut().unwrap().remove(*member);
            let joined = lines.join("\n");
            let old = if *member == "counts" {
                let start = joined.find("\"counts\":").unwrap();
                let end = start + joined[start..].find("},\n").unwrap() + 3;
                joined[start..end].to_owned()
            } else {
                format!("\"{member}\":{},", serde_json::to_string(&fixture.document[*member]).unwrap())
            };
            lines = joined.replacen(&old, "", 1).split('\n').map(str::to_owned).collect();
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    reseal(&mut bytes);
    (bytes, document)
}

/// Checks that the schema and `verify` agree on the edited document.
fn agree(edit: &Edit) -> Result<(), TestCaseError> {
    let (bytes, document) = apply(edit);
    let schema_ok = fixture().schema.is_valid(&document);
    let verdict = verify_bytes(&bytes, "edited.json");
    match (&verdict, schema_ok) {
        (Ok(_), true) => {}
        (Err(err), false) => {
            prop_assert!(err.reason() != "tampered", "the reseal was not taken: {err}");
        }
        (Err(err), true) => {
            let allowed = edit.touches_references() && err.reason() == "reference";
            prop_assert!(allowed, "the schema accepts {edit:?}; verify says: {err}");
        }
        (Ok(_), false) => {
            let errors: Vec<String> = fixture().schema.iter_errors(&document).map(|e| e.to_string()).collect();
            prop_assert!(false, "verify accepts {edit:?}; the schema says: {errors:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_schema_and_verify_accept_and_reject_alike(edit in edits()) {
        agree(&edit)?;
    }

    #[test]
    fn a_byte_flip_in_a_json_backup_is_always_refused(at in any::<proptest::sample::Index>(), mask in 1_u8..) {
        let mut bytes = fixture().json.clone();
        let at = at.index(bytes.len());
        bytes[at] ^= mask;
        // Whitespace after the checksum's value is not part of the document's content.
        let trailing_space = at == bytes.len() - 1 && bytes[at].is_ascii_whitespace() && bytes[at] != 0x0c;
        if !trailing_space {
            prop_assert!(verify_bytes(&bytes, "flipped.json").is_err(), "flip at {at} by {mask:#04x} passed");
        }
    }

    #[test]
    fn a_byte_flip_in_a_bundle_is_refused_unless_it_is_in_a_field_nothing_reads(
        at in any::<proptest::sample::Index>(),
        mask in 1_u8..,
    ) {
        let mut bytes = fixture().bundle.clone();
        let at = at.index(bytes.len());
        bytes[at] ^= mask;
        if verify_bytes(&bytes, "flipped.zip").is_ok() {
            // A flip may pass where no reader looks, or in a deflate stream's padding bits after
            // its last block: then every entry inflates to the same bytes, CRCs and all.
            prop_assert!(
                ignored_by_every_reader(&fixture().bundle, at) || same_entries(&fixture().bundle, &bytes),
                "flip at {at} by {mask:#04x} passed"
            );
        }
    }

    #[test]
    fn cut_or_mangled_files_never_panic(
        bundle in any::<bool>(),
        cut in any::<proptest::sample::Index>(),
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let source = if bundle { &fixture().bundle } else { &fixture().json };
        let mut bytes = source[..cut.index(source.len() + 1)].to_vec();
        for (at, value) in flips {
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
        }
        // Any verdict will do; a panic fails the test.
        let _ = verify_bytes(&bytes, if bundle { "mangled.zip" } else { "mangled.json" });
    }
}

/// Whether byte `at` of the zip `bytes` lies in a field of the central directory that no
/// reader checks against anything: "version made by", the internal and external attributes
/// (file permissions), which `unzip -t` ignores too.
/// Whether two zips hold the same entries, in the same order, with the same bytes, as an
/// independent reader (the `zip` crate) sees them.
fn same_entries(original: &[u8], flipped: &[u8]) -> bool {
    fn entries(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        (0..archive.len())
            .map(|index| {
                let mut entry = archive.by_index(index).ok()?;
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut content).ok()?;
                Some((entry.name().ok()?.into_owned(), content))
            })
            .collect()
    }
    entries(flipped).is_some_and(|flipped| Some(flipped) == entries(original))
}

fn ignored_by_every_reader(bytes: &[u8], at: usize) -> bool {
    let end = bytes.len() - 22;
    let dir_offset = u32::from_le_bytes(bytes[end + 16..end + 20].try_into().unwrap()) as usize;
    let mut record = dir_offset;
    while record < end {
        let name_len = u16::from_le_bytes([bytes[record + 28], bytes[record + 29]]) as usize;
        let extra_len = u16::from_le_bytes([bytes[record + 30], bytes[record + 31]]) as usize;
        let comment_len = u16::from_le_bytes([bytes[record + 32], bytes[record + 33]]) as usize;
        let offset = at.wrapping_sub(record);
        if matches!(offset, 4 | 5 | 36..=41) {
            return true;
        }
        record += 46 + name_len + extra_len + comment_len;
    }
    false
}

// Edits that once disagreed, kept as they were found.

#[test]
fn regressions_the_issue_named() {
    let cases = [
        Edit::Cell { table: Table::Orders, row: 0, column: 6, value: Value::from(-5) },
        Edit::Cell { table: Table::PaymentMethods, row: 0, column: 3, value: Value::from("4111111111111111") },
        Edit::Cell { table: Table::PaymentMethods, row: 0, column: 3, value: Value::from("12a4") },
        Edit::Cell { table: Table::Orders, row: 0, column: 4, value: Value::from("hacked") },
        Edit::Header { member: "exported_at", value: Value::from("2026-12-01T11:00:00+02:00") },
    ];
    for edit in cases {
        let (bytes, document) = apply(&edit);
        assert!(!fixture().schema.is_valid(&document), "{edit:?}");
        let err = verify_bytes(&bytes, "edited.json").unwrap_err();
        assert_eq!(err.reason(), "invalid", "{edit:?}: {err}");
        agree(&edit).unwrap();
    }
}

#[test]
fn the_schema_accepts_every_real_export_and_verify_too() {
    let fixture = fixture();
    assert!(fixture.schema.is_valid(&fixture.document));
    verify_bytes(&fixture.json, "real.json").unwrap();
    verify_bytes(&fixture.bundle, "real.zip").unwrap();
}
