//! One file per screen; each draws from its view struct and returns the commands it wants.

pub mod agent;
pub mod agent_admin;
pub mod agent_audit;
pub mod agent_backups;
pub mod agent_queue;
pub mod lock;
pub mod purge_confirm;
pub mod purge_scan;
pub mod reveal;
