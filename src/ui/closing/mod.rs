//! The closure flow as every screen that drives it shares it: the customer's wizard and
//! closure-pending screen, the agent's assisted closure and cancellation, the closure queue's
//! cancel panel. It sits below the features that use it (customer area, agent desk,
//! operations) and imports none of them.
//!
//! `command` is what its screens ask for, `flow` the request as a screen drives it (and its
//! workers), `steps` the wizard's commands turned into requests and replies taken in,
//! `wizard` the wizard's screens, `mailbox` and `export` the mailbox and the backup panel
//! the wizard shows, each with its panel.

pub mod command;
pub mod export;
pub mod export_panel;
pub mod flow;
pub mod mailbox;
pub mod mailbox_panel;
pub mod steps;
pub mod wizard;
