//! Every page driven to its main action with the keyboard alone: Tab moves the focus from
//! nothing focused to the control, Enter presses it, and typed text goes into the focused
//! field. No test here clicks; `tab_to` fails when Tab never reaches the control.

use std::path::Path;
use std::sync::{Arc, Mutex};

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use taoscope_core::keys::{AccountId, Keypair};
use taoscope_core::network::Network;
use taoscope_core::scripted_peer::{ScriptedChain, ScriptedPeer, StakeScene};
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::app::SnapshotChoice;
use taoscope_ui::pages::Page;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::{copy_dir, step_until};

/// The language is one setting for the whole process: the test that switches it runs alone
/// (write), the others side by side (read).
static LANGUAGE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Most Tab presses any control may need (the navigation comes first, then the page).
const MAX_TABS: usize = 150;

const ALICE: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

/// The focused node's role and name (a label's name is its text), if anything has focus.
fn focused(harness: &Harness<'_, TaoscopeApp>) -> Option<(Role, String)> {
    let node = harness.query(by().predicate(|n| n.is_focused()))?;
    let n = node.accesskit_node();
    let name = if n.role() == Role::Label {
        n.value()
    } else {
        n.label()
    };
    Some((n.role(), name.unwrap_or_default()))
}

/// Presses Tab until the focused control is `role` named as `matches` accepts, and returns
/// how many presses it took; fails when it is never reached.
fn tab_to(
    harness: &mut Harness<'_, TaoscopeApp>,
    role: Role,
    matches: impl Fn(&str) -> bool,
    what: &str,
) -> usize {
    let mut seen = Vec::new();
    for presses in 1..=MAX_TABS {
        harness.key_press(Key::Tab);
        harness.run_steps(2);
        if let Some((r, name)) = focused(harness) {
            if r == role && matches(&name) {
                return presses;
            }
            seen.push(format!("{r:?} {name}"));
        }
    }
    panic!("Tab never reached {what}; it went through {seen:?}");
}

/// Tab to the control `role` named exactly `name`.
fn tab_to_named(harness: &mut Harness<'_, TaoscopeApp>, role: Role, name: &str) -> usize {
    tab_to(harness, role, |n| n == name, name)
}

/// Presses Enter on the focused control and lets the frame after it run.
fn enter(harness: &mut Harness<'_, TaoscopeApp>) {
    harness.key_press(Key::Enter);
    harness.run_steps(2);
}

/// Replaces the focused field's text with `text`, as a person selects all and types.
fn type_text(harness: &mut Harness<'_, TaoscopeApp>, text: &str) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    harness.event(egui::Event::Text(text.to_string()));
    harness.run_steps(2);
}

/// Nothing has focus: the test starts where a person who just opened the page starts.
fn assert_nothing_focused(harness: &Harness<'_, TaoscopeApp>) {
    assert_eq!(focused(harness), None, "a fresh page has no focus");
}

/// A URL nothing listens on: the app is offline.
fn closed_port() -> Network {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url")
}

/// The app on `network` and `page`, in English, with wallets from `wallets`.
fn app(
    dir: &Path,
    network: Network,
    options: LaunchOptions,
    size: [f32; 2],
) -> Harness<'static, TaoscopeApp> {
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(dir.join("wallets")),
        ..Settings::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(dir.join("settings.json")),
        &options,
        Arc::new(Mutex::new(None)),
    );
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app)
}

fn with_alice(dir: &Path) {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/keys/wallets");
    copy_dir(
        &vectors.join("alice-nacl"),
        &dir.join("wallets").join("alice-nacl"),
    );
}

fn on(page: Page, snapshot: bool) -> LaunchOptions {
    LaunchOptions {
        page: Some(page),
        snapshot: snapshot.then_some(SnapshotChoice::Bundled),
        ..LaunchOptions::default()
    }
}

#[test]
fn wallet_create_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Wallet, false),
        [1200.0, 1000.0],
    );
    step_until(&mut harness, "No wallets here yet", 10);
    assert_nothing_focused(&harness);

    tab_to_named(&mut harness, Role::Button, "Create a wallet");
    enter(&mut harness);
    tab_to(&mut harness, Role::TextInput, |_| true, "the name field");
    type_text(&mut harness, "keyboard");
    tab_to(&mut harness, Role::PasswordInput, |_| true, "the password");
    type_text(&mut harness, "typed-by-keys-only-9");
    harness.key_press(Key::Tab);
    harness.run_steps(2);
    assert_eq!(
        focused(&harness).map(|(role, _)| role),
        Some(Role::PasswordInput),
        "Tab goes from the password to its repeat"
    );
    type_text(&mut harness, "typed-by-keys-only-9");
    tab_to_named(&mut harness, Role::Button, "Next");
    enter(&mut harness);
    harness.get_by_label_contains("Do not take a screenshot");

    // The words as shown on screen ("N. word"), then the three-word check.
    let mut words = Vec::new();
    for n in 1..=24 {
        let prefix = format!("{n:>2}. ");
        if let Some(word) = harness
            .query_all_by_label_contains(&prefix)
            .filter_map(|node| node.accesskit_node().value())
            .find(|l| l.starts_with(&prefix))
        {
            words.push(word[prefix.len()..].to_string());
        }
    }
    assert_eq!(words.len(), 12, "{words:?}");
    tab_to_named(&mut harness, Role::Button, "I have written them down");
    enter(&mut harness);
    let asked: Vec<usize> = harness
        .query_all_by_label_contains("Word ")
        .filter_map(|n| n.accesskit_node().value())
        .filter_map(|l| {
            l.trim_start_matches("Word ")
                .trim_end_matches(':')
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(asked.len(), 3, "{asked:?}");
    tab_to(&mut harness, Role::TextInput, |_| true, "the first answer");
    for (i, number) in asked.iter().enumerate() {
        if i > 0 {
            harness.key_press(Key::Tab);
            harness.run_steps(2);
        }
        type_text(&mut harness, words.get(number - 1).expect("asked word"));
    }
    tab_to_named(&mut harness, Role::Button, "Create the wallet");
    enter(&mut harness);
    step_until(&mut harness, "Your wallet is ready", 120);
    assert!(dir.path().join("wallets/keyboard/coldkeypub.txt").exists());
}

#[test]
fn stake_reaches_the_review_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    with_alice(dir.path());
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Stake, true),
        [1200.0, 1000.0],
    );
    step_until(&mut harness, "SN1 · Apex", 20);
    assert_nothing_focused(&harness);

    tab_to_named(&mut harness, Role::Button, "SN1 · Apex");
    enter(&mut harness);
    step_until(&mut harness, "Pick a validator on SN1", 20);
    step_until(&mut harness, "UID ", 20);
    tab_to(
        &mut harness,
        Role::Button,
        |n| n.starts_with("UID "),
        "a validator",
    );
    enter(&mut harness);
    tab_to_named(&mut harness, Role::TextInput, "Amount");
    type_text(&mut harness, "10");
    // No node: the offline estimate stands in for the quote, and Review opens it.
    step_until(&mut harness, "Offline estimate", 30);
    tab_to_named(&mut harness, Role::Button, "Review");
    enter(&mut harness);
    harness.get_by_label("Review before signing");
    harness.get_by_label("τ10");
}

/// A scripted node that quotes a transfer from alice (balance, nonce, fee).
fn transfer_node() -> (tokio::runtime::Runtime, ScriptedPeer) {
    let metadata = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let mut chain =
        ScriptedChain::new(std::fs::read(metadata).expect("metadata"), 2_000).expect("chain");
    chain
        .stage(&StakeScene {
            signer: *AccountId::from_ss58(ALICE).expect("alice").as_bytes(),
            free_rao: 10_000_000_000,
            nonce: 3,
            netuid: 1,
            validator: *Keypair::from_uri("//Charlie")
                .expect("charlie")
                .account_id()
                .as_bytes(),
            owner: *Keypair::from_uri("//Bob")
                .expect("bob")
                .account_id()
                .as_bytes(),
            uid: 0,
            price_rao_per_alpha: 40_000_000,
            buy: (1_500_000_000, 37_400_000_000, 750_000, 81_250_000),
            fee_rao: 215_000,
        })
        .expect("scene");
    let chain = Arc::new(chain);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let peer = rt
        .block_on(ScriptedPeer::start(move |m, p| chain.answer(m, p)))
        .expect("peer");
    (rt, peer)
}

#[test]
fn send_tao_reaches_the_review_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let (_rt, peer) = transfer_node();
    let dir = tempfile::tempdir().expect("tempdir");
    with_alice(dir.path());
    let network = Network::parse(&peer.url()).expect("url");
    let mut harness = app(
        dir.path(),
        network,
        on(Page::Wallet, false),
        [1200.0, 1000.0],
    );
    step_until(&mut harness, "alice-nacl", 10);
    assert_nothing_focused(&harness);

    tab_to_named(&mut harness, Role::Button, "Send TAO");
    enter(&mut harness);
    harness.get_by_label("Send TAO from alice-nacl");
    tab_to(&mut harness, Role::TextInput, |_| true, "the destination");
    type_text(&mut harness, BOB);
    harness.get_by_label_contains("Valid Bittensor address");
    tab_to_named(&mut harness, Role::TextInput, "Amount");
    type_text(&mut harness, "1");
    step_until(&mut harness, "Network fee about", 30);
    tab_to_named(&mut harness, Role::Button, "Review");
    enter(&mut harness);
    harness.get_by_label("Review before signing");
    harness.get_by_label_contains(BOB);
}

#[test]
fn subnets_open_a_subnet_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Subnets, true),
        [1280.0, 1000.0],
    );
    step_until(&mut harness, "Apex", 20);
    assert_nothing_focused(&harness);
    assert!(harness.query_by_label("Subnet 1").is_none());

    tab_to(
        &mut harness,
        Role::Link,
        |n| n.ends_with("Apex"),
        "subnet 1's name",
    );
    enter(&mut harness);
    step_until(&mut harness, "Subnet 1", 20);
}

#[test]
fn subnet_opens_a_neuron_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Subnet(1), true),
        [1280.0, 1400.0],
    );
    step_until(&mut harness, "Incentive", 20);
    assert_nothing_focused(&harness);
    assert!(harness.query_by_label_contains("Validator trust").is_none());

    // The first row's UID (largest stake first; "N V" marks a validator).
    let name = {
        tab_to(
            &mut harness,
            Role::Link,
            |n| n.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "a UID",
        );
        focused(&harness).expect("focused").1
    };
    enter(&mut harness);
    let uid = name.split_whitespace().next().expect("uid");
    assert!(
        harness
            .query_all_by_label(&format!("UID {uid}"))
            .next()
            .is_some(),
        "the details of UID {uid} opened"
    );
    harness.get_by_label_contains("Validator trust");
}

#[test]
fn forecast_calculates_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Forecast, true),
        [1280.0, 1400.0],
    );
    step_until(&mut harness, "Try a position", 20);
    step_until(&mut harness, "Per day", 20);
    assert_nothing_focused(&harness);

    tab_to_named(&mut harness, Role::TextInput, "Alpha to stake:");
    type_text(&mut harness, "1000");
    // The same figure as the label-driven test and `taoscope forecast rewards`.
    step_until(&mut harness, "α1.4248", 5);
}

#[test]
fn whatif_reruns_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::WhatIf(1), true),
        [1280.0, 1600.0],
    );
    step_until(&mut harness, "the largest shares as they stand", 30);
    assert_nothing_focused(&harness);
    assert!(harness.query_by_label("The UIDs that moved most").is_none());

    tab_to_named(&mut harness, Role::Button, "Clear row");
    enter(&mut harness);
    step_until(&mut harness, "The UIDs that moved most", 20);
    harness.get_by_label("This row sets no weights.");
}

#[test]
fn miner_picks_a_profile_and_starts_by_keyboard() {
    let _language = LANGUAGE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let profiles = dir.path().join("profiles");
    let wallets = dir.path().join("wallets");
    std::fs::create_dir_all(&profiles).expect("dir");
    std::fs::create_dir_all(wallets.join("default/hotkeys")).expect("dir");
    std::fs::write(
        wallets.join("default/hotkeys/defaultpub.txt"),
        r#"{"ss58Address": "5HCFWvRqzSHWRPecN7q8J6c7aKQnrCZTMHstPv39xL1wgDHh"}"#,
    )
    .expect("hotkey");
    // A profile that needs no GPU, whose setup only prints: nothing long-lived starts.
    std::fs::write(
        profiles.join("keys-miner.toml"),
        "name = \"keys-miner\"\nnetuid = 1\ndisplay_name = \"Keys miner\"\n\
         description = \"Started from the keyboard.\"\n[gpu]\nmin_vram_mb = 0\nclass = \"none\"\n\
         [[setup]]\nname = \"prepare\"\ncommand = [\"sh\", \"-c\", \"echo preparing for {hotkey}\"]\n\
         [launch]\ncommand = [\"sh\", \"-c\", \"exit 0\"]\n",
    )
    .expect("profile");
    let options = LaunchOptions {
        page: Some(Page::Miner),
        snapshot: Some(SnapshotChoice::Bundled),
        miners_dir: Some(dir.path().join("miners")),
        miner_profiles_dir: Some(profiles),
        ..LaunchOptions::default()
    };
    let mut harness = app(dir.path(), closed_port(), options, [1280.0, 1200.0]);
    step_until(&mut harness, "1 · Keys miner", 20);
    assert_nothing_focused(&harness);
    assert!(
        harness
            .query_by_label_contains("The registration could not be checked")
            .is_none()
    );

    tab_to_named(&mut harness, Role::Button, "1 · Keys miner");
    enter(&mut harness);
    harness.get_by_label("Started from the keyboard.");
    tab_to_named(&mut harness, Role::Button, "Start");
    enter(&mut harness);
    // Offline, the registration check cannot answer: the run has begun and says so.
    step_until(&mut harness, "The registration could not be checked", 30);
    step_until(&mut harness, "preparing for default", 10);
}

#[test]
fn settings_change_the_language_by_keyboard() {
    let _language = LANGUAGE.write().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app(
        dir.path(),
        closed_port(),
        on(Page::Settings, false),
        [1200.0, 900.0],
    );
    step_until(&mut harness, "Appearance", 10);
    assert_nothing_focused(&harness);

    tab_to_named(&mut harness, Role::RadioButton, "Русский");
    enter(&mut harness);
    harness.get_by_role_and_label(Role::Button, "Настройки");
    assert_eq!(
        harness.state().settings().language,
        Some(taoscope_core::i18n::Language::Ru)
    );
    taoscope_core::i18n::set_language(taoscope_core::i18n::Language::En);
}
