//! The signed-in customer's area: the settings page and its worker, the customer's pages over
//! the overview, and the closure-pending screen with its cancellation. The closure wizard and
//! the backup panel it shows are the closure flow's (`ui::closing`); the dashboards are
//! `ui::dashboards`.

pub mod area;
pub mod closure_pending;
pub mod page;
pub mod pending;
pub mod settings;
