//! Reading a bundle strictly: the zip's directory, every local header, every entry's bytes.
//!
//! The `zip` crate writes our bundles, but it reads leniently, as an unzip tool should: it
//! trusts the central directory, ignores what the local headers say, and reads only the
//! entries asked for. A bundle is checked instead, so this reader accounts for every byte of
//! the file: entries lie back to back from the first byte, each local header repeats its
//! central directory record, each data descriptor its sizes and CRC, the directory follows the
//! last entry and the end record closes the file. Entries are inflated (`flate2`) as they are
//! read, bounded by their declared size, and their CRC-32 (`crc32fast`) is checked at their end.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Take};

use super::limits::{BOMB_FLOOR_BYTES, MAX_RATIO, Refusal, describe};

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
const END_LEN: u64 = 22;
const MAX_COMMENT: u64 = 0xFFFF;
/// More entries than a bundle could ever hold: the directory is not read.
const MAX_ENTRIES: usize = 64;
/// Flags a bundle may set: a data descriptor follows the data (bit 3), UTF-8 names (bit 11).
const ALLOWED_FLAGS: u16 = (1 << 3) | (1 << 11);
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

/// One entry, as the central directory states it.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub name: String,
    version_needed: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_offset: u64,
    extra: Vec<u8>,
    /// Where its compressed data starts, once its local header was read.
    data_start: u64,
    /// Its sizes are in a zip64 extra field.
    zip64: bool,
}

/// A bundle's zip structure, checked end to end.
pub(super) struct Archive {
    file: File,
    /// The entries, in the directory's order.
    pub entries: Vec<Entry>,
    dir_offset: u64,
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn io_damaged(what: &str, err: &io::Error) -> Refusal {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        Refusal::Truncated(format!("the zip bundle ends inside {what}; it was cut short"))
    } else {
        Refusal::Damaged(format!("{what} cannot be read ({err})"))
    }
}

/// An entry's name as it may be shown: printable, at most 60 characters.
pub(super) fn shown(name: &str) -> String {
    let mut text: String = name.chars().take(60).flat_map(char::escape_default).collect();
    if name.chars().count() > 60 {
        text.push('…');
    }
    text
}

impl Archive {
    /// Reads the end record and the central directory of `file` (`len` bytes long); the
    /// entries' own headers are checked by [`Self::check_layout`].
    pub(super) fn open(mut file: File, len: u64) -> Result<Self, Refusal> {
        let tail_len = len.min(END_LEN + MAX_COMMENT);
        let mut tail = vec![0; tail_len as usize];
        file.seek(SeekFrom::Start(len - tail_len)).map_err(|err| io_damaged("the zip directory", &err))?;
        file.read_exact(&mut tail).map_err(|err| io_damaged("the zip directory", &err))?;
        let end = (0..tail.len().saturating_sub(END_LEN as usize - 1))
            .rev()
            .find(|&at| {
                u32_at(&tail, at) == END_SIG
                    && at + END_LEN as usize + usize::from(u16_at(&tail, at + 20)) == tail.len()
            })
            .ok_or_else(|| {
                if memchr::memmem::find(&tail, b"PK\x05\x06").is_some() {
                    Refusal::Damaged("the zip's end record does not close the file".to_owned())
                } else {
                    Refusal::Truncated(format!(
                        "the zip bundle ends after {len} bytes, before its directory; it was cut short"
                    ))
                }
            })?;
        let record = &tail[end..end + END_LEN as usize];
        let end_offset = len - tail_len + end as u64;
        let (disk, dir_disk) = (u16_at(record, 4), u16_at(record, 6));
        let (on_disk, total) = (u16_at(record, 8), u16_at(record, 10));
        let (dir_size, dir_offset) = (u64::from(u32_at(record, 12)), u64::from(u32_at(record, 16)));
        if disk != 0 || dir_disk != 0 || on_disk != total {
            return Err(Refusal::Invalid("a zip split over several disks is not a bundle".to_owned()));
        }
        if total == 0xFFFF || dir_size == 0xFFFF_FFFF || dir_offset == 0xFFFF_FFFF {
            return Err(Refusal::Invalid("a zip64 archive is not a bundle (bundles never need zip64)".to_owned()));
        }
        if usize::from(total) > MAX_ENTRIES {
            return Err(Refusal::Invalid(format!(
                "the zip holds {total} entries; a bundle holds {}",
                super::bundle::ENTRY_COUNT
            )));
        }
        if dir_offset.checked_add(dir_size) != Some(end_offset) {
            return Err(Refusal::Damaged("the zip's directory does not end where its end record starts".to_owned()));
        }
        let mut directory = vec![0; dir_size as usize];
        file.seek(SeekFrom::Start(dir_offset)).map_err(|err| io_damaged("the zip directory", &err))?;
        file.read_exact(&mut directory).map_err(|err| io_damaged("the zip directory", &err))?;
        let entries = parse_directory(&directory, usize::from(total))?;
        Ok(Self { file, entries, dir_offset })
    }

    /// Reads every local header (and data descriptor) and checks that each agrees with the
    /// directory and that the entries lie back to back from byte 0 to the directory.
    pub(super) fn check_layout(&mut self) -> Result<(), Refusal> {
        if let Some(entry) = self.entries.iter().find(|entry| entry.zip64) {
            return Err(Refusal::Invalid(format!("{}: zip64 sizes (bundles never need zip64)", shown(&entry.name))));
        }
        let dir_offset = self.dir_offset;
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&index| self.entries[index].local_offset);
        let mut next = 0;
        for index in order {
            let entry = &self.entries[index];
            let name = shown(&entry.name);
            if entry.local_offset != next {
                return Err(Refusal::Damaged(format!(
                    "{name}: its local header is at byte {} where byte {next} was expected \
                     (a gap or an overlap between entries)",
                    entry.local_offset
                )));
            }
            let mut header = [0; 30];
            self.file.seek(SeekFrom::Start(entry.local_offset)).map_err(|err| io_damaged(&name, &err))?;
            self.file.read_exact(&mut header).map_err(|err| io_damaged(&name, &err))?;
            let name_len = usize::from(u16_at(&header, 26));
            let extra_len = usize::from(u16_at(&header, 28));
            let mut rest = vec![0; name_len + extra_len];
            self.file.read_exact(&mut rest).map_err(|err| io_damaged(&name, &err))?;
            let disagree = |field: &str| {
                Refusal::Damaged(format!("{name}: the local header's {field} disagrees with the zip directory"))
            };
            if u32_at(&header, 0) != LOCAL_SIG {
                return Err(Refusal::Damaged(format!("{name}: no local header where the directory points")));
            }
            let descriptor = entry.flags & (1 << 3) != 0;
            let checks: [(&str, bool); 8] = [
                ("version", u16_at(&header, 4) == entry.version_needed),
                ("flags", u16_at(&header, 6) == entry.flags),
                ("compression method", u16_at(&header, 8) == entry.method),
                ("modification time", u16_at(&header, 10) == entry.time && u16_at(&header, 12) == entry.date),
                ("CRC-32", u32_at(&header, 14) == if descriptor { 0 } else { entry.crc }),
                (
                    "sizes",
                    (u64::from(u32_at(&header, 18)), u64::from(u32_at(&header, 22)))
                        == if descriptor { (0, 0) } else { (entry.compressed, entry.size) },
                ),
                ("name", rest[..name_len] == *entry.name.as_bytes()),
                ("extra field", rest[name_len..] == entry.extra[..]),
            ];
            if let Some((field, _)) = checks.iter().find(|(_, agree)| !agree) {
                return Err(disagree(field));
            }
            let data_start = entry.local_offset + 30 + (name_len + extra_len) as u64;
            let mut end = data_start + entry.compressed;
            if descriptor {
                end += self.check_descriptor(index, end)?;
            }
            self.entries[index].data_start = data_start;
            next = end;
        }
        if next != dir_offset {
            return Err(Refusal::Damaged(format!(
                "{} bytes lie between the last entry and the zip directory",
                dir_offset.saturating_sub(next)
            )));
        }
        Ok(())
    }

    /// Checks the data descriptor at `at` against the directory; returns its length.
    fn check_descriptor(&mut self, index: usize, at: u64) -> Result<u64, Refusal> {
        let entry = &self.entries[index];
        let name = shown(&entry.name);
        let mut bytes = [0; 16];
        self.file.seek(SeekFrom::Start(at)).map_err(|err| io_damaged(&name, &err))?;
        self.file.read_exact(&mut bytes[..12]).map_err(|err| io_damaged(&name, &err))?;
        let (fields, len) = if u32_at(&bytes, 0) == DESCRIPTOR_SIG {
            self.file.read_exact(&mut bytes[12..]).map_err(|err| io_damaged(&name, &err))?;
            (&bytes[4..16], 16)
        } else {
            (&bytes[..12], 12)
        };
        let stated = (u32_at(fields, 0), u64::from(u32_at(fields, 4)), u64::from(u32_at(fields, 8)));
        if stated != (entry.crc, entry.compressed, entry.size) {
            return Err(Refusal::Damaged(format!(
                "{name}: its data descriptor disagrees with the zip directory (CRC-32 or sizes)"
            )));
        }
        Ok(len)
    }

    /// The inflated bytes of `entry`, refused past `cap` or past its declared size, and
    /// checked against its CRC-32 at their end.
    pub(super) fn open_entry(&self, entry: &Entry, cap: u64) -> Result<EntryReader<'_>, Refusal> {
        let name = shown(&entry.name);
        check_size(entry, cap)?;
        let mut file = &self.file;
        file.seek(SeekFrom::Start(entry.data_start)).map_err(|err| io_damaged(&name, &err))?;
        let raw = BufReader::with_capacity(64 * 1024, file.take(entry.compressed));
        // The directory allows no other method than these two.
        let body = if entry.method == DEFLATED {
            Body::Deflated(flate2::bufread::DeflateDecoder::new(raw))
        } else {
            Body::Stored(raw)
        };
        Ok(EntryReader { body, name, declared: entry.size, crc: entry.crc, hasher: crc32fast::Hasher::new(), read: 0 })
    }
}

/// Refuses an entry whose directory record declares more than `cap` bytes, or a ratio of
/// inflated to compressed bytes no bundle has: both are known before a byte is inflated.
pub(super) fn check_size(entry: &Entry, cap: u64) -> Result<(), Refusal> {
    let name = shown(&entry.name);
    if entry.size > BOMB_FLOOR_BYTES && entry.size / entry.compressed.max(1) > MAX_RATIO {
        return Err(bomb_by_ratio(&name, entry));
    }
    if entry.size > cap {
        return Err(Refusal::TooLarge(format!(
            "{name} declares {} bytes, more than the {} an entry may hold",
            entry.size,
            describe(cap)
        )));
    }
    Ok(())
}

fn bomb_by_ratio(name: &str, entry: &Entry) -> Refusal {
    Refusal::Bomb(format!(
        "{name}: {} compressed bytes declare {} bytes inflated, a ratio of {}:1 (closedesk's bundles stay under \
         {MAX_RATIO}:1)",
        entry.compressed,
        entry.size,
        entry.size / entry.compressed.max(1)
    ))
}

/// Reads the real sizes of a zip64 entry from its extra field (id 1), where present.
fn zip64_sizes(entry: &mut Entry) {
    let extra = &entry.extra;
    let mut at = 0;
    while at + 4 <= extra.len() {
        let (id, len) = (u16_at(extra, at), usize::from(u16_at(extra, at + 2)));
        let Some(body) = extra.get(at + 4..at + 4 + len) else { return };
        if id == 1 {
            let mut fields = body.chunks_exact(8).map(|field| {
                u64::from_le_bytes([field[0], field[1], field[2], field[3], field[4], field[5], field[6], field[7]])
            });
            if entry.size == 0xFFFF_FFFF {
                entry.size = fields.next().unwrap_or(entry.size);
            }
            if entry.compressed == 0xFFFF_FFFF {
                entry.compressed = fields.next().unwrap_or(entry.compressed);
            }
            return;
        }
        at += 4 + len;
    }
}

fn parse_directory(directory: &[u8], total: usize) -> Result<Vec<Entry>, Refusal> {
    let mut entries = Vec::with_capacity(total);
    let mut at = 0;
    for number in 0..total {
        let broken = || Refusal::Damaged(format!("the zip directory's record {} is broken", number + 1));
        let record = directory.get(at..at + 46).ok_or_else(broken)?;
        if u32_at(record, 0) != CENTRAL_SIG {
            return Err(broken());
        }
        let (name_len, extra_len, comment_len) =
            (usize::from(u16_at(record, 28)), usize::from(u16_at(record, 30)), usize::from(u16_at(record, 32)));
        let variable = directory.get(at + 46..at + 46 + name_len + extra_len + comment_len).ok_or_else(broken)?;
        let name = std::str::from_utf8(&variable[..name_len])
            .map_err(|_| Refusal::Invalid(format!("the name of zip entry {} is not UTF-8", number + 1)))?
            .to_owned();
        let entry = Entry {
            name,
            version_needed: u16_at(record, 6),
            flags: u16_at(record, 8),
            method: u16_at(record, 10),
            time: u16_at(record, 12),
            date: u16_at(record, 14),
            crc: u32_at(record, 16),
            compressed: u64::from(u32_at(record, 20)),
            size: u64::from(u32_at(record, 24)),
            local_offset: u64::from(u32_at(record, 42)),
            extra: variable[name_len..name_len + extra_len].to_vec(),
            data_start: 0,
            zip64: false,
        };
        let shown_name = shown(&entry.name);
        if u16_at(record, 34) != 0 {
            return Err(Refusal::Invalid(format!("{shown_name}: on another disk of a split zip")));
        }
        if entry.flags & !ALLOWED_FLAGS != 0 {
            let reason =
                if entry.flags & 1 != 0 { "it is encrypted" } else { "it uses zip features bundles never use" };
            return Err(Refusal::Invalid(format!("{shown_name}: {reason} (flags {:#06x})", entry.flags)));
        }
        if entry.method != STORED && entry.method != DEFLATED {
            return Err(Refusal::Invalid(format!(
                "{shown_name}: compression method {} (bundles are deflated)",
                entry.method
            )));
        }
        let mut entry = entry;
        if [entry.compressed, entry.size, entry.local_offset].contains(&0xFFFF_FFFF) {
            // Zip64: bundles never need it, but its sizes are read so that a bomb is named.
            entry.zip64 = true;
            zip64_sizes(&mut entry);
        }
        if entry.method == STORED && entry.compressed != entry.size {
            return Err(Refusal::Damaged(format!("{shown_name}: stored, yet its two sizes differ")));
        }
        entries.push(entry);
        at += 46 + name_len + extra_len + comment_len;
    }
    if at != directory.len() {
        return Err(Refusal::Damaged("the zip directory holds bytes after its last record".to_owned()));
    }
    Ok(entries)
}

enum Body<'a> {
    Stored(BufReader<Take<&'a File>>),
    Deflated(flate2::bufread::DeflateDecoder<BufReader<Take<&'a File>>>),
    /// Read to its end and checked.
    Done,
}

/// The inflated bytes of one entry.
pub(super) struct EntryReader<'a> {
    body: Body<'a>,
    name: String,
    declared: u64,
    crc: u32,
    hasher: crc32fast::Hasher,
    read: u64,
}

impl EntryReader<'_> {
    /// Checks the entry once its inflated bytes have ended.
    fn finish(&mut self) -> Result<(), Refusal> {
        let name = &self.name;
        let left = match &mut self.body {
            Body::Stored(raw) => raw.get_ref().limit() + raw.buffer().len() as u64,
            Body::Deflated(inflate) => inflate.get_ref().get_ref().limit() + inflate.get_ref().buffer().len() as u64,
            Body::Done => 0,
        };
        if left > 0 {
            return Err(Refusal::Damaged(format!(
                "{name}: its compressed data ends {left} bytes before the size the zip directory states"
            )));
        }
        if self.read < self.declared {
            return Err(Refusal::Damaged(format!(
                "{name}: holds {} bytes, fewer than the {} it declares",
                self.read, self.declared
            )));
        }
        let crc = std::mem::take(&mut self.hasher).finalize();
        if crc != self.crc {
            return Err(Refusal::Damaged(format!(
                "{name} is corrupt: its CRC-32 is {crc:08x}, the zip directory states {:08x}",
                self.crc
            )));
        }
        Ok(())
    }
}

impl EntryReader<'_> {
    /// The entry inflates past its declared size: damage if it soon ends, a bomb if it goes
    /// on for another [`BOMB_FLOOR_BYTES`] (no more is inflated to tell).
    fn overshoot(&mut self) -> Refusal {
        let mut scratch = vec![0; 64 * 1024];
        let mut extra = self.read - self.declared;
        while extra <= BOMB_FLOOR_BYTES {
            let more = match &mut self.body {
                Body::Stored(raw) => raw.read(&mut scratch),
                Body::Deflated(inflate) => inflate.read(&mut scratch),
                Body::Done => Ok(0),
            };
            match more {
                Ok(0) | Err(_) => {
                    return Refusal::Damaged(format!(
                        "{} is corrupt: it inflates to more than the {} bytes it declares",
                        self.name, self.declared
                    ));
                }
                Ok(more) => extra += more as u64,
            }
        }
        Refusal::Bomb(format!(
            "{} inflates to more than the {} bytes it declares (over {} more, and still going)",
            self.name,
            self.declared,
            describe(BOMB_FLOOR_BYTES)
        ))
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let result = match &mut self.body {
            Body::Stored(raw) => raw.read(out),
            Body::Deflated(inflate) => inflate.read(out),
            Body::Done => return Ok(0),
        };
        let read = result.map_err(|err| {
            if err.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::other(Refusal::Damaged(format!("{}: its compressed data ends too early", self.name)))
            } else {
                io::Error::other(Refusal::Damaged(format!("{} is corrupt ({err})", self.name)))
            }
        })?;
        if read == 0 && !out.is_empty() {
            self.finish().map_err(io::Error::other)?;
            self.body = Body::Done;
            return Ok(0);
        }
        self.read += read as u64;
        if self.read > self.declared {
            return Err(io::Error::other(self.overshoot()));
        }
        self.hasher.update(&out[..read]);
        Ok(read)
    }
}
