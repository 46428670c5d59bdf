//! Quotes and checks before signing, against a scripted node whose answers are encoded
//! with the spec-393 metadata: a guarded add-stake with its numbers, and the refusals
//! (unknown subnet, more than the balance, too little stake, a hotkey as destination).
#![cfg(feature = "replay")]

use std::path::PathBuf;
use std::sync::Arc;

use scale_value::Value;
use taoscope_core::chain::ChainClient;
use taoscope_core::explorer::{Alpha, Rao};
use taoscope_core::keys::{AccountId, Keypair};
use taoscope_core::network::Network;
use taoscope_core::scripted_peer::{
    SCENE_STAKE_FEE, ScriptedChain, ScriptedPeer, StakeScene, values,
};
use taoscope_core::tx::{Action, Tolerance, TxError, Warning, prepare};

const PRICE: u64 = 25_000_000; // 0.025 TAO per alpha
const FEE: u64 = 123_456;

fn key(uri: &str) -> AccountId {
    Keypair::from_uri(uri).expect("key").account_id()
}

/// Alice holds 5 TAO; subnet 1 exists with Charlie (owned by Bob) registered as UID 7.
fn chain() -> ScriptedChain {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/finney-metadata/metadata.scale");
    let mut c = ScriptedChain::new(std::fs::read(path).expect("metadata"), 1_000).expect("chain");
    c.stage(&StakeScene {
        signer: *key("//Alice").as_bytes(),
        free_rao: 5_000_000_000,
        nonce: 9,
        netuid: 1,
        validator: *key("//Charlie").as_bytes(),
        owner: *key("//Bob").as_bytes(),
        uid: 7,
        price_rao_per_alpha: PRICE,
        buy: (2_000_000_000, 79_500_000_000, 1_000_000, 460_000_000),
        fee_rao: FEE,
    })
    .expect("scene");
    c
}

async fn pinned(chain: ScriptedChain) -> (ScriptedPeer, taoscope_core::chain::PinnedBlock) {
    let chain = Arc::new(chain);
    let peer = ScriptedPeer::start(move |m, p| chain.answer(m, p))
        .await
        .expect("peer");
    let client = ChainClient::connect(&Network::parse(&peer.url()).expect("url"))
        .await
        .expect("connect");
    let pinned = client.pin_latest().await.expect("pinned");
    (peer, pinned)
}

#[tokio::test]
async fn a_guarded_add_stake_is_quoted_by_the_node() {
    let (peer, pinned) = pinned(chain()).await;
    let action = Action::AddStake {
        hotkey: key("//Charlie"),
        netuid: 1,
        amount: Rao(2_000_000_000),
        limit: None,
    };
    let prepared = prepare(&pinned, action, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect("prepared");
    let q = &prepared.quote;
    assert_eq!(q.price_rao_per_alpha, Some(PRICE));
    assert_eq!(
        q.expected_out,
        Some(79_500_000_000),
        "from sim_swap_tao_for_alpha"
    );
    assert_eq!(q.swap_fee, Some(1_000_000));
    assert_eq!(q.limit_price, Some(25_125_000), "price × 1.005");
    // (2 TAO − 0.001 fee) at the bound price: 1.999 / 0.025125 α.
    assert_eq!(q.minimum_out, Some(79_562_189_054));
    // 0.46 α of 79.96 α ideal.
    assert_eq!(q.price_impact_ppm, Some(5_752));
    assert_eq!(q.tx_fee_rao, Some(FEE));
    assert_eq!(q.stake_fee, Some(SCENE_STAKE_FEE), "from get_stake_fee");
    assert_stake_fee_asked(
        &peer,
        &pinned,
        None,
        (key("//Alice"), key("//Alice")),
        Some((key("//Charlie"), 1)),
        2_000_000_000,
    );
    assert_eq!(prepared.context.nonce, 9, "AccountNonceApi");
    assert_eq!(prepared.context.spec_version, 393);
    assert_eq!(prepared.block_number, 1_000);
    match prepared.action {
        Action::AddStake {
            limit: Some(limit), ..
        } => {
            assert_eq!(limit.limit_price, 25_125_000);
            assert!(!limit.allow_partial);
        }
        other => panic!("a bounded add_stake, got {other:?}"),
    }
    assert!(
        prepared.warnings.contains(&Warning::NotShielded),
        "the runtime offers the shield but no key is published"
    );
    assert!(!prepared.shielded());
    assert_eq!(q.shield_fee_rao, None);
    assert!(!prepared.warnings.contains(&Warning::FeeTakenFromStake));
    assert_eq!(
        peer.count("author_submitAndWatchExtrinsic"),
        0,
        "nothing sent"
    );
}

#[tokio::test]
async fn an_unknown_subnet_is_named() {
    let (_peer, pinned) = pinned(chain()).await;
    let action = Action::AddStake {
        hotkey: key("//Charlie"),
        netuid: 999,
        amount: Rao(1_000_000_000),
        limit: None,
    };
    let error = prepare(&pinned, action, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect_err("refused");
    assert_eq!(error, TxError::SubnetMissing { netuid: 999 });
    assert_eq!(error.to_string(), "Subnet 999 does not exist");
}

#[tokio::test]
async fn more_than_the_balance_is_refused_with_both_numbers() {
    let (_peer, pinned) = pinned(chain()).await;
    let action = Action::Transfer {
        dest: key("//Dave"),
        amount: Rao(5_000_000_000),
        allow_death: false,
    };
    let error = prepare(&pinned, action, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect_err("refused");
    assert_eq!(
        error,
        TxError::NotEnoughBalance {
            needed: 5_000_000_000 + FEE,
            available: 5_000_000_000
        }
    );
    let text = error.to_string();
    assert!(
        text.contains("5.000123456") && text.contains("5 TAO is free"),
        "{text}"
    );
}

#[tokio::test]
async fn sending_to_a_hotkey_warns_and_below_minimum_stake_is_refused() {
    let (_peer, pinned) = pinned(chain()).await;
    let to_hotkey = Action::Transfer {
        dest: key("//Charlie"),
        amount: Rao(1_000_000_000),
        allow_death: false,
    };
    let prepared = prepare(&pinned, to_hotkey, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect("prepared");
    assert!(prepared.warnings.contains(&Warning::DestinationIsHotkey));

    let dust = Action::AddStake {
        hotkey: key("//Charlie"),
        netuid: 1,
        amount: Rao(1_999_999),
        limit: None,
    };
    assert_eq!(
        prepare(&pinned, dust, key("//Alice"), Tolerance::DEFAULT, true)
            .await
            .err(),
        Some(TxError::BelowMinimumStake {
            minimum_rao: 2_000_000
        })
    );
}

#[tokio::test]
async fn unstaking_more_than_the_position_holds_is_refused() {
    let mut c = chain();
    let (alice, charlie) = (key("//Alice"), key("//Charlie"));
    c.set_api(
        "StakeInfoRuntimeApi",
        "get_stake_info_for_coldkey",
        None,
        &Value::unnamed_composite([position_with_charlie(1, 3_000_000_000)]),
    )
    .expect("stake info");
    let (_peer, pinned) = pinned(c).await;
    let unstake = Action::RemoveStake {
        hotkey: charlie,
        netuid: 1,
        amount: Alpha(5_000_000_000),
        limit: None,
    };
    let error = prepare(&pinned, unstake, alice, Tolerance::DEFAULT, true)
        .await
        .expect_err("refused");
    assert_eq!(
        error,
        TxError::NotEnoughStake {
            wanted: 5_000_000_000,
            held: 3_000_000_000
        }
    );
    assert!(error.to_string().contains("holds 3"), "{error}");
}

/// A block producer's published ML-KEM-768 key (the scripted chain serves it as NextKey).
fn shield_key() -> Vec<u8> {
    use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
    let (_, ek) = MlKem768::generate(&mut rand_core::OsRng);
    ek.as_bytes().to_vec()
}

#[tokio::test]
async fn a_published_key_shields_stake_moves_by_default_and_can_be_declined() {
    let mut c = chain();
    let published = shield_key();
    c.publish_shield_key(&published).expect("NextKey");
    let (_peer, pinned) = pinned(c).await;
    let stake = Action::AddStake {
        hotkey: key("//Charlie"),
        netuid: 1,
        amount: Rao(2_000_000_000),
        limit: None,
    };
    let prepared = prepare(&pinned, stake, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect("prepared");
    assert!(prepared.shielded(), "a stake move goes out shielded");
    assert_eq!(
        prepared.shield.as_ref().map(|k| k.as_bytes().to_vec()),
        Some(published)
    );
    assert!(!prepared.warnings.contains(&Warning::NotShielded));
    assert_eq!(
        prepared.quote.shield_fee_rao,
        Some(FEE),
        "the wrapper's fee, quoted by query_info"
    );
    assert_eq!(prepared.tao_fee_rao(), 2 * FEE);

    let declined = prepared.without_shield();
    assert!(!declined.shielded());
    assert!(declined.warnings.contains(&Warning::NotShielded));
    assert_eq!(declined.tao_fee_rao(), FEE);

    // A plain TAO transfer is not a stake move: never shielded, and no warning about it.
    let transfer = Action::Transfer {
        dest: key("//Dave"),
        amount: Rao(1_000_000_000),
        allow_death: false,
    };
    let prepared = prepare(&pinned, transfer, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect("prepared");
    assert!(!prepared.shielded());
    assert!(!prepared.warnings.contains(&Warning::NotShielded));
}

#[tokio::test]
async fn a_key_of_the_wrong_size_is_not_used() {
    let mut c = chain();
    c.publish_shield_key(&[7; 32]).expect("NextKey");
    let (_peer, pinned) = pinned(c).await;
    let stake = Action::AddStake {
        hotkey: key("//Charlie"),
        netuid: 1,
        amount: Rao(2_000_000_000),
        limit: None,
    };
    let prepared = prepare(&pinned, stake, key("//Alice"), Tolerance::DEFAULT, true)
        .await
        .expect("prepared");
    assert!(!prepared.shielded());
    assert!(prepared.warnings.contains(&Warning::NotShielded));
}

/// The node was asked `StakeInfoRuntimeApi_get_stake_fee` once, with arguments that
/// decode, one by one and with nothing left over, against the served metadata's own input
/// types, and that hold the places, coldkeys and amount given.
fn assert_stake_fee_asked(
    peer: &ScriptedPeer,
    pinned: &taoscope_core::chain::PinnedBlock,
    origin: Option<(AccountId, u16)>,
    coldkeys: (AccountId, AccountId),
    destination: Option<(AccountId, u16)>,
    amount: u64,
) {
    use parity_scale_codec::Encode;
    let asked: Vec<String> = peer
        .calls()
        .iter()
        .filter(|(m, p)| {
            m == "state_call"
                && p.first().and_then(|v| v.as_str()) == Some("StakeInfoRuntimeApi_get_stake_fee")
        })
        .filter_map(|(_, p)| p.get(1).and_then(|v| v.as_str()).map(str::to_string))
        .collect();
    assert_eq!(asked.len(), 1, "asked once");
    let bytes = hex::decode(asked[0].trim_start_matches("0x")).expect("hex");
    let metadata = pinned.metadata();
    let method = metadata
        .runtime_api_trait_by_name("StakeInfoRuntimeApi")
        .and_then(|t| t.method_by_name("get_stake_fee"))
        .expect("spec 393 has get_stake_fee");
    let mut input = &bytes[..];
    for param in method.inputs() {
        scale_value::scale::decode_as_type(&mut input, param.id, metadata.types())
            .expect("each argument decodes with its own type");
    }
    assert!(input.is_empty(), "no bytes left over");
    let place = |p: Option<(AccountId, u16)>| p.map(|(a, n)| (*a.as_bytes(), n));
    let expected = (
        place(origin),
        *coldkeys.0.as_bytes(),
        place(destination),
        *coldkeys.1.as_bytes(),
        amount,
    )
        .encode();
    assert_eq!(bytes, expected);
}

/// Alice's stake with Charlie on `netuid`, in alpha units.
fn position_with_charlie(netuid: u16, alpha: u64) -> Value {
    let (alice, charlie) = (key("//Alice"), key("//Charlie"));
    Value::named_composite([
        ("hotkey", values::account(charlie.as_bytes())),
        ("coldkey", values::account(alice.as_bytes())),
        ("netuid", Value::u128(u128::from(netuid))),
        ("stake", Value::u128(u128::from(alpha))),
        ("locked", Value::u128(0)),
        ("emission", Value::u128(0)),
        ("tao_emission", Value::u128(0)),
        ("drain", Value::u128(0)),
        ("is_registered", Value::bool(true)),
    ])
}

#[tokio::test]
async fn unstake_all_says_every_position_is_sold_in_full() {
    let mut c = chain();
    c.set_api(
        "StakeInfoRuntimeApi",
        "get_stake_info_for_coldkey",
        None,
        &Value::unnamed_composite([
            position_with_charlie(0, 4_000_000_000),
            position_with_charlie(1, 3_000_000_000),
            position_with_charlie(2, 7),
        ]),
    )
    .expect("stake info");
    let (_peer, pinned) = pinned(c).await;
    let all = prepare(
        &pinned,
        Action::UnstakeAll {
            hotkey: key("//Charlie"),
        },
        key("//Alice"),
        Tolerance::DEFAULT,
        true,
    )
    .await
    .expect("prepared");
    let sold = Warning::SellsEveryPosition {
        positions: 3,
        to_root: false,
    };
    assert!(all.warnings.contains(&sold), "{:?}", all.warnings);
    assert!(
        sold.describe().contains("3 positions"),
        "{}",
        sold.describe()
    );
    assert!(sold.describe().contains("no dust"), "{}", sold.describe());
    let alpha_only = prepare(
        &pinned,
        Action::UnstakeAllAlpha {
            hotkey: key("//Charlie"),
        },
        key("//Alice"),
        Tolerance::DEFAULT,
        true,
    )
    .await
    .expect("prepared");
    // Root stays (and grows): only the two subnet positions are sold.
    let to_root = Warning::SellsEveryPosition {
        positions: 2,
        to_root: true,
    };
    assert!(
        alpha_only.warnings.contains(&to_root),
        "{:?}",
        alpha_only.warnings
    );
    assert!(
        to_root.describe().contains("root"),
        "{}",
        to_root.describe()
    );
}
