//! The desktop window: an egui/eframe app over the same `core`, `store` and `auth` as the CLI.
//!
//! `app` is the `eframe::App`: `logic` polls the jobs and applies commands, `ui` draws; it
//! owns the job runner and the features, and routes commands and results between them.
//!
//! One folder per capability holds its state, its logic and its screens: `session` (start-up
//! and sign-in), `dashboards` (an account's tabs and tables, the backup viewer), `customer`
//! (the signed-in customer's settings area and closure-pending screen), `closing` (the closure
//! flow the customer and agent screens share: wizard, code, mailbox, backup panel),
//! `agent_desk` (search, reveal, assisted closure, lock) and `operations` (closure queue and
//! purge, audit viewer, admin). Screens are functions of their view state that return their
//! capability's command; logic applies commands and starts work, and draws nothing.
//!
//! Below them, knowing no capability: `jobs` (the one owner of background threads, generic
//! over a job key and a result), `workers` (the runner as one feature sees it), `widgets`
//! (shared pieces), `theme` (colours and spacing), `format`, `quantity`, `remote`, `idle` and
//! `save_file`. No module of `ui/` imports another that imports it back, and no folder one that
//! imports it back (`tests/suite/architecture.rs` checks; a folder's `mod.rs` naming its own
//! files is the module tree, not an import).

mod agent_desk;
mod app;
#[doc(hidden)]
pub mod bench;
mod closing;
mod customer;
mod dashboards;
mod format;
mod idle;
mod jobs;
mod operations;
mod quantity;
mod remote;
mod save_file;
mod session;
mod theme;
mod widgets;
mod workers;

use std::path::PathBuf;

pub use app::ClosedeskApp;

use crate::clock::Clock;

/// The smallest the window can be made; every screen is laid out to work at this size.
pub const MIN_WINDOW_SIZE: egui::Vec2 = egui::vec2(800.0, 560.0);

/// The window's title, app id (which desktops match to `closedesk.desktop`) and storage name.
pub const APP_ID: &str = "closedesk";

/// Opens the closedesk window on the database at `db_path` and returns when it is closed.
///
/// The window remembers its size and the theme between runs. The database is opened (and on
/// first launch created with demo accounts) on a worker thread while the window shows progress.
pub fn run(db_path: PathBuf, clock: Clock) -> anyhow::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(APP_ID)
        .with_app_id(APP_ID)
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size(MIN_WINDOW_SIZE);
    match eframe::icon_data::from_png_bytes(crate::desktop_entry::ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        // The window still works with the default icon.
        Err(err) => tracing::warn!("the built-in icon cannot be decoded: {err}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persist_window: true,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(APP_ID, options, Box::new(move |cc| Ok(Box::new(ClosedeskApp::new(cc, db_path, clock)))))
        .map_err(|err| anyhow::anyhow!("cannot open the closedesk window: {err}"))
}
