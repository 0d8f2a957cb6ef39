//! One file per screen; each draws from its view struct and returns the commands it wants.

pub mod agent;
pub mod overview;
pub mod signin;
pub mod startup;
pub mod top_bar;
