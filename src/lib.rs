//! closedesk: look at a marketplace account, back it up, and close it for good.
//!
//! `core` holds the rules, `store` the SQL, `auth` passwords and sign-in, `closing` the
//! closure wizard's driver, `backup` account backups and database copies, `mail` the outbox,
//! `demo` the first-launch data, `staff` what support agents may do (checked and audited);
//! `ui` and `cli` drive the same code from a window or a terminal.

pub mod auth;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod closing;
pub mod core;
pub mod demo;
pub mod desktop_entry;
pub mod mail;
pub mod paths;
pub mod service;
pub mod settings;

pub mod store;
pub mod ui;
