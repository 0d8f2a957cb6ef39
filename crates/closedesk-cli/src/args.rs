//! The command line as clap parses it. Doc comments here are the `--help` text people read in a terminal.
#![allow(clippy::doc_markdown, reason = "the doc comments are --help text, shown without Markdown")]

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::core::closure::Reason;
use crate::core::{AccountRef, AccountStatus, Role};
use closedesk_engine::backup::Format;

/// What `--help` says of both programs after their first lines.
macro_rules! common_help {
    () => {
        "Every command creates the database with demo accounts on first use (except `init --empty`). \
         Commands that only read (accounts, show, agents list, close status, outbox, audit, verify, \
         backup-db without --agent, backups) need only read access to the database; the others refuse before doing anything \
         when it cannot be written. Listings cut at --limit say so; --limit 0 lists all.\n\n\
         Environment: CLOSEDESK_DB is the database path (like --db). CLOSEDESK_NOW (RFC 3339, e.g. \
         2026-12-01T09:00:00Z) makes every command run as of that instant, for tests and drills. \
         CLOSEDESK_LOG sets the log filter (default: warn).\n\n\
         Exit codes: 0 ok (also when the output was closed early, as by `| head`), 1 error, 2 usage; \
         for `close` and `--agent`: 3 blocked, 4 wrong password, code, email or phrase, 5 locked \
         after too many wrong entries, 6 code expired, voided or missing; for `audit verify`: 7 the audit trail's chain is broken."
    };
}

/// The first line of `closedesk --help`.
const ABOUT: &str = "Look at a marketplace account, back it up, and close it for good — offline.";

/// `closedesk-cli --help`: the command-line program, which never opens a window.
pub const CONSOLE_ABOUT: &str =
    "The closedesk command line: look at marketplace accounts, back them up, and close them for good — offline.";

/// The long help of `closedesk-cli`.
pub const CONSOLE_LONG_ABOUT: &str = concat!(
    "The closedesk command line: look at marketplace accounts, back them up, and close them for good — offline.\n\n",
    "closedesk-cli runs one command against the database and exits; it never opens the desktop app \
     (run `closedesk` without a command for that). Pass a command; without one, this help is printed.\n\n",
    common_help!()
);

/// The command line of `closedesk`; `closedesk-cli` takes the same with its own help.
#[derive(Debug, Parser)]
#[command(
    name = "closedesk",
    version,
    about = ABOUT,
    long_about = concat!(
        "Look at a marketplace account, back it up, and close it for good — offline.\n\n",
        "Without a command, opens the desktop app. ",
        common_help!()
    ),
    propagate_version = true
)]
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
        /// At most this many accounts (0: all); a cut list says how many there are.
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
    /// Close an account: the wizard's steps for scripts and agents.
    Close {
        /// Which step.
        #[command(subcommand)]
        command: CloseCommand,
    },
    /// Purge every account whose grace period has ended (as of CLOSEDESK_NOW or now).
    ///
    /// Without --agent it runs as whoever may write the database file (a scheduled job, say),
    /// audited as "system"; with --agent, as that admin.
    PurgeDue {
        /// Print one JSON document with the receipts.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        staff: AsAgent,
    },
    /// Print mail from the outbox.
    Outbox {
        /// Only mail to this address.
        #[arg(long, value_name = "EMAIL")]
        to: Option<String>,
        /// Print the newest mail in full (the .eml file) instead of a list.
        #[arg(long)]
        last: bool,
        /// At most this many mails in the list, the newest (0: all); a cut list says how many there are.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Print the audit trail, oldest first; `audit verify` checks its hash chain.
    #[command(args_conflicts_with_subcommands = true)]
    Audit {
        /// Check the chain instead of printing lines.
        #[command(subcommand)]
        command: Option<AuditCommand>,
        /// Only events about this account.
        account: Option<AccountRef>,
        /// At most this many, the newest (0: all); a cut list says how many there are.
        #[arg(long, default_value_t = 200)]
        limit: usize,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Install the desktop entry and icon for the current user (Linux).
    InstallDesktopEntry,
    /// Back up one account to a file: every table, row counts and a SHA-256.
    ///
    /// The file is written to a temporary file beside FILE and renamed into place only when it
    /// is complete, so a failure leaves the old file (or none). Progress goes to stderr when it
    /// is a terminal. The format is described in docs/backup-format.md.
    Export {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// json: one JSON document; bundle: a .zip with that document, one CSV per table and a README.
        #[arg(long, value_parser = parse_format, default_value = "json")]
        format: Format,
        /// Replace FILE if it exists (otherwise an existing FILE is an error).
        #[arg(long)]
        force: bool,
    },
    /// Check a backup file: format, version, checksum, rows, counts and references.
    ///
    /// Exit 0 when the backup is sound (and, with --against-db, matches the database); exit 1
    /// with one line on stderr naming the reason otherwise: not JSON, foreign file, newer
    /// format version, truncated, damaged, checksum mismatch (tampered), invalid, counts
    /// that disagree with the rows, broken references, or differences from the database.
    Verify {
        /// The backup file (.json or .zip bundle).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Also compare the backup with the account in the database and list the differences.
        #[arg(long)]
        against_db: bool,
    },
    /// Copy the whole database consistently, even while the app is writing (for agents).
    ///
    /// Uses SQLite's online backup API into a temporary file beside FILE, checks the copy with
    /// quick_check, syncs it and renames it into place.
    BackupDb {
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace FILE if it exists (otherwise an existing FILE is an error).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        staff: AsAgent,
    },
    /// Put a copy written by backup-db back in place of the database, erasing again every
    /// purged account.
    ///
    /// The copy must be a closedesk database, pass PRAGMA integrity_check and be no newer than
    /// this build. It is copied beside the database, every account in the erasure ledgers (the
    /// database's, its sidecar FILE.erasures and the copy's own) is purged in it again, its
    /// freed pages are dropped (VACUUM), its files are byte-scanned for those accounts' values,
    /// and only then is it renamed over the database. Close the window first. A database that
    /// changed since the copy was taken (audited actions the copy does not hold) is replaced
    /// only with --force: those changes are lost. Prints which accounts were erased again and
    /// the byte scan's count per file.
    RestoreDb {
        /// The copy to restore.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace the database even though it changed since the copy was taken.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        staff: AsAgent,
    },
    /// List the copies backup-db wrote: path, age, size, retain-until, past due, still there.
    ///
    /// Copies are kept backup_retention_days (settings file; default 30) after they are taken;
    /// `backups prune` deletes those past it.
    #[command(args_conflicts_with_subcommands = true)]
    Backups {
        /// Delete copies past their retention.
        #[command(subcommand)]
        command: Option<BackupsCommand>,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `closedesk backups …`
#[derive(Debug, Subcommand)]
pub enum BackupsCommand {
    /// Delete every catalogued copy past its retention (only if it is still the file closedesk
    /// wrote), and say what was removed.
    Prune {
        #[command(flatten)]
        staff: AsAgent,
    },
}

/// Acting as a support agent: signed in like the desk's form (throttled, audited), the role
/// checked in core, the audit naming the agent.
#[derive(Debug, clap::Args)]
pub struct AsAgent {
    /// Act as this support agent (an admin), whose password is read from standard input.
    #[arg(long, value_name = "NAME", requires = "password_stdin")]
    pub agent: Option<String>,
    /// Read the agent's password as one line from standard input (with --agent).
    #[arg(long, requires = "agent")]
    pub password_stdin: bool,
}

/// `closedesk close …`
#[derive(Debug, Subcommand)]
pub enum CloseCommand {
    /// Check blockers, re-verify the password, record the reason, and mail a code.
    ///
    /// Warnings (coupons lost, reviews kept as "Deleted user") are printed and taken as
    /// acknowledged. Exit 3 blocked, 4 wrong password, 5 locked.
    Start {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// Why: another-account, privacy, too-many-emails, unhappy-with-service, other.
        #[arg(long, value_parser = parse_reason)]
        reason: Reason,
        /// An optional note (at most 500 characters).
        #[arg(long)]
        note: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Confirm with the mailed code, the registered email and the words "Deactivate my account".
    ///
    /// Exit 0 closure-pending; 4 wrong code, email or phrase; 5 locked; 6 expired or voided.
    Confirm {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// The six-digit code from the mail.
        #[arg(long, value_parser = parse_code)]
        code: String,
        /// The registered email address.
        #[arg(long)]
        email: String,
        /// The words "Deactivate my account".
        #[arg(long)]
        phrase: String,
    },
    /// Cancel a pending closure: --password-stdin mails a code, --code completes it.
    #[command(group(clap::ArgGroup::new("how").required(true).args(["password_stdin", "code"])))]
    Cancel {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// Read the password from standard input and mail a cancel code.
        #[arg(long)]
        password_stdin: bool,
        /// The six-digit cancel code from the mail.
        #[arg(long, value_parser = parse_code)]
        code: Option<String>,
    },
    /// Where the account's closure stands.
    Status {
        /// A numeric account id or the registered email.
        account: AccountRef,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `closedesk audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that the audit trail is intact: every line chained to the one before it.
    ///
    /// Prints "intact (N rows)" with the newest row and its hash, or the first broken row and
    /// why: edited, missing predecessor (deleted), reordered, or unchained (not written by
    /// closedesk). Exit 0 when intact, 7 when broken. The chain cannot show its newest lines
    /// deleted, nor a trail rewritten whole by someone who can write the file: note the newest
    /// row and hash it prints, and pass them later with --noted.
    Verify {
        /// A row noted from an earlier check, as ROW:HASH: the trail must still hold it, unchanged.
        #[arg(long, value_name = "ROW:HASH")]
        noted: Option<crate::core::audit_chain::Noted>,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
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
    /// Refuse an agent's sign-in from now on (the last enabled admin cannot be disabled).
    Disable {
        /// The agent's sign-in name.
        name: String,
    },
    /// Allow a disabled agent to sign in again.
    Enable {
        /// The agent's sign-in name.
        name: String,
    },
    /// Set a new password for an agent, read as one line from standard input; clears failed sign-ins.
    ResetPassword {
        /// The agent's sign-in name.
        name: String,
        /// Read the new password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn parse_status(text: &str) -> Result<AccountStatus, String> {
    text.parse().map_err(|_| "expected active, closure-pending or closed".to_owned())
}

fn parse_reason(text: &str) -> Result<Reason, String> {
    text.parse()
        .map_err(|_| "expected another-account, privacy, too-many-emails, unhappy-with-service or other".to_owned())
}

/// A code as mailed: six digits 0–9 (spaces and dashes between them are allowed, as the
/// window allows them). Anything else is a usage error (exit 2) that spends none of the tries.
fn parse_code(text: &str) -> Result<String, String> {
    match crate::core::closure::Code::parse(text) {
        Some(_) => Ok(text.to_owned()),
        None => Err("expected the six digits 0–9 of the mailed code".to_owned()),
    }
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
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
