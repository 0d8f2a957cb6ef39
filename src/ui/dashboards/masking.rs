//! Masking what the dashboards load for a support agent, on the worker, before it reaches the
//! window: an agent's screen holds no unmasked personal data until the agent reveals it.
//!
//! What is masked, and how, is looked up in the one list of personal data
//! ([`crate::core::personal`]): the identifiers of a person (email, phone, recipient name,
//! street lines, postal code) and a mail's recipient and body (which may hold a one-time
//! code). The text filter skips the same columns while masked (see
//! `store::dashboard::Filter::masked`), so that a match cannot confirm a guess at what the
//! mask hides. Conversation messages and review texts stay readable: the list says why.

use crate::core::personal;
use crate::service::dashboard::{Listing, Row, Summary, Value};
use crate::service::dashboard::{OverviewLoaded, RowsLoaded};

/// What a mail's body shows an agent (the list's [`personal::HIDDEN`]), as the tests read it.
#[cfg(test)]
const HIDDEN_MAIL_BODY: &str = personal::HIDDEN;

/// The masked columns of `listing`: each column's title as [`Listing::columns`] holds it, and
/// its mask. (Masking goes by position; this is the view by title, for tests.)
#[cfg(test)]
fn masked_columns(listing: Listing) -> Vec<(&'static &'static str, personal::Mask)> {
    listing.columns().iter().zip(listing.masks()).filter_map(|(column, mask)| Some((&column.title, mask?))).collect()
}

/// `text` masked as the list says `accounts.column` is, or as it is.
fn mask_profile(column: &str, text: &str) -> String {
    match personal::class("accounts", column).and_then(personal::Class::mask) {
        Some(mask) => mask.apply(text),
        None => text.to_owned(),
    }
}

/// Masks the profile of an overview as the list masks the account's columns: the email and
/// the phone.
pub fn mask_summary(summary: &mut Summary) {
    let account = &mut summary.account;
    account.display_name = mask_profile("display_name", &account.display_name);
    account.email = mask_profile("email", &account.email);
    account.phone = account.phone.as_deref().map(|phone| mask_profile("phone", phone));
}

/// Masks the personal columns of rows of `listing`.
pub fn mask_rows(listing: Listing, rows: &mut [Row]) {
    let masks = listing.masks();
    for row in rows.iter_mut() {
        for (cell, mask) in row.cells.iter_mut().zip(&masks) {
            if let (Value::Text(text), Some(mask)) = (cell, mask) {
                *text = mask.apply(text);
            }
        }
    }
}

/// Masks a loaded overview in place.
pub fn mask_overview_loaded(loaded: &mut OverviewLoaded) {
    if let Ok(summary) = loaded.result.as_mut() {
        mask_summary(summary);
    }
}

/// Masks loaded windows of rows in place.
pub fn mask_rows_loaded(loaded: &mut RowsLoaded) {
    if let Ok((_, windows)) = loaded.result.as_mut() {
        for (_, rows) in windows {
            mask_rows(loaded.listing, rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row { id: 1, children: 0, cells: cells.iter().map(|c| Value::Text((*c).to_owned())).collect() }
    }

    #[test]
    fn every_masked_column_exists_in_its_listing() {
        for listing in Listing::ALL {
            for (title, _) in masked_columns(listing) {
                assert!(listing.columns().iter().any(|c| c.title == *title), "{title} in {listing:?}");
            }
        }
    }

    #[test]
    fn address_recipient_street_postal_code_and_phone_and_mail_recipient_and_body_are_masked() {
        let titles: Vec<_> = Listing::Addresses.columns().iter().map(|c| c.title).collect();
        let values: Vec<String> = titles
            .iter()
            .map(|t| match *t {
                "Recipient" => "Amélie Laurent".to_owned(),
                "Street" => "12 Rue de la Paix".to_owned(),
                "Postal code" => "75002".to_owned(),
                "Phone" => "+33 6 12 34 56 78".to_owned(),
                other => other.to_owned(),
            })
            .collect();
        let mut rows = vec![row(&values.iter().map(String::as_str).collect::<Vec<_>>())];
        mask_rows(Listing::Addresses, &mut rows);
        let cell = |title: &str| rows[0].cells[titles.iter().position(|t| *t == title).unwrap()].clone();
        assert_eq!(cell("Recipient"), Value::Text("A••••• L••••••".to_owned()));
        assert_eq!(cell("Street"), Value::Text("•• R•• d• l• P•••".to_owned()));
        assert_eq!(cell("Postal code"), Value::Text("75•••".to_owned()));
        assert_eq!(cell("Phone"), Value::Text("+•• • •• •• •• 78".to_owned()));
        assert_eq!(cell("City"), Value::Text("City".to_owned()), "other columns stay");

        let titles: Vec<_> = Listing::Mail.columns().iter().map(|c| c.title).collect();
        let mut rows = vec![Row {
            id: 1,
            children: 0,
            cells: titles
                .iter()
                .map(|t| match *t {
                    "To" => Value::Text("amelie.laurent@example.com".to_owned()),
                    "Message" => Value::Text("Your code: 123456".to_owned()),
                    _ => Value::Empty,
                })
                .collect(),
        }];
        mask_rows(Listing::Mail, &mut rows);
        let text = format!("{:?}", rows[0].cells);
        assert!(text.contains("am***@example.com") && text.contains(HIDDEN_MAIL_BODY), "{text}");
        assert!(!text.contains("123456") && !text.contains("amelie.laurent"), "{text}");
    }
}
