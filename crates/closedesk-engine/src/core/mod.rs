//! The product's rules in plain Rust: no SQL, no egui, no clock.
//!
//! Everything here takes `now` as an argument, so each rule can be tested at any instant.

pub mod audit;
pub mod audit_chain;
pub mod closure;
mod ids;
pub mod masking;
pub mod money;
pub mod permissions;
pub mod personal;
pub mod policy;
pub mod readiness;
mod secret;
pub mod sign_in_policy;
mod status;
pub mod time;
pub mod words;

pub use ids::{AccountId, AccountRef, AgentId};
pub use money::{Currency, Money};
pub use secret::Secret;
pub use status::{AccountStatus, DisputeStatus, LedgerKind, OrderStatus, ParseEnumError, Role};
