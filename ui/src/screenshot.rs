//! Writing the window's pixels to a PNG.

use std::path::Path;

use taoscope_core::i18n::tr_with;

/// Saves an egui screenshot as an RGBA PNG.
pub fn write_png(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [width, height] = image.size;
    let mut bytes = Vec::with_capacity(width * height * 4);
    for pixel in &image.pixels {
        bytes.extend_from_slice(&pixel.to_srgba_unmultiplied());
    }
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(tr_with("screenshot.too_large", &[]));
    };
    let fail = |reason: String| {
        tr_with(
            "screenshot.write_failed",
            &[("path", &path.display()), ("reason", &reason)],
        )
    };
    let buffer =
        image::RgbaImage::from_raw(w, h, bytes).ok_or_else(|| fail("size mismatch".into()))?;
    buffer.save(path).map_err(|e| fail(e.to_string()))
}
