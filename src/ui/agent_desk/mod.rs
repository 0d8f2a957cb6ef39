//! The customer side of the agent desk: search as the agent types, the masked customer view
//! and its audited reveal, the assisted closure and cancellation, and the idle lock.
//!
//! `command` is what its screens ask for and what its workers hand back, `search` and `desk`
//! its state, `page`, `reveal` and `lock` draw it, and `logic` applies the commands, starts
//! the workers (each checking the agent's permission in the service first) and takes their
//! results in.

pub mod command;
pub mod desk;
pub mod lock;
pub mod logic;
pub mod page;
pub mod reveal;
pub mod search;
