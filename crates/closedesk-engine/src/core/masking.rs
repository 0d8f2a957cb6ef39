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

/// The character that stands for a hidden one.
const HIDDEN: char = '•';

/// Masks a phone number for support agents: every digit but the last two is hidden, the
/// separators stay, so `+33 6 12 34 56 78` becomes `+•• • •• •• •• 78`.
///
/// Two digits are enough to tell numbers apart when a customer reads theirs out.
#[must_use]
pub fn mask_phone(phone: &str) -> String {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 2 > digits { c } else { HIDDEN }
            } else if c.is_alphanumeric() {
                HIDDEN
            } else {
                c
            }
        })
        .collect()
}

/// Masks street lines for support agents: each word keeps its first letter, everything else
/// (and every digit, since house numbers identify a home) is hidden, so `12 Rue de la Paix`
/// becomes `•• R•• d• l• P•••`.
#[must_use]
pub fn mask_street(street: &str) -> String {
    let mut masked = String::with_capacity(street.len());
    let mut word_start = true;
    for c in street.trim().chars() {
        if c.is_alphanumeric() {
            masked.push(if word_start && !c.is_numeric() { c } else { HIDDEN });
            word_start = false;
        } else {
            masked.push(c);
            word_start = true;
        }
    }
    masked
}

/// Masks a person's name for support agents the way a street is masked: each word keeps its
/// first letter, so `Amélie Laurent` becomes `A••••• L••••••` — enough to check a name the
/// customer says, not enough to read one off the screen.
#[must_use]
pub fn mask_name(name: &str) -> String {
    mask_street(name)
}

/// Masks a postal code for support agents: the first two characters stay (a broad area, as
/// the city beside it already tells), the rest are hidden and separators kept, so `75002`
/// becomes `75•••` and `SW1A 1AA` becomes `SW•• •••`.
#[must_use]
pub fn mask_postal_code(code: &str) -> String {
    let mut kept = 0;
    code.trim()
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                c
            } else if kept < 2 {
                kept += 1;
                c
            } else {
                HIDDEN
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{mask_email, mask_name, mask_phone, mask_postal_code, mask_street};

    #[test]
    fn a_name_keeps_the_first_letter_of_each_word() {
        assert_eq!(mask_name("Amélie Laurent"), "A••••• L••••••");
        assert_eq!(mask_name("Jean-Luc O'Neill"), "J•••-L•• O'N••••");
    }

    #[test]
    fn a_postal_code_keeps_its_first_two_characters() {
        assert_eq!(mask_postal_code("75002"), "75•••");
        assert_eq!(mask_postal_code(" SW1A 1AA "), "SW•• •••");
        assert_eq!(mask_postal_code("1"), "1");
        assert_eq!(mask_postal_code(""), "");
    }

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

    #[test]
    fn a_phone_keeps_its_last_two_digits_and_its_separators() {
        assert_eq!(mask_phone("+33 6 12 34 56 78"), "+•• • •• •• •• 78");
        assert_eq!(mask_phone("5"), "5");
        assert_eq!(mask_phone("ext. 12345"), "•••. •••45");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn a_street_keeps_the_first_letter_of_each_word_and_no_digit() {
        assert_eq!(mask_street("12 Rue de la Paix"), "•• R•• d• l• P•••");
        assert_eq!(mask_street("Flat 4B, 221b Baker Street"), "F••• ••, •••• B•••• S•••••");
        assert_eq!(mask_street("  Łódzka 7 "), "Ł••••• •");
    }
}
