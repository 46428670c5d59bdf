//! The fonts Taoscope draws with, bundled in `assets/fonts/` so Russian (and every other
//! catalogue language) renders the same on every machine: egui's built-in fonts are only
//! fallbacks for symbols and emoji, never the text face.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// Noto Sans: Latin, Cyrillic and Greek (α, τ) for all proportional text.
pub const SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Mono: addresses, hashes and logs, with the same coverage.
pub const MONO: &[u8] = include_bytes!("../../assets/fonts/NotoSansMono-Regular.ttf");

const SANS_NAME: &str = "taoscope-sans";
const MONO_NAME: &str = "taoscope-mono";

/// The font definitions: the bundled faces first in each family, egui's own after them
/// so a rare symbol still has a glyph.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert(SANS_NAME.into(), Arc::new(FontData::from_static(SANS)));
    fonts
        .font_data
        .insert(MONO_NAME.into(), Arc::new(FontData::from_static(MONO)));
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, SANS_NAME.into());
    fonts
        .families
        .entry(FontFamily::Monospace)
        .or_default()
        .insert(0, MONO_NAME.into());
    fonts
}

/// Installs the bundled fonts into `ctx` (they take effect from the next frame).
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_faces_come_first_in_both_families() {
        let fonts = definitions();
        let first = |family| fonts.families.get(&family).and_then(|f| f.first()).cloned();
        assert_eq!(first(FontFamily::Proportional).as_deref(), Some(SANS_NAME));
        assert_eq!(first(FontFamily::Monospace).as_deref(), Some(MONO_NAME));
    }
}
