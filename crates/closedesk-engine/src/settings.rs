//! The deployment's settings file: closure policies and the agent idle lock, with the
//! reference defaults (listed in [`crate::core::policy`]).

use std::path::{Path, PathBuf};

use crate::core::policy::{Policy, PolicyError};

/// The settings file's name, beside the database.
pub const SETTINGS_FILE_NAME: &str = "closedesk-settings.json";

/// The environment variable naming another settings file.
pub const SETTINGS_ENV: &str = "CLOSEDESK_SETTINGS";

/// A settings file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but cannot be read.
    #[error("{path}: cannot read the settings: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// The file is not valid settings JSON.
    #[error("{path}: invalid settings: {reason}")]
    Parse { path: PathBuf, reason: String },
    /// A value is out of range.
    #[error("{path}: invalid settings: {source}")]
    Invalid { path: PathBuf, source: PolicyError },
}

/// Where the settings for the database at `db_path` are read from.
pub fn settings_path(db_path: &Path) -> PathBuf {
    std::env::var_os(SETTINGS_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| db_path.parent().unwrap_or_else(|| Path::new(".")).join(SETTINGS_FILE_NAME), PathBuf::from)
}

/// The policy in force: the settings file's values over the defaults, or the defaults if there
/// is no file. Unknown keys and out-of-range values are refused.
pub fn load_policy(path: &Path) -> Result<Policy, SettingsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Policy::default()),
        Err(source) => return Err(SettingsError::Read { path: path.to_owned(), source }),
    };
    let policy: Policy = serde_json::from_str(&text)
        .map_err(|err| SettingsError::Parse { path: path.to_owned(), reason: err.to_string() })?;
    policy.validate().map_err(|source| SettingsError::Invalid { path: path.to_owned(), source })?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_means_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_policy(&dir.path().join("none.json")).unwrap(), Policy::default());
    }

    #[test]
    fn values_in_the_file_override_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE_NAME);
        std::fs::write(&path, r#"{ "grace_hours": 24, "code_ttl_secs": 300 }"#).unwrap();
        let policy = load_policy(&path).unwrap();
        assert_eq!((policy.grace_hours, policy.code_ttl_secs, policy.code_max_tries), (24, 300, 5));
    }

    #[test]
    fn invalid_settings_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE_NAME);
        std::fs::write(&path, r#"{ "grace_hours": -1 }"#).unwrap();
        assert!(load_policy(&path).unwrap_err().to_string().contains("grace_hours must be between"));
        std::fs::write(&path, r#"{ "grace_hour": 5 }"#).unwrap();
        assert!(load_policy(&path).unwrap_err().to_string().contains("unknown field"));
        std::fs::write(&path, "grace_hours = 5").unwrap();
        assert!(matches!(load_policy(&path), Err(SettingsError::Parse { .. })));
        std::fs::write(&path, r#"{ "agent_idle_lock_secs": 30 }"#).unwrap();
        assert!(load_policy(&path).unwrap_err().to_string().contains("agent_idle_lock_secs must be between 60"));
        std::fs::write(&path, r#"{ "backup_retention_days": 0 }"#).unwrap();
        assert!(load_policy(&path).unwrap_err().to_string().contains("backup_retention_days must be between 1"));
        std::fs::write(&path, r#"{ "backup_retention_days": 7 }"#).unwrap();
        assert_eq!(load_policy(&path).unwrap().backup_retention_days, 7);
    }

    #[test]
    fn the_agent_idle_lock_is_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE_NAME);
        assert_eq!(load_policy(&path).unwrap().agent_idle_lock_secs, 600, "ten minutes without a file");
        std::fs::write(&path, r#"{ "agent_idle_lock_secs": 300 }"#).unwrap();
        let policy = load_policy(&path).unwrap();
        assert_eq!((policy.agent_idle_lock_secs, policy.grace_hours), (300, 72));
    }
}
