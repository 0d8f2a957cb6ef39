//! Entry points for `benches/dashboard.rs`: the orders tab drawn alone, with its rows already
//! loaded, so that a benchmark times the drawing and nothing else. Not part of the API.

use egui::Ui;

use crate::service::dashboard::{Listing, Row};

use super::dashboards::DashboardCommand;
use super::dashboards::rows::TableState;
use super::dashboards::table::table_ui;

/// The orders tab of an account holding `total` orders, its first windows loaded.
pub struct OrdersTab {
    table: TableState,
    total: u64,
}

impl OrdersTab {
    /// A tab showing `total` matching orders, of which `windows` (index, rows) are loaded.
    pub fn new(total: u64, windows: Vec<(usize, Vec<Row>)>) -> Self {
        let mut table = TableState::new(Listing::Orders);
        table.preload(total, windows);
        Self { table, total }
    }

    /// Draws one frame of the tab, applying the scroll bookkeeping the app would.
    pub fn ui(&mut self, ui: &mut Ui) {
        if let Some(DashboardCommand::Showing { rows, .. }) = table_ui(ui, &mut self.table, Some(self.total)) {
            self.table.set_visible(rows);
        }
    }

    /// Rows held in memory by the tab.
    pub fn rows_held(&self) -> usize {
        self.table.rows_held()
    }
}
