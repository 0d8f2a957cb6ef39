//! The app's side of the dashboards and of the read-only backup viewer: applying their
//! commands, starting their loads on workers, and taking in what the workers send back.

use std::path::PathBuf;

use super::{ClosedeskApp, Screen};
use crate::ui::dashboards::DashboardCommand;
use crate::ui::dashboards::loads::{self, DashboardJob, DashboardOutput};
use crate::ui::dashboards::open_backup::{BackupCommand, OpenedBackup};
use crate::ui::dashboards::overview::OverviewView;
use crate::ui::session::signin::SignInView;

impl ClosedeskApp {
    /// Applies a command of the dashboards to the overview on screen.
    pub(super) fn apply_dashboard(&mut self, command: DashboardCommand) {
        if let Some(overview) = self.overview_mut() {
            overview.apply(command);
        }
    }

    /// Opens the file dialog, opens a backup, or leaves the backup viewer.
    pub(super) fn apply_backup(&mut self, command: BackupCommand) {
        match command {
            BackupCommand::PickFile => {
                let Screen::SignIn(view) = &mut self.screen else {
                    return;
                };
                if view.backup.is_busy() {
                    return;
                }
                match loads::pick_backup(&mut self.work.workers()) {
                    Ok(()) => {
                        view.backup.picking = true;
                        view.backup.notice = None;
                        view.backup.error = None;
                    }
                    Err(err) => view.backup.error = Some(err.to_string()),
                }
            }
            BackupCommand::Open(path) => self.open_backup(path),
            BackupCommand::Close => {
                if matches!(self.screen, Screen::Backup(_)) {
                    // Loads still running read the backup being closed: drop what they bring.
                    self.work.jobs.discard_running();
                    self.screen = Screen::SignIn(SignInView::default());
                }
            }
        }
    }

    fn open_backup(&mut self, path: PathBuf) {
        let Screen::SignIn(view) = &mut self.screen else {
            return;
        };
        if view.backup.opening {
            return;
        }
        match loads::open_backup(&mut self.work.workers(), path) {
            Ok(()) => {
                view.backup.opening = true;
                view.backup.error = None;
            }
            Err(err) => view.backup.error = Some(err.to_string()),
        }
    }

    /// Takes in a result of the dashboards' or the backup viewer's workers.
    pub(super) fn on_dashboard_output(&mut self, output: DashboardOutput) {
        match output {
            DashboardOutput::AccountLoaded(loaded) => {
                if let Some(overview) = self.overview_mut() {
                    overview.on_overview(loaded);
                }
            }
            DashboardOutput::RowsLoaded(loaded) => {
                if let Some(overview) = self.overview_mut() {
                    overview.dashboard.on_rows(loaded);
                }
            }
            DashboardOutput::ChildrenLoaded(loaded) => {
                if let Some(overview) = self.overview_mut() {
                    overview.dashboard.on_children(loaded);
                }
            }
            DashboardOutput::BackupPicked(picked) => {
                let Screen::SignIn(view) = &mut self.screen else {
                    return;
                };
                if let Some(path) = view.backup.on_picked(picked) {
                    self.open_backup(path);
                }
            }
            DashboardOutput::BackupOpened(result) => self.on_backup_opened(result),
        }
    }

    fn on_backup_opened(&mut self, result: Result<Box<OpenedBackup>, String>) {
        let Screen::SignIn(view) = &mut self.screen else {
            return;
        };
        view.backup.opening = false;
        match result {
            Ok(opened) => self.screen = Screen::Backup(Box::new(OverviewView::backup(*opened))),
            Err(message) => view.backup.error = Some(message),
        }
    }

    /// A worker of the dashboards or the backup viewer died without a result.
    pub(super) fn on_dashboard_job_crashed(&mut self, kind: DashboardJob, message: String) {
        match kind {
            DashboardJob::LoadAccount => {
                if let Some(overview) = self.overview_mut() {
                    overview.on_overview_failed(message);
                }
            }
            DashboardJob::LoadRows => {
                if let Some(overview) = self.overview_mut() {
                    overview.dashboard.on_rows_crashed(&message);
                }
            }
            DashboardJob::LoadChildren => {
                if let Some(overview) = self.overview_mut() {
                    overview.dashboard.on_children_crashed(&message);
                }
            }
            DashboardJob::PickBackup | DashboardJob::OpenBackup => {
                if let Screen::SignIn(view) = &mut self.screen {
                    view.backup.picking = false;
                    view.backup.opening = false;
                    view.backup.error = Some(message);
                }
            }
        }
    }

    /// Starts the loads the dashboards on screen wait for: the overview, a table's rows, an
    /// expanded row's children. One job of each kind at a time; the next starts when it reports.
    pub(super) fn start_dashboard_jobs(&mut self) {
        let now = self.clock.now();
        // Every load names the session's principal; the worker checks it before reading.
        let principal = self.principal;
        if !self.work.jobs.is_running(DashboardJob::LoadAccount.into())
            && let Some(request) = self.overview_mut().and_then(|overview| overview.overview_request(now, principal))
            && let Err(err) = loads::load_account(&mut self.work.workers(), request)
            && let Some(overview) = self.overview_mut()
        {
            overview.on_overview_failed(err.to_string());
        }
        if !self.work.jobs.is_running(DashboardJob::LoadRows.into())
            && let Some(request) = self.overview_mut().and_then(|overview| overview.rows_request(now, principal))
            && let Err(err) = loads::load_rows(&mut self.work.workers(), request)
            && let Some(overview) = self.overview_mut()
        {
            overview.dashboard.on_rows_crashed(&err.to_string());
        }
        if !self.work.jobs.is_running(DashboardJob::LoadChildren.into())
            && let Some(request) = self.overview_mut().and_then(|overview| overview.children_request(principal))
            && let Err(err) = loads::load_children(&mut self.work.workers(), request)
            && let Some(overview) = self.overview_mut()
        {
            overview.dashboard.on_children_crashed(&err.to_string());
        }
    }
}
