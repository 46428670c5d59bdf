//! `taoscope-scripted-node`: a small scripted chain on loopback for trying the window's
//! registration flow (the Miner page's Start on an unregistered hotkey) and taking its
//! screenshot. The recorded finney traffic has no transactions, so this serves the test
//! rig's [`ScriptedChain`] instead: the spec-393 metadata, a signer with a balance, subnet 1
//! with a registration burn, and a submitted extrinsic that is final one block later.
//!
//! Usage: `taoscope-scripted-node --signer SS58 [--port N] [--burn RAO] [--free RAO]
//! [--metadata FILE]`. Every value it serves is made up; it prints its URL and runs until
//! stopped with Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use taoscope_core::scripted_peer::{Scripted, ScriptedChain, ScriptedPeer, StakeScene, values};

const HEAD: u64 = 2_000;

fn exit_with(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}

fn number(flag: &str, value: &str) -> u64 {
    value
        .parse()
        .unwrap_or_else(|_| exit_with(&format!("{flag} needs a whole number, not '{value}'")))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut port = 0u16;
    let mut signer: Option<[u8; 32]> = None;
    let mut burn = 500_000_000u64;
    let mut free = 12_500_000_000u64;
    let mut metadata = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            exit_with(&format!("{flag} needs a value"));
        };
        match flag.as_str() {
            "--port" => {
                port = u16::try_from(number("--port", &value))
                    .unwrap_or_else(|_| exit_with("--port is at most 65535"));
            }
            "--signer" => {
                signer = Some(
                    taoscope_core::explorer::ss58::decode("--signer", &value)
                        .unwrap_or_else(|e| exit_with(&e.to_string())),
                );
            }
            "--burn" => burn = number("--burn", &value),
            "--free" => free = number("--free", &value),
            "--metadata" => metadata = PathBuf::from(value),
            _ => exit_with(
                "usage: taoscope-scripted-node --signer SS58 [--port N] [--burn RAO] [--free RAO] [--metadata FILE]",
            ),
        }
    }
    let Some(signer) = signer else {
        exit_with("--signer SS58 is needed: the coldkey that pays");
    };
    let bytes = std::fs::read(&metadata)
        .unwrap_or_else(|e| exit_with(&format!("{}: {e}", metadata.display())));
    let mut chain = ScriptedChain::new(bytes, HEAD).unwrap_or_else(|e| exit_with(&e));
    // Subnet 1's owner validator stands in for the scene's validator; registration needs
    // only the subnet, the signer's balance and nonce, the fee quote and the burn.
    let validator = [0x5a; 32];
    chain
        .stage(&StakeScene {
            signer,
            free_rao: free,
            nonce: 3,
            netuid: 1,
            validator,
            owner: validator,
            uid: 0,
            price_rao_per_alpha: 40_000_000,
            buy: (0, 0, 0, 0),
            fee_rao: 215_000,
        })
        .unwrap_or_else(|e| exit_with(&e));
    chain
        .set_storage(
            "SubtensorModule",
            "Burn",
            (1u16,),
            &scale_value::Value::u128(u128::from(burn)),
        )
        .unwrap_or_else(|e| exit_with(&e));
    let landed = HEAD + 1;
    let hash = ScriptedChain::block_hash(landed);
    chain.best = landed;
    chain.submitted_lands_in = Some(landed);
    chain
        .set_events(
            landed,
            &values::events_for_second_extrinsic(values::extrinsic_success()),
        )
        .unwrap_or_else(|e| exit_with(&e));
    chain.submission = Scripted::Subscribe {
        notify_method: "author_extrinsicUpdate".into(),
        items: vec![
            json!("ready"),
            json!({"inBlock": hash}),
            json!({"finalized": hash}),
        ],
        then_drop: false,
    };
    let chain = Arc::new(chain);
    let peer = ScriptedPeer::start_on(port, move |m, p| chain.answer(m, p))
        .await
        .unwrap_or_else(|e| exit_with(&e.to_string()));
    println!("{}", peer.url());
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("served {} requests", peer.calls().len());
}
