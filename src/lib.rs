//! closedesk: look at a marketplace account, back it up, and close it for good.
//!
//! `core` holds the rules, `store` the SQL, `auth` passwords and sign-in, `demo` the
//! first-launch data; `ui` and `cli` drive the same code from a window or a terminal.

pub mod auth;
pub mod clock;
pub mod core;
pub mod paths;
pub mod store;
