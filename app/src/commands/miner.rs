//! `taoscope miner …`: the GPUs here, the miner profiles that fit them, and running one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::miner::Session;
use taoscope_core::miner::gpu::{self, Detection};
use taoscope_core::miner::picker::{self, Fit, Unfit};
use taoscope_core::miner::profile::{
    CommandSpec, LaunchContext, LoadedProfile, ResolvedProfile, load_profiles, user_profiles_dir,
};
use taoscope_core::miner::registration::{self, RegistrationCheck};
use taoscope_core::miner::supervisor::{MinerPlan, MinerState, Supervisor, SupervisorConfig};
use taoscope_core::network::Network;
use taoscope_core::wallet::Wallets;

use super::{Align, Failure, emit, print_json, print_pairs, print_table, read_pinned};
use crate::cli::MinerRunArgs;

/// One line per probe: what was checked and what it said.
fn checked_lines(detection: &Detection) -> Vec<String> {
    detection
        .checked
        .iter()
        .map(|p| {
            let said = p
                .problem
                .clone()
                .unwrap_or_else(|| tr_with("miner.cli.found_n", &[("count", &p.found)]));
            format!("  {}: {said}", tr(p.kind.label_key()))
        })
        .collect()
}

/// `taoscope miner gpus`: the GPUs found; none is a normal answer (exit 0).
pub fn gpus(json: bool) -> Result<(), Failure> {
    let detection = gpu::detect();
    if detection.gpus.is_empty() {
        eprintln!("{}", tr("miner.no_gpu"));
        eprintln!("{}", tr("miner.checked"));
        for line in checked_lines(&detection) {
            eprintln!("{line}");
        }
        return if json { emit("[]\n") } else { Ok(()) };
    }
    if json {
        return print_json(&detection.gpus);
    }
    let mut rows = vec![vec![
        tr("miner.col.index"),
        tr("miner.col.name"),
        tr("miner.col.vram_total"),
        tr("miner.col.vram_free"),
        tr("miner.col.driver"),
        tr("miner.col.cuda"),
    ]];
    let unknown = || tr("common.unknown");
    for g in &detection.gpus {
        rows.push(vec![
            g.index.to_string(),
            g.name.clone(),
            format!("{} MiB", g.vram_total_mb),
            g.vram_free_mb.map_or_else(unknown, |f| format!("{f} MiB")),
            g.driver.clone().unwrap_or_else(unknown),
            g.cuda.clone().unwrap_or_else(unknown),
        ]);
    }
    print_table(&rows, Align::Left)
}

/// Why a profile does not fit, in words.
pub fn unfit_text(why: &Unfit) -> String {
    match why {
        Unfit::NoGpu => tr("miner.unfit.no_gpu"),
        Unfit::WrongVendor { need } => tr_with(
            "miner.unfit.vendor",
            &[("vendor", &format!("{need:?}").to_lowercase())],
        ),
        Unfit::TooLittleMemory { need_mb, best_mb } => tr_with(
            "miner.unfit.memory",
            &[("need", need_mb), ("have", best_mb)],
        ),
    }
}

fn loaded_profiles() -> Vec<LoadedProfile> {
    let (profiles, errors) = load_profiles(user_profiles_dir().as_deref());
    for error in errors {
        eprintln!("{}: {error}", tr("miner.cli.profile_skipped"));
    }
    profiles
}

/// `taoscope miner profiles`: every profile with fits / does not fit here, and why.
pub fn profiles(json: bool) -> Result<(), Failure> {
    let profiles = loaded_profiles();
    let detection = gpu::detect();
    let picks = picker::rank(&profiles, &detection.gpus, &[], &[]);
    if json {
        let rows: Vec<serde_json::Value> = picks
            .iter()
            .map(|p| {
                let profile = &p.profile.profile;
                serde_json::json!({
                    "name": profile.name,
                    "netuid": profile.netuid,
                    "display_name": profile.display_name,
                    "min_vram_mb": profile.gpu.min_vram_mb,
                    "gpu_class": profile.gpu.class,
                    "fits": p.fit.fits(),
                    "why": match &p.fit {
                        Fit::Fits { .. } => None,
                        Fit::DoesNotFit { why } => Some(unfit_text(why)),
                    },
                    "gpu": match &p.fit {
                        Fit::Fits { gpu } => *gpu,
                        Fit::DoesNotFit { .. } => None,
                    },
                    "source": profile.source,
                    "origin": p.profile.origin,
                })
            })
            .collect();
        return print_json(&rows);
    }
    let mut rows = vec![vec![
        tr("miner.col.profile"),
        tr("miner.col.netuid"),
        tr("miner.col.needs"),
        tr("miner.col.fits"),
    ]];
    for p in &picks {
        let profile = &p.profile.profile;
        rows.push(vec![
            profile.name.clone(),
            profile.netuid.to_string(),
            format!("{} ({} MiB)", profile.gpu.class, profile.gpu.min_vram_mb),
            match &p.fit {
                Fit::Fits { .. } => tr("miner.fits"),
                Fit::DoesNotFit { why } => {
                    format!("{}: {}", tr("miner.does_not_fit"), unfit_text(why))
                }
            },
        ]);
    }
    print_table(&rows, Align::Left)
}

/// A command as a shell line, quoting what a shell would split or expand.
pub fn shell_line(spec: &CommandSpec) -> String {
    std::iter::once(&spec.program)
        .chain(&spec.args)
        .map(|word| {
            let plain = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
            if plain {
                word.clone()
            } else {
                format!("'{}'", word.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_dry_run(resolved: &ResolvedProfile) -> Result<(), Failure> {
    let mut pairs = Vec::new();
    for (i, step) in resolved.setup.iter().enumerate() {
        pairs.push((
            format!("{} {} ({})", tr("miner.cli.setup"), i + 1, step.name),
            shell_line(step),
        ));
    }
    pairs.push((tr("miner.cli.command"), shell_line(&resolved.launch)));
    pairs.push((
        tr("miner.cli.workdir"),
        resolved.launch.workdir.display().to_string(),
    ));
    for (key, value) in &resolved.launch.env {
        pairs.push((tr("miner.cli.env"), format!("{key}={value}")));
    }
    print_pairs(&pairs)
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Catches Ctrl-C and SIGTERM so the miner is stopped cleanly, not orphaned.
fn catch_interrupts() {
    let handler = on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Checks that the hotkey holds a UID on the subnet; a network problem is only a warning.
fn registration_check(
    network: &Network,
    wallet_path: &std::path::Path,
    args: &MinerRunArgs,
    netuid: u16,
) -> Result<(), Failure> {
    let wallet = Wallets::new(wallet_path)
        .existing(&args.wallet)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let hotkey = wallet
        .hotkey_address(&args.hotkey)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let key = *hotkey.as_bytes();
    match read_pinned(
        network,
        |at| async move { at.hotkey_registrations(&key).await },
    ) {
        Ok(found) => match registration::check(&found, netuid) {
            RegistrationCheck::Registered { uid } => {
                eprintln!(
                    "{}",
                    tr_with(
                        "miner.cli.registered",
                        &[("netuid", &netuid), ("uid", &uid)]
                    )
                );
                Ok(())
            }
            RegistrationCheck::NotRegistered => Err(Failure::failed(format!(
                "{} {}",
                tr_with(
                    "miner.cli.not_registered",
                    &[("hotkey", &hotkey.to_ss58()), ("netuid", &netuid)]
                ),
                tr_with(
                    "miner.cli.register_hint",
                    &[
                        ("wallet", &args.wallet),
                        ("hotkey", &hotkey.to_ss58()),
                        ("netuid", &netuid)
                    ]
                )
            ))),
        },
        Err(e) => {
            eprintln!(
                "{}",
                tr_with("miner.cli.registration_unknown", &[("reason", &e.message)])
            );
            Ok(())
        }
    }
}

fn state_text(state: &MinerState) -> String {
    match state {
        MinerState::SettingUp { step, total, name } => tr_with(
            "miner.state.setting_up",
            &[("step", step), ("total", total), ("name", name)],
        ),
        MinerState::Starting => tr("miner.state.starting"),
        MinerState::ReadyToLaunch => tr("miner.state.ready"),
        MinerState::Running { pid, .. } => tr_with("miner.state.running", &[("pid", pid)]),
        MinerState::Restarting { at, exit } => tr_with(
            "miner.state.restarting",
            &[
                ("exit", exit),
                (
                    "seconds",
                    &at.saturating_duration_since(std::time::Instant::now())
                        .as_secs(),
                ),
            ],
        ),
        MinerState::GaveUp { exit } => tr_with("miner.state.gave_up", &[("exit", exit)]),
        MinerState::Exited => tr("miner.state.exited"),
        MinerState::SetupFailed { step, reason } => tr_with(
            "miner.state.setup_failed",
            &[("step", step), ("reason", reason)],
        ),
        MinerState::LaunchFailed { reason } => {
            tr_with("miner.state.launch_failed", &[("reason", reason)])
        }
        MinerState::Stopped => tr("miner.state.stopped"),
    }
}

/// `taoscope miner run`: dry-run, or setup, registration check and supervision until Ctrl-C.
pub fn run(
    network: Network,
    saved_wallet_path: Option<PathBuf>,
    args: &MinerRunArgs,
) -> Result<(), Failure> {
    let profiles = loaded_profiles();
    let Some(loaded) = profiles.iter().find(|p| p.profile.name == args.profile) else {
        let names: Vec<&str> = profiles.iter().map(|p| p.profile.name.as_str()).collect();
        return Err(Failure::usage(tr_with(
            "miner.cli.unknown_profile",
            &[("given", &args.profile), ("names", &names.join(", "))],
        )));
    };
    let profile = &loaded.profile;
    let wallet_path = args
        .path
        .wallet_path
        .clone()
        .or(saved_wallet_path)
        .unwrap_or_else(taoscope_core::wallet::default_wallets_dir);
    let data_dir = taoscope_core::miner::run_dir(&profile.name)
        .ok_or_else(|| Failure::failed(tr("miner.cli.no_data_dir")))?;
    let context = LaunchContext {
        wallet: args.wallet.clone(),
        hotkey: args.hotkey.clone(),
        wallet_path: wallet_path.clone(),
        network: network.clone(),
        port: args.port.unwrap_or(profile.default_port),
        data_dir: data_dir.clone(),
    };
    let resolved = profile.resolve(&context);
    if args.dry_run {
        return if args.output.json {
            print_json(&resolved)
        } else {
            print_dry_run(&resolved)
        };
    }
    if !args.skip_registration_check {
        registration_check(&network, &wallet_path, args, profile.netuid)?;
    }
    catch_interrupts();
    let plan = MinerPlan {
        setup: resolved.setup,
        launch: resolved.launch,
        health_pattern: resolved.health_pattern,
        hold_before_launch: false,
    };
    let hotkey_ss58 = Wallets::new(&wallet_path)
        .existing(&args.wallet)
        .and_then(|w| w.hotkey_address(&args.hotkey))
        .ok()
        .map(|a| a.to_ss58());
    let session = Session {
        profile: profile.name.clone(),
        netuid: profile.netuid,
        wallet: args.wallet.clone(),
        hotkey: args.hotkey.clone(),
        hotkey_ss58,
        plan: plan.clone(),
    };
    // A window that re-attaches later reads this to restart the same command.
    if let Err(e) = session.save(&data_dir) {
        eprintln!("{}: {e}", data_dir.display());
    }
    let supervisor = Supervisor::start(
        SupervisorConfig::new(&data_dir),
        plan,
        Some(profile.name.clone()),
    )
    .map_err(|e| Failure::failed(e.to_string()))?;
    supervise(supervisor, args.detach)
}

/// Prints the log and state changes until Ctrl-C (then stops the miner), a final state,
/// or, with `detach`, the miner running (then leaves it running).
fn supervise(supervisor: Supervisor, detach: bool) -> Result<(), Failure> {
    let mut seen = 0;
    let mut last_key = None;
    loop {
        for (number, line) in supervisor.lines_since(seen) {
            seen = number;
            let _ = emit(&format!("{line}\n"));
        }
        let status = supervisor.status();
        let text = state_text(&status.state);
        // One line per change of state, setup step or restart, not one per poll.
        let step = match &status.state {
            MinerState::SettingUp { step, .. } => *step,
            _ => 0,
        };
        let key = (std::mem::discriminant(&status.state), step, status.restarts);
        if last_key != Some(key) {
            eprintln!("[{}] {text}", tr("miner.cli.state"));
            last_key = Some(key);
        }
        match &status.state {
            MinerState::Running { pid, .. } if detach => {
                let pid = *pid;
                supervisor.detach();
                eprintln!("{}", tr_with("miner.cli.detached", &[("pid", &pid)]));
                return Ok(());
            }
            MinerState::SetupFailed { .. }
            | MinerState::LaunchFailed { .. }
            | MinerState::GaveUp { .. } => {
                return Err(Failure::failed(text));
            }
            MinerState::Exited | MinerState::Stopped => return Ok(()),
            _ => {}
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            eprintln!("{}", tr("miner.cli.stopping"));
            let status = supervisor.stop();
            eprintln!("[{}] {}", tr("miner.cli.state"), state_text(&status.state));
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
