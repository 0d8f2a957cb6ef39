//! Passwords and sign-in. Hashing is slow on purpose: call these from a worker thread.

pub mod password;
mod sign_in;

pub use crate::core::Secret;
pub use sign_in::{Credentials, Session, SignInError, sign_in};
