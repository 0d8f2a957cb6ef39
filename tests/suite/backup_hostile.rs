//! `closedesk verify` on files made to hurt it: devices, FIFOs, huge and lying zips, bundles
//! whose entries escape their folder or were edited, and byte flips. Each is refused with one
//! line naming the file and the reason, without hanging and without reading the file whole.

use crate::support::zips::{self, Raw};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use closedesk::backup::{self, Format, Progress, VerifyError, export_to_file, limits};
use closedesk::demo::DemoAccount;

const NOW: &str = "2026-12-01T09:00:00Z";

struct Exported {
    dir: tempfile::TempDir,
    json: PathBuf,
    bundle: PathBuf,
}

fn keep_going(_: Progress) -> bool {
    true
}

/// A demo database's closable account, exported in both formats.
fn exported() -> Exported {
    let dir = tempfile::tempdir().unwrap();
    let (conn, _) =
        closedesk::demo::open_or_create_with_demo(&dir.path().join("closedesk.db"), NOW.parse().unwrap()).unwrap();
    let demo = DemoAccount::by_situation("closable").unwrap();
    let account =
        closedesk::store::accounts::get_account(&conn, &closedesk::core::AccountRef::Email(demo.email.into()))
            .unwrap()
            .id;
    let mut paths = [Format::Json, Format::Bundle].into_iter().map(|format| {
        let path = dir.path().join(format!("backup.{}", format.extension()));
        export_to_file(&conn, account, &path, format, false, NOW.parse().unwrap(), &keep_going).unwrap();
        path
    });
    let (json, bundle) = (paths.next().unwrap(), paths.next().unwrap());
    Exported { dir, json, bundle }
}

/// Runs `closedesk verify FILE`; a run that has not ended after 60 s is killed and fails the
/// test (it hung: the bound is far lower, this only keeps a hang from stalling the suite).
fn verify_cli(file: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = crate::support::cli::program_command(crate::support::cli::closedesk())
        .arg("--db")
        .arg(dir.path().join("unused.db"))
        .arg("verify")
        .arg(file)
        .env_remove("CLOSEDESK_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_mins(1) {
            child.kill().unwrap();
            panic!("closedesk verify {} hung", file.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Asserts the run failed with exit 1 and one line on stderr naming the file and `words`.
fn refused(output: &Output, file: &Path, words: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains(words), "expected {words:?}: {stderr}");
}

#[test]
fn devices_fifos_and_folders_are_refused_at_once() {
    crate::support::cli::unix_only!(
        "FIFOs and devices are Unix files (under wine, opening a FIFO fails as an invalid parameter)"
    );
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // Nobody ever writes to the FIFO: reading it would wait forever.
    refused(&verify_cli(&fifo), &fifo, "FIFO");
    for device in ["/dev/zero", "/dev/urandom"] {
        refused(&verify_cli(Path::new(device)), Path::new(device), "only regular files are verified");
    }
    refused(&verify_cli(dir.path()), dir.path(), "it is a folder");
}

#[test]
fn a_file_over_the_cap_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.json");
    // Sparse: no disk is used, and nothing of it is read.
    std::fs::File::create(&huge).unwrap().set_len(limits::MAX_FILE_BYTES + 1).unwrap();
    let output = verify_cli(&huge);
    refused(&output, &huge, "too large");
    assert!(String::from_utf8_lossy(&output.stderr).contains("256 MiB"), "the bound is named");
}

#[test]
fn zip_bombs_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let spaces = vec![b' '; 8 << 20];

    // Honest headers, absurd ratio: refused from the directory, before inflating anything.
    let honest = dir.path().join("honest.zip");
    std::fs::write(&honest, zips::raw(&[Raw::deflate("backup.json", &spaces)])).unwrap();
    let output = verify_cli(&honest);
    refused(&output, &honest, "zip bomb");
    assert!(String::from_utf8_lossy(&output.stderr).contains(":1"), "the ratio is named");

    // Lying headers, in an otherwise sound bundle: it declares 1,000 bytes and inflates to 8 MiB.
    let exported = exported();
    let mut entries: Vec<Raw> =
        zips::entries(&exported.bundle).iter().map(|(name, bytes)| Raw::deflate(name, bytes)).collect();
    entries[0] = Raw::deflate("backup.json", &spaces);
    entries[0].declared_size = 1000;
    let liar = dir.path().join("liar.zip");
    std::fs::write(&liar, zips::raw(&entries)).unwrap();
    refused(&verify_cli(&liar), &liar, "inflates to more than the 1000 bytes it declares");

    // It declares 3 GiB: over the cap per entry, and a bomb by its ratio.
    let mut huge = Raw::deflate("backup.json", b"{}");
    huge.declared_size = 3 << 30;
    let three = dir.path().join("three.zip");
    std::fs::write(&three, zips::raw(&[huge])).unwrap();
    refused(&verify_cli(&three), &three, "zip bomb");
}

#[test]
fn a_backup_json_of_whitespace_is_not_called_empty_when_it_is_a_bomb() {
    // The 1 GiB bomb said "the file is empty". A whitespace document that is no bomb
    // is empty; one that is, is named.
    let exported = exported();
    let mut entries: Vec<Raw> =
        zips::entries(&exported.bundle).iter().map(|(name, bytes)| Raw::deflate(name, bytes)).collect();
    entries[0] = Raw::deflate("backup.json", &[b' '; 4096]);
    let small = exported.dir.path().join("small.zip");
    std::fs::write(&small, zips::raw(&entries)).unwrap();
    let err = backup::verify(&small, None).unwrap_err();
    assert_eq!(err.reason(), "not-json", "{err}");
    assert!(err.to_string().contains("the file is empty"), "{err}");
    entries[0] = Raw::deflate("backup.json", &vec![b' '; 64 << 20]);
    std::fs::write(&small, zips::raw(&entries)).unwrap();
    let err = backup::verify(&small, None).unwrap_err();
    assert_eq!(err.reason(), "zip-bomb", "{err}");
}

/// A change made to a bundle's entries.
type Change = Box<dyn Fn(&mut Vec<(String, Vec<u8>)>)>;

#[test]
fn entry_names_that_escape_repeat_or_are_unknown_are_refused() {
    let exported = exported();
    let entries = zips::entries(&exported.bundle);
    let cases: [(&str, Change, &str); 5] = [
        ("absolute", Box::new(|e| e.push(("/abs/evil".into(), b"x".to_vec()))), "an absolute path"),
        ("climbing", Box::new(|e| e.push(("../../../tmp/evil".into(), b"x".to_vec()))), "climbs out"),
        ("inner climbing", Box::new(|e| e.push(("csv/../../evil".into(), b"x".to_vec()))), "climbs out"),
        ("unknown", Box::new(|e| e.push(("notes.txt".into(), b"x".to_vec()))), "is not part of a bundle"),
        ("missing README", Box::new(|e| e.retain(|(name, _)| name != "README.txt")), "has no README.txt"),
    ];
    for (what, change, words) in cases {
        let mut changed = entries.clone();
        change(&mut changed);
        let path = exported.dir.path().join(format!("{what}.zip"));
        zips::write(&path, &changed);
        let err = backup::verify(&path, None).unwrap_err();
        assert_eq!(err.reason(), "invalid", "{what}: {err}");
        assert!(err.to_string().contains(words), "{what}: {err}");
    }
    // The zip crate will not write a name twice; a hand-made zip does.
    let mut twice: Vec<Raw> = entries.iter().map(|(name, bytes)| Raw::deflate(name, bytes)).collect();
    let orders = entries.iter().find(|(name, _)| name == "csv/orders.csv").unwrap();
    twice.push(Raw::deflate("csv/orders.csv", &orders.1));
    let path = exported.dir.path().join("twice.zip");
    std::fs::write(&path, zips::raw(&twice)).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert!(err.to_string().contains("\"csv/orders.csv\" appears twice"), "{err}");
    // The same entries, each once, laid out by hand: sound.
    twice.pop();
    std::fs::write(&path, zips::raw(&twice)).unwrap();
    backup::verify(&path, None).unwrap();
}

#[test]
fn an_edited_csv_cell_or_readme_is_caught_even_with_row_counts_kept() {
    let exported = exported();
    let entries = zips::entries(&exported.bundle);
    // Rewritten by the zip crate, every header and CRC is right: only the content tells.
    let rezipped = exported.dir.path().join("rezipped.zip");
    zips::write(&rezipped, &entries);
    backup::verify(&rezipped, None).unwrap();

    let edits: [(&str, &str, &str); 3] = [
        ("csv/orders.csv", "EUR", "USD"),
        ("csv/profile.csv", ",active\r\n", ",closed\r\n"),
        ("README.txt", "Account:  ", "Account: "),
    ];
    for (name, from, to) in edits {
        let mut changed = entries.clone();
        let (_, bytes) = changed.iter_mut().find(|(entry, _)| entry == name).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(from), "{name} holds {from}");
        *bytes = text.replacen(from, to, 1).into_bytes();
        let path = exported.dir.path().join("edited.zip");
        zips::write(&path, &changed);
        let err = backup::verify(&path, None).unwrap_err();
        assert_eq!(err.reason(), "invalid", "{name}: {err}");
        assert!(err.to_string().contains(name) && err.to_string().contains("differs"), "{err}");
    }
}

#[test]
fn a_local_header_that_disagrees_with_the_directory_is_damage() {
    let exported = exported();
    let bytes = std::fs::read(&exported.bundle).unwrap();
    // The first local header is backup.json's, at byte 0; byte 10 is its modification time.
    for (offset, field) in [(10, "modification time"), (8, "compression method"), (31, "name")] {
        let mut changed = bytes.clone();
        changed[offset] ^= 0x01;
        let path = exported.dir.path().join("header.zip");
        std::fs::write(&path, &changed).unwrap();
        let err = backup::verify(&path, None).unwrap_err();
        assert_eq!(err.reason(), "damaged", "{field}: {err}");
        assert!(err.to_string().contains(&format!("local header's {field} disagrees")), "{field}: {err}");
    }
}

#[test]
fn bytes_outside_the_entries_or_a_bad_crc_are_damage() {
    let exported = exported();
    let entries = zips::entries(&exported.bundle);
    let mut raws: Vec<Raw> = entries.iter().map(|(name, bytes)| Raw::deflate(name, bytes)).collect();
    let last = raws.len() - 1;
    raws[last].crc ^= 1;
    let path = exported.dir.path().join("crc.zip");
    std::fs::write(&path, zips::raw(&raws)).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert!(err.to_string().contains("README.txt is corrupt: its CRC-32"), "{err}");

    raws[last].crc ^= 1;
    let mut padded = zips::raw(&raws);
    // Junk between the last entry and the directory: the directory's offset moves with it.
    let end = padded.len() - 22;
    let dir_offset = u32::from_le_bytes(padded[end + 16..end + 20].try_into().unwrap()) as usize;
    padded.splice(dir_offset..dir_offset, *b"JUNK");
    let moved = u32::try_from(dir_offset + 4).unwrap().to_le_bytes();
    let end = padded.len() - 22;
    padded[end + 16..end + 20].copy_from_slice(&moved);
    std::fs::write(&path, &padded).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert!(err.to_string().contains("4 bytes lie between the last entry and the zip directory"), "{err}");
}

#[test]
fn the_binary_accepts_real_exports_and_names_a_damaged_entry() {
    let exported = exported();
    for path in [&exported.json, &exported.bundle] {
        let output = verify_cli(path);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    // The README's compressed bytes end just before its data descriptor (16 bytes), the
    // directory and the end record.
    let mut bytes = std::fs::read(&exported.bundle).unwrap();
    let entries = zips::entries(&exported.bundle);
    let directory: usize = entries.iter().map(|(name, _)| 46 + name.len()).sum();
    let readme_last = bytes.len() - 22 - directory - 16 - 1;
    bytes[readme_last - 3] ^= 0xFF;
    std::fs::write(&exported.bundle, &bytes).unwrap();
    let output = verify_cli(&exported.bundle);
    refused(&output, &exported.bundle, "README.txt");
    let err = backup::verify(&exported.bundle, None).unwrap_err();
    assert!(matches!(err, VerifyError::Damaged { .. }), "{err}");
}
