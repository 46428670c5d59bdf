//! The window teaches: Bittensor terms explain themselves in one sentence on hover and on
//! keyboard focus (and to screen readers, as the widget's description), and pages with
//! nothing to show say what belongs there and offer the next step.

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use taoscope_core::i18n::{has_key, translate};
use taoscope_core::network::Network;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::widgets::term::Term;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{app_harness, step_until};

fn closed_port() -> Network {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url")
}

fn offline_on(page: Page, snapshot: bool) -> (Harness<'static, TaoscopeApp>, tempfile::TempDir) {
    app_harness(
        closed_port(),
        LaunchOptions {
            page: Some(page),
            snapshot: snapshot.then_some(SnapshotChoice::Bundled),
            ..LaunchOptions::default()
        },
        [1280.0, 1200.0],
    )
}

fn focused_name(harness: &Harness<'_, TaoscopeApp>) -> Option<String> {
    let node = harness.query(by().predicate(|n| n.is_focused()))?;
    let n = node.accesskit_node();
    if n.role() == Role::Label {
        n.value()
    } else {
        n.label()
    }
}

#[test]
fn every_term_has_one_sentence_in_english_and_russian() {
    for term in Term::ALL {
        let key = term.key();
        for locale in ["en", "ru"] {
            assert!(has_key(locale, key), "{key} [{locale}]");
        }
        let (en, ru) = (translate("en", key), translate("ru", key));
        assert_ne!(en, ru, "{key}: Russian is not a copy of English");
        for text in [&en, &ru] {
            assert!(text.ends_with('.'), "{key}: one full sentence: {text}");
            assert!(
                text.len() < 260,
                "{key}: short enough for a tooltip: {text}"
            );
        }
    }
}

#[test]
fn a_table_header_explains_its_term_on_keyboard_focus() {
    let (mut harness, _dir) = offline_on(Page::Subnets, true);
    step_until(&mut harness, "Apex", 20);
    let tempo = Term::Tempo.explanation();
    assert!(harness.query_by_label(&tempo).is_none(), "hidden at first");
    // The header is the sort button; its sentence is also its accessible description.
    let header = harness
        .query_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.trim() == "Tempo")
        })
        .expect("the Tempo header");
    assert_eq!(
        header.accesskit_node().description().as_deref(),
        Some(tempo.as_str())
    );

    let mut reached = false;
    for _ in 0..80 {
        harness.key_press(Key::Tab);
        harness.run_steps(2);
        if focused_name(&harness).is_some_and(|n| n.trim() == "Tempo") {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the Tempo header");
    harness.run_steps(2);
    harness.get_by_label(&tempo);
    // Tab on: the sentence goes with the focus.
    harness.key_press(Key::Tab);
    harness.run_steps(3);
    assert!(
        harness.query_by_label(&tempo).is_none(),
        "hidden once focus moves on"
    );
}

#[test]
fn a_header_fact_explains_its_term_on_hover_and_is_focusable() {
    let (mut harness, _dir) = offline_on(Page::Subnet(1), true);
    step_until(&mut harness, "Incentive", 20);
    let burn = Term::Burn.explanation();
    assert!(harness.query_by_label(&burn).is_none());
    // The header's registration cost (the burn) is a label: hovering shows the sentence.
    let rect = harness
        .query_all_by_role(Role::Label)
        .find(|n| n.accesskit_node().value().as_deref() == Some("Registration cost"))
        .expect("the registration cost fact")
        .rect();
    harness.hover_at(rect.center());
    harness.run_steps(1);
    let started = std::time::Instant::now();
    while harness.query_by_label(&burn).is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the tooltip shows on hover"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        harness.step();
    }
    // Keyboard users get the same: the fact takes focus with Tab.
    harness.remove_cursor();
    harness.run_steps(3);
    let mut reached = false;
    for _ in 0..80 {
        harness.key_press(Key::Tab);
        harness.run_steps(2);
        if focused_name(&harness).as_deref() == Some("Registration cost") {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the registration cost fact");
    harness.get_by_label(&burn);
}

#[test]
fn stake_without_a_wallet_teaches_and_leads_to_the_wallet_page() {
    let (mut harness, _dir) = offline_on(Page::Stake, true);
    step_until(&mut harness, "Staking starts with a wallet", 20);
    harness.get_by_label_contains("Staking lends your TAO to a validator");
    // No steps to take without a signer: the empty state replaces them.
    assert!(harness.query_by_label("Pick a subnet").is_none());
    harness.get_by_label("Open the Wallet page").click();
    harness.run_steps(2);
    step_until(&mut harness, "No wallets here yet", 10);
}

#[test]
fn a_search_that_matches_nothing_says_so_and_clears() {
    let (mut harness, _dir) = offline_on(Page::Subnets, true);
    step_until(&mut harness, "Apex", 20);
    harness
        .get_by_role_and_label(Role::TextInput, "Search:")
        .focus();
    harness.run_steps(1);
    harness.event(egui::Event::Text("no such subnet".into()));
    harness.run_steps(2);
    harness.get_by_label("Nothing matches \"no such subnet\"");
    assert!(harness.query_by_label_contains("Apex").is_none());
    harness.get_by_label("Clear the search").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Apex");
    assert!(harness.query_by_label_contains("Nothing matches").is_none());
}

#[test]
fn whatif_without_a_metagraph_says_what_it_needs() {
    // The bundled snapshot holds subnet 1 only, and no node answers.
    let (mut harness, _dir) = offline_on(Page::WhatIf(77), true);
    step_until(&mut harness, "No metagraph to experiment on", 20);
    harness.get_by_label_contains("What-if reruns this subnet's epoch");
    harness.get_by_role_and_label(Role::Button, "Try again");
}
