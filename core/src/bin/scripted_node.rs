//! `taoscope-scripted-node`: a small scripted chain on loopback for trying the window's
//! registration flow (the Miner page's Start on an unregistered hotkey) and taking its
//! screenshot. The recorded finney traffic has no transactions, so this serves the test
//! rig's [`ScriptedChain`] instead: the spec-393 metadata, a signer with a balance, subnet 1
//! with a registration burn, and a submitted extrinsic that is final one block later.
//!
//! With `--stake-scene` it also serves subnet 1 as the explorer and the Stake page read it
//! (name, symbol, tempo 360, a pool priced at 0.04 TAO per alpha, five validators with
//! stake and take, the owner's among them), and quotes stakes with `sim_swap` from that
//! pool, so an add stake can be reviewed, signed and followed to finality.
//!
//! Usage: `taoscope-scripted-node --signer SS58 [--port N] [--burn RAO] [--free RAO]
//! [--metadata FILE] [--stake-scene]`. Every value it serves is made up; it prints its URL
//! and runs until stopped with Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;

use taoscope_core::scripted_peer::{ScriptedChain, ScriptedPeer, StakeScene, SubnetScene};

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
    let mut stake_scene = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--stake-scene" {
            stake_scene = true;
            continue;
        }
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
                "usage: taoscope-scripted-node --signer SS58 [--port N] [--burn RAO] [--free RAO] [--metadata FILE] [--stake-scene]",
            ),
        }
    }
    let Some(signer) = signer else {
        exit_with("--signer SS58 is needed: the coldkey that pays");
    };
    let bytes = std::fs::read(&metadata)
        .unwrap_or_else(|e| exit_with(&format!("{}: {e}", metadata.display())));
    let mut chain = ScriptedChain::new(bytes, HEAD).unwrap_or_else(|e| exit_with(&e));
    // Registration needs only the subnet, the signer's balance and nonce, the fee quote and
    // the burn; a stake also needs the validator it goes to, here the subnet's largest.
    let subnet = stake_scene.then(|| SubnetScene::apex_demo(burn));
    let validator = subnet
        .as_ref()
        .and_then(|s| s.neurons.first())
        .map_or([0x5a; 32], |n| n.hotkey);
    let owner = subnet.as_ref().map_or(validator, |s| s.owner_coldkey);
    chain
        .stage(&StakeScene {
            signer,
            free_rao: free,
            nonce: 3,
            netuid: 1,
            validator,
            owner,
            uid: 0,
            price_rao_per_alpha: 40_000_000,
            buy: (0, 0, 0, 0),
            fee_rao: 215_000,
        })
        .unwrap_or_else(|e| exit_with(&e));
    if let Some(subnet) = &subnet {
        chain.serve_subnet(subnet).unwrap_or_else(|e| exit_with(&e));
        chain.credit_stake = Some((signer, validator));
    }
    chain
        .set_storage(
            "SubtensorModule",
            "Burn",
            (1u16,),
            &scale_value::Value::u128(u128::from(burn)),
        )
        .unwrap_or_else(|e| exit_with(&e));
    chain
        .succeed_in_next_block()
        .unwrap_or_else(|e| exit_with(&e));
    let chain = Arc::new(chain);
    let peer = ScriptedPeer::start_on(port, move |m, p| chain.answer(m, p))
        .await
        .unwrap_or_else(|e| exit_with(&e.to_string()));
    println!("{}", peer.url());
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("served {} requests", peer.calls().len());
}
