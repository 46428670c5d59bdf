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

use serde_json::json;
use taoscope_core::keys::Keypair;
use taoscope_core::scripted_peer::{
    Scripted, ScriptedChain, ScriptedNeuron, ScriptedPeer, StakeScene, SubnetScene, SwapPool,
    values,
};

const HEAD: u64 = 2_000;
/// One TAO (or one alpha) in base units.
const UNIT: u64 = 1_000_000_000;

/// A made-up hotkey or coldkey, derived so that each run serves the same addresses.
fn made_up_key(path: &str) -> [u8; 32] {
    let pair = Keypair::from_uri(&format!("//Taoscope/scripted/{path}"))
        .unwrap_or_else(|e| exit_with(&e.to_string()));
    *pair.account_id().as_bytes()
}

/// Subnet 1 for `--stake-scene`: a pool of 120,000 TAO against 3,000,000 alpha (0.04 TAO
/// per alpha), five validators (the owner's the largest) and three miners.
fn stake_subnet(burn: u64) -> SubnetScene {
    let owner_hotkey = made_up_key("owner/hotkey");
    let owner_coldkey = made_up_key("owner/coldkey");
    // (alpha staked, take as a fraction of 65,535: 18%, 15%, 18%, 9%, 18%)
    let validators = [
        (1_250_000, 11_796),
        (820_000, 9_830),
        (410_000, 11_796),
        (150_000, 5_898),
        (60_000, 11_796),
    ];
    let mut neurons: Vec<ScriptedNeuron> = validators
        .iter()
        .enumerate()
        .map(|(i, &(alpha, take))| ScriptedNeuron {
            hotkey: if i == 0 {
                owner_hotkey
            } else {
                made_up_key(&format!("validator/{i}/hotkey"))
            },
            coldkey: if i == 0 {
                owner_coldkey
            } else {
                made_up_key(&format!("validator/{i}/coldkey"))
            },
            alpha_stake: alpha * UNIT,
            validator_permit: true,
            take,
        })
        .collect();
    neurons.extend((0..3).map(|i| ScriptedNeuron {
        hotkey: made_up_key(&format!("miner/{i}/hotkey")),
        coldkey: made_up_key(&format!("miner/{i}/coldkey")),
        alpha_stake: (1_200 + 300 * i) * UNIT,
        validator_permit: false,
        take: 0,
    }));
    SubnetScene {
        netuid: 1,
        name: "apex".into(),
        symbol: "\u{03b1}".into(),
        tempo: 360,
        pool: SwapPool {
            netuid: 1,
            tao_in: 120_000 * UNIT,
            alpha_in: 3_000_000 * UNIT,
            fee_rate: 33,
        },
        alpha_out: 9_000_000 * UNIT,
        burn,
        owner_hotkey,
        owner_coldkey,
        neurons,
    }
}

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
    let subnet = stake_scene.then(|| stake_subnet(burn));
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
