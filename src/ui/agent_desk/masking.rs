//! Masking what the dashboards load for a support agent, on the worker, before it reaches the
//! window: an agent's screen holds no unmasked personal data until the agent reveals it.
//!
//! Masked are the identifiers of a person: email, phone, recipient name, street lines, postal
//! code, and a mail's recipient and body (which may hold a one-time code). The text filter
//! skips the same columns while masked (see `store::dashboard::Filter::masked`), so that a
//! match cannot confirm a guess at what the mask hides.
//!
//! Conversation messages and review texts stay readable: they are what the customer wrote to
//! sellers, which an agent needs to read to help with an order or a dispute, and they are not
//! identifiers that locate or contact the person. (A customer who typed their address into a
//! message put it there themselves; masking free text cannot find every such case anyway.)

use crate::core::masking::{mask_email, mask_name, mask_phone, mask_postal_code, mask_street};
use crate::service::dashboard::{Listing, Row, Summary, Value};
use crate::ui::screens::dashboard::{OverviewLoaded, RowsLoaded};

/// What a mail's body shows an agent: the body may hold the customer's one-time code, which
/// the customer must read out themselves in an assisted closure.
pub const HIDDEN_MAIL_BODY: &str = "(hidden on agent screens)";

/// How one column of a listing is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mask {
    Email,
    Phone,
    Name,
    Street,
    PostalCode,
    Hidden,
}

/// The masked columns of `listing`, by their titles in [`Listing::columns`].
fn masked_columns(listing: Listing) -> &'static [(&'static str, Mask)] {
    match listing {
        Listing::Addresses => &[
            ("Recipient", Mask::Name),
            ("Street", Mask::Street),
            ("Postal code", Mask::PostalCode),
            ("Phone", Mask::Phone),
        ],
        Listing::Mail => &[("To", Mask::Email), ("Message", Mask::Hidden)],
        _ => &[],
    }
}

fn mask_text(text: &str, mask: Mask) -> String {
    match mask {
        Mask::Email => mask_email(text),
        Mask::Phone => mask_phone(text),
        Mask::Name => mask_name(text),
        Mask::Street => mask_street(text),
        Mask::PostalCode => mask_postal_code(text),
        Mask::Hidden => HIDDEN_MAIL_BODY.to_owned(),
    }
}

/// Masks the profile of an overview: the email and the phone.
pub fn mask_summary(summary: &mut Summary) {
    summary.account.email = mask_email(&summary.account.email);
    summary.account.phone = summary.account.phone.as_deref().map(mask_phone);
}

/// Masks the personal columns of rows of `listing`.
pub fn mask_rows(listing: Listing, rows: &mut [Row]) {
    let columns = listing.columns();
    for (title, mask) in masked_columns(listing) {
        let Some(index) = columns.iter().position(|column| column.title == *title) else {
            continue;
        };
        for row in rows.iter_mut() {
            if let Some(Value::Text(text)) = row.cells.get_mut(index) {
                *text = mask_text(text, *mask);
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
