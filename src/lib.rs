//! closedesk: look at a marketplace account, back it up, and close it for good.
//!
//! The engine ([`closedesk_engine`]: rules, SQL, backups, mail and the service layer) and the
//! command line ([`closedesk_cli`]) are crates of their own; this one adds the window, `ui`.
//! Their modules are re-exported under the names they have always had.

pub use closedesk_cli as cli;
pub use closedesk_engine::{
    auth, backup, clock, closing, code_key, core, demo, desktop_entry, erasure, mail, paths, service, settings, store,
};

pub mod ui;
