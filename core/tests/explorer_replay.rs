//! The explorer reads against the replay of real finney traffic: each test pins the seed's
//! head block and checks every request it sent was one the recording answers.
#![cfg(feature = "replay")]

use serde_json::json;
use taoscope_core::chain::{ChainClient, ChainError, PinnedBlock};
use taoscope_core::explorer::{MetagraphSource, Rao};
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

/// The hotkey the `get_netuids_for_hotkey` family of seeds asks about (registered on 14).
const HOTKEY_HEX: &str = "1a33474e4a857009da52aaa4080f176465f99c09763e03b9cd5ee038cec4093e";

fn hotkey() -> [u8; 32] {
    hex::decode(HOTKEY_HEX)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

async fn pinned(seed: &str) -> (ReplayServer, PinnedBlock) {
    let server = ReplayServer::start(&default_fixtures_dir(), seed)
        .await
        .expect("replay starts");
    let client = ChainClient::connect(&Network::parse(&server.url()).expect("url"))
        .await
        .expect("connects");
    let at = client.pin_latest().await.expect("pins the head");
    (server, at)
}

fn assert_all_answered(server: &ReplayServer) {
    assert_eq!(
        server.unanswered(),
        Vec::<String>::new(),
        "every request was recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metagraph_of_netuid_1_is_the_full_one_in_one_call() {
    let (server, at) = pinned("metagraph").await;
    assert_eq!(at.block().number, 6_852_690);
    assert_eq!(at.block().spec_version, 343);
    let before = server.served().len();
    let mg = at.metagraph(1).await.expect("metagraph");
    assert_eq!(server.served().len() - before, 1, "one round trip");
    assert_eq!(mg.source, MetagraphSource::SelectiveMechagraph);
    assert_eq!(mg.n, 1024);
    assert_eq!(mg.block, 6_852_690);
    assert_eq!(mg.neurons.len(), 1024);
    assert_eq!(
        mg.neurons[0].hotkey,
        "5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ"
    );
    assert_all_answered(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subnetwork_n_of_netuid_1_is_1024() {
    let (server, at) = pinned("subnetwork_n").await;
    assert_eq!(at.subnetwork_n(1).await.expect("read"), 1024);
    assert_all_answered(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_reads_free_reserved_frozen_and_nonce() {
    let (server, at) = pinned("get_balance").await;
    let account = taoscope_core::explorer::ss58::decode(
        "address",
        "5CUkpcUWSSMKMdNUW23sfUke6WCkoYXixR4CPBDCLpvxLmSi",
    )
    .expect("valid");
    let balance = at.balance(&account).await.expect("balance");
    assert_eq!(balance.free_rao, Rao(7_450_117_072));
    assert_eq!(balance.reserved_rao, Rao(100_000_000));
    assert_eq!(balance.frozen_rao, Rao(0));
    assert_eq!(balance.nonce, 141);
    assert_all_answered(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hotkey_is_found_on_subnet_14() {
    let (server, at) = pinned("get_netuids_for_hotkey").await;
    assert_eq!(at.hotkey_netuids(&hotkey()).await.expect("read"), vec![14]);
    assert_all_answered(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hotkeys_uid_on_subnet_14_is_29() {
    let (server, at) = pinned("get_neuron_for_pubkey_and_subnet").await;
    assert_eq!(
        at.uid_for_hotkey(14, &hotkey()).await.expect("read"),
        Some(29)
    );
    assert_all_answered(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_netuid_says_the_subnet_does_not_exist() {
    let (server, at) = pinned("metagraph").await;
    // The recording has no answer for netuid 999; a node answers `None` (0x00).
    server.answer_with(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_selective_mechagraph"),
        json!("0x00"),
    );
    let error = at.metagraph(999).await.expect_err("no such subnet");
    assert_eq!(error, ChainError::SubnetNotFound { netuid: 999 });
    assert_eq!(error.to_string(), "Subnet 999 does not exist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbled_or_truncated_answer_is_a_decode_error() {
    let (server, at) = pinned("metagraph").await;
    for answer in ["0x01ffff", "0x0104", "not hex at all"] {
        server.answer_with(
            "state_call",
            Some("SubnetInfoRuntimeApi_get_selective_mechagraph"),
            json!(answer),
        );
        let error = at.metagraph(1).await.expect_err("garbage");
        assert!(
            matches!(error, ChainError::Decode { .. }),
            "{answer}: {error:?}"
        );
    }
}

#[test]
fn the_ui_bridge_answers_a_metagraph_request_with_its_block() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use taoscope_core::service::{CoreHandle, Request, Response};

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
    let deadline = Instant::now() + Duration::from_secs(20);
    // Ask until connected: before that the answer is "not connected".
    loop {
        let id = core.send(Request::Metagraph { netuid: 1 });
        let answer = loop {
            if let Some((_, response)) = core.poll().into_iter().find(|(got, _)| *got == id) {
                break response;
            }
            assert!(Instant::now() < deadline, "an answer in time");
            std::thread::sleep(Duration::from_millis(20));
        };
        match answer {
            Response::Metagraph(Ok((block, mg))) => {
                assert_eq!(block.number, 6_852_690);
                assert_eq!(mg.n, 1024);
                break;
            }
            Response::Metagraph(Err(ChainError::NotConnected)) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_all_answered(&server);
}
