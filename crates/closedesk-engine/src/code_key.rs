//! The installation's secret key for confirmation-code digests, kept outside the database.
//!
//! A confirmation code has a million values: any digest of it that a copy of the database
//! alone can recompute gives the code back in a second. The digest is therefore keyed
//! (HMAC-SHA-256) with 32 random bytes kept in a file of their own, `code-key`, in the
//! platform config folder (`~/.config/closedesk/` on Linux) — not beside the database, so
//! that copying the data folder, a `backup-db` copy or an exported database carries no key.
//! The file is made on first need with owner-only permissions (0600 on Unix).
//!
//! When the file is missing, a new key is made: codes pending under the old key are then
//! void (each digest records which key made it) and a new code must be sent. When the file
//! exists but cannot be read or is malformed, nothing is guessed: issuing and confirming
//! codes fails with a one-line error naming the file, until it is fixed or removed.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rand::RngCore as _;
use zeroize::Zeroizing;

use crate::core::closure::CodeKey;

/// The key file's name in the config folder.
pub const KEY_FILE_NAME: &str = "code-key";

/// The environment variable naming another key file (tests, several installations on one
/// account).
pub const KEY_FILE_ENV: &str = "CLOSEDESK_CODE_KEY";

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No config folder is known (no home folder) and no key file was named.
    #[error("no config folder to keep the code key in; set {KEY_FILE_ENV} to a file path")]
    NoFolder,
    /// The key file exists but cannot be read, or is not a key.
    #[error(
        "{}: cannot use the code key: {reason}; codes cannot be sent or checked until the file is \
         readable (removing it makes a new key and voids pending codes)",
        path.display()
    )]
    Unusable {
        /// The key file.
        path: PathBuf,
        /// Why, e.g. `permission denied`.
        reason: String,
    },
    /// A new key could not be written.
    #[error("{}: cannot create the code key: {reason}", path.display())]
    Create {
        /// The key file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Where this installation's key file is: `$CLOSEDESK_CODE_KEY`, or `code-key` in the
/// platform config folder.
pub fn key_path() -> Result<PathBuf, KeyError> {
    if let Some(path) = std::env::var_os(KEY_FILE_ENV).filter(|path| !path.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    // Unit tests cannot set the variable (that needs unsafe code): keep them out of the
    // developer's own config folder, in a folder that lives as long as the test process.
    #[cfg(test)]
    {
        static FOLDER: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
        if let Some(folder) = FOLDER.get_or_init(|| tempfile::tempdir().ok()) {
            return Ok(folder.path().join(KEY_FILE_NAME));
        }
    }
    directories::ProjectDirs::from("", "", "closedesk")
        .map(|dirs| dirs.config_dir().join(KEY_FILE_NAME))
        .ok_or(KeyError::NoFolder)
}

/// This installation's key, made on first need.
pub fn installation_key() -> Result<CodeKey, KeyError> {
    load_or_create(&key_path()?)
}

/// The key in the file `path`; a new one written there (owner-only, synced) if there is none.
pub fn load_or_create(path: &Path) -> Result<CodeKey, KeyError> {
    match read_key(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(unusable(path, &err)),
        Ok(key) => {
            return key.ok_or_else(|| KeyError::Unusable {
                path: path.to_owned(),
                reason: "it is not a code key (expected exactly 32 bytes)".to_owned(),
            });
        }
    }
    let created = |err: &std::io::Error| KeyError::Create { path: path.to_owned(), reason: err.to_string() };
    let folder = path.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_private_dir(folder).map_err(|err| created(&err))?;
    let mut bytes = Zeroizing::new([0_u8; 32]);
    rand::rng().fill_bytes(bytes.as_mut_slice());
    // tempfile creates the file 0600 on Unix; it is renamed into place only complete.
    let mut temp = tempfile::Builder::new()
        .prefix(".code-key-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|err| created(&err))?;
    temp.write_all(bytes.as_slice()).and_then(|()| temp.as_file().sync_all()).map_err(|err| created(&err))?;
    match temp.persist_noclobber(path) {
        Ok(_) => {
            if let Ok(dir) = std::fs::File::open(folder) {
                let _ = dir.sync_all();
            }
            tracing::info!("{}: made a new code key", path.display());
            Ok(CodeKey::from_bytes(*bytes))
        }
        // Another process made the key first: use theirs.
        Err(err) if err.error.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
        Err(err) => Err(created(&err.error)),
    }
}

/// The key in `path`; `None` when the file is not 32 bytes long.
fn read_key(path: &Path) -> std::io::Result<Option<CodeKey>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(33));
    file.take(33).read_to_end(&mut bytes)?;
    let Ok(array) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        return Ok(None);
    };
    Ok(Some(CodeKey::from_bytes(array)))
}

fn unusable(path: &Path, err: &std::io::Error) -> KeyError {
    let reason = match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder".to_owned(),
        _ => err.to_string(),
    };
    KeyError::Unusable { path: path.to_owned(), reason }
}

/// Creates `folder` (and its parents) readable by the owner only, where it does not exist.
fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_owner_only_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config").join(KEY_FILE_NAME);
        let first = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(first.id(), again.id());
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file remains");

        // Lost: a new key, another id.
        std::fs::remove_file(&path).unwrap();
        assert_ne!(load_or_create(&path).unwrap().id(), first.id());
    }

    #[test]
    fn a_malformed_or_unreadable_key_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE_NAME);
        std::fs::write(&path, b"short").unwrap();
        let err = load_or_create(&path).unwrap_err().to_string();
        assert!(err.contains(KEY_FILE_NAME) && err.contains("32 bytes"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"short", "a bad key is not replaced");
        let err = load_or_create(dir.path()).unwrap_err().to_string();
        assert!(err.contains("cannot use the code key"), "{err}");
    }
}
