//! closedesk without a window: everything the desktop program and the command line share.
//!
//! `core` holds the rules, `store` the SQL, `auth` passwords and sign-in, `closing` the
//! closure wizard's driver, `backup` account backups and database copies, `mail` the outbox,
//! `demo` the first-launch data, and `service` the operations both fronts call, each checked
//! against the database, audited and typed. Nothing here knows of egui.

pub mod auth;
pub mod backup;
pub mod clock;
pub mod closing;
pub mod code_key;
pub mod core;
pub mod demo;
pub mod desktop_entry;
pub mod erasure;
pub mod mail;
pub mod paths;
pub mod service;
pub mod settings;
pub mod store;
