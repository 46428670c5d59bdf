//! Reusable widgets.

pub mod chart;
pub mod heatmap;
pub mod identicon;
pub mod qr;
pub mod status_bar;
pub mod tx_flow;
