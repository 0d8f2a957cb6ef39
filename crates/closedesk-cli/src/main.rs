//! `closedesk-cli`: the command line as a console program that never opens the window.
//!
//! On Windows the release `closedesk.exe` is a GUI program (a double-click opens no console),
//! and such a program has no console to print to; scripts and support agents there run this one.

fn main() -> std::process::ExitCode {
    closedesk_cli::main_console()
}
