//! Where closedesk keeps its files.

use std::path::{Path, PathBuf};

/// The database file name inside the data folder.
pub const DB_FILE_NAME: &str = "closedesk.db";

/// The platform data folder, e.g. `~/.local/share/closedesk` on Linux.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "closedesk").map(|dirs| dirs.data_dir().to_owned())
}

/// The default database: `closedesk.db` in the platform data folder.
pub fn default_db_path() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join(DB_FILE_NAME))
}

/// The outbox folder of `.eml` files that belongs to the database at `db_path`.
pub fn outbox_dir(db_path: &Path) -> PathBuf {
    db_path.parent().unwrap_or_else(|| Path::new(".")).join("outbox")
}
