//! The audit viewer: the trail filtered by account, agent, action and time, in a table that
//! lays out only its visible rows, and exported as CSV exactly as filtered.

use egui::{RichText, Ui};
use egui_extras::Column;

use super::audit_filter::AuditFilterInput;
use super::command::{AUDIT_PAGE, OpsCommand};
use super::save_target::{SaveTarget, save_target_ui};
use crate::service::staff::{AuditPage, AuditRow};
use crate::ui::format::local_minute;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, focus_first_field, progress_ui, sideways_ui, table_keys};

/// The audit viewer page.
#[derive(Debug)]
pub struct AuditView {
    /// The filter as typed.
    pub input: AuditFilterInput,
    /// How many lines to show.
    pub limit: usize,
    /// The filter and limit the lines shown answer; when they differ, a new query is due.
    pub shown_for: Option<(AuditFilterInput, usize)>,
    /// The lines.
    pub rows: Remote<AuditPage>,
    /// The actions offered in the drop-down (kept while a new query runs).
    pub actions: Vec<String>,
    /// The CSV export.
    pub export: SaveTarget,
    /// Whether the first filter field got the keyboard when the page was shown.
    pub first_field_focused: bool,
}

impl Default for AuditView {
    fn default() -> Self {
        Self {
            input: AuditFilterInput::default(),
            limit: AUDIT_PAGE,
            shown_for: None,
            rows: Remote::Loading,
            actions: Vec::new(),
            export: SaveTarget::default(),
            first_field_focused: false,
        }
    }
}

impl AuditView {
    /// Whether the lines shown are out of date with the filter.
    pub fn is_stale(&self) -> bool {
        self.shown_for.as_ref().is_none_or(|(input, limit)| *input != self.input || *limit != self.limit)
    }
}

/// Draws the audit viewer.
pub fn agent_audit_ui(ui: &mut Ui, view: &mut AuditView) -> Option<OpsCommand> {
    let mut command = None;
    ui.label(RichText::new("Audit trail").strong());
    ui.label(
        RichText::new("Ids, actions and outcomes only: the trail holds no personal data. Times are local.").weak(),
    );
    ui.add_space(theme::SPACE_S);
    filters_ui(ui, view);
    ui.add_space(theme::SPACE_S);

    let exportable = view.rows.ready().is_some() && !view.is_stale();
    {
        let action = save_target_ui(
            ui,
            &mut view.export,
            "Export CSV…",
            "CSV file path",
            "closedesk-audit.csv",
            "Save CSV",
            exportable,
        );
        if let Some(action) = action {
            command = Some(OpsCommand::ExportAudit(action));
        }
    }
    ui.add_space(theme::SPACE_S);

    match &view.rows {
        Remote::Loading => {
            progress_ui(ui, "Reading the audit trail…");
        }
        Remote::Failed(message) => {
            error_text_ui(ui, message);
            if ui.button("Try again").clicked() {
                command = Some(OpsCommand::ReloadAudit);
            }
        }
        Remote::Ready(page) => {
            if page.chain.is_intact() {
                ui.label(RichText::new(format!("Hash chain {}", page.chain)).weak());
            } else {
                error_text_ui(ui, &format!("Hash chain {}", page.chain));
            }
            ui.horizontal(|ui| {
                ui.label(format!("{} matching lines, newest first", page.total));
                if view.is_stale() {
                    ui.spinner();
                }
                if (page.rows.len() as u64) < page.total && ui.button("Show more").clicked() {
                    command = Some(OpsCommand::MoreAudit);
                }
            });
            if page.rows.is_empty() {
                ui.label(RichText::new("No audit line matches these filters.").weak());
            } else {
                sideways_ui(ui, "closedesk-audit-across", |ui| audit_table_ui(ui, &page.rows));
            }
        }
    }
    command
}

fn filters_ui(ui: &mut Ui, view: &mut AuditView) {
    let input = &mut view.input;
    let first_field_focused = &mut view.first_field_focused;
    ui.horizontal_wrapped(|ui| {
        let field = |ui: &mut Ui, label: &str, text: &mut String, hint: &str, width: f32| {
            let label = ui.label(label);
            ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(width)).labelled_by(label.id)
        };
        let account = field(ui, "Account id", &mut input.account, "any", 70.0);
        focus_first_field(&account, first_field_focused);
        field(ui, "Agent", &mut input.agent, "id or name", 100.0);
        let label = ui.label("Action");
        let selected = input.action.clone().unwrap_or_else(|| "Any action".to_owned());
        egui::ComboBox::from_id_salt("audit_action")
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut input.action, None, "Any action");
                for action in &view.actions {
                    ui.selectable_value(&mut input.action, Some(action.clone()), action);
                }
            })
            .response
            .labelled_by(label.id);
        field(ui, "From", &mut input.from, "YYYY-MM-DD", 90.0);
        field(ui, "To", &mut input.to, "YYYY-MM-DD", 90.0);
        if ui.button("Clear filters").clicked() {
            *input = AuditFilterInput::default();
        }
    });
}

/// The trail's table; only the visible rows are laid out.
fn audit_table_ui(ui: &mut Ui, rows: &[AuditRow]) {
    let lines_id = egui::Id::unique("closedesk-audit-lines");
    let mut seen = None;
    table_keys::keyed_table(ui, lines_id, rows.len())
        .striped(true)
        .column(Column::exact(60.0))
        .column(Column::initial(170.0).at_least(120.0))
        .column(Column::exact(70.0))
        .column(Column::initial(110.0).at_least(80.0))
        .column(Column::initial(200.0).at_least(120.0).clip(true))
        .column(Column::remainder())
        .header(theme::TABLE_ROW_HEIGHT, |mut header| {
            for title in ["Line", "When", "Account", "Actor", "Action", "Outcome"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::TABLE_ROW_HEIGHT, rows.len(), |mut row| {
                seen = Some(table_keys::seen_line(seen.take(), row.index()));
                let Some(line) = rows.get(row.index()) else {
                    return;
                };
                let optional = |value: Option<i64>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
                row.col(|ui| {
                    ui.label(line.id.to_string());
                });
                row.col(|ui| {
                    ui.label(local_minute(line.at));
                });
                row.col(|ui| {
                    ui.label(optional(line.account_id));
                });
                row.col(|ui| {
                    let actor = match line.actor_id {
                        Some(id) => format!("{} {id}", line.actor_kind),
                        None => line.actor_kind.clone(),
                    };
                    ui.label(actor);
                });
                row.col(|ui| {
                    ui.label(&line.action);
                });
                row.col(|ui| {
                    ui.label(&line.outcome);
                });
            });
        });
    table_keys::remember_lines(ui, lines_id, seen);
}
