//! Showing personal data only as much as a person needs to recognise it.

/// Masks an email address for lists shown to support agents: `mel@example.com` becomes
/// `me***@example.com`.
///
/// The first two characters of the local part stay (one, if the local part is that short, so
/// that a masked address never shows a whole name), the domain stays, and a text without an `@`
/// is masked completely.
#[must_use]
pub fn mask_email(email: &str) -> String {
    let email = email.trim();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return "***".to_owned();
    };
    let kept = if local.chars().count() > 2 { 2 } else { 1 };
    let prefix: String = local.chars().take(kept).collect();
    format!("{prefix}***@{domain}")
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn the_start_of_the_name_and_the_domain_remain() {
        assert_eq!(mask_email("melanie.ross@example.com"), "me***@example.com");
        assert_eq!(mask_email("mel@example.com"), "me***@example.com");
    }

    #[test]
    fn short_names_keep_only_one_character() {
        assert_eq!(mask_email("jo@example.com"), "j***@example.com");
        assert_eq!(mask_email("j@example.com"), "j***@example.com");
        assert_eq!(mask_email("@example.com"), "***@example.com");
    }

    #[test]
    fn non_ascii_names_are_cut_on_characters() {
        assert_eq!(mask_email("ólafur@example.is"), "ól***@example.is");
        assert_eq!(mask_email("żó@example.pl"), "ż***@example.pl");
    }

    #[test]
    fn text_without_an_at_sign_is_masked_completely() {
        assert_eq!(mask_email("not an email"), "***");
        assert_eq!(mask_email(""), "***");
    }

    #[test]
    fn the_last_at_sign_separates_the_domain() {
        assert_eq!(mask_email("\"a@b\"@example.com"), "\"a***@example.com");
    }
}
