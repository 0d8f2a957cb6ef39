//! Every integration test of closedesk, in one test binary.
//!
//! Each file below was its own binary once; each linked the whole eframe stack, and a cold
//! `cargo test` needed several gigabytes of disk for them. One binary is linked once, and its
//! tests share the machine's threads.

#![allow(clippy::unwrap_used, reason = "a test states its expectations with unwrap: a panic is the failure report")]

mod support;

mod architecture;
mod backup;
mod backup_fuzz;
mod backup_hostile;
mod cli;
mod cli_agents;
mod cli_audit;
mod cli_close;
mod cli_listings;
mod cli_pipes;
#[cfg(unix)]
mod cli_read_only;
mod cli_restore;
#[cfg(unix)]
mod cli_restore_faults;
mod cli_small_cuts;
mod code_key;
mod gui_agent;
mod gui_agent_backups;
mod gui_agent_ops;
mod gui_dashboard;
mod gui_keyboard;
mod gui_sign_in;
mod gui_small_window;
mod gui_table_state;
mod gui_time_zone;
mod gui_wizard;
mod kill;
mod outbox_mail;
mod write_targets;
