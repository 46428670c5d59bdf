//! `taoscope-replay`: serves one recorded finney scenario on loopback, for trying the app,
//! the CLI or other clients (the peer benchmark) against real recorded answers.
//!
//! Usage: `taoscope-replay [--seed NAME] [--port N] [--fixtures DIR] [--log] [--demo-stake SS58]`.
//! It prints the URL, then, when stopped with Ctrl-C (SIGINT), how many requests it served and
//! which it could not answer; with `--log`, each request as it arrives, on stderr (the peer
//! benchmark counts round trips this way). `--demo-stake SS58` adds made-up answers the
//! recording lacks (a stake portfolio for that coldkey, prices, a validator name and subnet
//! hyperparameters; see `taoscope_core::replay_demo`), for trying the Wallet page.

use std::path::PathBuf;

use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut seed = "metagraph".to_string();
    let mut port = 0u16;
    let mut fixtures = default_fixtures_dir();
    let mut log = false;
    let mut demo_stake: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--log" {
            log = true;
            continue;
        }
        let value = args.next();
        match (arg.as_str(), value) {
            ("--seed", Some(v)) => seed = v,
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => exit_with(&format!("--port needs a number, not '{v}'")),
            },
            ("--fixtures", Some(v)) => fixtures = PathBuf::from(v),
            ("--demo-stake", Some(v)) => demo_stake = Some(v),
            _ => exit_with(
                "usage: taoscope-replay [--seed NAME] [--port N] [--fixtures DIR] [--log] [--demo-stake SS58]",
            ),
        }
    }
    let server = match ReplayServer::start_on(&fixtures, &seed, port).await {
        Ok(s) => s,
        Err(e) => exit_with(&e.to_string()),
    };
    if let Some(ss58) = demo_stake {
        let coldkey = match taoscope_core::explorer::ss58::decode("--demo-stake", &ss58) {
            Ok(key) => key,
            Err(e) => exit_with(&e.to_string()),
        };
        match taoscope_core::replay_demo::demo_answers(&fixtures, &coldkey) {
            Ok(answers) => server.script(&answers),
            Err(e) => exit_with(&e.to_string()),
        }
    }
    println!("{}", server.url());
    if log {
        // The server keeps its own list; print what is new every few milliseconds.
        let mut printed = 0;
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(5));
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                _ = tick.tick() => {
                    let served = server.served();
                    for request in served.iter().skip(printed) {
                        let mark = if request.answered { "" } else { "  (no recorded answer)" };
                        eprintln!("request {}{mark}", request.method);
                    }
                    printed = served.len();
                }
            }
        }
    } else {
        let _ = tokio::signal::ctrl_c().await;
    }
    let served = server.served();
    eprintln!(
        "served {} requests, {} unanswered: {:?}",
        served.len(),
        server.unanswered().len(),
        server.unanswered()
    );
}

fn exit_with(message: &str) -> ! {
    eprintln!("taoscope-replay: {message}");
    std::process::exit(2);
}
