//! The byte scan that checks a purge: do any of an account's personal values still occur,
//! byte for byte, in the database file or its write-ahead log or rollback journal?
//!
//! The scan reads the raw files, not SQL, so it also sees freed pages, slack space inside
//! pages and old page images in the log: everywhere a deleted value could linger.

use std::path::Path;

use memchr::memmem;
use zeroize::Zeroizing;

/// How much of a file is read at a time: large enough that the search dominates, small
/// enough that a multi-gigabyte database never has to fit in memory.
const CHUNK_BYTES: usize = 4 << 20;

/// What a byte scan looked at and how often the values were found.
///
/// It holds counts and file names only, never the values it searched for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScanReport {
    /// The files that existed and were read: file name (no folder) and size in bytes.
    pub files_scanned: Vec<(String, u64)>,
    /// Every place looked at, also those that did not exist, each with its own count.
    pub places: Vec<ScannedPlace>,
    /// How many distinct byte strings were searched for.
    pub values_checked: usize,
    /// Occurrences found, summed over every value and file; 0 means nothing was left behind.
    pub hits: usize,
}

impl ScanReport {
    /// Whether none of the values was found anywhere.
    pub fn is_clean(&self) -> bool {
        self.hits == 0
    }
}

/// One place a byte scan looked at: a database file, or a folder of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScannedPlace {
    /// The file's name without its folder (`closedesk.db-wal`); for a folder, its name and a
    /// slash (`outbox/`); for the partial files intents record, `recorded partial files`.
    pub name: String,
    /// The files read there: 1 or 0 (absent) for a database file, how many for the others.
    pub files: u64,
    /// Bytes read there.
    pub bytes: u64,
    /// Occurrences of the values found there.
    pub hits: usize,
}

/// Counts occurrences of each needle's exact bytes in the database at `db_path` and in its
/// `-wal`, `-shm` and `-journal` files, skipping those that do not exist.
///
/// Matching is case-sensitive; a caller that wants another spelling (e.g. a lowercased
/// email) passes it as a needle of its own. Empty needles and duplicates are ignored.
pub fn scan_files(db_path: &Path, needles: &[Zeroizing<String>]) -> std::io::Result<ScanReport> {
    let mut distinct: Vec<&[u8]> = needles.iter().map(|n| n.as_bytes()).filter(|n| !n.is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let counts = count_each(db_path, &distinct)?;
    let places = counts
        .places
        .iter()
        .zip(&counts.place_hits)
        .map(|(place, hits)| ScannedPlace { hits: hits.iter().sum(), ..place.clone() });
    Ok(ScanReport {
        files_scanned: counts.files_scanned.clone(),
        places: places.collect(),
        values_checked: distinct.len(),
        hits: counts.hits.iter().sum(),
    })
}

/// What one read of the database files found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// The files that existed and were read: file name (no folder) and size in bytes.
    pub files_scanned: Vec<(String, u64)>,
    /// Every place looked at, its `hits` left 0: see `place_hits`.
    pub places: Vec<ScannedPlace>,
    /// Occurrences of each needle in each place: `place_hits[place][needle]`.
    pub place_hits: Vec<Vec<usize>>,
    /// Occurrences of each needle, in the order the needles were given.
    pub hits: Vec<usize>,
}

/// The database's own files the scans read, by suffix.
const DB_SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Counts each needle's occurrences (as [`scan_files`] does) in one read of the files, for
/// callers that need to know which values were found: a purge of several accounts.
pub fn count_each(db_path: &Path, needles: &[&[u8]]) -> std::io::Result<Counts> {
    count_everywhere(db_path, None, &[], needles)
}

/// Like [`count_each`], and also in every file of the folder `outbox` (when given) and in the
/// `partials` that exist: every place closedesk writes an account's values.
pub fn count_everywhere(
    db_path: &Path,
    outbox: Option<&Path>,
    partials: &[std::path::PathBuf],
    needles: &[&[u8]],
) -> std::io::Result<Counts> {
    let mut patterns: Vec<&[u8]> = needles.iter().copied().filter(|n| !n.is_empty()).collect();
    patterns.sort_unstable();
    patterns.dedup();
    let finders: Vec<memmem::Finder<'_>> = patterns.iter().map(memmem::Finder::new).collect();

    let mut counts = Counts::default();
    let mut place_hits: Vec<Vec<usize>> = Vec::new();
    for suffix in DB_SUFFIXES {
        let mut name = db_path.as_os_str().to_owned();
        name.push(suffix);
        let path = Path::new(&name);
        let file_name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut place = ScannedPlace { name: file_name.clone(), ..ScannedPlace::default() };
        let mut hits = vec![0_usize; finders.len()];
        match std::fs::File::open(path) {
            Ok(file) => {
                place.bytes = count_in_reader(file, &finders, CHUNK_BYTES, &mut hits)?;
                place.files = 1;
                counts.files_scanned.push((file_name, place.bytes));
            }
            // The log, index and journal exist only at some moments of a database's life.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !suffix.is_empty() => {}
            Err(err) => return Err(err),
        }
        counts.places.push(place);
        place_hits.push(hits);
    }
    if let Some(outbox) = outbox {
        let files: Vec<std::path::PathBuf> = match std::fs::read_dir(outbox) {
            Ok(entries) => {
                entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_file())).map(|e| e.path()).collect()
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(err) => return Err(err),
        };
        let name = outbox.file_name().map_or_else(String::new, |n| format!("{}/", n.to_string_lossy()));
        let (place, hits) = count_files(name, &files, &finders)?;
        counts.places.push(place);
        place_hits.push(hits);
    }
    let (place, hits) = count_files("recorded partial files".to_owned(), partials, &finders)?;
    counts.places.push(place);
    place_hits.push(hits);

    let index_of = |needle: &&[u8]| patterns.binary_search(needle).ok();
    counts.hits = needles
        .iter()
        .map(|needle| index_of(needle).map_or(0, |index| place_hits.iter().map(|hits| hits[index]).sum()))
        .collect();
    counts.place_hits = place_hits
        .iter()
        .map(|hits| needles.iter().map(|needle| index_of(needle).map_or(0, |index| hits[index])).collect())
        .collect();
    Ok(counts)
}

/// Counts the finders' matches in each of `files` that exists, as one place named `name`.
fn count_files(
    name: String,
    files: &[std::path::PathBuf],
    finders: &[memmem::Finder<'_>],
) -> std::io::Result<(ScannedPlace, Vec<usize>)> {
    let mut place = ScannedPlace { name, ..ScannedPlace::default() };
    let mut hits = vec![0_usize; finders.len()];
    for path in files {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            // Removed since it was listed: nothing of it is left to read.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        place.bytes += count_in_reader(file, finders, CHUNK_BYTES, &mut hits)?;
        place.files += 1;
    }
    Ok((place, hits))
}

/// Reads `reader` to its end in chunks of `chunk_bytes` and adds each finder's matches to
/// its place in `hits`; returns the bytes read.
///
/// Each chunk is searched together with the last `longest - 1` bytes of the one before, so a
/// value split across two reads is still found; a match lying wholly inside that carried
/// tail was already counted and is skipped.
fn count_in_reader(
    mut reader: impl std::io::Read,
    finders: &[memmem::Finder<'_>],
    chunk_bytes: usize,
    hits: &mut [usize],
) -> std::io::Result<u64> {
    let longest = finders.iter().map(|f| f.needle().len()).max().unwrap_or(0);
    let keep = longest.saturating_sub(1);
    // The buffer holds other accounts' data too; it is wiped when dropped.
    let mut buffer = Zeroizing::new(vec![0_u8; keep + chunk_bytes.max(1)]);
    let mut carried = 0_usize;
    let mut total = 0_u64;
    loop {
        let filled = fill(&mut reader, &mut buffer[carried..])?;
        if filled == 0 {
            break;
        }
        total += filled as u64;
        let window = &buffer[..carried + filled];
        for (finder, hits) in finders.iter().zip(hits.iter_mut()) {
            let len = finder.needle().len();
            *hits += finder.find_iter(window).filter(|&start| start + len > carried).count();
        }
        let next_carry = keep.min(window.len());
        let from = window.len() - next_carry;
        buffer.copy_within(from..from + next_carry, 0);
        carried = next_carry;
    }
    Ok(total)
}

/// Reads until `buf` is full or the reader is at its end; returns the bytes read.
fn fill(reader: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(values: &[&str]) -> Vec<Zeroizing<String>> {
        values.iter().map(|v| Zeroizing::new((*v).to_owned())).collect()
    }

    fn count(haystack: &[u8], values: &[&str], chunk_bytes: usize) -> usize {
        let finders: Vec<memmem::Finder<'_>> = values.iter().map(|v| memmem::Finder::new(v.as_bytes())).collect();
        let mut hits = vec![0; finders.len()];
        let bytes = count_in_reader(haystack, &finders, chunk_bytes, &mut hits).unwrap();
        assert_eq!(bytes, haystack.len() as u64);
        hits.iter().sum()
    }

    #[test]
    fn a_value_split_across_two_reads_is_found_once() {
        let haystack = b"....needle-value....needle-value..needle-value";
        for chunk_bytes in 1..=haystack.len() + 1 {
            assert_eq!(count(haystack, &["needle-value"], chunk_bytes), 3, "chunk of {chunk_bytes} bytes");
        }
    }

    #[test]
    fn several_values_of_different_lengths_are_counted_each() {
        let haystack = b"abcd 1234 abcdefgh abcd";
        for chunk_bytes in [1, 2, 3, 5, 7, 64] {
            assert_eq!(count(haystack, &["abcd", "abcdefgh", "1234", "zzzz"], chunk_bytes), 5, "chunk {chunk_bytes}");
        }
    }

    #[test]
    fn matching_is_exact_and_case_sensitive() {
        assert_eq!(count(b"Mixed.Case@Example.test", &["mixed.case@example.test"], 8), 0);
        assert_eq!(count(b"Mixed.Case@Example.test", &["Mixed.Case@Example.test"], 8), 1);
    }

    #[test]
    fn the_database_log_and_journal_are_scanned_by_name_and_missing_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        std::fs::write(&db, b"header secret-one secret-two").unwrap();
        std::fs::write(dir.path().join("shop.db-wal"), b"secret-one").unwrap();
        let report = scan_files(&db, &needles(&["secret-one", "secret-two", "secret-one", ""])).unwrap();
        assert_eq!(report.values_checked, 2, "duplicates and empty values are dropped");
        assert_eq!(report.hits, 3);
        assert!(!report.is_clean());
        assert_eq!(report.files_scanned, vec![("shop.db".to_owned(), 28), ("shop.db-wal".to_owned(), 10)]);

        let clean = scan_files(&db, &needles(&["not-there"])).unwrap();
        assert!(clean.is_clean());
    }

    #[test]
    fn one_read_counts_each_needle_in_the_order_given() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        std::fs::write(&db, b"left-of-one shared-street left-of-one").unwrap();
        let needles: [&[u8]; 5] = [b"shared-street", b"left-of-one", b"gone", b"shared-street", b""];
        let counts = count_each(&db, &needles).unwrap();
        assert_eq!(counts.hits, [1, 2, 0, 1, 0]);
        assert_eq!(counts.files_scanned, [("shop.db".to_owned(), 37)]);
    }

    #[test]
    fn every_place_is_listed_with_its_own_counts_and_absent_files_too() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        std::fs::write(&db, b"left-of-one").unwrap();
        std::fs::write(dir.path().join("shop.db-shm"), b"left-of-one left-of-one").unwrap();
        let outbox = dir.path().join("outbox");
        std::fs::create_dir(&outbox).unwrap();
        std::fs::write(outbox.join("a.eml"), b"to: left-of-one").unwrap();
        std::fs::write(outbox.join("b.eml"), b"nothing").unwrap();
        let partial = dir.path().join(".closedesk-x.partial");
        std::fs::write(&partial, b"left-of-one").unwrap();
        let needles: [&[u8]; 1] = [b"left-of-one"];
        let counts = count_everywhere(&db, Some(&outbox), &[partial, dir.path().join("gone")], &needles).unwrap();
        let listed: Vec<(&str, u64, usize)> =
            counts.places.iter().zip(&counts.place_hits).map(|(p, h)| (p.name.as_str(), p.files, h[0])).collect();
        assert_eq!(
            listed,
            [
                ("shop.db", 1, 1),
                ("shop.db-wal", 0, 0),
                ("shop.db-shm", 1, 2),
                ("shop.db-journal", 0, 0),
                ("outbox/", 2, 1),
                ("recorded partial files", 1, 1)
            ]
        );
        assert_eq!(counts.hits, [5]);
    }

    #[test]
    fn a_missing_database_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(scan_files(&dir.path().join("gone.db"), &needles(&["x"])).is_err());
    }
}
