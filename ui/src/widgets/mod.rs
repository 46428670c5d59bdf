//! Reusable widgets.

pub mod identicon;
pub mod qr;
pub mod status_bar;
