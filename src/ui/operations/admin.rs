//! The admin page: the agents (add, disable, enable, reset a password) and the
//! whole-database backup. Admins only; every action is checked again in core.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::core::{AgentId, Role};
use crate::service::staff::AgentRow;
use crate::ui::operations::command::OpsCommand;
use crate::ui::operations::save_target::{SaveTarget, save_target_ui};
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::secret_field::{SecretField, forget_undo_history, secret_input_ui};
use crate::ui::widgets::{error_text_ui, escape_pressed, focus_first_field, outcome_ui, progress_ui, sideways_ui};

/// The admin page.
#[derive(Debug)]
pub struct AdminView {
    /// Every agent, by name.
    pub agents: Remote<Vec<AgentRow>>,
    /// A (re)load of the agents is due.
    pub agents_wanted: bool,
    /// The new agent's name as typed.
    pub new_name: String,
    /// The new agent's role.
    pub new_role: Role,
    /// The new agent's password as typed.
    pub new_password: SecretField,
    /// The agent whose password reset form is open.
    pub reset_for: Option<AgentId>,
    /// The new password as typed in the reset form.
    pub reset_password: SecretField,
    /// The agent whose disabling waits for the admin's confirmation.
    pub confirm_disable: Option<AgentId>,
    /// Whether the reset form's field got the keyboard when the form opened.
    pub reset_focused: bool,
    /// Whether the new agent's name field got the keyboard when the page opened.
    pub first_field_focused: bool,
    /// What the agent worker is doing, if anything.
    pub busy: Option<&'static str>,
    /// The outcome of the last change.
    pub notice: Option<String>,
    /// Why the last change failed.
    pub error: Option<String>,
    /// The whole-database backup.
    pub backup: SaveTarget,
    /// The catalogued copies, their deletion and restores.
    pub copies: super::backups::CopiesView,
}

impl Default for AdminView {
    fn default() -> Self {
        Self {
            agents: Remote::Loading,
            agents_wanted: true,
            new_name: String::new(),
            new_role: Role::Agent,
            new_password: SecretField::default(),
            reset_for: None,
            reset_password: SecretField::default(),
            confirm_disable: None,
            reset_focused: false,
            first_field_focused: false,
            busy: None,
            notice: None,
            error: None,
            backup: SaveTarget::default(),
            copies: super::backups::CopiesView::default(),
        }
    }
}

/// Draws the admin page for the agent `me`, whose role is `role`.
pub fn agent_admin_ui(ui: &mut Ui, view: &mut AdminView, me: AgentId, role: Role) -> Option<OpsCommand> {
    if role != Role::Admin {
        ui.label(RichText::new("Only admins manage agents and back up the database.").weak());
        return None;
    }
    let mut command = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.label(RichText::new("Agents").strong());
        match &view.agents {
            Remote::Loading => {
                progress_ui(ui, "Loading the agents…");
            }
            Remote::Failed(message) => {
                error_text_ui(ui, message);
                if ui.button("Try again").clicked() {
                    command = Some(OpsCommand::ReloadAgents);
                }
            }
            Remote::Ready(agents) => {
                let idle = view.busy.is_none();
                if let Some(row_command) =
                    sideways_ui(ui, "closedesk-agents-across", |ui| agents_table_ui(ui, agents, me, idle))
                {
                    command = Some(row_command);
                }
            }
        }
        if let Some(agent) = view.confirm_disable
            && let Some(answer) = confirm_disable_ui(ui, view, agent)
        {
            command = Some(answer);
        }
        if let Some(agent) = view.reset_for
            && let Some(reset) = reset_ui(ui, view, agent)
        {
            command = Some(reset);
        }
        outcome_ui(ui, view.busy, view.notice.as_deref(), view.error.as_deref());

        ui.add_space(theme::SPACE_L);
        ui.label(RichText::new("Add an agent").strong());
        if let Some(add) = add_agent_ui(ui, view) {
            command = Some(add);
        }

        ui.add_space(theme::SPACE_L);
        ui.label(RichText::new("Whole-database backup").strong());
        ui.label(
            RichText::new("A consistent copy of every account, taken while closedesk keeps working. Keep it safe.")
                .weak(),
        );
        let action = save_target_ui(
            ui,
            &mut view.backup,
            "Back up database…",
            "Database backup path",
            "closedesk-copy.db",
            "Save copy",
            true,
        );
        if let Some(action) = action {
            command = Some(OpsCommand::BackupDatabase(action));
        }
        ui.add_space(theme::SPACE_L);
        if let Some(copies) = super::backups::copies_ui(ui, &mut view.copies) {
            command = Some(OpsCommand::Copies(copies));
        }
    });
    command
}

/// The agents; each row's buttons name the agent, so that screen readers tell them apart. `me`
/// gets no "Disable" button: core refuses an admin locking themselves out.
fn agents_table_ui(ui: &mut Ui, agents: &[AgentRow], me: AgentId, idle: bool) -> Option<OpsCommand> {
    let mut command = None;
    let height = (agents.len() as f32 + 1.0) * theme::TABLE_ROW_HEIGHT;
    ui.allocate_ui(egui::vec2(ui.available_width(), height + theme::SPACE_M), |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .vscroll(false)
            .column(Column::initial(180.0).at_least(100.0).clip(true))
            .column(Column::exact(70.0))
            .column(Column::exact(80.0))
            .column(Column::remainder())
            .header(theme::TABLE_ROW_HEIGHT, |mut header| {
                for title in ["Name", "Role", "State", "Actions"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(theme::TABLE_ROW_HEIGHT, agents.len(), |mut row| {
                    let Some(agent) = agents.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        if agent.id == me {
                            ui.label(format!("{} (you)", agent.name));
                        } else {
                            ui.label(&agent.name);
                        }
                    });
                    row.col(|ui| {
                        ui.label(agent.role.label());
                    });
                    row.col(|ui| {
                        ui.label(if agent.disabled { "disabled" } else { "active" });
                    });
                    row.col(|ui| {
                        ui.add_enabled_ui(idle, |ui| {
                            ui.horizontal(|ui| {
                                // Enabling takes nothing from anyone; disabling asks first.
                                if agent.id != me && agent.disabled {
                                    if ui.small_button(format!("Enable {}", agent.name)).clicked() {
                                        command = Some(OpsCommand::SetDisabled { agent: agent.id, disabled: false });
                                    }
                                } else if agent.id != me
                                    && ui.small_button(format!("Disable {}…", agent.name)).clicked()
                                {
                                    command = Some(OpsCommand::AskDisable(Some(agent.id)));
                                }
                                if ui.small_button(format!("Reset password of {}…", agent.name)).clicked() {
                                    command = Some(OpsCommand::ShowReset(Some(agent.id)));
                                }
                            });
                        });
                    });
                });
            });
    });
    command
}

/// What disabling `agent` does, and the admin's explicit yes or no.
fn confirm_disable_ui(ui: &mut Ui, view: &AdminView, agent: AgentId) -> Option<OpsCommand> {
    let name =
        view.agents.ready().and_then(|agents| agents.iter().find(|row| row.id == agent)).map(|row| row.name.clone())?;
    let mut command = None;
    let idle = view.busy.is_none();
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(520.0));
        ui.label(RichText::new(format!("Disable {name}?")).strong());
        ui.label(format!(
            "{name} can no longer sign in, and a session {name} has open ends at its next action. Nothing is \
             deleted: the audit lines naming {name} stay, and you can enable {name} again later."
        ));
        ui.horizontal(|ui| {
            if ui.add_enabled(idle, egui::Button::new(format!("Disable {name} now"))).clicked() {
                command = Some(OpsCommand::SetDisabled { agent, disabled: true });
            }
            let keep = ui.add_enabled(idle, egui::Button::new(format!("Keep {name} active")));
            if keep.clicked() || (idle && escape_pressed(ui)) {
                command = Some(OpsCommand::AskDisable(None));
            }
        });
    });
    command
}

fn reset_ui(ui: &mut Ui, view: &mut AdminView, agent: AgentId) -> Option<OpsCommand> {
    let name =
        view.agents.ready().and_then(|agents| agents.iter().find(|row| row.id == agent)).map(|row| row.name.clone())?;
    let mut command = None;
    let idle = view.busy.is_none();
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(420.0));
        let field = secret_input_ui(ui, &format!("New password for {name}"), &mut view.reset_password, true, idle);
        focus_first_field(&field, &mut view.reset_focused);
        ui.horizontal(|ui| {
            if ui.add_enabled(idle && !view.reset_password.is_empty(), egui::Button::new("Set password")).clicked() {
                forget_undo_history(ui, &field);
                command = Some(OpsCommand::ResetPassword { agent, password: view.reset_password.take() });
            }
            if ui.add_enabled(idle, egui::Button::new("Cancel")).clicked() || (idle && escape_pressed(ui)) {
                command = Some(OpsCommand::ShowReset(None));
            }
        });
    });
    command
}

fn add_agent_ui(ui: &mut Ui, view: &mut AdminView) -> Option<OpsCommand> {
    let mut command = None;
    let idle = view.busy.is_none();
    ui.add_enabled_ui(idle, |ui| {
        ui.set_max_width(theme::FORM_WIDTH);
        let label = ui.label("Agent name");
        // A fixed id: the agents table above it appears once loaded, which would move an
        // automatic id and lose the keyboard the page gave this field.
        let edit = egui::TextEdit::singleline(&mut view.new_name).id_salt("closedesk-new-agent-name");
        let name = ui.add(edit.desired_width(f32::INFINITY)).labelled_by(label.id);
        focus_first_field(&name, &mut view.first_field_focused);
        ui.horizontal(|ui| {
            ui.label("Role");
            ui.radio_value(&mut view.new_role, Role::Agent, "agent");
            ui.radio_value(&mut view.new_role, Role::Admin, "admin");
        });
        let field = secret_input_ui(ui, "New agent's password", &mut view.new_password, true, idle);
        ui.label(RichText::new("At least 8 characters.").weak());
        if ui.button("Add agent").clicked() {
            forget_undo_history(ui, &field);
            command = Some(OpsCommand::AddAgent {
                name: view.new_name.clone(),
                role: view.new_role,
                password: view.new_password.take(),
            });
        }
    });
    command
}
