//! What a feature's logic needs to start background work: the app's job runner, seen through
//! the feature's own job key and result type, the database file the work reads, and the
//! parent of native file dialogs. The app owns one [`Work`] and lends a [`Workers`] view of it
//! to each feature as it applies that feature's commands.

use std::path::{Path, PathBuf};

use super::jobs::{JobError, JobKey, Jobs, Runner};

/// The app's runner, with the database and the file dialogs every job works with.
pub struct Work<K, T> {
    /// The runner; the app polls it for results.
    pub jobs: Jobs<K, T>,
    db_path: PathBuf,
    /// Every native file dialog starts from this one, which knows the window it belongs to.
    dialog: Option<rfd::FileDialog>,
}

impl<K: JobKey, T: Send + 'static> Work<K, T> {
    /// Work on the database at `db_path`; finished jobs repaint `ctx`.
    pub fn new(ctx: egui::Context, db_path: PathBuf) -> Self {
        Self { jobs: Jobs::new(ctx), db_path, dialog: None }
    }

    /// Makes the native file dialogs children of `window`, so that they open over it and keep
    /// it from taking input meanwhile, instead of opening as separate windows somewhere.
    /// The first call counts: the window stays the same for the life of the app.
    pub fn parent_dialogs_to(&mut self, window: &eframe::Frame) {
        if self.dialog.is_none() {
            self.dialog = Some(rfd::FileDialog::new().set_parent(window));
        }
    }

    /// The database file the jobs work on.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The runner as a feature with job key `FK` and result `FT` sees it.
    pub fn workers<FK, FT>(&mut self) -> Workers<'_, FK, FT>
    where
        Jobs<K, T>: Runner<FK, FT>,
    {
        Workers { runner: &mut self.jobs, db_path: &self.db_path, dialog: self.dialog.as_ref() }
    }
}

/// The runner as one feature sees it: its own job keys `K`, its own results `T`.
pub struct Workers<'a, K, T> {
    runner: &'a mut dyn Runner<K, T>,
    db_path: &'a Path,
    dialog: Option<&'a rfd::FileDialog>,
}

impl<K, T> Workers<'_, K, T> {
    /// Runs `work` on a new worker thread named after `key`, unless a job of that key runs.
    pub fn start(&mut self, key: K, work: impl FnOnce() -> T + Send + 'static) -> Result<(), JobError> {
        self.runner.start_boxed(key, Box::new(work))
    }

    /// Whether a job of `key` is running.
    pub fn is_running(&self, key: K) -> bool {
        self.runner.is_running(key)
    }

    /// The context a worker repaints when it reports progress before its result.
    pub fn ctx(&self) -> &egui::Context {
        self.runner.ctx()
    }

    /// The database file the jobs work on.
    pub fn db_path(&self) -> &Path {
        self.db_path
    }

    /// A new native file dialog, parented to the window when it is known.
    pub fn file_dialog(&self) -> rfd::FileDialog {
        self.dialog.cloned().unwrap_or_default()
    }
}
