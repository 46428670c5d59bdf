//! Number formatting shared by pages: the core's, in the user's language.

pub use taoscope_core::format::*;
