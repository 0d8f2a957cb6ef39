//! One-time codes: six digits, stored only as a keyed digest bound to one closure request.
//!
//! A code has a million values, so any unkeyed hash of it is read back by trying them all.
//! The digest is therefore HMAC-SHA-256 under a [`CodeKey`] that lives outside the database
//! (see `crate::code_key`): a copy of the database alone cannot tell which code was sent.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::core::Secret;

/// The installation's secret key for code digests; wiped when dropped, never printed.
#[derive(Clone)]
pub struct CodeKey(Zeroizing<[u8; 32]>);

impl CodeKey {
    /// Wraps 32 secret bytes (read from the key file, or drawn from a CSPRNG).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The key's bytes, to be written to its file once.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// A short public fingerprint of the key, stored beside each digest so that a code made
    /// under another key (the key file was lost or replaced) is known void, not just wrong.
    pub fn id(&self) -> KeyId {
        let digest = self.mac(b"closedesk-code-key-id-v1", &[]);
        let mut id = [0; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    fn mac(&self, label: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        // HMAC accepts a key of any length; 32 bytes cannot fail.
        let mut mac = <Hmac<Sha256>>::new_from_slice(self.0.as_slice()).unwrap_or_else(|_| unreachable!());
        mac.update(label);
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(***)")
    }
}

/// The public fingerprint of a [`CodeKey`]: it tells keys apart and nothing about them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyId(pub [u8; 8]);

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

    /// The digest stored in place of the code: HMAC-SHA-256 under `key` of the code and
    /// `request_id`.
    pub fn hash(&self, key: &CodeKey, request_id: u64) -> CodeHash {
        CodeHash(key.mac(b"closedesk-code-v2:", &[&request_id.to_le_bytes(), self.expose().as_bytes()]))
    }
}

/// The keyed digest (HMAC-SHA-256) of a code and its request id.
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
    /// The keyed digest of the code and the request id.
    pub hash: CodeHash,
    /// Which key made `hash`; a code of another key (or of none, before keys) is void.
    #[serde(default)]
    pub key: KeyId,
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
    fn codes_are_six_digits_and_digests_are_bound_to_the_request_and_the_key() {
        assert!(Code::parse(" 123 456 ").is_some());
        assert!(Code::parse("12345").is_none());
        assert!(Code::parse("12345a").is_none());
        let key = CodeKey::from_bytes([7; 32]);
        let other = CodeKey::from_bytes([8; 32]);
        let code = Code::parse("042042").unwrap();
        assert!(code.hash(&key, 7).matches(&Code::from_number(42_042).hash(&key, 7)));
        assert!(!code.hash(&key, 7).matches(&code.hash(&key, 8)));
        assert!(!code.hash(&key, 7).matches(&code.hash(&other, 7)));
        assert_ne!(key.id(), other.id());
        assert_eq!(format!("{code:?}"), "Code(Secret(***))");
        assert_eq!(format!("{key:?}"), "CodeKey(***)");
    }
}
