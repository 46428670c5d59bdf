//! The Stake page against a scripted JSON-RPC node serving spec-393 answers: subnet 1
//! ("apex", made up) with its pool, validators and delegates. The review shows the node's
//! own `sim_swap` quote; the progress run signs with the alice-nacl test wallet, sends
//! once, follows the transaction to a final block and reads the new position past the
//! answer cached before it.
use std::path::Path;
use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use taoscope_core::keys::AccountId;
use taoscope_core::network::Network;
use taoscope_core::scripted_peer::{ScriptedChain, ScriptedPeer, StakeScene, SubnetScene};
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;
use taoscope_ui::pages::Page;
use taoscope_ui::pages::stake::StakeScript;
use taoscope_ui::{LaunchOptions, TaoscopeApp};

mod common;
use common::step_until;

/// alice-nacl's coldkey and its password.
const COLDKEY: &str = "5CY5SPdYA8kErKEZJ2ZXkKTknnns7WuKAD45rNC7EgnftDg1";
const PASSWORD: &str = "correct horse battery staple";

fn chain() -> ScriptedChain {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let mut chain =
        ScriptedChain::new(std::fs::read(path).expect("metadata"), 2_000).expect("chain");
    let signer = *AccountId::from_ss58(COLDKEY).expect("address").as_bytes();
    let subnet = SubnetScene::apex_demo(500_000_000);
    let validator = subnet.neurons.first().expect("a validator").hotkey;
    chain
        .stage(&StakeScene {
            signer,
            free_rao: 12_500_000_000,
            nonce: 3,
            netuid: 1,
            validator,
            owner: subnet.owner_coldkey,
            uid: 0,
            price_rao_per_alpha: 40_000_000,
            buy: (0, 0, 0, 0),
            fee_rao: 215_000,
        })
        .expect("scene");
    chain.serve_subnet(&subnet).expect("subnet");
    chain.credit_stake = Some((signer, validator));
    chain.succeed_in_next_block().expect("landing");
    chain
}

struct Scene {
    harness: Harness<'static, TaoscopeApp>,
    peer: ScriptedPeer,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn scene(script: StakeScript) -> Scene {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let chain = Arc::new(chain());
    let peer = runtime
        .block_on(ScriptedPeer::start(move |m, p| chain.answer(m, p)))
        .expect("peer");
    let dir = tempfile::tempdir().expect("tempdir");
    let wallets = dir.path().join("wallets");
    let wallet = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/keys/wallets/alice-nacl/coldkey");
    std::fs::create_dir_all(wallets.join("alice")).expect("dir");
    std::fs::copy(&wallet, wallets.join("alice/coldkey")).expect("coldkey");
    let public = wallet.with_file_name("coldkeypub.txt");
    std::fs::copy(&public, wallets.join("alice/coldkeypub.txt")).expect("coldkeypub");
    let network = Network::parse(&peer.url()).expect("url");
    let core = CoreHandle::start(network.clone(), Arc::new(|| {})).expect("core");
    let settings = Settings {
        network,
        language: Some(taoscope_core::i18n::Language::En),
        wallet_path: Some(wallets),
        ..Settings::default()
    };
    let options = LaunchOptions {
        page: Some(Page::StakeScripted(script)),
        script_password: Some(zeroize::Zeroizing::new(PASSWORD.to_string())),
        ..LaunchOptions::default()
    };
    let app = TaoscopeApp::new(
        core,
        settings,
        Some(dir.path().join("s.json")),
        &options,
        Arc::new(Mutex::new(None)),
    );
    let harness = Harness::builder()
        .with_size([1280.0, 1400.0])
        .build_ui_state(|ui, app: &mut TaoscopeApp| app.frame_ui(ui), app);
    Scene {
        harness,
        peer,
        _runtime: runtime,
        _dir: dir,
    }
}

/// Both runs share one test: a submission writes the pending-transactions journal under
/// `TAOSCOPE_CONFIG_DIR`, set here before any thread starts.
#[test]
fn add_stake_is_quoted_by_the_node_signed_once_and_read_back_after_finality() {
    let config = tempfile::tempdir().expect("config dir");
    // SAFETY: set before this binary starts any other thread; nothing else reads it yet.
    unsafe { std::env::set_var("TAOSCOPE_CONFIG_DIR", config.path()) };

    // The review: 10 TAO into the pool of 120,000 TAO / 3,000,000 alpha buys about
    // 249.85 alpha (constant product, 0.05% pool fee), quoted by the node's sim_swap.
    let mut review = scene(StakeScript::Review);
    step_until(&mut review.harness, "Review before signing", 60);
    review.harness.get_by_label_contains("α249.85");
    review.harness.get_by_label("τ0.000215");
    // The chain's own stake fee (get_stake_fee), in the token paid in.
    review.harness.get_by_label("Stake fee");
    review.harness.get_by_label("τ0.00005");
    assert!(
        review.peer.count("state_call") > 0,
        "the quote came from the node"
    );
    let quoted = review.peer.calls().iter().any(|(m, p)| {
        m == "state_call"
            && p.first().and_then(|v| v.as_str()) == Some("SwapRuntimeApi_sim_swap_tao_for_alpha")
    });
    assert!(quoted, "sim_swap was asked");
    assert_eq!(review.peer.count("author_submitAndWatchExtrinsic"), 0);

    // The progress run: signed with the password, sent once, final in block #2,001, and
    // the position read again shows the alpha the node credited.
    let mut progress = scene(StakeScript::Progress);
    step_until(&mut progress.harness, "Done. The chain accepted it", 90);
    assert!(
        progress
            .harness
            .query_all_by_label_contains("#2,001")
            .next()
            .is_some()
    );
    assert_eq!(progress.peer.count("author_submitAndWatchExtrinsic"), 1);
    step_until(
        &mut progress.harness,
        "Your position with this validator now: α249.85",
        30,
    );
}
