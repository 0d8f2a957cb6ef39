//! One table's state: its filter and order, the windows of rows loaded so far, and the rows
//! expanded to their children.
//!
//! Rows are cached in windows of [`WINDOW_ROWS`] keyed by their index in the current query;
//! a new filter, order or reload drops them all. Only windows near the visible rows are
//! kept, so a table of 100,000 rows holds a few hundred in memory.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::Timestamp;

use crate::core::AccountId;
use crate::service::dashboard::{ChildrenLoaded, ChildrenRequest, RowsLoaded, RowsRequest, WINDOW_ROWS, next_ticket};
use crate::service::dashboard::{Filter, Listing, Query, Row, Sort, Source};
use crate::ui::remote::Remote;
use crate::ui::widgets::figures::cell_text;

/// Rows loaded beyond the visible ones, above and below, so that scrolling rarely waits.
const PREFETCH_ROWS: usize = WINDOW_ROWS / 2;
/// Windows kept beyond the ones needed; the rest are dropped.
const SPARE_WINDOWS: usize = 2;

/// A row expanded to its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The parent's position in the current query.
    pub position: usize,
    /// The parent's id.
    pub id: i64,
    /// The children, once loaded.
    pub rows: Remote<Vec<Row>>,
    /// The ticket of the load in flight, if any.
    in_flight: Option<u64>,
}

impl Expanded {
    /// Table rows the children take: a line of their column titles and one line each, or
    /// one placeholder while loading, failing or empty.
    fn extra_rows(&self) -> usize {
        match &self.rows {
            Remote::Ready(rows) if !rows.is_empty() => rows.len() + 1,
            Remote::Ready(_) | Remote::Loading | Remote::Failed(_) => 1,
        }
    }

    /// Whether the children are shown under a line of their own column titles.
    fn has_titles(&self) -> bool {
        matches!(&self.rows, Remote::Ready(rows) if !rows.is_empty())
    }
}

/// A loaded row and its cells as text, formatted once when the row arrives rather than in
/// every frame (local time and money formatting are the costliest part of drawing a row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The row.
    pub row: Row,
    /// Its cells as shown, in column order.
    pub texts: Vec<String>,
}

impl Shown {
    fn new(row: Row) -> Self {
        let texts = row.cells.iter().map(cell_text).collect();
        Self { row, texts }
    }
}

fn shown_windows(windows: impl IntoIterator<Item = (usize, Vec<Row>)>) -> impl Iterator<Item = (usize, Vec<Shown>)> {
    windows.into_iter().map(|(window, rows)| (window, rows.into_iter().map(Shown::new).collect()))
}

/// What one line of the table shows.
#[derive(Clone, Copy, Debug)]
pub enum Entry<'a> {
    /// A row of the listing (`None` while its window loads).
    Parent {
        /// Its position in the current query.
        position: usize,
        /// The row, once loaded.
        row: Option<&'a Shown>,
        /// Whether it is expanded.
        open: bool,
    },
    /// The titles of the children's columns, above the first child: the children have
    /// columns of their own, which the listing's headers do not name.
    ChildTitles {
        /// The parent's position.
        parent: usize,
    },
    /// One child of an expanded row.
    Child {
        /// The parent's position.
        parent: usize,
        /// The children's state.
        children: &'a Remote<Vec<Row>>,
        /// Which child.
        index: usize,
    },
}

impl Entry<'_> {
    /// The position of the listing row this line belongs to.
    pub fn position(&self) -> usize {
        match self {
            Self::Parent { position, .. } => *position,
            Self::ChildTitles { parent } | Self::Child { parent, .. } => *parent,
        }
    }
}

/// The rows of the current query loaded so far.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cache {
    query: Query,
    epoch: u64,
    count: Remote<u64>,
    windows: BTreeMap<usize, Vec<Shown>>,
}

/// One table of the dashboards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableState {
    /// The table.
    pub listing: Listing,
    /// The text typed into the filter box (edited in place, like any text field).
    pub filter_text: String,
    /// The statuses kept; empty for all.
    pub statuses: Vec<&'static str>,
    /// The order.
    pub sort: Sort,
    cache: Cache,
    expanded: Vec<Expanded>,
    /// Positions of the listing rows seen in the last frame.
    visible: Range<usize>,
    /// The ticket of the rows load in flight, if any.
    in_flight: Option<u64>,
    /// Scroll to the top when next drawn: the table was just opened, or its rows were sorted
    /// or filtered anew, and the first row is the one to read first.
    to_top: bool,
    /// Scroll to the first column when next drawn: the table was just opened.
    to_left: bool,
    /// Lines of the table (listing rows and children) on screen in the last frame, so that
    /// Page Up and Page Down move by what a page holds.
    lines: Range<usize>,
}

impl TableState {
    /// A table showing every row in the listing's default order, nothing loaded yet.
    pub fn new(listing: Listing) -> Self {
        let query = Query::default_for(listing);
        Self {
            listing,
            filter_text: String::new(),
            statuses: Vec::new(),
            sort: query.sort,
            cache: Cache { query, epoch: 0, count: Remote::Loading, windows: BTreeMap::new() },
            expanded: Vec::new(),
            visible: 0..0,
            in_flight: None,
            to_top: true,
            to_left: true,
            lines: 0..0,
        }
    }

    /// The filter and order chosen now.
    pub fn query(&self) -> Query {
        let filter = Filter {
            text: self.filter_text.trim().to_owned(),
            statuses: self.statuses.iter().map(|status| (*status).to_owned()).collect(),
            // Set on the worker from the request, which knows whether the rows are masked.
            masked: false,
        };
        Query { filter, sort: self.sort }
    }

    /// Drops the loaded rows when the filter, the order or the data changed since they were
    /// loaded; a load in flight then answers a question nobody asks any more.
    pub fn sync(&mut self, epoch: u64) {
        let query = self.query();
        if self.cache.query != query {
            self.to_top = true;
        }
        if self.cache.query != query || self.cache.epoch != epoch {
            self.cache = Cache { query, epoch, count: Remote::Loading, windows: BTreeMap::new() };
            self.expanded.clear();
            self.visible = 0..0;
            self.in_flight = None;
        }
    }

    /// How many rows match, once counted.
    pub fn count(&self) -> &Remote<u64> {
        &self.cache.count
    }

    /// Whether a filter narrows the rows.
    pub fn is_filtered(&self) -> bool {
        !self.filter_text.trim().is_empty() || !self.statuses.is_empty()
    }

    /// The rows the table lays out: the matching rows plus the children of expanded ones.
    pub fn display_len(&self) -> usize {
        let Remote::Ready(count) = self.cache.count else {
            return 0;
        };
        count as usize + self.expanded.iter().map(Expanded::extra_rows).sum::<usize>()
    }

    /// What line `index` of the table shows.
    pub fn entry(&self, index: usize) -> Entry<'_> {
        let mut before = 0;
        for expanded in &self.expanded {
            let parent_line = expanded.position + before;
            if index <= parent_line {
                break;
            }
            let extra = expanded.extra_rows();
            if index <= parent_line + extra {
                let line = index - parent_line - 1;
                let titled = expanded.has_titles();
                if titled && line == 0 {
                    return Entry::ChildTitles { parent: expanded.position };
                }
                return Entry::Child {
                    parent: expanded.position,
                    children: &expanded.rows,
                    index: line - usize::from(titled),
                };
            }
            before += extra;
        }
        let position = index - before;
        Entry::Parent { position, row: self.row(position), open: self.is_open(position) }
    }

    /// The row at `position` of the current query, if its window is loaded.
    pub fn row(&self, position: usize) -> Option<&Shown> {
        self.cache.windows.get(&(position / WINDOW_ROWS))?.get(position % WINDOW_ROWS)
    }

    fn is_open(&self, position: usize) -> bool {
        self.expanded.iter().any(|expanded| expanded.position == position)
    }

    /// The positions seen in the last frame.
    pub fn visible(&self) -> Range<usize> {
        self.visible.clone()
    }

    /// Whether the table is to be drawn scrolled to its top (once: asking clears it).
    pub fn take_to_top(&mut self) -> bool {
        std::mem::take(&mut self.to_top)
    }

    /// Whether the table is to be drawn scrolled to its first column (once: asking clears it).
    pub fn take_to_left(&mut self) -> bool {
        std::mem::take(&mut self.to_left)
    }

    /// The lines on screen in the last frame.
    pub fn lines(&self) -> Range<usize> {
        self.lines.clone()
    }

    /// Records the lines on screen, as the table laid them out.
    pub fn set_lines(&mut self, lines: Range<usize>) {
        self.lines = lines;
    }

    /// Records the rows on screen and drops windows far from them.
    pub fn set_visible(&mut self, rows: Range<usize>) {
        self.visible = rows;
        let wanted = self.wanted_windows_span();
        self.cache
            .windows
            .retain(|window, _| *window + SPARE_WINDOWS >= wanted.start && *window < wanted.end + SPARE_WINDOWS);
    }

    /// Windows covering the visible rows and a margin around them.
    fn wanted_windows_span(&self) -> Range<usize> {
        let first = self.visible.start.saturating_sub(PREFETCH_ROWS);
        let mut last = self.visible.end.max(self.visible.start + 1) + PREFETCH_ROWS;
        if let Remote::Ready(count) = self.cache.count {
            last = last.min(count as usize);
        }
        let end = last.div_ceil(WINDOW_ROWS).max(first / WINDOW_ROWS + 1);
        first / WINDOW_ROWS..end
    }

    /// Expands the row at `position` (id `id`), or folds it if it is open.
    pub fn toggle(&mut self, position: usize, id: i64) {
        if let Some(index) = self.expanded.iter().position(|expanded| expanded.position == position) {
            self.expanded.remove(index);
        } else if self.listing.child().is_some() {
            let at = self.expanded.partition_point(|expanded| expanded.position < position);
            self.expanded.insert(at, Expanded { position, id, rows: Remote::Loading, in_flight: None });
        }
    }

    /// Sorts by `column`; sorting by the same column again reverses the order.
    pub fn sort_by(&mut self, column: usize) {
        if self.sort.column == column {
            self.sort.descending = !self.sort.descending;
        } else {
            self.sort = Sort { column, descending: false };
        }
    }

    /// Keeps or stops keeping rows of `status`.
    pub fn toggle_status(&mut self, status: &'static str) {
        if let Some(index) = self.statuses.iter().position(|kept| *kept == status) {
            self.statuses.remove(index);
        } else {
            self.statuses.push(status);
        }
    }

    /// Shows exactly the rows of `statuses`, with no text filter: what a readiness blocker points at.
    pub fn show_only(&mut self, statuses: &[&'static str]) {
        self.filter_text.clear();
        self.statuses = statuses.to_vec();
    }

    /// Shows every row again.
    pub fn clear_filter(&mut self) {
        self.filter_text.clear();
        self.statuses.clear();
    }

    /// Forgets a failure so that the rows are loaded again.
    pub fn retry(&mut self) {
        if matches!(self.cache.count, Remote::Failed(_)) {
            self.cache.count = Remote::Loading;
            self.cache.windows.clear();
        }
        for expanded in &mut self.expanded {
            if matches!(expanded.rows, Remote::Failed(_)) {
                expanded.rows = Remote::Loading;
            }
        }
    }

    /// The load the table waits for, if any and none is in flight; marks it in flight.
    pub fn rows_request(&mut self, account: AccountId, source: &Source, now: Timestamp) -> Option<RowsRequest> {
        if self.in_flight.is_some() || matches!(self.cache.count, Remote::Failed(_)) {
            return None;
        }
        let count = self.cache.count.is_loading();
        let windows: Vec<usize> =
            self.wanted_windows_span().filter(|window| !self.cache.windows.contains_key(window)).collect();
        let windows = match self.cache.count {
            // Nothing past the end.
            Remote::Ready(count) => {
                windows.into_iter().filter(|window| window * WINDOW_ROWS < count as usize).collect()
            }
            Remote::Loading | Remote::Failed(_) => windows,
        };
        if !count && windows.is_empty() {
            return None;
        }
        let ticket = next_ticket();
        self.in_flight = Some(ticket);
        Some(RowsRequest {
            ticket,
            account,
            source: source.clone(),
            listing: self.listing,
            query: self.cache.query.clone(),
            now,
            count,
            windows,
            // Filled in by the overview, which knows who reads and whether masked.
            principal: None,
            masked: false,
        })
    }

    /// Takes in loaded rows if they answer the load in flight.
    pub fn on_rows(&mut self, loaded: RowsLoaded) {
        if self.in_flight != Some(loaded.ticket) {
            return;
        }
        self.in_flight = None;
        match loaded.result {
            Ok((count, windows)) => {
                if let Some(count) = count {
                    self.cache.count = Remote::Ready(count);
                }
                self.cache.windows.extend(shown_windows(windows));
            }
            Err(err) => self.cache.count = Remote::Failed(err.to_string()),
        }
    }

    /// Gives up the load in flight after its worker died.
    pub fn on_rows_crashed(&mut self, message: &str) {
        if self.in_flight.take().is_some() {
            self.cache.count = Remote::Failed(message.to_owned());
        }
    }

    /// The children the table waits for, if any and none is in flight; marks it in flight.
    /// Who reads is left for the overview to fill in: the table does not know the session.
    pub fn children_request(&mut self, account: AccountId, source: &Source) -> Option<ChildrenRequest> {
        if self.expanded.iter().any(|expanded| expanded.in_flight.is_some()) {
            return None;
        }
        let expanded = self.expanded.iter_mut().find(|expanded| expanded.rows.is_loading())?;
        let ticket = next_ticket();
        expanded.in_flight = Some(ticket);
        Some(ChildrenRequest {
            ticket,
            account,
            principal: None,
            source: source.clone(),
            listing: self.listing,
            parent: expanded.id,
        })
    }

    /// Takes in loaded children if they answer a load in flight.
    pub fn on_children(&mut self, loaded: ChildrenLoaded) {
        if let Some(expanded) = self.expanded.iter_mut().find(|expanded| expanded.in_flight == Some(loaded.ticket)) {
            expanded.in_flight = None;
            expanded.rows = loaded.result.into();
        }
    }

    /// Gives up the children load in flight after its worker died.
    pub fn on_children_crashed(&mut self, message: &str) {
        for expanded in &mut self.expanded {
            if expanded.in_flight.take().is_some() {
                expanded.rows = Remote::Failed(message.to_owned());
            }
        }
    }

    /// Rows held in memory: what the window cache keeps.
    pub fn rows_held(&self) -> usize {
        self.cache.windows.values().map(Vec::len).sum()
    }

    /// Fills the cache directly, for benchmarks and tests of the drawing alone.
    #[doc(hidden)]
    pub fn preload(&mut self, count: u64, windows: impl IntoIterator<Item = (usize, Vec<Row>)>) {
        self.sync(self.cache.epoch);
        self.cache.count = Remote::Ready(count);
        self.cache.windows.extend(shown_windows(windows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::dashboard::Value;

    fn row(id: i64) -> Row {
        Row { id, children: 2, cells: vec![Value::Integer(id)] }
    }

    fn loaded(table: &TableState, ticket: u64, count: Option<u64>, windows: Vec<usize>) -> RowsLoaded {
        let windows = windows
            .into_iter()
            .map(|window| {
                let start = window * WINDOW_ROWS;
                (window, (start..start + WINDOW_ROWS).map(|id| row(id as i64)).collect())
            })
            .collect();
        RowsLoaded { ticket, listing: table.listing, result: Ok((count, windows)) }
    }

    #[test]
    fn the_first_load_counts_and_fetches_the_first_window_then_the_ones_scrolled_to() {
        let mut table = TableState::new(Listing::Orders);
        let now = Timestamp::UNIX_EPOCH;
        let first = table.rows_request(AccountId(1), &Source::Live, now).unwrap();
        assert!(first.count);
        assert_eq!(first.windows, [0]);
        assert!(table.rows_request(AccountId(1), &Source::Live, now).is_none(), "one load at a time");
        table.on_rows(loaded(&table, first.ticket, Some(100_000), vec![0]));
        assert_eq!(table.display_len(), 100_000);
        assert!(table.rows_request(AccountId(1), &Source::Live, now).is_none(), "the visible rows are there");

        table.set_visible(50_010..50_040);
        let next = table.rows_request(AccountId(1), &Source::Live, now).unwrap();
        assert!(!next.count);
        assert_eq!(next.windows, [499, 500]);
        table.on_rows(loaded(&table, next.ticket, None, next.windows.clone()));
        assert!(table.row(50_020).is_some());
        assert!(table.row(10).is_none(), "far windows are dropped");
        assert!(table.rows_held() <= 4 * WINDOW_ROWS);
    }

    #[test]
    fn a_new_filter_drops_the_rows_and_ignores_the_answer_to_the_old_one() {
        let mut table = TableState::new(Listing::Orders);
        let now = Timestamp::UNIX_EPOCH;
        let old = table.rows_request(AccountId(1), &Source::Live, now).unwrap();
        table.show_only(&["in_transit"]);
        table.sync(0);
        table.on_rows(loaded(&table, old.ticket, Some(100), vec![0]));
        assert!(table.count().is_loading(), "the old answer was dropped");
        let new = table.rows_request(AccountId(1), &Source::Live, now).unwrap();
        assert_eq!(new.query.filter.statuses, ["in_transit"]);
        table.sync(1);
        assert!(table.rows_request(AccountId(1), &Source::Live, now).is_some(), "a reload asks again");
    }

    #[test]
    fn expanded_rows_insert_their_children_below_them() {
        let mut table = TableState::new(Listing::Orders);
        table.preload(10, [(0, (0..10).map(row).collect())]);
        table.toggle(2, 2);
        table.toggle(5, 5);
        assert_eq!(table.display_len(), 12, "a placeholder line each while loading");
        let request = table.children_request(AccountId(1), &Source::Live).unwrap();
        assert_eq!(request.parent, 2);
        table.on_children(ChildrenLoaded {
            ticket: request.ticket,
            listing: Listing::Orders,
            result: Ok(vec![row(90), row(91)]),
        });
        assert_eq!(table.display_len(), 14, "a line of titles and two children, and a placeholder");
        assert!(matches!(table.entry(2), Entry::Parent { position: 2, open: true, .. }));
        assert!(matches!(table.entry(3), Entry::ChildTitles { parent: 2 }));
        assert!(matches!(table.entry(4), Entry::Child { parent: 2, index: 0, .. }));
        assert!(matches!(table.entry(5), Entry::Child { parent: 2, index: 1, .. }));
        assert!(matches!(table.entry(6), Entry::Parent { position: 3, open: false, .. }));
        assert!(matches!(table.entry(9), Entry::Child { parent: 5, index: 0, .. }), "loading: no titles yet");
        assert!(matches!(table.entry(13), Entry::Parent { position: 9, .. }));
        table.toggle(2, 2);
        assert_eq!(table.display_len(), 11);
    }

    #[test]
    fn a_new_table_and_a_new_order_or_filter_start_at_the_top_but_a_reload_does_not() {
        let mut table = TableState::new(Listing::Orders);
        assert!(table.take_to_top(), "a table opens at its top");
        assert!(!table.take_to_top(), "once");
        table.sort_by(4);
        table.sync(0);
        assert!(table.take_to_top(), "a new order starts at the top");
        table.show_only(&["pending"]);
        table.sync(0);
        assert!(table.take_to_top(), "a new filter starts at the top");
        table.sync(1);
        assert!(!table.take_to_top(), "a reload keeps the place");
    }

    #[test]
    fn sorting_twice_by_a_column_reverses_it() {
        let mut table = TableState::new(Listing::Orders);
        table.sort_by(4);
        assert_eq!(table.sort, Sort { column: 4, descending: false });
        table.sort_by(4);
        assert_eq!(table.sort, Sort { column: 4, descending: true });
    }
}
