//! A table tab: the filter bar, the row count, and the table itself, sortable, resizable and
//! virtualized. Only the rows on screen are laid out; rows not loaded yet show a placeholder.

use std::ops::Range;

use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::DashboardCommand;
use super::rows::{Entry, TableState};
use crate::service::dashboard::{ListColumn, Listing, Row, Value, ValueKind};
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::figures::{cell_text, count_line, expander_ui, sort_marker_ui};
use crate::ui::widgets::{error_text_ui, progress_ui, table_keys};

/// The id of a table's filter field, so that Ctrl+F can put the cursor in it.
pub fn filter_id(listing: Listing) -> egui::Id {
    egui::Id::unique(("closedesk-dashboard-filter", listing))
}

/// Width of the column holding the "3 items" toggles.
const EXPANDER_WIDTH: f32 = 112.0;

/// Draws a table tab. `total` is how many rows the account holds in all (from the overview).
pub fn table_ui(ui: &mut Ui, table: &mut TableState, total: Option<u64>) -> Option<DashboardCommand> {
    let listing = table.listing;
    let mut command = filter_bar_ui(ui, table);
    ui.add_space(theme::SPACE_S);

    match table.count() {
        Remote::Loading => {
            progress_ui(ui, &format!("Loading {}…", listing.nouns().1));
            return command;
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            if ui.button("Try again").clicked() {
                command = Some(DashboardCommand::Retry(listing));
            }
            return command;
        }
        Remote::Ready(count) => {
            let total = total.unwrap_or(*count).max(*count);
            ui.label(RichText::new(count_line(*count, total, listing.nouns())).weak());
            if *count == 0 {
                ui.add_space(theme::SPACE_M);
                let text = if table.is_filtered() {
                    format!("No {} match this filter.", listing.nouns().1)
                } else {
                    format!("This account has no {}.", listing.nouns().1)
                };
                ui.label(text);
                return command;
            }
        }
    }
    ui.add_space(theme::SPACE_S);
    let scroll = TableScroll {
        to_top: table.take_to_top(),
        to_left: table.take_to_left(),
        keys: table_keys::key_target(ui, table.lines(), table.display_len()),
    };
    // Columns wider than the window scroll sideways rather than off its edge.
    let mut across = egui::ScrollArea::horizontal().id_salt(("closedesk-dashboard-across", listing)).auto_shrink(false);
    if scroll.to_left {
        across = across.horizontal_scroll_offset(0.0);
    }
    let (shown, lines) = across.show(ui, |ui| rows_ui(ui, table, &scroll, &mut command)).inner;
    table.set_lines(lines);
    if command.is_none() && shown != table.visible() {
        command = Some(DashboardCommand::Showing { listing, rows: shown });
    }
    command
}

/// The filter field, the status choices and "Show all".
fn filter_bar_ui(ui: &mut Ui, table: &mut TableState) -> Option<DashboardCommand> {
    let listing = table.listing;
    let mut command = None;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(format!("Filter {}", listing.nouns().1));
        let edit = egui::TextEdit::singleline(&mut table.filter_text)
            .id(filter_id(listing))
            .hint_text("words to look for (Ctrl+F)")
            .desired_width(240.0);
        if ui.add(edit).labelled_by(label.id).changed() {
            command = Some(DashboardCommand::FilterEdited(listing));
        }
        if let Some(filter) = listing.status_filter() {
            ui.separator();
            ui.label(RichText::new(filter.title).weak());
            for choice in filter.choices {
                let kept = table.statuses.contains(&choice.value);
                let response = ui.selectable_label(kept, choice.label).on_hover_text(format!(
                    "Show only {} rows of this {} (or add them)",
                    listing.nouns().1,
                    filter.title.to_lowercase()
                ));
                if response.clicked() {
                    command = Some(DashboardCommand::ToggleStatus { listing, status: choice.value });
                }
            }
        }
        if table.is_filtered() {
            ui.separator();
            if ui.button("Show all").clicked() {
                command = Some(DashboardCommand::ClearFilter(listing));
            }
        }
    });
    command
}

/// Where this frame scrolls the table to, besides where the person scrolls it.
struct TableScroll {
    /// Back to the first row: the table was opened, sorted or filtered anew.
    to_top: bool,
    /// Back to the first column: the table was opened.
    to_left: bool,
    /// The line Page Up, Page Down, Home or End asked for, and where it goes on screen.
    keys: Option<(usize, Align)>,
}

/// The table; returns the positions of the listing rows on screen and the lines they take.
fn rows_ui(
    ui: &mut Ui,
    table: &TableState,
    scroll: &TableScroll,
    command: &mut Option<DashboardCommand>,
) -> (Range<usize>, Range<usize>) {
    let listing = table.listing;
    let columns = listing.columns();
    let child = listing.child();
    // The id names the listing, not the account: egui keeps the column widths under it, which
    // are the person's to keep. Where the table is scrolled to belongs to the account shown,
    // which starts at the top (`to_top`); the app never saves a scroll position.
    let mut builder = TableBuilder::new(ui)
        .id_salt(("closedesk-dashboard-table", listing))
        .striped(true)
        .resizable(true)
        .auto_shrink([false, false])
        .min_scrolled_height(0.0)
        .cell_layout(Layout::left_to_right(Align::Center));
    if scroll.to_top {
        builder = builder.vertical_scroll_offset(0.0);
    }
    if let Some((line, align)) = scroll.keys {
        builder = builder.scroll_to_row(line, Some(align));
    }
    if child.is_some() {
        builder = builder.column(Column::exact(EXPANDER_WIDTH));
    }
    for (index, column) in columns.iter().enumerate() {
        builder = builder.column(if index + 1 == columns.len() {
            Column::remainder().at_least(80.0).clip(true)
        } else {
            Column::initial(initial_width(column)).at_least(48.0).clip(true).resizable(true)
        });
    }

    let mut first = usize::MAX;
    let mut last = 0;
    let mut lines: Option<Range<usize>> = None;
    builder
        .header(theme::TABLE_ROW_HEIGHT, |mut header| {
            if let Some(child) = child {
                header.col(|ui| {
                    ui.strong(capitalized(child.plural));
                });
            }
            for (index, column) in columns.iter().enumerate() {
                header.col(|ui| {
                    if let Some(clicked) = header_ui(ui, table, index, column) {
                        *command = Some(clicked);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(theme::TABLE_ROW_HEIGHT, table.display_len(), |mut row| {
                lines = Some(table_keys::seen_line(lines.take(), row.index()));
                let entry = table.entry(row.index());
                first = first.min(entry.position());
                last = last.max(entry.position());
                match entry {
                    Entry::Parent { position, row: Some(shown), open } => {
                        let data = &shown.row;
                        if let Some(child) = child {
                            row.col(|ui| {
                                if data.children > 0 {
                                    let noun = if data.children == 1 { child.singular } else { child.plural };
                                    let label = format!("{} {noun}", data.children);
                                    if expander_ui(ui, open, &label).clicked() {
                                        *command = Some(DashboardCommand::ToggleRow { listing, position, id: data.id });
                                    }
                                }
                            });
                        }
                        for (value, text) in data.cells.iter().zip(&shown.texts) {
                            row.col(|ui| text_cell_ui(ui, value, text.clone(), false));
                        }
                    }
                    Entry::Parent { row: None, .. } => {
                        for _ in 0..columns.len() + usize::from(child.is_some()) {
                            row.col(|ui| {
                                ui.label(RichText::new("…").weak());
                            });
                        }
                    }
                    Entry::ChildTitles { .. } => {
                        if child.is_some() {
                            row.col(|_| {});
                        }
                        child_titles_ui(&mut row, listing);
                    }
                    Entry::Child { children, index, .. } => {
                        if child.is_some() {
                            row.col(|_| {});
                        }
                        child_cells_ui(&mut row, listing, children, index);
                    }
                }
            });
        });
    let lines = lines.unwrap_or(0..0);
    if first == usize::MAX { (0..0, lines) } else { (first..last + 1, lines) }
}

/// A column header: a button that sorts by it, with a marker on the sorted column.
fn header_ui(ui: &mut Ui, table: &TableState, index: usize, column: &ListColumn) -> Option<DashboardCommand> {
    if !column.sortable() {
        ui.strong(column.title);
        return None;
    }
    let sorted = table.sort.column == index;
    let hover = match (sorted, table.sort.descending) {
        (true, true) => {
            format!("Sorted by {}, largest or newest first. Click to reverse.", column.title.to_lowercase())
        }
        (true, false) => {
            format!("Sorted by {}, smallest or oldest first. Click to reverse.", column.title.to_lowercase())
        }
        (false, _) => format!("Sort by {}", column.title.to_lowercase()),
    };
    let clicked = ui
        .add(egui::Button::selectable(sorted, RichText::new(column.title).strong()).frame_when_inactive(false))
        .on_hover_text(hover)
        .clicked();
    if sorted {
        sort_marker_ui(ui, table.sort.descending);
    }
    clicked.then_some(DashboardCommand::SortBy { listing: table.listing, column: index })
}

/// The line above an expanded row's children that names their columns: the children are a
/// small table of their own, set in the listing's columns from the left and indented, rather
/// than under listing headers that name something else.
fn child_titles_ui(row: &mut egui_extras::TableRow<'_, '_>, listing: Listing) {
    let Some(child) = listing.child() else {
        return;
    };
    for slot in 0..listing.columns().len() {
        row.col(|ui| {
            if let Some(column) = child.columns.get(slot) {
                ui.add_space(theme::SPACE_M);
                ui.add(egui::Label::new(RichText::new(column.title).strong().weak()).truncate());
            }
        });
    }
}

/// The cells of one child line, under the titles of [`child_titles_ui`].
fn child_cells_ui(
    row: &mut egui_extras::TableRow<'_, '_>,
    listing: Listing,
    children: &Remote<Vec<Row>>,
    index: usize,
) {
    let Some(child) = listing.child() else {
        return;
    };
    let data = match children {
        Remote::Ready(rows) => rows.get(index),
        Remote::Loading | Remote::Failed(_) => None,
    };
    for slot in 0..listing.columns().len() {
        row.col(|ui| {
            ui.add_space(theme::SPACE_M);
            match (data, children) {
                (Some(data), _) => {
                    if let Some(value) = data.cells.get(slot) {
                        text_cell_ui(ui, value, cell_text(value), true);
                    }
                }
                (None, Remote::Loading) if slot == 0 => {
                    ui.spinner();
                    ui.label(RichText::new(format!("Loading {}…", child.plural)).weak());
                }
                (None, Remote::Failed(message)) if slot == 0 => {
                    error_text_ui(ui, message);
                }
                (None, Remote::Ready(_)) if slot == 0 => {
                    ui.label(RichText::new(format!("No {}", child.plural)).weak());
                }
                _ => {}
            }
        });
    }
}

/// One cell: `text` is the value as shown (money with its currency, instants in local time);
/// long text is cut with "…" and shown whole on hover.
fn text_cell_ui(ui: &mut Ui, value: &Value, text: String, is_child: bool) {
    let mut rich = RichText::new(text);
    if is_child {
        rich = rich.color(ui.visuals().weak_text_color());
    }
    if matches!(value, Value::Money(money) if money.amount_minor < 0) {
        rich = rich.color(theme::negative_amount(ui.visuals()));
    }
    ui.add(egui::Label::new(rich).truncate());
}

/// A first width for a column, by what it holds; the person can resize it.
fn initial_width(column: &ListColumn) -> f32 {
    if column.wide {
        return 300.0;
    }
    match column.kind {
        ValueKind::Time | ValueKind::Text => 170.0,
        ValueKind::Money => 120.0,
        ValueKind::Integer => 80.0,
        ValueKind::Label(_) => 150.0,
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
