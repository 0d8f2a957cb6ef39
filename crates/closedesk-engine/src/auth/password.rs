//! argon2id password hashes as PHC strings.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version};

use super::Secret;

/// Memory cost in KiB: the OWASP minimum for argon2id.
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations: the OWASP minimum for argon2id at [`MEMORY_KIB`].
pub const ITERATIONS: u32 = 2;
/// Degree of parallelism.
pub const LANES: u32 = 1;
/// Shortest password accepted when one is set.
pub const MIN_LENGTH: usize = 8;

/// Why a password could not be hashed or set.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The new password is too short.
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    /// argon2 refused (should not happen with fixed parameters).
    #[error("could not hash the password: {0}")]
    Hash(String),
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh 16-byte random salt into an argon2id PHC string.
pub fn hash(password: &Secret) -> Result<String, PasswordError> {
    hasher()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| PasswordError::Hash(err.to_string()))
}

/// Like [`hash`], for a password being set by a person: refuses ones that are too short.
pub fn hash_new(password: &Secret) -> Result<String, PasswordError> {
    if password.expose().chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    hash(password)
}

/// Whether `password` matches the stored PHC string; a malformed string never matches.
pub fn verify(password: &Secret, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher().verify_password(password.expose().as_bytes(), &parsed).is_ok()
}

/// Spends the time of one verification, so that an unknown login takes as long as a known one.
pub fn verify_nothing(password: &Secret) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash(&Secret::from("closedesk-timing-equaliser")).unwrap_or_default());
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hashes_carry_the_owasp_parameters_and_a_16_byte_salt() {
        let phc = hash(&Secret::from("correct horse")).unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert!(params.m_cost() >= 19_456);
        assert!(params.t_cost() >= 2);
        assert_eq!(params.p_cost(), 1);
        assert_eq!(parsed.salt.unwrap().len(), 16, "salt bytes");
    }

    #[test]
    fn right_password_verifies_and_wrong_one_does_not() {
        let phc = hash(&Secret::from("correct horse")).unwrap();
        assert!(verify(&Secret::from("correct horse"), &phc));
        assert!(!verify(&Secret::from("correct horse "), &phc));
        assert!(!verify(&Secret::from("correct horse"), "not a hash"));
        assert_ne!(phc, hash(&Secret::from("correct horse")).unwrap(), "salts differ");
    }

    #[test]
    fn short_new_passwords_are_refused() {
        assert!(matches!(hash_new(&Secret::from("short")), Err(PasswordError::TooShort)));
    }
}
