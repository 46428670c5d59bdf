//! A QR code of an address, so a phone wallet can scan it.

use egui::{Color32, Rect, Sense, Vec2};

/// Draws `text` as a QR code `size` points wide, dark on white with a quiet zone.
pub fn qr_ui(ui: &mut egui::Ui, text: &str, size: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, Color32::WHITE);
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return response;
    };
    let width = code.width();
    let quiet = 2.0;
    let cell = size / (width as f32 + 2.0 * quiet);
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (x, y) = ((i % width) as f32, (i / width) as f32);
            let min = rect.min + Vec2::new((x + quiet) * cell, (y + quiet) * cell);
            painter.rect_filled(
                Rect::from_min_size(min, Vec2::splat(cell)),
                0.0,
                Color32::BLACK,
            );
        }
    }
    response
}
