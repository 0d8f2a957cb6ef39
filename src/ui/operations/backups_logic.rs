//! The workers of the admin page's copies panel: loading the catalogue, deleting a copy past
//! its retention, the file picker of "Restore…", and the restore itself — each through
//! `service::backups`, which checks the admin again and audits.

use std::time::Instant;

use jiff::Timestamp;

use crate::core::permissions::Principal;
use crate::service::backups;
use crate::service::export::Acting;

use crate::ui::remote::Remote;
use crate::ui::save_file::{DialogAnswer, resolve_typed_path};

use super::backups::{Confirm, CopiesCommand, CopiesView};
use super::command::{CopiesOutput, OpsJob, OpsOutput, OpsWorkers};

fn start(
    jobs: &mut OpsWorkers<'_>,
    job: OpsJob,
    work: impl FnOnce() -> CopiesOutput + Send + 'static,
) -> Result<(), String> {
    jobs.start(job, move || OpsOutput::Copies(work())).map_err(|err| err.to_string())
}

/// Loads the catalogue when it is wanted and no load runs.
pub fn logic(view: &mut CopiesView, session: Principal, jobs: &mut OpsWorkers<'_>, now: Timestamp) {
    view.now = now;
    if !view.wanted || jobs.is_running(OpsJob::Copies) {
        return;
    }
    view.wanted = false;
    let db = jobs.db_path().to_owned();
    if let Err(message) = start(jobs, OpsJob::Copies, move || {
        CopiesOutput::Listed(backups::list_copies(&db, Acting::Session(session), now))
    }) {
        view.copies = Remote::Failed(message);
    }
}

/// Applies a command of the copies panel.
pub fn apply(
    view: &mut CopiesView,
    command: CopiesCommand,
    session: Principal,
    jobs: &mut OpsWorkers<'_>,
    now: Timestamp,
) {
    match command {
        CopiesCommand::Reload => view.wanted = true,
        CopiesCommand::AskDelete { id, path } => view.confirm = Some(Confirm::Delete { id, path }),
        CopiesCommand::AskRestoreTyped => {
            let typed = view.restore_path.trim();
            if typed.is_empty() {
                view.error = Some("Type the path of the copy first.".to_owned());
            } else {
                view.confirm = Some(Confirm::Restore(resolve_typed_path(std::path::Path::new(typed))));
            }
        }
        CopiesCommand::PickRestore => {
            let dialog = jobs.file_dialog();
            let started = start(jobs, OpsJob::RestoreDialog, move || {
                let started = Instant::now();
                let chosen = dialog
                    .set_title("Restore a copy of the database")
                    .add_filter("SQLite database", &["db"])
                    .pick_file();
                CopiesOutput::Picked(DialogAnswer { chosen, elapsed: started.elapsed() })
            });
            if let Err(message) = started {
                view.error = Some(message);
            }
        }
        CopiesCommand::Cancel => view.confirm = None,
        CopiesCommand::Confirmed => {
            let Some(confirm) = view.confirm.clone() else { return };
            let db = jobs.db_path().to_owned();
            let acting = Acting::Session(session);
            let (busy, started) = match confirm {
                Confirm::Delete { id, .. } => (
                    "Deleting the copy…",
                    start(jobs, OpsJob::Copies, move || {
                        CopiesOutput::Deleted(
                            backups::delete_copy(&db, acting, id, now)
                                .map(|removed| format!("Deleted {}.", removed.path)),
                        )
                    }),
                ),
                Confirm::Restore(path) => (
                    "Restoring the copy…",
                    // The confirmation named what is lost: it stands for the command line's --force.
                    start(jobs, OpsJob::Copies, move || {
                        CopiesOutput::Restored(
                            backups::restore(&db, acting, &path, true, now).map(|receipt| restored_text(&receipt)),
                        )
                    }),
                ),
            };
            match started {
                Ok(()) => {
                    view.busy = Some(busy);
                    view.notice = None;
                    view.error = None;
                }
                Err(message) => view.error = Some(message),
            }
        }
    }
}

/// The restore's receipt in one paragraph: ids and counts, never a value.
fn restored_text(receipt: &crate::backup::RestoreReceipt) -> String {
    let ids: Vec<String> = receipt.erased_again.iter().map(ToString::to_string).collect();
    let scanned: Vec<String> =
        receipt.scan.iter().map(|place| format!("{} {} found", place.name, place.hits)).collect();
    format!(
        "Restored {}: {} accounts. Erased again: {}. Byte scan: {}.",
        receipt.source.display(),
        receipt.accounts,
        if ids.is_empty() { "none".to_owned() } else { ids.join(", ") },
        scanned.join(", ")
    )
}

/// Takes in a copies worker's result; `true` when the database was replaced.
pub fn on_output(view: &mut CopiesView, output: CopiesOutput) -> bool {
    match output {
        CopiesOutput::Listed(result) => view.copies = result.into(),
        CopiesOutput::Picked(answer) => {
            view.dialog_unavailable = answer.could_not_open();
            if let Some(path) = answer.chosen {
                view.confirm = Some(Confirm::Restore(path));
            }
        }
        CopiesOutput::Deleted(result) | CopiesOutput::Restored(result) => {
            let restored = matches!(view.busy, Some("Restoring the copy…")) && result.is_ok();
            view.busy = None;
            view.confirm = None;
            view.wanted = true;
            match result {
                Ok(notice) => view.notice = Some(notice),
                Err(err) => view.error = Some(err.to_string()),
            }
            return restored;
        }
    }
    false
}

/// A copies worker died without a result.
pub fn on_crashed(view: &mut CopiesView, job: OpsJob, message: String) {
    if job == OpsJob::RestoreDialog {
        view.dialog_unavailable = true;
    } else {
        view.busy = None;
    }
    view.error = Some(message);
}
