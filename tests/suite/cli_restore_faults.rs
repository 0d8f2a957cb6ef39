//! `restore-db` when the place it writes to fails it: a folder the user may not write, and a
//! disk that fills up half-way. Either way the command says so in one line naming the file,
//! and the database, its folder and its sidecar are exactly as they were.
//!
//! A full disk is a small tmpfs mounted in a private mount namespace (`unshare --mount`), so
//! nothing outlives the test; where that is impossible, the test says why and skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::cli::{self, closedesk, text};

const T0: &str = "2026-12-01T09:00:00Z";

/// Every file in `folder` with its bytes.
fn snapshot(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap_or_default())
        })
        .collect();
    files.sort();
    files
}

/// A demo database in `data/` and a copy of it taken at T0 in `copies/`, both readable by
/// anyone; then the database changed after the copy (so a restore needs `--force`).
fn database_and_copy(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    let db = dir.join("data").join("closedesk.db");
    let copies = dir.join("copies");
    std::fs::create_dir_all(&copies).unwrap();
    let copy = copies.join("copy.db");
    for args in [vec!["init"], vec!["backup-db", "--out", copy.to_str().unwrap()]] {
        let output = cli::run(&db, &args, None, &[("CLOSEDESK_NOW", T0)]);
        assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
    }
    for path in [dir, &dir.join("data"), &copies] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for path in [&db, &copy] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    (db, copy)
}

#[test]
fn a_restore_into_a_folder_the_user_may_not_write_is_refused_and_changes_nothing() {
    cli::unix_only!("Unix permissions and setpriv");
    let prefix = match cli::unprivileged() {
        Ok(prefix) => prefix,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let (db, copy) = database_and_copy(dir.path());
    let data = db.parent().unwrap();
    let before = snapshot(data);
    let output = cli::run_unprivileged(
        &prefix,
        closedesk(),
        &db,
        &["restore-db", copy.to_str().unwrap(), "--force"],
        None,
        &[("CLOSEDESK_NOW", T0)],
    );
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "a restore where nothing may be written succeeded: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(data.to_str().unwrap()), "the error names the database or its folder: {stderr}");
    assert_eq!(snapshot(data), before, "the database's folder changed");
}

/// Runs `script` as `sh -c` in a private mount namespace with `$SMALL` a tmpfs of `kib` KiB
/// mounted over `small`; `None` with the reason when this machine cannot.
fn in_small_filesystem(small: &Path, kib: u64, script: &str) -> Result<std::process::Output, String> {
    let probe = Command::new("unshare").args(["--mount", "--", "true"]).output();
    let root_prefix: &[&str] = match probe {
        Ok(output) if output.status.success() => &["--mount"],
        // Not root: a user namespace maps this user to root inside it.
        _ => &["--map-root-user", "--mount"],
    };
    let mount = format!("mount -t tmpfs -o size={kib}k tmpfs \"$SMALL\" || exit 99\n{script}");
    let output = Command::new("unshare")
        .args(root_prefix)
        .args(["--", "sh", "-c", &mount])
        .env("SMALL", small)
        .env("CLOSEDESK", closedesk())
        .env("CLOSEDESK_NOW", T0)
        .env_remove("CLOSEDESK_DB")
        .output()
        .map_err(|err| format!("`unshare` is not available: {err}"))?;
    if output.status.code() == Some(99) || text(&output.stderr).contains("unshare:") {
        return Err(format!("cannot mount a tmpfs in a private mount namespace: {}", text(&output.stderr).trim()));
    }
    Ok(output)
}

#[test]
fn a_restore_that_fills_the_disk_fails_whole_and_leaves_the_database_as_it_was() {
    cli::unix_only!("a tmpfs in a Linux mount namespace");
    let dir = tempfile::tempdir().unwrap();
    let (db, copy) = database_and_copy(dir.path());
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let db_size = std::fs::metadata(&db).unwrap().len();
    // The database, its sidecar and a little more fit; a second copy of the database does not.
    let kib = 2 * db_size / 1024 + 1024;
    let free = db_size / 2 + 256 * 1024;
    // Inside: the database moves onto the small disk, which is then filled but for room for
    // SQLite's own files and half a copy of the database; the restore runs, and what the folder
    // holds before and after is listed with each file's checksum.
    let script = format!(
        r#"cp -p "{data}"/* "$SMALL"/ || exit 98
cat /dev/zero > "$SMALL/filler" 2>/dev/null
rm -f "$SMALL/filler"
head -c $(( $(df -k --output=avail "$SMALL" | tail -1) * 1024 - {free} )) /dev/zero > "$SMALL/filler" 2>/dev/null
"$CLOSEDESK" --db "$SMALL/closedesk.db" accounts >/dev/null || exit 97
before=$(cd "$SMALL" && sha256sum * | sort)
"$CLOSEDESK" --db "$SMALL/closedesk.db" restore-db "{copy}" --force 2>"$SMALL/../stderr.txt"
echo "exit=$?"
after=$(cd "$SMALL" && sha256sum * | sort)
if [ "$before" = "$after" ]; then echo "unchanged"; else echo "CHANGED"; echo "$before"; echo "--"; echo "$after"; fi
"#,
        data = db.parent().unwrap().display(),
        copy = copy.display(),
    );
    let output = match in_small_filesystem(&small, kib, &script) {
        Ok(output) => output,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let report = text(&output.stdout);
    let stderr = std::fs::read_to_string(dir.path().join("stderr.txt")).unwrap_or_default();
    assert!(output.status.success(), "{report}{}", text(&output.stderr));
    assert!(!report.contains("exit=0"), "a restore onto a full disk succeeded: {report}");
    assert!(report.contains("unchanged"), "the small disk's files changed: {report}\n{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("closedesk.db") || stderr.contains(copy.to_str().unwrap()), "names a file: {stderr}");
    assert!(stderr.contains("left as it was") || stderr.contains("nothing was changed"), "{stderr}");
}
