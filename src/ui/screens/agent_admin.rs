//! The admin page: the agents (add, disable, enable, reset a password) and the
//! whole-database backup. Admins only; every action is checked again in core.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::core::{AgentId, Role};
use crate::service::staff::AgentRow;
use crate::ui::agent_ops::{OpsCommand, SaveTarget, save_target_ui};
use crate::ui::command::Command;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::secret_field::{SecretField, forget_undo_history, secret_input_ui};
use crate::ui::widgets::{error_text_ui, progress_ui};

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
    /// What the agent worker is doing, if anything.
    pub busy: Option<&'static str>,
    /// The outcome of the last change.
    pub notice: Option<String>,
    /// Why the last change failed.
    pub error: Option<String>,
    /// The whole-database backup.
    pub backup: SaveTarget,
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
            busy: None,
            notice: None,
            error: None,
            backup: SaveTarget::default(),
        }
    }
}

/// Draws the admin page for the agent `me`, whose role is `role`.
pub fn agent_admin_ui(ui: &mut Ui, view: &mut AdminView, me: AgentId, role: Role) -> Option<Command> {
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
                if let Some(row_command) = agents_table_ui(ui, agents, me, view.busy.is_none()) {
                    command = Some(row_command);
                }
            }
        }
        if let Some(agent) = view.reset_for
            && let Some(reset) = reset_ui(ui, view, agent)
        {
            command = Some(reset);
        }
        if let Some(busy) = view.busy {
            progress_ui(ui, busy);
        }
        if let Some(notice) = &view.notice {
            ui.label(RichText::new(notice).color(theme::accent(ui.visuals())));
        }
        if let Some(error) = &view.error {
            error_text_ui(ui, error);
        }

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
            concat!("e.g. ", documents_example!("closedesk-copy.db")),
            "Save copy",
            true,
        );
        if let Some(action) = action {
            command = Some(OpsCommand::BackupDatabase(action));
        }
    });
    command.map(Command::Ops)
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
                for title in ["Name", "Role", "State", ""] {
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
                                let (verb, disabled) =
                                    if agent.disabled { ("Enable", false) } else { ("Disable", true) };
                                if agent.id != me && ui.small_button(format!("{verb} {}", agent.name)).clicked() {
                                    command = Some(OpsCommand::SetDisabled { agent: agent.id, disabled });
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

fn reset_ui(ui: &mut Ui, view: &mut AdminView, agent: AgentId) -> Option<OpsCommand> {
    let name =
        view.agents.ready().and_then(|agents| agents.iter().find(|row| row.id == agent)).map(|row| row.name.clone())?;
    let mut command = None;
    let idle = view.busy.is_none();
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(420.0));
        let field = secret_input_ui(ui, &format!("New password for {name}"), &mut view.reset_password, true, idle);
        ui.horizontal(|ui| {
            if ui.add_enabled(idle && !view.reset_password.is_empty(), egui::Button::new("Set password")).clicked() {
                forget_undo_history(ui, &field);
                command = Some(OpsCommand::ResetPassword { agent, password: view.reset_password.take() });
            }
            if ui.add_enabled(idle, egui::Button::new("Cancel")).clicked() {
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
        ui.add(egui::TextEdit::singleline(&mut view.new_name).desired_width(f32::INFINITY)).labelled_by(label.id);
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
