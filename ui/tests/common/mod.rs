//! Helpers the UI test files share.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_ui::TaoscopeApp;

/// Steps the app until some node's label contains `label`, failing after `seconds`.
pub fn step_until(harness: &mut Harness<'_, TaoscopeApp>, label: &str, seconds: u64) {
    let started = Instant::now();
    while harness.query_all_by_label_contains(label).next().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(seconds),
            "'{label}' never appeared"
        );
        std::thread::sleep(Duration::from_millis(40));
        harness.step();
    }
}
