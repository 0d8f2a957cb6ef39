//! The customer list as an agent searches it: the query typed, the page of results shown, and
//! when the search box last changed.

use std::time::Instant;

use crate::service::search;
use crate::ui::remote::Remote;

/// The customer list as an agent searches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerListView {
    /// The text in the search box and how many customers to show.
    pub query: CustomerQuery,
    /// The search the rows shown answer; when it differs from `query`, a new search is due.
    pub shown_for: Option<CustomerQuery>,
    /// What the search found.
    pub rows: Remote<CustomerPage>,
    /// When the search box last changed; the search runs once typing pauses.
    pub edited_at: Option<Instant>,
    /// Whether the search box got the keyboard when the list appeared.
    pub first_field_focused: bool,
}

pub use crate::service::search::CustomerPage;

impl CustomerListView {
    /// Whether the rows shown are out of date with the search box.
    pub fn is_stale(&self) -> bool {
        self.shown_for.as_ref() != Some(&self.query)
    }
}

/// A customer search: the text typed and how many of the matching customers to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerQuery {
    /// The text typed; empty lists every customer.
    pub search: String,
    /// How many customers to show: one [`search::PAGE`] more each time the agent asks.
    pub limit: usize,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        Self { search: String::new(), limit: search::PAGE }
    }
}
