//! Making zip files for the bundle tests: a real bundle taken apart and put back together with
//! changes, and archives laid out byte by byte, lying about their sizes as an attacker would.

use std::io::{Read as _, Write as _};
use std::path::Path;

/// Every entry of the zip at `path`, in order: name and inflated bytes.
pub fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Writes `entries` as a well-formed zip (deflated, every header consistent) to `path`.
pub fn write(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// One entry of a hand-made zip: its name, its stored bytes (deflated when `deflated`), and the
/// sizes and CRC its headers declare.
pub struct Raw {
    pub name: String,
    pub data: Vec<u8>,
    pub deflated: bool,
    pub declared_size: u32,
    pub crc: u32,
}

impl Raw {
    /// An honest entry holding `content`, deflated.
    pub fn deflate(name: &str, content: &[u8]) -> Self {
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(content).unwrap();
        Self {
            name: name.to_owned(),
            data: encoder.finish().unwrap(),
            deflated: true,
            declared_size: u32::try_from(content.len()).unwrap(),
            crc: crc32fast::hash(content),
        }
    }
}

/// A zip laid out byte by byte: local headers (no data descriptors), data, directory, end.
pub fn raw(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for entry in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let method: u16 = if entry.deflated { 8 } else { 0 };
        let compressed = u32::try_from(entry.data.len()).unwrap();
        let name_len = u16::try_from(entry.name.len()).unwrap();
        let common = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&0u16.to_le_bytes()); // flags
            buf.extend_from_slice(&method.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // time
            buf.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            buf.extend_from_slice(&entry.crc.to_le_bytes());
            buf.extend_from_slice(&compressed.to_le_bytes());
            buf.extend_from_slice(&entry.declared_size.to_le_bytes());
            buf.extend_from_slice(&name_len.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(entry.name.as_bytes());
        out.extend_from_slice(&entry.data);

        directory.extend_from_slice(b"PK\x01\x02");
        directory.extend_from_slice(&0x031Eu16.to_le_bytes()); // made by: Unix, 3.0
        common(&mut directory);
        directory.extend_from_slice(&0u16.to_le_bytes()); // comment
        directory.extend_from_slice(&0u16.to_le_bytes()); // disk
        directory.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        directory.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(entry.name.as_bytes());
    }
    let dir_offset = u32::try_from(out.len()).unwrap();
    let count = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&u32::try_from(directory.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&dir_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
