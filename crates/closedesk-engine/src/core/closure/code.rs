//! One-time codes: six digits, stored only as a hash bound to one closure request.

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::core::Secret;

/// How many digits a code has.
pub const CODE_DIGITS: usize = 6;

/// A code as typed or generated: exactly six ASCII digits, wiped when dropped.
#[derive(Clone, Debug)]
pub struct Code(Secret);

impl Code {
    /// Accepts six digits, ignoring surrounding spaces and one space or dash in the middle.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text.trim().chars().filter(|c| *c != ' ' && *c != '-').collect();
        (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then(|| Self(Secret::new(digits)))
    }

    /// Makes a code from a number below one million (the driver draws it from a CSPRNG).
    pub fn from_number(number: u32) -> Self {
        Self(Secret::new(format!("{:06}", number % 1_000_000)))
    }

    /// The six digits, for the email that carries the code.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The hash stored in place of the code, bound to `request_id`.
    pub fn hash(&self, request_id: u64) -> CodeHash {
        let mut hasher = Sha256::new();
        hasher.update(b"closedesk-code-v1:");
        hasher.update(request_id.to_le_bytes());
        hasher.update(self.expose().as_bytes());
        CodeHash(hasher.finalize().into())
    }
}

/// The SHA-256 of a code and its request id.
#[derive(Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodeHash(pub [u8; 32]);

impl CodeHash {
    /// Compares in constant time, so response timing tells nothing about the code.
    pub fn matches(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl std::fmt::Debug for CodeHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHash(***)")
    }
}

/// A code that was mailed: its hash, lifetime and the tries left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssuedCode {
    /// The hash of the code and the request id.
    pub hash: CodeHash,
    /// When it was sent.
    pub issued_at: jiff::Timestamp,
    /// When it stops being accepted.
    pub expires_at: jiff::Timestamp,
    /// Wrong entries still allowed before it is voided.
    pub tries_left: u32,
    /// Voided by too many wrong entries, or used.
    pub spent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_hashes_are_bound_to_the_request() {
        assert!(Code::parse(" 123 456 ").is_some());
        assert!(Code::parse("12345").is_none());
        assert!(Code::parse("12345a").is_none());
        let code = Code::parse("042042").unwrap();
        assert!(code.hash(7).matches(&Code::from_number(42_042).hash(7)));
        assert!(!code.hash(7).matches(&code.hash(8)));
        assert_eq!(format!("{code:?}"), "Code(Secret(***))");
    }
}
