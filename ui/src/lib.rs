//! Taoscope's window: egui pages and widgets over core. The UI never blocks: it sends
//! requests to core (running on tokio) and draws whatever has come back.

pub mod app;
pub mod fonts;
pub mod format;
pub mod pages;
pub mod screenshot;
pub mod theme;
pub mod widgets;

use std::sync::Arc;

pub use app::{LaunchOptions, ScreenshotResult, SnapshotChoice, TaoscopeApp};
use taoscope_core::i18n::tr_with;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;

/// Opens the window and runs until it closes. In screenshot mode, returns the PNG's
/// path once written, or the reason it could not be.
pub fn run(options: LaunchOptions) -> Result<Option<std::path::PathBuf>, String> {
    let settings_path = Settings::default_path();
    let settings = Settings::load();
    taoscope_core::i18n::set_language(
        options
            .language
            .unwrap_or_else(|| settings.effective_language()),
    );
    let network = options
        .network
        .clone()
        .unwrap_or_else(|| settings.network.clone());
    let screenshot_result: ScreenshotResult = Arc::default();
    let result_for_app = screenshot_result.clone();
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Taoscope")
            .with_inner_size([1200.0, 760.0])
            .with_min_inner_size([800.0, 500.0])
            .with_icon(window_icon()),
        ..Default::default()
    };
    eframe::run_native(
        "Taoscope",
        native,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let waker = Arc::new(move || ctx.request_repaint());
            let core = CoreHandle::start(network, waker)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(TaoscopeApp::new(
                core,
                settings,
                settings_path,
                &options,
                result_for_app,
            )))
        }),
    )
    .map_err(|e| tr_with("app.window_failed", &[("reason", &e)]))?;
    let outcome = screenshot_result.lock().ok().and_then(|mut s| s.take());
    match outcome {
        Some(Ok(path)) => Ok(Some(path)),
        Some(Err(reason)) => Err(reason),
        None => Ok(None),
    }
}

/// The window and taskbar icon, from the same drawing as the installers' icons.
fn window_icon() -> egui::IconData {
    const PNG: &[u8] = include_bytes!("../../icons/128x128.png");
    // The PNG is ours and checked by a test; an empty icon only means the platform default.
    eframe::icon_data::from_png_bytes(PNG).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes_at_its_size() {
        let icon = super::window_icon();
        assert_eq!((icon.width, icon.height), (128, 128));
        assert_eq!(icon.rgba.len(), 128 * 128 * 4);
    }
}
