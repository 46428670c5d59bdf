//! The portfolio read and the per-block answer cache, against the replay of real finney
//! traffic. The recording has a real `System.Account` (seed `get_balance`) but no stake
//! positions, prices or identities: those answers are SCALE-encoded here with the served
//! runtime's own registry (spec 343) and scripted into the replay.
#![cfg(feature = "replay")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use scale_value::Value;
use serde_json::{Value as Json, json};
use subxt::metadata::Metadata;
use taoscope_core::chain::{ChainClient, ChainError, PinnedBlock};
use taoscope_core::explorer::decode::{
    STAKE_INFO_API, SUBNET_INFO_API, SWAP_API, has_runtime_api, runtime_api_output,
};
use taoscope_core::explorer::{Alpha, Rao, ss58};
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::service::{CoreHandle, Request, Response};

const COLDKEY: &str = "5CUkpcUWSSMKMdNUW23sfUke6WCkoYXixR4CPBDCLpvxLmSi";

fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn encode_api(md: &Metadata, api: &str, method: &str, value: &Value) -> String {
    let type_id = runtime_api_output(md, api, method).expect("the API is in this runtime");
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(value, type_id, md.types(), &mut out).expect("encodes");
    hex_of(&out)
}

fn encode_storage(md: &Metadata, item: &str, value: &Value) -> String {
    let entry = md
        .pallet_by_name("SubtensorModule")
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name(item))
        .expect("storage item");
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(value, entry.value_ty(), md.types(), &mut out)
        .expect("encodes");
    hex_of(&out)
}

fn account(byte: u8) -> [u8; 32] {
    [byte; 32]
}

fn account_value(key: &[u8; 32]) -> Value {
    Value::unnamed_composite([Value::from_bytes(key)])
}

fn n(v: u64) -> Value {
    Value::u128(u128::from(v))
}

fn stake(coldkey: &[u8; 32], hotkey: u8, netuid: u16, alpha: u64) -> Value {
    Value::named_composite([
        ("hotkey", account_value(&account(hotkey))),
        ("coldkey", account_value(coldkey)),
        ("netuid", n(netuid.into())),
        ("stake", n(alpha)),
        ("locked", n(0)),
        ("emission", n(0)),
        ("tao_emission", n(0)),
        ("drain", n(0)),
        ("is_registered", Value::bool(true)),
    ])
}

fn dynamic_info(netuid: u16, name: &str) -> Value {
    Value::unnamed_variant(
        "Some",
        [Value::named_composite([
            ("netuid", n(netuid.into())),
            ("owner_hotkey", account_value(&account(1))),
            ("owner_coldkey", account_value(&account(2))),
            ("subnet_name", Value::from_bytes(name)),
            ("token_symbol", Value::from_bytes("α")),
            ("tempo", n(360)),
            ("last_step", n(0)),
            ("blocks_since_last_step", n(0)),
            ("emission", n(0)),
            ("alpha_in", n(1_000_000_000_000)),
            ("alpha_out", n(3_000_000_000_000)),
            ("tao_in", n(500_000_000_000)),
            ("alpha_out_emission", n(0)),
            ("alpha_in_emission", n(0)),
            ("tao_in_emission", n(0)),
            ("pending_alpha_emission", n(0)),
            ("pending_root_emission", n(0)),
            ("subnet_volume", Value::u128(0)),
            ("network_registered_at", n(0)),
            ("subnet_identity", Value::unnamed_variant("None", [])),
            (
                "moving_price",
                Value::named_composite([("bits", Value::i128(0))]),
            ),
        ])],
    )
}

async fn pinned(server: &ReplayServer) -> PinnedBlock {
    let client = ChainClient::connect(&Network::parse(&server.url()).expect("url"))
        .await
        .expect("connects");
    client.pin_latest().await.expect("pins the head")
}

/// Scripts the answers the recording lacks: two positions (subnet 1 with validator 7, named
/// on chain; root with validator 9, unnamed), their subnets, prices, owners and totals.
fn script_portfolio(server: &ReplayServer, at: &PinnedBlock, md: &Metadata, coldkey: &[u8; 32]) {
    let stakes = Value::unnamed_composite([
        stake(coldkey, 7, 1, 2_000_000_000),
        stake(coldkey, 9, 0, 3_000_000_000),
        // An emptied position is left out.
        stake(coldkey, 7, 4, 0),
    ]);
    server.answer_with(
        "state_call",
        Some("StakeInfoRuntimeApi_get_stake_info_for_coldkey"),
        json!(encode_api(
            md,
            STAKE_INFO_API,
            "get_stake_info_for_coldkey",
            &stakes
        )),
    );
    let infos = Value::unnamed_composite([dynamic_info(0, "root"), dynamic_info(1, "apex")]);
    server.answer_with(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_all_dynamic_info"),
        json!(encode_api(
            md,
            SUBNET_INFO_API,
            "get_all_dynamic_info",
            &infos
        )),
    );
    // 0.5 τ per α on subnet 1.
    if has_runtime_api(md, SWAP_API, "current_alpha_price_all") {
        let prices = Value::unnamed_composite([Value::named_composite([
            ("netuid", n(1)),
            ("price", n(500_000_000)),
        ])]);
        server.answer_with(
            "state_call",
            Some("SwapRuntimeApi_current_alpha_price_all"),
            json!(encode_api(md, SWAP_API, "current_alpha_price_all", &prices)),
        );
    } else {
        server.answer_with(
            "state_call",
            Some("SwapRuntimeApi_current_alpha_price"),
            json!(encode_api(
                md,
                SWAP_API,
                "current_alpha_price",
                &n(500_000_000)
            )),
        );
    }
    let key = |item: &str, keys: Vec<Value>| {
        hex_of(&at.storage_key("SubtensorModule", item, keys).expect("key"))
    };
    let owner7 = account(0x70);
    let changes: Vec<Json> = vec![
        json!([
            key("Owner", vec![account_value(&account(7))]),
            encode_storage(md, "Owner", &account_value(&owner7))
        ]),
        json!([
            key("Owner", vec![account_value(&account(9))]),
            encode_storage(md, "Owner", &account_value(&account(0x90)))
        ]),
        json!([
            key("TotalHotkeyAlpha", vec![account_value(&account(7)), n(1)]),
            encode_storage(md, "TotalHotkeyAlpha", &n(8_000_000_000))
        ]),
        json!([
            key("TotalHotkeyAlpha", vec![account_value(&account(9)), n(0)]),
            encode_storage(md, "TotalHotkeyAlpha", &n(3_000_000_000))
        ]),
        json!([
            key("IdentitiesV2", vec![account_value(&owner7)]),
            encode_storage(
                md,
                "IdentitiesV2",
                &Value::named_composite([
                    ("name", Value::from_bytes("Seven Validators")),
                    ("url", Value::from_bytes("")),
                    ("github_repo", Value::from_bytes("")),
                    ("image", Value::from_bytes("")),
                    ("discord", Value::from_bytes("")),
                    ("description", Value::from_bytes("")),
                    ("additional", Value::from_bytes("")),
                ])
            )
        ]),
    ];
    server.answer_with(
        "state_queryStorageAt",
        None,
        json!([{"block": at.block().hash, "changes": changes}]),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portfolio_values_each_position_in_tao_with_names_and_shares() {
    let server = ReplayServer::start(&default_fixtures_dir(), "get_balance")
        .await
        .expect("replay");
    let at = pinned(&server).await;
    let md = common::metadata_343();
    let coldkey = ss58::decode("coldkey", COLDKEY).expect("valid");
    script_portfolio(&server, &at, &md, &coldkey);

    let before = server.served().len();
    let portfolio = at.portfolio(&coldkey).await.expect("portfolio");
    let trips: Vec<String> = server.served()[before..]
        .iter()
        .map(|r| r.method.clone())
        .collect();
    // Balance, positions, subnets and prices (one call, or one per subnet on runtimes without
    // `current_alpha_price_all`, like this one), then two multi-reads: never one per position.
    let price_calls = if has_runtime_api(&md, SWAP_API, "current_alpha_price_all") {
        1
    } else {
        2
    };
    assert_eq!(trips.len(), 5 + price_calls, "{trips:?}");
    assert_eq!(
        trips
            .iter()
            .filter(|m| *m == "state_queryStorageAt")
            .count(),
        2
    );
    assert_eq!(server.unanswered(), Vec::<String>::new());

    assert_eq!(portfolio.coldkey, COLDKEY);
    assert_eq!(portfolio.balance.free_rao, Rao(7_450_117_072));
    assert_eq!(portfolio.balance.reserved_rao, Rao(100_000_000));
    assert_eq!(portfolio.positions.len(), 2, "{:?}", portfolio.positions);
    // Root: 3 τ staked is worth 3 τ; subnet 1: 2 α at 0.5 τ/α is 1 τ. Largest first.
    let root = &portfolio.positions[0];
    assert_eq!(root.netuid, 0);
    assert_eq!(root.value_rao, Some(Rao(3_000_000_000)));
    assert_eq!(root.share_ppm, Some(1_000_000));
    assert_eq!(root.validator_name, None);
    let apex = &portfolio.positions[1];
    assert_eq!((apex.netuid, apex.subnet_name.as_str()), (1, "apex"));
    assert_eq!(apex.hotkey, ss58::encode(&account(7)));
    assert_eq!(apex.validator_name.as_deref(), Some("Seven Validators"));
    assert_eq!(apex.alpha, Alpha(2_000_000_000));
    assert_eq!(apex.price_rao_per_alpha, Some(500_000_000));
    assert_eq!(apex.value_rao, Some(Rao(1_000_000_000)));
    assert_eq!(apex.validator_alpha, Some(Alpha(8_000_000_000)));
    assert_eq!(apex.share_ppm, Some(250_000));
    assert_eq!(portfolio.staked_value_rao(), Rao(4_000_000_000));
    assert_eq!(
        portfolio.total_rao(),
        Rao(7_450_117_072 + 100_000_000 + 4_000_000_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbled_stake_answer_is_an_error_not_a_panic() {
    let server = ReplayServer::start(&default_fixtures_dir(), "get_balance")
        .await
        .expect("replay");
    let at = pinned(&server).await;
    let md = common::metadata_343();
    let coldkey = ss58::decode("coldkey", COLDKEY).expect("valid");
    script_portfolio(&server, &at, &md, &coldkey);
    server.answer_with(
        "state_call",
        Some("StakeInfoRuntimeApi_get_stake_info_for_coldkey"),
        json!("0x08ffff"),
    );
    let error = at.portfolio(&coldkey).await.expect_err("garbage");
    assert!(matches!(error, ChainError::Decode { .. }), "{error:?}");
}

/// Sends `request` through the UI bridge until it is answered while connected.
fn ask(core: &mut CoreHandle, request: &Request) -> Response {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let id = core.send(request.clone());
        let answer = loop {
            if let Some((_, response)) = core.poll().into_iter().find(|(got, _)| *got == id) {
                break response;
            }
            assert!(Instant::now() < deadline, "an answer in time");
            std::thread::sleep(Duration::from_millis(20));
        };
        if answer.block().is_some() && core.finalized_block().is_some() {
            return answer;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_second_request_at_the_same_finalized_block_is_answered_from_the_cache() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    let network = Network::parse(&server.url()).expect("url");
    let mut core = CoreHandle::start(network, Arc::new(|| {})).expect("core starts");
    let request = Request::Metagraph { netuid: 1 };
    let first = ask(&mut core, &request);
    assert_eq!(core.finalized_block(), Some(6_852_690));
    let served = server.served().len();
    let calls = |s: &ReplayServer| {
        s.served()
            .iter()
            .filter(|r| r.method == "state_call")
            .count()
    };
    let state_calls = calls(&server);
    let second = ask(&mut core, &request);
    assert_eq!(second, first, "the same answer");
    assert_eq!(server.served().len(), served, "no request reached the node");
    assert_eq!(calls(&server), state_calls);
    // Another subnet is another key: it does go to the node.
    let _ = core.send(Request::Metagraph { netuid: 2 });
    let deadline = Instant::now() + Duration::from_secs(10);
    while core.poll().is_empty() {
        assert!(Instant::now() < deadline, "an answer in time");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.served().len() > served);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delegates_are_named_from_their_owners_identity_in_one_extra_read() {
    let server = ReplayServer::start(&default_fixtures_dir(), "get_balance")
        .await
        .expect("replay");
    let at = pinned(&server).await;
    let md = common::metadata_343();
    let coldkey = ss58::decode("coldkey", COLDKEY).expect("valid");
    // The identity of owner 0x70 is in this script's storage answer.
    script_portfolio(&server, &at, &md, &coldkey);
    let delegate = |hotkey: u8, owner: u8| {
        Value::named_composite([
            ("delegate_ss58", account_value(&account(hotkey))),
            ("take", n(11_796)),
            ("nominators", Value::unnamed_composite([])),
            ("owner_ss58", account_value(&account(owner))),
            ("registrations", Value::unnamed_composite([n(1)])),
            ("validator_permits", Value::unnamed_composite([n(1)])),
            ("return_per_1000", n(0)),
            ("total_daily_return", n(0)),
        ])
    };
    let delegates = Value::unnamed_composite([delegate(7, 0x70), delegate(9, 0x90)]);
    server.answer_with(
        "state_call",
        Some("DelegateInfoRuntimeApi_get_delegates"),
        json!(encode_api(
            &md,
            taoscope_core::explorer::decode::DELEGATE_INFO_API,
            "get_delegates",
            &delegates
        )),
    );
    let before = server.served().len();
    let list = at.delegates().await.expect("delegates");
    let trips: Vec<String> = server.served()[before..]
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(
        trips,
        ["state_call", "state_queryStorageAt"],
        "not one call per delegate"
    );
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name.as_deref(), Some("Seven Validators"));
    assert_eq!(list[1].name, None, "no identity set");
}
