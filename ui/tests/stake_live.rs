//! The Stake page against a scripted JSON-RPC node serving spec-393 answers: subnet 1
//! ("apex", made up) with its pool, validators and delegates. The review shows the node's
//! own `sim_swap` quote; the progress run signs with the alice-nacl test wallet, sends
//! once, follows the transaction to a final block and reads the new position past the
//! answer cached before it.
use std::path::Path;

use egui_kittest::kittest::Queryable;
use taoscope_core::keys::AccountId;
use taoscope_core::scripted_peer::{ScriptedChain, StakeScene, SubnetScene};
use taoscope_ui::LaunchOptions;
use taoscope_ui::pages::Page;
use taoscope_ui::pages::stake::StakeScript;

mod common;
use common::{ScriptedApp, scripted_app, step_until};

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

fn scene(script: StakeScript) -> ScriptedApp {
    scripted_app(chain(), "alice", [1280.0, 1400.0], |_| LaunchOptions {
        page: Some(Page::StakeScripted(script)),
        script_password: Some(zeroize::Zeroizing::new(PASSWORD.to_string())),
        ..LaunchOptions::default()
    })
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
