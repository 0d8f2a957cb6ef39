//! Helpers the stories share: running the built binaries, driving the window, and checking
//! JSON against the backup schema.

pub mod cli;
pub mod gui;
pub mod json_schema;
