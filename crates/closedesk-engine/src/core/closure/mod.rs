//! The closure wizard as a pure state machine: `apply(wizard, event, now, policy)` returns
//! the next wizard and the effects a driver (the GUI or the CLI) must carry out.
//!
//! The machine never sees a password (the driver verifies it with argon2 and reports the
//! verdict), never reads the clock, and never makes random numbers: fresh codes arrive in
//! events, so every rule is testable.

mod code;
mod machine;
mod reason;

pub use code::{CODE_DIGITS, Code, CodeHash, CodeKey, IssuedCode, KeyId};
pub use machine::{CONFIRM_PHRASE, Effect, Event, Purpose, Refusal, Step, Wizard, apply};
pub use reason::Reason;

#[cfg(test)]
mod tests;
