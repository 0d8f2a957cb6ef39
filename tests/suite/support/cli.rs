//! Running the built `closedesk` binary as a script would, against a database of the test's own.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `closedesk --db DB ARGS…` with `stdin` piped in and `env` set, and waits for it.
///
/// The caller's `CLOSEDESK_*` variables are removed first, so a developer's own database or
/// clock never leaks into a test; the code key is a file beside the test's database
/// (`test-code-key`), not the developer's own, unless `env` names another.
pub fn run(db: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    run_program(env!("CARGO_BIN_EXE_closedesk"), db, args, stdin, env)
}

/// The console program, `closedesk-cli`: built by its own crate beside `closedesk` (the
/// workspace's `cargo test` builds every member's programs into the same folder).
pub fn console_program() -> std::path::PathBuf {
    Path::new(env!("CARGO_BIN_EXE_closedesk")).with_file_name(format!("closedesk-cli{}", std::env::consts::EXE_SUFFIX))
}

/// Like [`run`] for another program of the package, such as `closedesk-cli`.
pub fn run_program(program: &str, db: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(program);
    command.arg("--db").arg(db).args(args);
    for name in ["CLOSEDESK_DB", "CLOSEDESK_NOW", "CLOSEDESK_SETTINGS", "CLOSEDESK_LOG"] {
        command.env_remove(name);
    }
    command.env("CLOSEDESK_CODE_KEY", db.with_file_name("test-code-key"));
    command.envs(env.iter().copied());
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// Output bytes as text, for messages and assertions.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
