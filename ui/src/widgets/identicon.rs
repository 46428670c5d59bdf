//! The Polkadot identicon: 19 coloured circles derived from an account's public key, the
//! picture polkadot.js, Talisman and btcli users already recognise for an address.

use blake2::{Blake2b512, Digest};
use egui::{Color32, Pos2, Sense, Vec2};
use taoscope_core::keys::AccountId;

/// Colour indices per scheme (19 circles), and how often each scheme is picked.
const SCHEMES: [([u8; 19], u32); 7] = [
    (
        [
            0, 28, 0, 0, 28, 0, 0, 28, 0, 0, 28, 0, 0, 28, 0, 0, 28, 0, 1,
        ],
        1,
    ),
    (
        [0, 1, 3, 2, 4, 3, 0, 1, 3, 2, 4, 3, 0, 1, 3, 2, 4, 3, 5],
        20,
    ),
    (
        [1, 2, 3, 1, 2, 4, 5, 5, 4, 1, 2, 3, 1, 2, 4, 5, 5, 4, 0],
        16,
    ),
    (
        [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 3],
        32,
    ),
    (
        [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 6],
        32,
    ),
    (
        [0, 1, 2, 3, 4, 5, 3, 4, 2, 0, 1, 6, 7, 8, 9, 7, 8, 6, 10],
        128,
    ),
    (
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 8, 6, 7, 5, 3, 4, 2, 11],
        128,
    ),
];

/// One circle of the identicon, in a 64×64 box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    /// Centre.
    pub centre: Pos2,
    /// Radius.
    pub radius: f32,
    /// Fill (fully transparent circles are skipped when drawing).
    pub colour: Color32,
}

fn hsl(hue: f32, saturation: f32, lightness: f32) -> Color32 {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(byte(r), byte(g), byte(b))
}

/// The circle colours for `account`, in drawing order.
pub fn colours(account: &AccountId) -> [Color32; 19] {
    let zero = Blake2b512::digest([0u8; 32]);
    let hash = Blake2b512::digest(account.as_bytes());
    let id: Vec<u8> = hash
        .iter()
        .zip(zero.iter())
        .map(|(x, z)| x.wrapping_sub(*z))
        .collect();
    let byte = |i: usize| id.get(i).copied().unwrap_or(0);
    let total: u32 = SCHEMES.iter().map(|(_, f)| f).sum();
    let d = (u32::from(byte(30)) + u32::from(byte(31)) * 256) % total;
    let rotation = usize::from(byte(28) % 6) * 3;
    let saturation = ((u32::from(byte(29)) * 70 / 256 + 26) % 80 + 30) as f32 / 100.0;
    let mut cumulative = 0;
    let scheme = SCHEMES
        .iter()
        .find(|(_, freq)| {
            cumulative += freq;
            d < cumulative
        })
        .map_or(&SCHEMES[0].0, |(colours, _)| colours);
    let palette: Vec<Color32> = id
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let b = (usize::from(*x) + i % 28 * 58) % 256;
            match b {
                0 => Color32::from_gray(0x44),
                255 => Color32::TRANSPARENT,
                _ => {
                    let hue = ((b % 64) * 360 / 64) as f32;
                    let lightness = [0.53, 0.15, 0.35, 0.75][b / 64];
                    hsl(hue, saturation, lightness)
                }
            }
        })
        .collect();
    std::array::from_fn(|i| {
        let slot = if i < 18 { (i + rotation) % 18 } else { 18 };
        let index = usize::from(scheme[slot]);
        palette.get(index).copied().unwrap_or(Color32::TRANSPARENT)
    })
}

/// The 19 circles of `account`'s identicon in a 64×64 box.
pub fn circles(account: &AccountId) -> Vec<Circle> {
    const C: f32 = 32.0;
    let r = C / 4.0 * 3.0;
    let (ro2, r3o4, ro4) = (r / 2.0, r * 3.0 / 4.0, r / 4.0);
    let root3 = 3f32.sqrt();
    let (rroot3o2, rroot3o4) = (r * root3 / 2.0, r * root3 / 4.0);
    let centres = [
        (C, C - r),
        (C, C - ro2),
        (C - rroot3o4, C - r3o4),
        (C - rroot3o2, C - ro2),
        (C - rroot3o4, C - ro4),
        (C - rroot3o2, C),
        (C - rroot3o2, C + ro2),
        (C - rroot3o4, C + ro4),
        (C - rroot3o4, C + r3o4),
        (C, C + r),
        (C, C + ro2),
        (C + rroot3o4, C + r3o4),
        (C + rroot3o2, C + ro2),
        (C + rroot3o4, C + ro4),
        (C + rroot3o2, C),
        (C + rroot3o2, C - ro2),
        (C + rroot3o4, C - ro4),
        (C + rroot3o4, C - r3o4),
        (C, C),
    ];
    centres
        .iter()
        .zip(colours(account))
        .map(|(&(x, y), colour)| Circle {
            centre: Pos2::new(x, y),
            radius: 5.0,
            colour,
        })
        .collect()
}

/// Draws `account`'s identicon at `size` points; hovering shows the address.
pub fn identicon_ui(ui: &mut egui::Ui, account: &AccountId, size: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    let scale = size / 64.0;
    let painter = ui.painter_at(rect);
    painter.circle_filled(rect.center(), size / 2.0, Color32::from_gray(0xee));
    for circle in circles(account) {
        if circle.colour != Color32::TRANSPARENT {
            let centre = rect.min + circle.centre.to_vec2() * scale;
            painter.circle_filled(centre, circle.radius * scale, circle.colour);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identicons_are_stable_and_differ_between_accounts() {
        let alice = AccountId::from_ss58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
            .expect("address");
        let bob = AccountId::from_ss58("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty")
            .expect("address");
        assert_eq!(colours(&alice), colours(&alice));
        assert_ne!(colours(&alice), colours(&bob));
        assert_eq!(circles(&alice).len(), 19);
        // Symmetric layout: the first and tenth circles sit on the vertical axis.
        let c = circles(&alice);
        assert_eq!(c[0].centre.x, 32.0);
        assert_eq!(c[9].centre.x, 32.0);
    }

    #[test]
    fn hsl_matches_css() {
        assert_eq!(hsl(0.0, 1.0, 0.5), Color32::from_rgb(255, 0, 0));
        assert_eq!(hsl(120.0, 1.0, 0.25), Color32::from_rgb(0, 128, 0));
    }
}
