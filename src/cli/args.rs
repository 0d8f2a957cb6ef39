use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::core::{AccountRef, AccountStatus, Role};

/// Look at a marketplace account, back it up, and close it for good — offline.
///
/// Without a subcommand, opens the desktop app. Every command creates the database with demo
/// accounts on first use (except `init --empty`).
///
/// Environment: CLOSEDESK_DB is the database path (like --db). CLOSEDESK_NOW (RFC 3339, e.g.
/// 2026-12-01T09:00:00Z) makes every command run as of that instant, for tests and drills.
/// CLOSEDESK_LOG sets the log filter (default: warn).
///
/// Exit codes: 0 ok, 1 error, 2 usage.
#[derive(Debug, Parser)]
#[command(name = "closedesk", version, about, long_about, propagate_version = true)]
pub struct Args {
    /// The database file [default: closedesk.db in the platform data folder]
    #[arg(long, global = true, env = "CLOSEDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// What to do; none opens the desktop app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, with demo accounts unless --empty.
    Init {
        /// Create the schema only, without demo data.
        #[arg(long)]
        empty: bool,
    },
    /// Add deterministic synthetic accounts for scale work.
    ///
    /// The same --seed gives the same names, orders and amounts; every run adds new accounts
    /// (emails never collide, also with concurrent runs). All synthetic accounts share one
    /// precomputed argon2id hash of the password "synthetic-demo".
    Seed {
        /// How many accounts to add.
        #[arg(long, value_name = "N")]
        accounts: u64,
        /// Orders per account (each with 1–3 items).
        #[arg(long, value_name = "M", default_value_t = 20)]
        orders_per_account: u64,
        /// The seed of the generator.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
    },
    /// List customer accounts.
    Accounts {
        /// Text in the email or name, an account id, or an order number.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only accounts in this state.
        #[arg(long, value_parser = parse_status)]
        status: Option<AccountStatus>,
        /// At most this many accounts.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one account: profile, what it holds, closure state.
    Show {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Set an account's password, read as one line from standard input.
    SetPassword {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// Read the new password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Manage support agents.
    Agents {
        /// What to do with agents.
        #[command(subcommand)]
        command: AgentsCommand,
    },
    /// Install the desktop entry and icon for the current user (Linux).
    InstallDesktopEntry,
}

/// `closedesk agents …`
#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Add an agent; the password is read as one line from standard input.
    Add {
        /// The agent's sign-in name.
        name: String,
        /// What the agent may do.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List agents.
    List {
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn parse_status(text: &str) -> Result<AccountStatus, String> {
    text.parse().map_err(|_| "expected active, closure-pending or closed".to_owned())
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse().map_err(|_| "expected agent or admin".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Args::command().debug_assert();
    }
}
