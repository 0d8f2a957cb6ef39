//! Saving a file where the person chooses: the native save dialog on a worker, and a typed
//! path for when the dialog cannot open. The account backup, the audit CSV and the database
//! copy all choose their file this way; the widget is `widgets::save_file`.
//!
//! The dialog blocks the thread that opens it, so it runs on a worker and the frame loop
//! carries on. On a bare Linux X session (no desktop portal, no zenity) rfd answers at once
//! as if the person had cancelled; an answer faster than [`DIALOG_TOO_FAST`] is taken for
//! that, and the panel points to the typed path instead.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A dialog that "closes" faster than a person can click never opened.
pub const DIALOG_TOO_FAST: Duration = Duration::from_millis(300);

/// How a file target was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveAction {
    /// Open the native save dialog.
    Dialog,
    /// Use the typed path.
    Typed,
}

/// The native save dialog of one kind of file.
#[derive(Clone, Debug)]
pub struct SaveDialog {
    /// The window title.
    pub title: &'static str,
    /// The file name offered.
    pub file_name: String,
    /// The name of the file type in the filter.
    pub filter: &'static str,
    /// The file type's extension, without the dot.
    pub extension: &'static str,
}

/// How the save dialog closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogAnswer {
    /// The chosen file; `None` when cancelled or when the dialog could not open.
    pub chosen: Option<PathBuf>,
    /// How long the dialog was open.
    pub elapsed: Duration,
}

impl DialogAnswer {
    /// Whether the dialog answered at once without a file: it cannot open here.
    pub fn could_not_open(&self) -> bool {
        self.chosen.is_none() && self.elapsed < DIALOG_TOO_FAST
    }
}

impl SaveDialog {
    /// Shows `dialog` as this save dialog, in the documents folder (or home, where there is
    /// none), and waits for the person.
    /// It blocks: call it on a worker only.
    pub fn run(self, dialog: rfd::FileDialog) -> DialogAnswer {
        let mut dialog = dialog
            .set_title(self.title)
            .set_file_name(self.file_name)
            .add_filter(self.filter, &[self.extension])
            .set_can_create_directories(true);
        // Not the working folder, which for a double-clicked app means nothing to the person.
        if let Some(folder) = default_folder() {
            dialog = dialog.set_directory(folder);
        }
        let started = Instant::now();
        let chosen = dialog.save_file();
        DialogAnswer { chosen, elapsed: started.elapsed() }
    }
}

/// Where a file is offered first: the documents folder where it exists, else the home folder
/// (a home without `~/Documents` is common on servers and fresh accounts). Looked up once.
pub fn default_folder() -> Option<&'static Path> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let dirs = directories::UserDirs::new()?;
            let documents = dirs.document_dir().filter(|folder| folder.is_dir());
            Some(documents.unwrap_or(dirs.home_dir()).to_owned())
        })
        .as_deref()
}

/// The person's home folder, looked up once: the hints and typed paths ask for it every frame.
fn home_folder() -> Option<&'static Path> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned())).as_deref()
}

/// `~/Documents/closedesk-backup.json`: an example path for `file_name` in a folder that exists,
/// written from `~` when it is under the home folder (except on Windows).
pub fn example_path(file_name: &str) -> String {
    let Some(folder) = default_folder() else {
        return file_name.to_owned();
    };
    // Windows has no `~`: its people read and type whole paths, `C:\Users\…\Documents\…`.
    if cfg!(windows) {
        return folder.join(file_name).display().to_string();
    }
    match home_folder().and_then(|home| folder.strip_prefix(home).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => format!("~/{file_name}"),
        Some(rest) => format!("~/{}/{file_name}", rest.display()),
        None => folder.join(file_name).display().to_string(),
    }
}

/// The folder a typed path would put its file in when that folder does not exist yet (saving
/// creates it); `None` for an empty path, an existing folder, or a file whose folder exists.
pub fn missing_folder(typed: &str) -> Option<PathBuf> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let target = resolve_typed_path(Path::new(typed));
    if target.is_dir() {
        return None;
    }
    let folder = target.parent().filter(|folder| !folder.as_os_str().is_empty())?;
    (!folder.exists()).then(|| folder.to_owned())
}

/// Creates the folder of `target` if it is missing, as the typed-path field said it would;
/// on a worker, before the file is written.
pub fn create_missing_folder(target: &Path) -> Result<(), String> {
    let Some(folder) = target.parent().filter(|folder| !folder.as_os_str().is_empty() && !folder.exists()) else {
        return Ok(());
    };
    std::fs::create_dir_all(folder).map_err(|err| format!("Cannot create the folder {}: {err}", folder.display()))
}

/// The file a typed path means: `~` and relative paths start in the home folder (a
/// double-clicked app has no meaningful working folder).
pub fn resolve_typed_path(typed: &Path) -> PathBuf {
    match (typed.strip_prefix("~"), home_folder()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ if typed.is_relative() => home_folder().map_or_else(|| typed.to_owned(), |home| home.join(typed)),
        _ => typed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_dialog_that_answered_at_once_without_a_file_could_not_open() {
        let answer = |chosen: Option<&str>, millis| DialogAnswer {
            chosen: chosen.map(PathBuf::from),
            elapsed: Duration::from_millis(millis),
        };
        assert!(answer(None, 5).could_not_open());
        assert!(!answer(None, 2_000).could_not_open(), "the person cancelled");
        assert!(!answer(Some("/tmp/a.csv"), 5).could_not_open());
    }

    #[test]
    fn a_missing_folder_is_named_and_created_on_saving() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backups").join("2026").join("copy.json");
        let typed = file.display().to_string();
        assert_eq!(missing_folder(&typed), Some(dir.path().join("backups").join("2026")));
        assert_eq!(missing_folder(&dir.path().display().to_string()), None, "an existing folder");
        assert_eq!(missing_folder(&dir.path().join("a.json").display().to_string()), None, "its folder exists");
        assert_eq!(missing_folder("  "), None);

        create_missing_folder(&file).unwrap();
        assert!(file.parent().unwrap().is_dir());
        assert_eq!(missing_folder(&typed), None);
    }

    #[test]
    fn the_example_path_is_in_a_folder_that_exists() {
        let example = example_path("closedesk-backup.json");
        assert!(example.ends_with("/closedesk-backup.json"), "{example}");
        let folder = resolve_typed_path(Path::new(&example)).parent().map(Path::to_owned);
        assert!(folder.is_some_and(|folder| folder.is_dir()), "{example}");
    }

    #[test]
    fn absolute_paths_are_kept_and_others_start_at_home() {
        assert_eq!(resolve_typed_path(Path::new("/srv/copy.db")), PathBuf::from("/srv/copy.db"));
        if let Some(home) = directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned()) {
            assert_eq!(resolve_typed_path(Path::new("~/a.csv")), home.join("a.csv"));
            assert_eq!(resolve_typed_path(Path::new("b.csv")), home.join("b.csv"));
        }
    }
}
