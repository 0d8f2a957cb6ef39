//! One file per screen; each draws from its view struct and returns the commands it wants.

pub mod agent;
pub mod agent_admin;
pub mod agent_audit;
pub mod agent_backups;
pub mod agent_queue;
pub mod closure_pending;
pub mod dashboard;
pub mod lock;
pub mod overview;
pub mod purge_confirm;
pub mod purge_scan;
pub mod reveal;
pub mod settings;
pub mod signin;
pub mod startup;
pub mod top_bar;
pub mod wizard;
