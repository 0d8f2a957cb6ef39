//! The account dashboards: an overview tab (figures, spending plot, closure readiness) and one
//! tab per table an account holds, each a filtered, sorted, windowed table.
//!
//! [`Dashboard`] holds the tabs' state. Screens ask for changes with a [`DashboardCommand`];
//! the app applies it with [`Dashboard::apply`] and asks [`Dashboard::rows_request`] and
//! [`Dashboard::children_request`] what to load next, which `loads.rs` runs on workers.

pub mod loads;
mod masking;
pub mod open_backup;
pub mod overview;
pub mod readiness;
pub mod rows;
mod spending;
pub mod summary;
pub mod table;

use std::ops::Range;

use jiff::Timestamp;

pub use crate::service::dashboard::{
    ChildrenLoaded, ChildrenRequest, OverviewLoaded, OverviewRequest, RowsLoaded, RowsRequest,
};
use rows::TableState;

use crate::core::AccountId;
use crate::service::dashboard::AccountCounts;
use crate::service::dashboard::{Listing, Source};

/// A tab of the dashboards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Figures, spending and closure readiness.
    Overview,
    /// One table.
    List(Listing),
}

impl Tab {
    /// The tab's title.
    pub fn label(self) -> &'static str {
        match self {
            // Not "Overview": the customer's top bar already names the whole page so.
            Self::Overview => "Summary",
            Self::List(listing) => listing.label(),
        }
    }

    /// Every tab, in order.
    pub fn all() -> impl Iterator<Item = Self> {
        std::iter::once(Self::Overview).chain(Listing::ALL.into_iter().map(Self::List))
    }
}

/// What the dashboards ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DashboardCommand {
    /// Show a tab.
    ShowTab(Tab),
    /// Open a table showing exactly the rows of `statuses` (a readiness blocker or warning).
    ShowRows {
        /// The table.
        listing: Listing,
        /// The statuses to keep.
        statuses: Vec<&'static str>,
    },
    /// Sort a table by a column (again: the other way round).
    SortBy {
        /// The table.
        listing: Listing,
        /// The column's position.
        column: usize,
    },
    /// Keep, or stop keeping, rows of a status.
    ToggleStatus {
        /// The table.
        listing: Listing,
        /// The stored status value.
        status: &'static str,
    },
    /// The text of a table's filter changed.
    FilterEdited(Listing),
    /// Show every row of a table again.
    ClearFilter(Listing),
    /// Expand a row to its children, or fold it.
    ToggleRow {
        /// The table.
        listing: Listing,
        /// The row's position in the table's query.
        position: usize,
        /// The row's id.
        id: i64,
    },
    /// The rows on screen changed (scrolling, resizing).
    Showing {
        /// The table.
        listing: Listing,
        /// The positions of the rows on screen.
        rows: Range<usize>,
    },
    /// Load a table again after it failed.
    Retry(Listing),
    /// Read the whole account again (it may have changed outside this window).
    Refresh,
}

/// The state of the dashboards of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dashboard {
    /// The tab shown.
    pub tab: Tab,
    /// One table per listing, in [`Listing::ALL`] order.
    tables: Vec<TableState>,
    /// Bumped by every reload; rows loaded before it are dropped.
    epoch: u64,
    /// Draw the summary scrolled to its top once: the dashboards were just opened, and the
    /// summary tab's scroll area is shared by every account's.
    summary_to_top: bool,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self {
            tab: Tab::Overview,
            tables: Listing::ALL.into_iter().map(TableState::new).collect(),
            epoch: 0,
            summary_to_top: true,
        }
    }
}

impl Dashboard {
    /// The table of `listing`, to change.
    pub fn table_mut(&mut self, listing: Listing) -> &mut TableState {
        &mut self.tables[listing_index(listing)]
    }

    /// Whether the summary is to be drawn scrolled to its top (once: asking clears it).
    pub fn take_summary_to_top(&mut self) -> bool {
        std::mem::take(&mut self.summary_to_top)
    }

    /// The table on screen, if a table tab is shown.
    pub fn current_table_mut(&mut self) -> Option<&mut TableState> {
        match self.tab {
            Tab::Overview => None,
            Tab::List(listing) => Some(self.table_mut(listing)),
        }
    }

    /// Applies a command from the screen.
    pub fn apply(&mut self, command: DashboardCommand) {
        let epoch = self.epoch;
        match command {
            DashboardCommand::ShowTab(tab) => self.tab = tab,
            DashboardCommand::ShowRows { listing, statuses } => {
                self.tab = Tab::List(listing);
                self.table_mut(listing).show_only(&statuses);
            }
            DashboardCommand::SortBy { listing, column } => self.table_mut(listing).sort_by(column),
            DashboardCommand::ToggleStatus { listing, status } => self.table_mut(listing).toggle_status(status),
            DashboardCommand::FilterEdited(_) => {}
            DashboardCommand::ClearFilter(listing) => self.table_mut(listing).clear_filter(),
            DashboardCommand::ToggleRow { listing, position, id } => self.table_mut(listing).toggle(position, id),
            DashboardCommand::Showing { listing, rows } => self.table_mut(listing).set_visible(rows),
            DashboardCommand::Retry(listing) => self.table_mut(listing).retry(),
            DashboardCommand::Refresh => self.reload(),
        }
        for table in &mut self.tables {
            table.sync(epoch);
        }
    }

    /// Forgets every loaded row: the data changed (a closure step, a purge, a retry).
    pub fn reload(&mut self) {
        self.epoch += 1;
        let epoch = self.epoch;
        for table in &mut self.tables {
            table.sync(epoch);
        }
    }

    /// The rows the table on screen waits for, if it waits and nothing is in flight.
    pub fn rows_request(&mut self, account: AccountId, source: &Source, now: Timestamp) -> Option<RowsRequest> {
        let epoch = self.epoch;
        let table = self.current_table_mut()?;
        table.sync(epoch);
        table.rows_request(account, source, now)
    }

    /// The children the table on screen waits for.
    pub fn children_request(&mut self, account: AccountId, source: &Source) -> Option<ChildrenRequest> {
        self.current_table_mut()?.children_request(account, source)
    }

    /// Takes in loaded rows.
    pub fn on_rows(&mut self, loaded: RowsLoaded) {
        self.table_mut(loaded.listing).on_rows(loaded);
    }

    /// Takes in loaded children.
    pub fn on_children(&mut self, loaded: ChildrenLoaded) {
        self.table_mut(loaded.listing).on_children(loaded);
    }

    /// A rows worker died: the table waiting for it shows `message`.
    pub fn on_rows_crashed(&mut self, message: &str) {
        for table in &mut self.tables {
            table.on_rows_crashed(message);
        }
    }

    /// A children worker died: the row waiting for it shows `message`.
    pub fn on_children_crashed(&mut self, message: &str) {
        for table in &mut self.tables {
            table.on_children_crashed(message);
        }
    }
}

fn listing_index(listing: Listing) -> usize {
    Listing::ALL.iter().position(|candidate| *candidate == listing).unwrap_or_default()
}

/// How many rows of `listing` the account holds in all, as the overview counted them.
pub fn total_rows(counts: &AccountCounts, listing: Listing) -> i64 {
    match listing {
        Listing::Orders => counts.orders,
        Listing::Addresses => counts.addresses,
        Listing::PaymentMethods => counts.payment_methods,
        Listing::Conversations => counts.conversations,
        Listing::Disputes => counts.disputes,
        Listing::Ledger => counts.ledger_entries,
        Listing::Reviews => counts.reviews,
        Listing::Coupons => counts.coupons,
        Listing::Subscriptions => counts.subscriptions,
        Listing::Mail => counts.mail,
        Listing::Audit => counts.audit_events,
    }
}
