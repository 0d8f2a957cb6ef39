//! Looking customers up, for support agents.

use std::path::Path;

use jiff::Timestamp;

use super::ServiceResult;
use super::access::{authorize_agent, staff_only};
use crate::core::AccountId;
use crate::core::permissions::{Action, Principal};
use crate::store::accounts::{self, AccountFilter};

pub use crate::store::accounts::AccountRow;
use crate::store::{self, search};

pub use crate::store::search::PAGE;

/// What a customer search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerPage {
    /// The matching accounts, best matches first.
    pub rows: Vec<AccountRow>,
    /// When no one matched and the search was the id of a purged account: that id, and when.
    pub purged: Option<(AccountId, Timestamp)>,
}

/// The first `limit` customers matching `text` (every customer when it is empty), if the
/// session may search customers.
pub fn customers(db: &Path, session: Principal, text: &str, limit: usize) -> ServiceResult<CustomerPage> {
    staff_only(session, Action::SearchCustomers)?;
    let conn = store::open_existing(db)?;
    authorize_agent(&conn, session, Action::SearchCustomers)?;
    let filter = AccountFilter { search: Some(text), status: None, limit };
    let rows = accounts::list_accounts(&conn, &filter)?;
    let purged = if rows.is_empty() { search::purged_account(&conn, text)? } else { None };
    Ok(CustomerPage { rows, purged })
}
