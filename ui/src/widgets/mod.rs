//! Reusable widgets.

pub mod status_bar;
