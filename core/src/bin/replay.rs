//! `taoscope-replay`: serves one recorded finney scenario on loopback, for trying the app,
//! the CLI or other clients (the peer benchmark) against real recorded answers.
//!
//! Usage: `taoscope-replay [--seed NAME] [--port N] [--fixtures DIR]`. It prints the URL,
//! then the methods it could not answer when stopped with Ctrl-C.

use std::path::PathBuf;

use taoscope_core::replay::{ReplayServer, default_fixtures_dir};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut seed = "metagraph".to_string();
    let mut port = 0u16;
    let mut fixtures = default_fixtures_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--seed", Some(v)) => seed = v,
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => exit_with(&format!("--port needs a number, not '{v}'")),
            },
            ("--fixtures", Some(v)) => fixtures = PathBuf::from(v),
            _ => exit_with("usage: taoscope-replay [--seed NAME] [--port N] [--fixtures DIR]"),
        }
    }
    let server = match ReplayServer::start_on(&fixtures, &seed, port).await {
        Ok(s) => s,
        Err(e) => exit_with(&e.to_string()),
    };
    println!("{}", server.url());
    let _ = tokio::signal::ctrl_c().await;
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
