#![allow(clippy::unwrap_used, reason = "a test states its expectations with unwrap: a panic is the failure report")]

//! The console program as a script meets it: it describes itself, and it never opens a window.

use std::process::Command;

#[test]
fn without_a_command_it_prints_its_help_and_opens_no_window() {
    let output = Command::new(env!("CARGO_BIN_EXE_closedesk-cli")).env_remove("CLOSEDESK_DB").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "a usage error, not a window");
    let help = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(help.contains("Usage: closedesk-cli"), "{help}");
}
