//! Helpers the stories share: running the built binaries, driving the window, and making zip
//! files to feed the verifier.

pub mod cli;
pub mod gui;
pub mod orders;
pub mod zips;
