//! Charts with plotters, drawn straight into egui: a plotters drawing backend over an
//! egui painter, so charts share the app's fonts, colours and scaling and need no textures.

use std::convert::Infallible;

use egui::{Color32, FontId, Pos2, Rect, Stroke};
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    text_anchor::{HPos, VPos},
};

/// A plotters backend that paints into an egui rectangle.
pub struct EguiBackend {
    painter: egui::Painter,
    rect: Rect,
}

impl EguiBackend {
    /// A backend covering `rect` of `painter`.
    pub fn new(painter: egui::Painter, rect: Rect) -> Self {
        EguiBackend { painter, rect }
    }

    fn pos(&self, (x, y): BackendCoord) -> Pos2 {
        Pos2::new(self.rect.min.x + x as f32, self.rect.min.y + y as f32)
    }
}

fn colour(c: BackendColor) -> Color32 {
    let (r, g, b) = c.rgb;
    Color32::from_rgba_unmultiplied(r, g, b, (c.alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

impl DrawingBackend for EguiBackend {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        (
            self.rect.width().max(0.0) as u32,
            self.rect.height().max(0.0) as u32,
        )
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let min = self.pos(point);
        self.painter.rect_filled(
            Rect::from_min_size(min, egui::vec2(1.0, 1.0)),
            0.0,
            colour(c),
        );
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let stroke = Stroke::new(style.stroke_width() as f32, colour(style.color()));
        self.painter
            .line_segment([self.pos(from), self.pos(to)], stroke);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let rect = Rect::from_two_pos(self.pos(upper_left), self.pos(bottom_right));
        let c = colour(style.color());
        if fill {
            self.painter.rect_filled(rect, 0.0, c);
        } else {
            let stroke = Stroke::new(style.stroke_width() as f32, c);
            self.painter
                .rect_stroke(rect, 0.0, stroke, egui::StrokeKind::Inside);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let points: Vec<Pos2> = path.into_iter().map(|p| self.pos(p)).collect();
        let stroke = Stroke::new(style.stroke_width() as f32, colour(style.color()));
        self.painter.add(egui::Shape::line(points, stroke));
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = colour(style.color());
        if fill {
            self.painter
                .circle_filled(self.pos(center), radius as f32, c);
        } else {
            self.painter.circle_stroke(
                self.pos(center),
                radius as f32,
                Stroke::new(style.stroke_width() as f32, c),
            );
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let points: Vec<Pos2> = vert.into_iter().map(|p| self.pos(p)).collect();
        // egui fills convex polygons only; plotters' areas under a curve are drawn as
        // vertical strips of the same colour, so fan triangles from the first point.
        let c = colour(style.color());
        let mut mesh = egui::Mesh::default();
        for p in &points {
            mesh.colored_vertex(*p, c);
        }
        for i in 1..points.len().saturating_sub(1) {
            mesh.add_triangle(0, i as u32, i as u32 + 1);
        }
        self.painter.add(egui::Shape::mesh(mesh));
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let anchor = style.anchor();
        let align = egui::Align2([
            match anchor.h_pos {
                HPos::Left => egui::Align::Min,
                HPos::Center => egui::Align::Center,
                HPos::Right => egui::Align::Max,
            },
            match anchor.v_pos {
                VPos::Top => egui::Align::Min,
                VPos::Center => egui::Align::Center,
                VPos::Bottom => egui::Align::Max,
            },
        ]);
        let font = FontId::proportional(style.size() as f32);
        self.painter
            .text(self.pos(pos), align, text, font, colour(style.color()));
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let galley = self.painter.layout_no_wrap(
            text.to_string(),
            FontId::proportional(style.size() as f32),
            Color32::WHITE,
        );
        Ok((galley.size().x.ceil() as u32, galley.size().y.ceil() as u32))
    }
}

/// Reserves `size` in `ui` and returns a plotters drawing area over it.
pub fn chart_area(
    ui: &mut egui::Ui,
    size: egui::Vec2,
) -> DrawingArea<EguiBackend, plotters::coord::Shift> {
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    EguiBackend::new(ui.painter_at(rect), rect).into_drawing_area()
}

/// A plotters colour from an egui one.
pub fn plot_colour(c: Color32) -> plotters::style::RGBColor {
    plotters::style::RGBColor(c.r(), c.g(), c.b())
}
