//! Running the built `closedesk` binary as a script would, against a database of the test's own.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::LazyLock;

/// The folder of the programs under test: `CLOSEDESK_TEST_BIN_DIR` when set (CI points it at
/// the Windows build), else the folder cargo built this test's `closedesk` into.
fn bin_dir() -> PathBuf {
    match std::env::var_os("CLOSEDESK_TEST_BIN_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_BIN_EXE_closedesk")).parent().expect("a program lives in a folder").to_owned(),
    }
}

/// The path of the program `name` in [`bin_dir`], with `CLOSEDESK_TEST_EXE_SUFFIX` (`.exe` for
/// the Windows build) or this platform's suffix.
fn program_path(name: &str) -> String {
    let suffix = std::env::var("CLOSEDESK_TEST_EXE_SUFFIX").unwrap_or_else(|_| std::env::consts::EXE_SUFFIX.to_owned());
    bin_dir().join(format!("{name}{suffix}")).to_string_lossy().into_owned()
}

/// The `closedesk` program.
pub fn closedesk() -> &'static str {
    static PATH: LazyLock<String> = LazyLock::new(|| program_path("closedesk"));
    &PATH
}

/// The console program, `closedesk-cli`: built by its own crate beside `closedesk` (the
/// workspace's `cargo test` builds every member's programs into the same folder).
pub fn closedesk_cli() -> &'static str {
    static PATH: LazyLock<String> = LazyLock::new(|| program_path("closedesk-cli"));
    &PATH
}

/// The program that runs the programs under test, from `CLOSEDESK_TEST_RUNNER` (CI sets `wine`
/// for the Windows build); `None` runs them directly.
fn runner() -> Option<String> {
    std::env::var("CLOSEDESK_TEST_RUNNER").ok().filter(|runner| !runner.is_empty())
}

/// Whether the programs under test are Windows programs (run under wine), for the tests of
/// things Windows does not have: Unix permissions, FIFOs, signals.
pub fn windows_programs() -> bool {
    std::path::Path::new(closedesk()).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("exe"))
}

/// A command that starts `program`, through [`runner`] when one is set.
pub fn program_command(program: &str) -> Command {
    match runner() {
        Some(runner) => {
            let mut command = Command::new(runner);
            command.arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// Ends a test early, saying so on standard error, when the programs under test are Windows
/// programs and the test checks something only Unix has; `$why` names it.
macro_rules! unix_only {
    ($why:expr) => {
        if $crate::support::cli::windows_programs() {
            eprintln!("skipped for the Windows programs: {}", $why);
            return;
        }
    };
}
pub(crate) use unix_only;

/// Ends a test early, saying so, when the programs under test are a release build
/// (`CLOSEDESK_TEST_RELEASE=1`, as CI sets for the Windows `.exe` files, which are the release
/// ones it ships): the test needs a door that only a debug build has; `$why` names it.
macro_rules! debug_build_only {
    ($why:expr) => {
        if std::env::var_os("CLOSEDESK_TEST_RELEASE").is_some_and(|value| value == "1") {
            eprintln!("skipped for the release programs: {}", $why);
            return;
        }
    };
}
pub(crate) use debug_build_only;

/// Runs `closedesk --db DB ARGS…` with `stdin` piped in and `env` set, and waits for it.
///
/// The caller's `CLOSEDESK_*` variables are removed first, so a developer's own database or
/// clock never leaks into a test; the code key is a file beside the test's database
/// (`test-code-key`), not the developer's own, unless `env` names another.
pub fn run(db: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    run_program(closedesk(), db, args, stdin, env)
}

/// Like [`run`] for another program of the package, such as `closedesk-cli`.
pub fn run_program(program: &str, db: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut command = command(program, db, args, env);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    finish(command, stdin)
}

/// `PROGRAM --db DB ARGS…` with the caller's `CLOSEDESK_*` variables removed and `env` set.
pub fn command(program: &str, db: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = program_command(program);
    command.arg("--db").arg(db).args(args);
    clean_env(&mut command);
    // Each test's own code key, beside its database: never the developer's real one.
    command.env("CLOSEDESK_CODE_KEY", db.with_file_name("test-code-key"));
    command.envs(env.iter().copied());
    command
}

fn clean_env(command: &mut Command) {
    for name in ["CLOSEDESK_DB", "CLOSEDESK_NOW", "CLOSEDESK_SETTINGS", "CLOSEDESK_LOG", "CLOSEDESK_DEBUG_PANIC"] {
        command.env_remove(name);
    }
}

/// Spawns `command` with `stdin` piped in and waits for it.
fn finish(mut command: Command, stdin: Option<&str>) -> Output {
    let mut child: Child = command.stdin(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A program that does not read its input may be gone already.
        let _ = pipe.write_all(text.as_bytes());
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// Which of the program's outputs is a pipe whose reader is gone before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// Standard output; standard error is captured.
    Stdout,
    /// Standard output and standard error: nothing it says reaches anyone.
    Both,
}

/// Runs `PROGRAM --db DB ARGS…` like [`run_program`], but with `closed` wired to a pipe whose
/// read end is closed before the program starts, so that its first write there fails with
/// `EPIPE`, as `closedesk accounts | head -1` does once `head` has left. Standard error is
/// captured unless it is closed too.
pub fn run_into_closed_pipe(
    program: &str,
    db: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
    closed: Closed,
) -> Output {
    let closed_pipe = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let mut command = command(program, db, args, env);
    command.stdout(closed_pipe());
    match closed {
        Closed::Stdout => command.stderr(Stdio::piped()),
        Closed::Both => command.stderr(closed_pipe()),
    };
    finish(command, stdin)
}

/// How this test process can run a program as a user who may not write what the test's own
/// user (often root, in containers) writes: `None` with the reason when it cannot.
///
/// Permissions do not stop root, so a test of a read-only file or folder run as root would
/// prove nothing. As another user the program runs directly; as root, through `setpriv` as
/// `nobody` (uid and gid 65534), if that works here.
pub fn unprivileged() -> Result<Vec<String>, String> {
    if !running_as_root() {
        return Ok(Vec::new());
    }
    let prefix: Vec<String> =
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"].map(str::to_owned).to_vec();
    // The built program must be reachable by that user too (its folders must let others in).
    let probe = Command::new(&prefix[0]).args(&prefix[1..]).arg(closedesk_cli()).arg("--version").output();
    match probe {
        Ok(output) if output.status.success() => Ok(prefix),
        Ok(output) => Err(format!(
            "running as root, and `setpriv` cannot run {} as nobody: {}",
            closedesk_cli(),
            text(&output.stderr).trim()
        )),
        Err(err) => Err(format!("running as root, and `setpriv` is not available: {err}")),
    }
}

/// Runs `PROGRAM --db DB ARGS…` as [`unprivileged`] says, capturing its outputs.
pub fn run_unprivileged(
    prefix: &[String],
    program: &str,
    db: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut command = match prefix.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => program_command(program),
    };
    command.arg("--db").arg(db).args(args);
    clean_env(&mut command);
    command.envs(env.iter().copied());
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    finish(command, stdin)
}

/// Whether this process runs as root: a file it creates belongs to its effective user.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let file = tempfile::NamedTempFile::new().unwrap();
    file.as_file().metadata().unwrap().uid() == 0
}

/// Output bytes as text, for messages and assertions.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
