//! One file per screen; each draws from its view struct and returns the commands it wants.

pub mod agent;
pub mod closure_pending;
pub mod dashboard;
pub mod overview;
pub mod settings;
pub mod signin;
pub mod startup;
pub mod top_bar;
pub mod wizard;
