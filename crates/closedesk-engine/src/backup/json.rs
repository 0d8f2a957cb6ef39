//! The JSON document of an account backup, written row by row as the cursor hands rows over.
//!
//! Layout (one row per line, so that the file reads and diffs well):
//!
//! ```text
//! {"format":"closedesk-account-backup","format_version":1,"closedesk_version":"…","exported_at":"…","account_id":1,
//! "tables":{
//! "profile":[
//! {"id":7,…}
//! ],
//! …
//! },
//! "counts":{"profile":1,…},
//! "sha256":"<SHA-256 of every byte above, up to and including `"sha256":`>"}
//! ```

use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use sha2::{Digest as _, Sha256};

use super::{BackupError, FORMAT_NAME, FORMAT_VERSION, Tracker, Written};
use crate::core::AccountId;
use crate::store::export::{self, CellRef, RowRef, Table, TableCounts};

/// Bytes gathered before they are hashed and handed to the writer in one piece.
const CHUNK_BYTES: usize = 256 * 1024;

/// Writes the whole JSON document of `account` into `out`.
///
/// Rows are encoded straight from the cursor into a chunk buffer. Each full chunk goes to a
/// second thread that hashes it and hands it to `out` in one piece while the next chunk is
/// encoded; if that thread cannot start, this one does both.
pub(super) fn write_document<W: Write + Send>(
    conn: &Connection,
    account: AccountId,
    exported_at: Timestamp,
    out: &mut W,
    tracker: &mut Tracker<'_>,
) -> Result<Written, BackupError> {
    std::thread::scope(|scope| {
        let doc = Chunks::new(Sink::start(scope, out));
        write_chunks(conn, account, exported_at, doc, tracker)
    })
}

fn write_chunks<'s, 'w: 's, W: Write + Send>(
    conn: &Connection,
    account: AccountId,
    exported_at: Timestamp,
    mut doc: Chunks<'s, 'w, W>,
    tracker: &mut Tracker<'_>,
) -> Result<Written, BackupError> {
    doc.buf.extend_from_slice(b"{\"format\":");
    serde_json::to_writer(&mut doc.buf, FORMAT_NAME)?;
    write!(doc.buf, ",\"format_version\":{FORMAT_VERSION},\"closedesk_version\":")?;
    serde_json::to_writer(&mut doc.buf, env!("CARGO_PKG_VERSION"))?;
    doc.buf.extend_from_slice(b",\"exported_at\":");
    write_instant(&mut doc.buf, exported_at);
    write!(doc.buf, ",\"account_id\":{account},\n\"tables\":{{")?;

    let mut counts = TableCounts::default();
    for (index, table) in Table::ALL.into_iter().enumerate() {
        tracker.start(table)?;
        doc.buf.extend_from_slice(if index == 0 { b"\n\"" } else { b",\n\"" });
        doc.buf.extend_from_slice(table.name().as_bytes());
        doc.buf.extend_from_slice(b"\":[");
        let keys = RowKeys::of(table);
        let rows = export::for_each_row(conn, account, table, |row| -> Result<(), BackupError> {
            doc.buf.extend_from_slice(if counts.get(table) == 0 { b"\n" } else { b",\n" });
            keys.encode(&mut doc.buf, row)?;
            counts.add_one(table);
            doc.maybe_drain()?;
            tracker.row()
        })?;
        doc.buf.extend_from_slice(if rows == 0 { b"]" } else { b"\n]" });
    }

    doc.buf.extend_from_slice(b"\n},\n\"counts\":{");
    for (index, (table, rows)) in counts.iter().enumerate() {
        let comma = if index == 0 { "" } else { "," };
        write!(doc.buf, "{comma}\"{}\":{rows}", table.name())?;
    }
    doc.buf.extend_from_slice(b"},\n\"sha256\":");
    let sha256 = doc.finish()?;
    Ok(Written { counts, sha256 })
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

/// The encoded member names of a table's rows: `{"id":` for the first column, `,"name":`
/// for the others. Column names are plain identifiers, so they need no escaping.
struct RowKeys(Vec<Vec<u8>>);

impl RowKeys {
    fn of(table: Table) -> Self {
        let keys = table.columns().iter().enumerate().map(|(index, column)| {
            let open = if index == 0 { "{" } else { "," };
            format!("{open}\"{}\":", column.name).into_bytes()
        });
        Self(keys.collect())
    }

    /// Appends one row as a JSON object, its values typed by column: `null`, a number, a
    /// string, `true`/`false`, or an RFC 3339 UTC instant.
    fn encode(&self, buf: &mut Vec<u8>, row: &RowRef<'_, '_>) -> Result<(), BackupError> {
        for (index, key) in self.0.iter().enumerate() {
            buf.extend_from_slice(key);
            match row.cell(index)? {
                CellRef::Null => buf.extend_from_slice(b"null"),
                CellRef::Integer(value) => serde_json::to_writer(&mut *buf, &value)?,
                CellRef::Text(text) => serde_json::to_writer(&mut *buf, text)?,
                CellRef::Bool(value) => buf.extend_from_slice(if value { b"true" } else { b"false" }),
                CellRef::Time(at) => write_instant(buf, at),
            }
        }
        buf.push(b'}');
        Ok(())
    }
}

/// Appends `at` as a JSON string, e.g. `"2026-12-01T09:00:00Z"` (as jiff writes it).
fn write_instant(buf: &mut Vec<u8>, at: Timestamp) {
    buf.push(b'"');
    push_instant(buf, at);
    buf.push(b'"');
}

/// Appends `at` in RFC 3339 UTC, e.g. `2026-12-01T09:00:00Z`: by hand for whole seconds in
/// years 0 to 9999 (every instant the store holds), through jiff otherwise.
pub(super) fn push_instant(buf: &mut Vec<u8>, at: Timestamp) {
    let civil = TimeZone::UTC.to_datetime(at);
    let Ok(year) = u16::try_from(civil.year()) else {
        let _ = write!(buf, "{at}");
        return;
    };
    if year > 9999 || at.subsec_nanosecond() != 0 {
        let _ = write!(buf, "{at}");
        return;
    }
    let two = |value: i8| {
        let value = value.unsigned_abs();
        [b'0' + value / 10, b'0' + value % 10]
    };
    let digits = |value: u16, divisor: u16| b'0' + ((value / divisor) % 10) as u8;
    let (month, day, hour, minute, second) =
        (two(civil.month()), two(civil.day()), two(civil.hour()), two(civil.minute()), two(civil.second()));
    buf.extend_from_slice(&[
        digits(year, 1000),
        digits(year, 100),
        digits(year, 10),
        digits(year, 1),
        b'-',
        month[0],
        month[1],
        b'-',
        day[0],
        day[1],
        b'T',
        hour[0],
        hour[1],
        b':',
        minute[0],
        minute[1],
        b':',
        second[0],
        second[1],
        b'Z',
    ]);
}

/// The document's bytes, gathered in a chunk; each full chunk is hashed and written out.
struct Chunks<'s, 'w, W: Write + Send> {
    buf: Vec<u8>,
    sink: Sink<'s, 'w, W>,
}

impl<'s, 'w: 's, W: Write + Send> Chunks<'s, 'w, W> {
    fn new(sink: Sink<'s, 'w, W>) -> Self {
        Self { buf: new_chunk(), sink }
    }

    /// Hands the chunk on once it is full.
    fn maybe_drain(&mut self) -> Result<(), BackupError> {
        if self.buf.len() >= CHUNK_BYTES { self.drain() } else { Ok(()) }
    }

    fn drain(&mut self) -> Result<(), BackupError> {
        let spare = self.sink.take_spare();
        let full = std::mem::replace(&mut self.buf, spare);
        self.sink.take(full)
    }

    /// Hands on what is left, closes the document with its checksum (the SHA-256 of every
    /// byte before it) and returns the checksum in hex.
    fn finish(mut self) -> Result<String, BackupError> {
        self.drain()?;
        self.sink.finish()
    }
}

fn new_chunk() -> Vec<u8> {
    Vec::with_capacity(CHUNK_BYTES + 16 * 1024)
}

/// Where full chunks go: a worker thread that hashes and writes them, or this thread.
enum Sink<'s, 'w, W: Write + Send> {
    /// The worker takes full chunks and hands the emptied buffers back.
    Worker {
        chunks: SyncSender<Piece>,
        spares: Receiver<Vec<u8>>,
        worker: ScopedJoinHandle<'s, Result<String, BackupError>>,
    },
    /// No thread could be started.
    Inline { out: &'w mut W, sha: Box<Sha256> },
    /// The worker has been joined (after a failure).
    Done,
}

impl<'s, 'w: 's, W: Write + Send> Sink<'s, 'w, W> {
    fn start<'e>(scope: &'s Scope<'s, 'e>, out: &'w mut W) -> Self {
        let (chunks, incoming) = sync_channel::<Piece>(4);
        let (give_back, spares) = channel::<Vec<u8>>();
        // The writer goes to the worker only once it runs; if it cannot start, it stays here.
        let (hand_over, handed) = sync_channel::<&'w mut W>(1);
        let started = std::thread::Builder::new().name("closedesk-backup-write".to_owned()).spawn_scoped(
            scope,
            move || -> Result<String, BackupError> {
                let out = handed.recv().map_err(|_| BackupError::Encode("no writer for the backup".to_owned()))?;
                let mut sha = Sha256::new();
                for piece in incoming {
                    let mut chunk = match piece {
                        Piece::Chunk(chunk) => chunk,
                        Piece::End => return close_document(out, sha),
                    };
                    sha.update(&chunk);
                    out.write_all(&chunk)?;
                    chunk.clear();
                    // The encoder may be gone already; then the buffer is simply freed.
                    let _ = give_back.send(chunk);
                }
                // The encoder stopped (failed or cancelled): the document stays unfinished.
                Err(BackupError::Cancelled)
            },
        );
        match started {
            Ok(worker) => match hand_over.send(out) {
                Ok(()) => Self::Worker { chunks, spares, worker },
                Err(_) => Self::Done,
            },
            Err(err) => {
                tracing::debug!("writing the backup on one thread: no second thread ({err})");
                Self::Inline { out, sha: Box::new(Sha256::new()) }
            }
        }
    }

    /// An empty buffer for the next chunk: one the worker is done with, or a new one.
    fn take_spare(&mut self) -> Vec<u8> {
        match self {
            Self::Worker { spares, .. } => spares.try_recv().unwrap_or_else(|_| new_chunk()),
            Self::Inline { .. } | Self::Done => new_chunk(),
        }
    }

    fn take(&mut self, chunk: Vec<u8>) -> Result<(), BackupError> {
        match self {
            Self::Worker { chunks, .. } => {
                if chunks.send(Piece::Chunk(chunk)).is_ok() {
                    return Ok(());
                }
                // The worker stopped on an error: report it.
                match std::mem::replace(self, Self::Done).finish() {
                    Err(err) => Err(err),
                    Ok(_) => Err(BackupError::Encode("the backup writer stopped early".to_owned())),
                }
            }
            Self::Inline { out, sha } => {
                sha.update(&chunk);
                out.write_all(&chunk)?;
                Ok(())
            }
            Self::Done => Err(BackupError::Encode("the backup writer stopped early".to_owned())),
        }
    }

    fn finish(self) -> Result<String, BackupError> {
        match self {
            Self::Worker { chunks, worker, .. } => {
                // A worker that failed has gone: its error comes with the join.
                let _ = chunks.send(Piece::End);
                drop(chunks);
                worker.join().map_err(|_| BackupError::Encode("the backup writer thread failed".to_owned()))?
            }
            Self::Inline { out, sha } => close_document(out, *sha),
            Self::Done => Err(BackupError::Encode("the backup writer stopped early".to_owned())),
        }
    }
}

/// What the encoder hands the worker.
enum Piece {
    /// A full chunk of the document.
    Chunk(Vec<u8>),
    /// The last chunk was sent: close the document.
    End,
}

/// Writes the checksum of everything written so far, and the end of the document.
fn close_document<W: Write>(out: &mut W, sha: Sha256) -> Result<String, BackupError> {
    let sha256 = hex(&sha.finalize());
    writeln!(out, "\"{sha256}\"}}")?;
    Ok(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_jiff_writes_them() {
        let mut seconds = -62_167_219_200_i64; // 0000-01-01T00:00:00Z
        while seconds < 253_402_300_800 {
            let at = Timestamp::from_second(seconds).unwrap();
            let mut buf = Vec::new();
            push_instant(&mut buf, at);
            assert_eq!(String::from_utf8(buf).unwrap(), at.to_string());
            seconds += 7_777_777;
        }
        let mut buf = Vec::new();
        push_instant(&mut buf, Timestamp::from_second(-62_167_219_201).unwrap());
        assert_eq!(String::from_utf8(buf).unwrap(), "-000001-12-31T23:59:59Z");
    }
}
