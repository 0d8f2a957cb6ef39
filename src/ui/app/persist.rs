//! What the window remembers between runs: eframe saves the window's place itself, and this
//! saves egui's memory (the theme, column widths) without any scroll position, because a
//! scroll position is a place inside someone's data.

/// The key eframe loads egui's memory from when the window opens.
const EGUI_MEMORY_KEY: &str = "egui";

/// egui's memory as it is to be saved: everything but where scroll areas are scrolled to.
pub fn memory_to_save(ctx: &egui::Context) -> egui::Memory {
    let mut memory = ctx.memory(Clone::clone);
    // Tables and pages scroll inside an account's rows; the next person to open the window
    // starts at the top of their own.
    memory.data.remove_by_type::<egui::scroll_area::State>();
    memory
}

/// Saves egui's memory, without scroll positions, where eframe reads it back at start-up.
pub fn save_memory(ctx: &egui::Context, storage: &mut dyn eframe::Storage) {
    eframe::set_value(storage, EGUI_MEMORY_KEY, &memory_to_save(ctx));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_saved_memory_keeps_the_theme_and_no_scroll_position() {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::ThemePreference::Light);
        let scrolled = std::cell::Cell::new(None);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let output = egui::ScrollArea::vertical()
                .id_salt("rows")
                .vertical_scroll_offset(400.0)
                .show(ui, |ui| ui.allocate_space(egui::vec2(100.0, 10_000.0)));
            scrolled.set(Some(output.id));
        });
        // Nothing draws the frame: its font texture is not wanted.
        output.textures_delta.clear();
        let id = scrolled.get().expect("the scroll area was drawn");
        assert!(
            ctx.data_mut(|data| data.get_persisted::<egui::scroll_area::State>(id)).is_some(),
            "egui itself would save the scroll position"
        );

        let mut saved = memory_to_save(&ctx);
        assert!(saved.data.get_persisted::<egui::scroll_area::State>(id).is_none());
        assert_eq!(saved.options.theme_preference, egui::ThemePreference::Light);

        // A memory saved before scroll positions were left out still holds one: it is dropped
        // at the next save.
        let old = ron::to_string(&ctx.memory(Clone::clone)).expect("the memory serializes");
        let reopened = egui::Context::default();
        reopened.memory_mut(|memory| *memory = ron::from_str(&old).expect("the memory reads back"));
        let mut saved = memory_to_save(&reopened);
        assert!(saved.data.get_persisted::<egui::scroll_area::State>(id).is_none());
    }
}
