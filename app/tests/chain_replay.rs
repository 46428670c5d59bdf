//! The chain layer and `taoscope chain info` against the replay of real finney traffic.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use taoscope_core::chain::{ChainError, ChainSupervisor, ConnectionState};
use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

mod common;
use common::{runtime, taoscope};

#[test]
fn chain_info_json_matches_the_recorded_metagraph_seed() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay starts");
    let output = taoscope()
        .args(["chain", "info", "--network", &server.url(), "--json"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    let info: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(
        info["genesis_hash"],
        "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03"
    );
    assert_eq!(info["best_block"], 6_852_690);
    assert_eq!(info["finalized_block"], 6_852_690);
    assert_eq!(info["spec_version"], 343);
    assert_eq!(info["chain"], "Bittensor");
    assert_eq!(
        server.unanswered(),
        Vec::<String>::new(),
        "every request answered"
    );
}

#[test]
fn chain_info_text_is_readable_and_russian_works() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay starts");
    let output = taoscope()
        .args(["chain", "info", "--lang", "ru", "--network", &server.url()])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(stdout.contains("Лучший блок"), "{stdout}");
    assert!(stdout.contains("6852690"), "{stdout}");
}

#[test]
fn a_bad_url_is_one_line_and_exit_code_2() {
    let output = taoscope()
        .args(["chain", "info", "--network", "foo://x"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("foo://x") && stderr.contains("ws://"),
        "{stderr}"
    );
    // The window path validates the same way, before opening anything.
    let output = taoscope()
        .args(["--network", "foo://x"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_unreachable_node_fails_fast_in_plain_words() {
    // Nothing listens on a port we just closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let started = std::time::Instant::now();
    let output = taoscope()
        .args([
            "chain",
            "info",
            "--network",
            &format!("ws://127.0.0.1:{port}"),
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: Could not reach ws://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing answers at that address"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(8), "fails fast");
}

#[test]
fn help_lists_the_subcommands() {
    let output = taoscope().arg("--help").output().expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for word in ["chain", "--network", "--screenshot", "--page", "--lang"] {
        assert!(stdout.contains(word), "help mentions {word}: {stdout}");
    }
    let output = taoscope().args(["chain", "--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("info"));
}

async fn wait_for_live(
    state: &mut tokio::sync::watch::Receiver<ConnectionState>,
    timeout: Duration,
) -> ConnectionState {
    let wait = async {
        loop {
            let now = state.borrow_and_update().clone();
            if matches!(now, ConnectionState::Live { .. }) {
                return now;
            }
            if state.changed().await.is_err() {
                return now;
            }
        }
    };
    tokio::time::timeout(timeout, wait)
        .await
        .expect("reaches Live in time")
}

#[test]
fn a_dropped_connection_mid_query_gives_a_clear_error_then_reconnects() {
    let rt = runtime();
    rt.block_on(async {
        let server = ReplayServer::start(&default_fixtures_dir(), "metagraph")
            .await
            .expect("replay starts");
        let network = Network::parse(&server.url()).expect("url");
        let supervisor = ChainSupervisor::start(network, Arc::new(|| {}));
        let mut state = supervisor.subscribe();
        let live = wait_for_live(&mut state, Duration::from_secs(20)).await;
        let ConnectionState::Live { info, .. } = live else {
            unreachable!()
        };
        assert_eq!(info.best_block, 6_852_690);

        // The node vanishes while answering this query.
        server.drop_connection_on("system_chain");
        let client = supervisor.client().expect("connected");
        let error = client.info().await.expect_err("the query cannot succeed");
        assert!(
            matches!(error, ChainError::ConnectionLost { .. }),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("connection to the node was lost"),
            "{error}"
        );
        supervisor.report_failure(&error);

        // The supervisor notices, reconnects, and the same query then works.
        tokio::time::sleep(Duration::from_millis(50)).await;
        wait_for_live(&mut state, Duration::from_secs(20)).await;
        let client = supervisor
            .wait_for_client(Duration::from_secs(20))
            .await
            .expect("reconnected");
        let info = client.info().await.expect("works after reconnect");
        assert_eq!(info.spec_version, 343);
        let connects = server
            .served()
            .iter()
            .filter(|r| r.method == "chain_getBlockHash")
            .count();
        assert!(
            connects >= 2,
            "a second connection was made ({connects} genesis reads)"
        );
    });
}

#[test]
fn a_request_the_recording_lacks_is_refused_loudly() {
    let rt = runtime();
    rt.block_on(async {
        let server = ReplayServer::start(&default_fixtures_dir(), "metagraph")
            .await
            .expect("replay starts");
        let client = taoscope_core::chain::ChainClient::connect(
            &Network::parse(&server.url()).expect("url"),
        )
        .await
        .expect("connects");
        let error = client
            .call::<Value>("system_health", subxt::rpcs::rpc_params![])
            .await
            .expect_err("not recorded");
        assert!(matches!(error, ChainError::Node { .. }), "{error:?}");
        assert_eq!(server.unanswered(), vec!["system_health".to_string()]);
    });
}

#[test]
fn an_unknown_seed_is_reported() {
    let rt = runtime();
    let result = rt.block_on(ReplayServer::start(&default_fixtures_dir(), "no-such-seed"));
    assert!(result.is_err());
}
