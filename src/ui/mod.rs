//! The desktop window: an egui/eframe app over the same `core`, `store` and `auth` as the CLI.
//!
//! `app` is the `eframe::App` (`logic` polls jobs and applies commands, `ui` draws),
//! `command` what screens may ask for, `jobs` the one owner of background threads,
//! `screens` one file per screen, `widgets` shared pieces, and `theme` colours and spacing.

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
