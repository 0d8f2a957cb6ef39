pub use crate::core::status::Reason;
