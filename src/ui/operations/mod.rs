//! The operations side of the agent desk: the closure queue (cancel with the customer's code,
//! purge), the audit viewer and its CSV export, and the admin page (agents, whole-database
//! backup, the copies of the database).
//!
//! `command` is what the pages ask for and what their workers hand back; each page's file
//! holds its state and draws it (`queue`, `purge_confirm`, `purge_scan`, `audit`, `admin`,
//! `backups`); `logic` and `backups_logic` apply the commands and take the results in.

pub mod admin;
pub mod audit;
pub mod audit_filter;
pub mod backups;
pub mod backups_logic;
pub mod command;
pub mod logic;
pub mod purge_confirm;
pub mod purge_scan;
pub mod queue;
pub mod save_target;
