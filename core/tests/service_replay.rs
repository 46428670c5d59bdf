//! The UI's bridge end to end: requests sent from a plain thread come back answered
//! from the replayed finney data, without the caller ever blocking on the network.

#![cfg(feature = "replay")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use taoscope_core::network::Network;
use taoscope_core::replay::{ReplayServer, default_fixtures_dir};
use taoscope_core::service::{CoreHandle, Request, Response};

fn wait_for(core: &CoreHandle, id: u64) -> Response {
    let started = Instant::now();
    loop {
        if let Some((_, response)) = core.poll().into_iter().find(|(r, _)| *r == id) {
            return response;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer to request {id}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn metagraph_requests_are_answered_once_connected() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(&default_fixtures_dir(), "metagraph"))
        .expect("replay");
    let mut core = CoreHandle::start(Network::parse(&server.url()).expect("url"), Arc::new(|| {}))
        .expect("core");
    // Sent before the connection is up: it waits for it rather than failing at once.
    let id = core.send(Request::Metagraph { netuid: 1 });
    match wait_for(&core, id) {
        Response::Metagraph(Ok(metagraph)) => {
            assert_eq!(metagraph.n, 1024);
            assert_eq!(metagraph.block, 6_852_690);
        }
        other => panic!("unexpected {other:?}"),
    }
}
