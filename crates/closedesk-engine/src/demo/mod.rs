//! First-launch demo data and the deterministic synthetic seeder.
//!
//! A new database gets a small, hand-written set of accounts that between them show every
//! closure situation, plus one support agent and one admin. Their logins are listed here,
//! so the README, the tests and the sign-in screen's hint all read one source.

pub mod seed;
mod showcase;

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::core::Role;
use crate::store::{self, StoreResult};

pub use showcase::fill_demo;

/// The password of every demo customer account.
pub const DEMO_CUSTOMER_PASSWORD: &str = "customer-demo";

/// The password of the demo support agent.
pub const DEMO_AGENT_PASSWORD: &str = "agent-demo";

/// The password of the demo admin.
pub const DEMO_ADMIN_PASSWORD: &str = "admin-demo";

/// One demo customer login and the closure situation its data shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    /// The registered email, used to sign in.
    pub email: &'static str,
    /// The name shown on the marketplace.
    pub display_name: &'static str,
    /// What stands between this account and closure, in a few words.
    pub situation: &'static str,
}

impl DemoAccount {
    /// The demo account showing `situation` (one of the phrases in [`DEMO_ACCOUNTS`]).
    #[must_use]
    pub fn by_situation(situation: &str) -> Option<&'static Self> {
        DEMO_ACCOUNTS.iter().find(|account| account.situation == situation)
    }
}

/// The demo customers, one per closure situation. Each holds only its named blocker.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { email: "amelie.laurent@example.com", display_name: "Amélie Laurent", situation: "closable" },
    DemoAccount { email: "kenji.watanabe@example.com", display_name: "Kenji Watanabe", situation: "pending order" },
    DemoAccount { email: "priya.raman@example.com", display_name: "Priya Raman", situation: "in-transit order" },
    DemoAccount { email: "lucas.oliveira@example.com", display_name: "Lucas Oliveira", situation: "open dispute" },
    DemoAccount { email: "zofia.kowalska@example.com", display_name: "Zofia Kowalska", situation: "refund balance" },
    DemoAccount { email: "mateo.garcia@example.com", display_name: "Mateo García", situation: "gift-card balance" },
    DemoAccount {
        email: "ingrid.johansson@example.com",
        display_name: "Ingrid Johansson",
        situation: "closure pending",
    },
    DemoAccount { email: "aisha.bello@example.com", display_name: "Aisha Bello", situation: "awaiting payment" },
];

/// The demo support staff: sign-in name and role. The agent signs in with
/// [`DEMO_AGENT_PASSWORD`], the admin with [`DEMO_ADMIN_PASSWORD`].
pub const DEMO_AGENTS: &[(&str, Role)] = &[("agent", Role::Agent), ("admin", Role::Admin)];

/// The password of a demo agent with `role`.
#[must_use]
pub fn demo_agent_password(role: Role) -> &'static str {
    match role {
        Role::Agent => DEMO_AGENT_PASSWORD,
        Role::Admin => DEMO_ADMIN_PASSWORD,
    }
}

/// Opens the database at `path`, creating it if needed; a database created by this call is
/// filled with the demo set. Two processes racing on a fresh path each fill a temporary
/// The id of the demo account `demo` in a demo database, for tests and drills that name a
/// demo customer by situation.
pub fn account_id(conn: &Connection, demo: &DemoAccount) -> StoreResult<crate::core::AccountId> {
    Ok(store::accounts::get_account(conn, &crate::core::AccountRef::Email(demo.email.to_owned()))?.id)
}

/// file; the first to be renamed into place is the one both then open.
pub fn open_or_create_with_demo(path: &Path, now: Timestamp) -> StoreResult<(Connection, store::Opened)> {
    // The demo is written before the new file takes its name, so a first launch killed
    // half-way leaves no database (the next launch starts over) rather than an empty one.
    store::open_or_create_with(path, |conn| fill_demo(conn, now).map(|_| ()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests;
