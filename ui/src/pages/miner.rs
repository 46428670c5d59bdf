//! The Miner page: the GPUs on top, the picker below (fits or not and why, burn cost,
//! miner incentive), then the running miner: its state, the live log, GPU charts and the
//! on-chain incentive since it started.
//!
//! "Start" is one click that runs three steps in order: setup (the supervisor's cancellable
//! steps), the registration check, then the launch. A hotkey that holds no UID on the subnet
//! is registered first through the shared transaction flow (review with the burn, unlock,
//! progress, result, from [`crate::widgets::tx_flow`]); the miner launches only once the
//! registration is final, and a cancelled or failed one launches nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui::RichText;
use plotters::prelude::*;
use taoscope_core::explorer::{Metagraph, SubnetSummary};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::AccountId;
use taoscope_core::miner::Session;
use taoscope_core::miner::gpu::{self, Detection, Gpu};
use taoscope_core::miner::monitor::{ChainPoller, GpuMonitor, GpuSample, incentive_point};
use taoscope_core::miner::picker::{self, Fit, Pick, Unfit};
use taoscope_core::miner::profile::{
    LaunchContext, LoadedProfile, load_profiles, user_profiles_dir,
};
use taoscope_core::miner::registration::{self, RegistrationCheck};
use taoscope_core::miner::supervisor::{
    HealthyLine, MinerPlan, MinerState, Status, Supervisor, SupervisorConfig,
};
use taoscope_core::network::Network;
use taoscope_core::service::{CoreHandle, Request, RequestId, Response, TxRequest, WalletView};
use taoscope_core::settings::Theme;
use taoscope_core::tx::{Action, DispatchOutcome, Tolerance, TxError, TxStatus};
use taoscope_core::wallet::Wallets;

use super::wallet::Loadable;
use crate::format::{amount_text, thousands};
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::chart::{chart_area, plot_colour};
use crate::widgets::empty_state::{EmptyState, empty_state_inline_ui};
use crate::widgets::term::{Term, strong_term_ui};
use crate::widgets::tx_flow::{ReviewData, TxFlowEvent, TxFlowState, tx_flow_ui};

/// GPU samples kept: 30 minutes at one per 2 s, for up to 8 GPUs.
const GPU_SAMPLES: usize = 900 * 8;

/// What the background look-around found: hardware and profiles.
struct Discovery {
    detection: Detection,
    profiles: Vec<LoadedProfile>,
    errors: Vec<String>,
}

/// Where the one-click flow is, beyond what the supervisor itself reports.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Flow {
    /// Setup runs (the supervisor's state has the step).
    Setup,
    /// Asked the chain whether the hotkey holds a UID.
    CheckingRegistration(RequestId),
    /// Not registered: `burned_register` is to be quoted on the next frame.
    NeedsRegistration,
    /// The node is quoting the registration (burn, fee, balance) for the review.
    Quoting(RequestId),
    /// The shared transaction flow is open (review, unlock, progress): see
    /// [`RunView::registration`].
    Registering,
    /// The registration did not happen (cancelled, refused before signing, or failed on
    /// chain); the reason. Nothing was launched.
    NotRegistered(String),
    /// The check itself failed (offline); the reason.
    CheckFailed(String),
    /// The miner was launched, or re-attached.
    Launched,
}

/// The log as the page shows it: every line in memory, and the matches of the search.
#[derive(Default)]
pub struct LogView {
    lines: Vec<String>,
    last: u64,
    search: String,
    matched_for: String,
    matched_upto: usize,
    matches: Vec<usize>,
}

impl LogView {
    /// Most lines kept for display (the supervisor keeps as many).
    const CAPACITY: usize = 20_000;

    /// Takes the supervisor's new lines.
    fn pull(&mut self, supervisor: &Supervisor) {
        let new = supervisor.lines_since(self.last);
        let Some((last, _)) = new.last() else {
            return;
        };
        self.last = *last;
        self.lines.extend(new.into_iter().map(|(_, l)| l));
        if self.lines.len() > Self::CAPACITY {
            let extra = self.lines.len() - Self::CAPACITY;
            self.lines.drain(..extra);
            self.matched_for.clear(); // indices moved: search again
        }
    }

    /// Adds lines directly (tests and benchmarks).
    pub fn push_lines(&mut self, lines: impl IntoIterator<Item = String>) {
        self.lines.extend(lines);
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Brings the match list up to date: a new search scans everything, new lines only
    /// themselves, so a frame never rescans 20,000 lines for nothing.
    fn refresh_matches(&mut self) {
        let needle = self.search.trim().to_lowercase();
        if needle != self.matched_for {
            self.matched_for = needle.clone();
            self.matched_upto = 0;
            self.matches.clear();
        }
        if needle.is_empty() {
            self.matched_upto = self.lines.len();
            return;
        }
        for (i, line) in self.lines.iter().enumerate().skip(self.matched_upto) {
            if line.to_lowercase().contains(&needle) {
                self.matches.push(i);
            }
        }
        self.matched_upto = self.lines.len();
    }

    /// The indices shown: every line, or the matches.
    fn shown(&self) -> usize {
        if self.matched_for.is_empty() {
            self.lines.len()
        } else {
            self.matches.len()
        }
    }

    fn shown_line(&self, row: usize) -> Option<&str> {
        let index = if self.matched_for.is_empty() {
            row
        } else {
            *self.matches.get(row)?
        };
        self.lines.get(index).map(String::as_str)
    }
}

/// A miner this window supervises.
struct RunView {
    supervisor: Supervisor,
    session: Session,
    flow: Flow,
    log: LogView,
    poller: ChainPoller,
    poll_request: Option<RequestId>,
    keep_in_background: bool,
    stop_requested: bool,
    registered: bool,
    /// The coldkey that pays the registration, read from the wallet when Start was pressed.
    coldkey: Option<AccountId>,
    /// Whether the OS keychain holds that coldkey (from the wallet list).
    remembered: bool,
    /// The registration's review, unlock, progress and result, while it is open.
    registration: Option<TxFlowState>,
    /// Frames left to scroll the registration flow into view (the review just opened below
    /// the GPU cards, likely out of sight). More than one: the scroll area learns the new
    /// content's height a frame late and would clamp a single scroll.
    reveal: u8,
}

/// What the Miner page remembers between frames.
pub struct MinerPageState {
    wallets_dir: PathBuf,
    miners_root: Option<PathBuf>,
    profiles_dir: Option<PathBuf>,
    discovery: Option<Discovery>,
    discovering: Option<mpsc::Receiver<Discovery>>,
    subnets: Loadable<Vec<SubnetSummary>>,
    metagraphs: BTreeMap<u16, Loadable<Box<Metagraph>>>,
    selected: Option<String>,
    wallet: String,
    hotkey: String,
    port: String,
    run: Option<RunView>,
    notice: Option<String>,
    gpu_monitor: Option<GpuMonitor>,
    attach_checked: bool,
    /// Screenshot mode (`--page miner-register`): press Start on the first profile that fits
    /// and stop at the registration review.
    scripted: bool,
}

impl MinerPageState {
    /// A page reading wallets from `wallets_dir`, miners' run folders from `miners_root` and
    /// the user's profiles from `profiles_dir` (`None`: the platform's data and config folders).
    pub fn new(
        wallets_dir: PathBuf,
        miners_root: Option<PathBuf>,
        profiles_dir: Option<PathBuf>,
    ) -> Self {
        MinerPageState {
            wallets_dir,
            miners_root: miners_root.or_else(taoscope_core::miner::miners_root),
            profiles_dir: profiles_dir.or_else(user_profiles_dir),
            discovery: None,
            discovering: None,
            subnets: Loadable::Idle,
            metagraphs: BTreeMap::new(),
            selected: None,
            wallet: "default".into(),
            hotkey: "default".into(),
            port: String::new(),
            run: None,
            notice: None,
            gpu_monitor: None,
            attach_checked: false,
            scripted: false,
        }
    }

    /// Screenshot mode: Start on the first profile that fits once the picker is known; the
    /// page is ready at the registration review (or when the run stopped short of it).
    pub fn drive_to_registration(&mut self) {
        self.scripted = true;
    }

    /// True once hardware and profiles are known and, with a miner, its first log line is in.
    /// In screenshot mode: once the registration review is up, or the run stopped before it
    /// (the picture then shows why).
    pub fn is_ready(&self) -> bool {
        if self.scripted {
            return self.notice.is_some()
                || self.run.as_ref().is_some_and(|r| {
                    r.registration.is_some()
                        || matches!(
                            r.flow,
                            Flow::NotRegistered(_) | Flow::CheckFailed(_) | Flow::Launched
                        )
                        || matches!(
                            r.supervisor.status().state,
                            MinerState::SetupFailed { .. } | MinerState::Stopped
                        )
                });
        }
        self.discovery.is_some()
            && self.subnets.is_settled()
            && self.run.as_ref().is_none_or(|r| !r.log.is_empty())
    }

    /// The log lines the page holds (for tests).
    pub fn log_len(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.log.len())
    }

    /// Starts looking for GPUs and profiles off the UI thread, and re-attaches to a miner
    /// left running in the background.
    fn ensure_started(&mut self, core: &mut CoreHandle) {
        if self.discovery.is_none() && self.discovering.is_none() {
            let (tx, rx) = mpsc::channel();
            let profiles_dir = self.profiles_dir.clone();
            std::thread::spawn(move || {
                let detection = gpu::detect();
                let (profiles, errors) = load_profiles(profiles_dir.as_deref());
                let _ = tx.send(Discovery {
                    detection,
                    profiles,
                    errors: errors.iter().map(ToString::to_string).collect(),
                });
            });
            self.discovering = Some(rx);
        }
        if matches!(self.subnets, Loadable::Idle) {
            self.subnets = Loadable::Loading(core.send(Request::Subnets));
        }
        if !self.attach_checked {
            self.attach_checked = true;
            self.reattach();
        }
    }

    /// Picks up a miner started earlier (another window, or `taoscope miner run --detach`).
    fn reattach(&mut self) {
        let Some(root) = &self.miners_root else {
            return;
        };
        for dir in taoscope_core::miner::running_miners(root) {
            let Some(session) = Session::load(&dir) else {
                continue;
            };
            match Supervisor::attach(SupervisorConfig::new(&dir), Some(session.plan.clone())) {
                Ok(supervisor) => {
                    self.selected = Some(session.profile.clone());
                    self.run = Some(RunView {
                        supervisor,
                        poller: ChainPoller::new(None),
                        session,
                        flow: Flow::Launched,
                        log: LogView::default(),
                        poll_request: None,
                        keep_in_background: true,
                        stop_requested: false,
                        registered: false,
                        coldkey: None,
                        remembered: false,
                        registration: None,
                        reveal: 0,
                    });
                    return;
                }
                Err(e) => self.notice = Some(e.to_string()),
            }
        }
    }

    /// Takes the answer to one of this page's requests.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        match response {
            Response::Subnets(result) if self.subnets == Loadable::Loading(id) => {
                self.subnets = match result {
                    Ok((_, list)) => Loadable::Ready(list.clone()),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                true
            }
            Response::Metagraph(result)
                if self
                    .run
                    .as_ref()
                    .is_some_and(|r| r.poll_request == Some(id)) =>
            {
                if let Some(run) = &mut self.run {
                    run.poll_request = None;
                    if let (Ok((_, metagraph)), Some(hotkey)) = (result, &run.session.hotkey_ss58) {
                        if let Some(tempo) = metagraph.subnet.tempo {
                            run.poller.set_tempo(tempo);
                        }
                        if let Some(point) = incentive_point(metagraph, hotkey) {
                            run.poller.record(point);
                        }
                    }
                }
                true
            }
            Response::Metagraph(result) => {
                let Some(netuid) = self
                    .metagraphs
                    .iter()
                    .find(|(_, l)| **l == Loadable::Loading(id))
                    .map(|(n, _)| *n)
                else {
                    return false;
                };
                self.metagraphs.insert(
                    netuid,
                    match result {
                        Ok((_, m)) => Loadable::Ready(m.clone()),
                        Err(e) => Loadable::Failed(e.to_string()),
                    },
                );
                true
            }
            Response::HotkeyRegistrations(result)
                if self
                    .run
                    .as_ref()
                    .is_some_and(|r| r.flow == Flow::CheckingRegistration(id)) =>
            {
                if let Some(run) = &mut self.run {
                    run.flow = match result {
                        Ok((_, found)) => match registration::check(found, run.session.netuid) {
                            RegistrationCheck::Registered { .. } => run.launch(),
                            RegistrationCheck::NotRegistered => Flow::NeedsRegistration,
                        },
                        Err(e) => Flow::CheckFailed(e.to_string()),
                    };
                }
                true
            }
            Response::TxPrepared(result)
                if self
                    .run
                    .as_ref()
                    .is_some_and(|r| r.flow == Flow::Quoting(id)) =>
            {
                let subnet_label = self.subnet_label();
                let wallets_dir = self.wallets_dir.clone();
                if let Some(run) = &mut self.run {
                    run.flow = match result {
                        Ok(prepared) => {
                            let review =
                                ReviewData::live(prepared, subnet_label, "\u{3b1}".into(), None);
                            run.registration = Some(TxFlowState::new(
                                review,
                                Some(prepared.clone()),
                                wallets_dir,
                                run.session.wallet.clone(),
                                run.remembered,
                            ));
                            run.reveal = 10;
                            Flow::Registering
                        }
                        // Registered since the check (another window, the CLI): go on.
                        Err(TxError::AlreadyRegistered { .. }) => run.launch(),
                        Err(e) => Flow::NotRegistered(tr_with(
                            "miner.page.registration_refused",
                            &[("reason", &e)],
                        )),
                    };
                }
                true
            }
            Response::TxProgress { .. } | Response::TxFinished(_) => {
                let Some(run) = &mut self.run else {
                    return false;
                };
                let Some(flow) = &mut run.registration else {
                    return false;
                };
                if !flow.handle_response(id, response) {
                    return false;
                }
                if let Some(finished) = flow.finished.clone() {
                    run.flow = registration_outcome(&finished).map_or_else(
                        Flow::NotRegistered,
                        |final_success| {
                            if final_success {
                                run.launch()
                            } else {
                                // Included, but its events could not be read: ask the chain.
                                Flow::Setup
                            }
                        },
                    );
                }
                true
            }
            _ => false,
        }
    }

    /// "SN3 · τemplar: distributed pre-training" for the running miner's subnet.
    fn subnet_label(&self) -> Option<String> {
        let run = self.run.as_ref()?;
        let name = self
            .discovery
            .as_ref()
            .and_then(|d| {
                d.profiles
                    .iter()
                    .find(|p| p.profile.name == run.session.profile)
            })
            .map_or_else(
                || run.session.profile.clone(),
                |p| p.profile.display_name.clone(),
            );
        Some(tr_with(
            "miner.page.subnet_label",
            &[("netuid", &run.session.netuid), ("name", &name)],
        ))
    }

    /// Once per frame: discovery results, metagraph requests, the log, the flow and polling.
    fn tick(&mut self, core: &mut CoreHandle) {
        if let Some(rx) = &self.discovering
            && let Ok(found) = rx.try_recv()
        {
            self.discovering = None;
            if !found.detection.gpus.is_empty() {
                self.gpu_monitor = Some(GpuMonitor::start(GPU_SAMPLES));
            }
            if self.selected.is_none() {
                let picks = picker::rank(&found.profiles, &found.detection.gpus, &[], &[]);
                self.selected = picks.first().map(|p| p.profile.profile.name.clone());
            }
            self.discovery = Some(found);
        }
        if let Some(found) = &self.discovery {
            for p in &found.profiles {
                let netuid = p.profile.netuid;
                self.metagraphs
                    .entry(netuid)
                    .or_insert_with(|| Loadable::Loading(core.send(Request::Metagraph { netuid })));
            }
        }
        if self.scripted && self.run.is_none() && self.notice.is_none() && self.subnets.is_settled()
        {
            let network = core.connection().network().clone();
            if let Some(pick) = self.picks().into_iter().find(|p| p.fit.fits()) {
                self.selected = Some(pick.profile.profile.name.clone());
                self.start(&pick, &network);
            }
        }
        let Some(run) = &mut self.run else {
            return;
        };
        run.log.pull(&run.supervisor);
        let status = run.supervisor.status();
        if run.flow == Flow::Setup && status.state == MinerState::ReadyToLaunch {
            match run
                .session
                .hotkey_ss58
                .as_deref()
                .map(taoscope_core::keys::AccountId::from_ss58)
            {
                Some(Ok(account)) => {
                    run.flow =
                        Flow::CheckingRegistration(core.send(Request::HotkeyRegistrations {
                            hotkey: *account.as_bytes(),
                        }));
                }
                _ => run.flow = Flow::CheckFailed(tr("miner.page.hotkey_unknown")),
            }
        }
        if run.flow == Flow::NeedsRegistration {
            let hotkey = run
                .session
                .hotkey_ss58
                .as_deref()
                .and_then(|h| AccountId::from_ss58(h).ok());
            run.flow = match (hotkey, run.coldkey) {
                (Some(hotkey), Some(signer)) => {
                    Flow::Quoting(core.send(Request::Tx(TxRequest::Prepare {
                        action: Action::BurnedRegister {
                            netuid: run.session.netuid,
                            hotkey,
                        },
                        signer,
                        tolerance: Tolerance::DEFAULT,
                        guarded: true,
                    })))
                }
                (None, _) => Flow::NotRegistered(tr("miner.page.hotkey_unknown")),
                (_, None) => Flow::NotRegistered(tr_with(
                    "miner.page.no_coldkey",
                    &[("wallet", &run.session.wallet)],
                )),
            };
        }
        if run.flow == Flow::Launched
            && run.poll_request.is_none()
            && run.session.hotkey_ss58.is_some()
            && matches!(status.state, MinerState::Running { .. })
            && run.poller.due(Instant::now())
        {
            run.poll_request = Some(core.send(Request::Metagraph {
                netuid: run.session.netuid,
            }));
        }
    }

    fn picks(&self) -> Vec<Pick> {
        let Some(found) = &self.discovery else {
            return Vec::new();
        };
        let subnets = match &self.subnets {
            Loadable::Ready(list) => list.as_slice(),
            _ => &[],
        };
        let metagraphs: Vec<Metagraph> = self
            .metagraphs
            .values()
            .filter_map(|l| match l {
                Loadable::Ready(m) => Some(Metagraph::clone(m)),
                _ => None,
            })
            .collect();
        picker::rank(&found.profiles, &found.detection.gpus, subnets, &metagraphs)
    }

    /// Setup, then (after the registration check) launch: the "one click".
    fn start(&mut self, pick: &Pick, network: &Network) {
        self.notice = None;
        let profile = &pick.profile.profile;
        let Some(run_dir) = self.miners_root.as_ref().map(|r| r.join(&profile.name)) else {
            self.notice = Some(tr("miner.cli.no_data_dir"));
            return;
        };
        let port = match self.port.trim() {
            "" => profile.default_port,
            text => match text.parse::<u16>() {
                Ok(port) if port > 0 => port,
                _ => {
                    self.notice = Some(tr_with("miner.page.bad_port", &[("given", &text)]));
                    return;
                }
            },
        };
        let wallet = match Wallets::new(&self.wallets_dir).existing(self.wallet.trim()) {
            Ok(wallet) => wallet,
            Err(e) => {
                self.notice = Some(tr_with("miner.page.no_hotkey", &[("reason", &e)]));
                return;
            }
        };
        let hotkey_ss58 = match wallet.hotkey_address(self.hotkey.trim()) {
            Ok(address) => address.to_ss58(),
            Err(e) => {
                self.notice = Some(tr_with("miner.page.no_hotkey", &[("reason", &e)]));
                return;
            }
        };
        // Only needed if the hotkey must be registered; its absence is reported then.
        let coldkey = wallet.coldkeypub().ok();
        let context = LaunchContext {
            wallet: self.wallet.trim().to_string(),
            hotkey: self.hotkey.trim().to_string(),
            wallet_path: self.wallets_dir.clone(),
            network: network.clone(),
            port,
            data_dir: run_dir.clone(),
        };
        let resolved = profile.resolve(&context);
        let plan = MinerPlan {
            setup: resolved.setup,
            launch: resolved.launch,
            health_pattern: resolved.health_pattern,
            hold_before_launch: false,
        };
        let session = Session {
            profile: profile.name.clone(),
            netuid: profile.netuid,
            wallet: context.wallet.clone(),
            hotkey: context.hotkey.clone(),
            hotkey_ss58: Some(hotkey_ss58),
            plan: plan.clone(),
        };
        if let Err(e) = session.save(&run_dir) {
            self.notice = Some(format!("{}: {e}", run_dir.display()));
            return;
        }
        let held = MinerPlan {
            hold_before_launch: true,
            ..plan
        };
        match Supervisor::start(
            SupervisorConfig::new(&run_dir),
            held,
            Some(profile.name.clone()),
        ) {
            Ok(supervisor) => {
                self.run = Some(RunView {
                    supervisor,
                    session,
                    flow: Flow::Setup,
                    log: LogView::default(),
                    poller: ChainPoller::new(None),
                    poll_request: None,
                    keep_in_background: false,
                    stop_requested: false,
                    registered: false,
                    coldkey,
                    remembered: false,
                    registration: None,
                    reveal: 0,
                });
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }
}

impl RunView {
    /// Lets the held miner start: the hotkey is registered.
    fn launch(&mut self) -> Flow {
        self.registered = true;
        self.supervisor.launch();
        Flow::Launched
    }
}

impl Drop for MinerPageState {
    /// Closing the window stops the miner unless "keep running in background" is ticked.
    fn drop(&mut self) {
        if let Some(run) = self.run.take() {
            if run.keep_in_background {
                run.supervisor.detach();
            } else {
                run.supervisor.stop();
            }
        }
    }
}

/// `3725` s → `1:02:05`.
pub fn uptime_text(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// The state in words and the colour that goes with it.
fn state_line(status: &Status, theme: Theme) -> (String, egui::Color32) {
    let p = palette(theme);
    match &status.state {
        MinerState::SettingUp { step, total, name } => (
            tr_with(
                "miner.state.setting_up",
                &[("step", step), ("total", total), ("name", name)],
            ),
            p.warn,
        ),
        MinerState::Starting => (tr("miner.state.starting"), p.warn),
        MinerState::ReadyToLaunch => (tr("miner.state.ready"), p.warn),
        MinerState::Running { pid, healthy } => {
            let mut text = tr_with("miner.state.running", &[("pid", pid)]);
            if *healthy {
                text = format!("{text} · {}", tr("miner.page.healthy"));
            }
            (text, p.good)
        }
        MinerState::Restarting { at, exit } => (
            tr_with(
                "miner.state.restarting",
                &[
                    ("exit", exit),
                    (
                        "seconds",
                        &at.saturating_duration_since(Instant::now()).as_secs(),
                    ),
                ],
            ),
            p.warn,
        ),
        MinerState::GaveUp { exit } => (tr_with("miner.state.gave_up", &[("exit", exit)]), p.bad),
        MinerState::Exited => (tr("miner.state.exited"), p.muted),
        MinerState::SetupFailed { step, reason } => (
            tr_with(
                "miner.state.setup_failed",
                &[("step", step), ("reason", reason)],
            ),
            p.bad,
        ),
        MinerState::LaunchFailed { reason } => (
            tr_with("miner.state.launch_failed", &[("reason", reason)]),
            p.bad,
        ),
        MinerState::Stopped => (tr("miner.state.stopped"), p.muted),
    }
}

/// Draws the Miner page. `wallets` (from the Wallet page) says whether the OS keychain holds
/// the coldkey that would pay a registration.
pub fn miner_ui(
    ui: &mut egui::Ui,
    state: &mut MinerPageState,
    core: &mut CoreHandle,
    wallets: &[WalletView],
    theme: Theme,
) {
    state.ensure_started(core);
    if let Some(run) = &mut state.run {
        run.remembered = wallets
            .iter()
            .any(|w| w.name == run.session.wallet && w.remembered);
    }
    state.tick(core);
    let network = core.connection().network().clone();
    ui.heading(tr("miner.page.title"));
    ui.label(RichText::new(tr("miner.page.intro")).color(palette(theme).muted));
    ui.add_space(spacing::MEDIUM);
    if let Some(notice) = &state.notice {
        ui.label(RichText::new(notice).color(palette(theme).bad));
    }
    let Some(found) = &state.discovery else {
        ui.horizontal(|ui| {
            ui.add(egui::Spinner::new());
            ui.label(tr("miner.page.detecting"));
        });
        ui.ctx().request_repaint_after(Duration::from_millis(100));
        return;
    };
    gpu_cards_ui(ui, &found.detection, theme);
    if state.run.is_some() {
        run_ui(ui, state, core, theme);
    } else {
        picker_ui(ui, state, &network, theme);
    }
    if let Some(monitor) = &state.gpu_monitor {
        let samples = monitor.samples();
        if !samples.is_empty() {
            section_ui(ui, theme, &tr("miner.page.gpu_charts"), |ui| {
                gpu_charts_ui(ui, &samples, theme);
            });
        }
    }
    if state.run.is_some() || state.gpu_monitor.is_some() {
        // Logs and samples arrive on their own; look again soon.
        ui.ctx().request_repaint_after(Duration::from_millis(250));
    }
}

fn gpu_cards_ui(ui: &mut egui::Ui, detection: &Detection, theme: Theme) {
    let p = palette(theme);
    if detection.gpus.is_empty() {
        section_ui(ui, theme, &tr("miner.no_gpu"), |ui| {
            ui.label(RichText::new(tr("empty.miner_no_gpu_body")).color(p.muted));
            ui.label(RichText::new(tr("miner.checked")).strong());
            for probe in &detection.checked {
                let said = probe
                    .problem
                    .clone()
                    .unwrap_or_else(|| tr_with("miner.cli.found_n", &[("count", &probe.found)]));
                ui.label(
                    RichText::new(format!("{}: {said}", tr(probe.kind.label_key())))
                        .color(p.muted)
                        .size(text::SMALL),
                );
            }
        });
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for g in &detection.gpus {
            gpu_card_ui(ui, g, theme);
        }
    });
    ui.add_space(spacing::LARGE);
}

fn gpu_card_ui(ui: &mut egui::Ui, g: &Gpu, theme: Theme) {
    let p = palette(theme);
    crate::theme::card(theme).show(ui, |ui| {
        ui.set_width(300.0);
        ui.label(RichText::new(format!("#{} {}", g.index, g.name)).strong());
        let unknown = || tr("common.unknown");
        let free = g.vram_free_mb.map_or_else(unknown, thousands);
        ui.label(tr_with(
            "miner.page.vram",
            &[("total", &thousands(g.vram_total_mb)), ("free", &free)],
        ));
        ui.label(
            RichText::new(tr_with(
                "miner.page.driver",
                &[
                    ("driver", &g.driver.clone().unwrap_or_else(unknown)),
                    ("cuda", &g.cuda.clone().unwrap_or_else(unknown)),
                ],
            ))
            .color(p.muted),
        );
        ui.label(
            RichText::new(tr_with(
                "miner.page.live",
                &[
                    (
                        "util",
                        &g.utilization_pct.map_or_else(unknown, |u| u.to_string()),
                    ),
                    (
                        "temp",
                        &g.temperature_c.map_or_else(unknown, |t| t.to_string()),
                    ),
                    (
                        "power",
                        &g.power_mw.map_or_else(unknown, |w| (w / 1000).to_string()),
                    ),
                ],
            ))
            .color(p.muted),
        );
    });
}

fn unfit_text(why: &Unfit) -> String {
    match why {
        Unfit::NoGpu => tr("miner.unfit.no_gpu"),
        Unfit::WrongVendor { need } => tr_with(
            "miner.unfit.vendor",
            &[("vendor", &format!("{need:?}").to_lowercase())],
        ),
        Unfit::TooLittleMemory { need_mb, best_mb } => tr_with(
            "miner.unfit.memory",
            &[
                ("need", &thousands(*need_mb)),
                ("have", &thousands(*best_mb)),
            ],
        ),
    }
}

fn burn_text(pick: &Pick) -> String {
    pick.registration_cost_rao
        .map_or_else(|| tr("common.unknown"), |r| amount_text(r.0, "τ", 4))
}

fn picker_ui(ui: &mut egui::Ui, state: &mut MinerPageState, network: &Network, theme: Theme) {
    let p = palette(theme);
    let picks = state.picks();
    let mut start = None;
    section_ui(ui, theme, &tr("miner.page.picker"), |ui| {
        if let Some(found) = &state.discovery {
            for error in &found.errors {
                ui.label(RichText::new(error).color(p.bad).size(text::SMALL));
            }
        }
        if picks.is_empty() {
            let dir = state
                .profiles_dir
                .as_ref()
                .map_or_else(|| tr("common.unknown"), |d| d.display().to_string());
            let empty = EmptyState::new(
                tr("empty.miner_no_profiles_title"),
                tr_with("empty.miner_no_profiles_body", &[("dir", &dir)]),
            );
            empty_state_inline_ui(ui, &empty, theme);
            return;
        }
        egui::Grid::new("miner-picker")
            .num_columns(5)
            .striped(true)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for heading in [
                    "miner.page.col_subnet",
                    "miner.page.col_needs",
                    "miner.page.col_fit",
                    "miner.page.col_burn",
                    "miner.page.col_incentive",
                ] {
                    match heading {
                        "miner.page.col_burn" => {
                            strong_term_ui(ui, &tr(heading), Term::Burn, theme);
                        }
                        "miner.page.col_incentive" => {
                            strong_term_ui(ui, &tr(heading), Term::Incentive, theme);
                        }
                        _ => {
                            ui.label(RichText::new(tr(heading)).strong());
                        }
                    }
                }
                ui.end_row();
                for pick in &picks {
                    let profile = &pick.profile.profile;
                    let selected = state.selected.as_deref() == Some(profile.name.as_str());
                    let label = format!("{} · {}", profile.netuid, profile.display_name);
                    if ui.selectable_label(selected, label).clicked() {
                        state.selected = Some(profile.name.clone());
                    }
                    ui.label(format!(
                        "{} ({} MiB)",
                        profile.gpu.class,
                        thousands(profile.gpu.min_vram_mb)
                    ));
                    match &pick.fit {
                        Fit::Fits { .. } => ui.label(RichText::new(tr("miner.fits")).color(p.good)),
                        Fit::DoesNotFit { why } => ui.label(
                            RichText::new(format!(
                                "{}: {}",
                                tr("miner.does_not_fit"),
                                unfit_text(why)
                            ))
                            .color(p.warn),
                        ),
                    };
                    ui.label(burn_text(pick));
                    ui.label(match pick.incentive {
                        Some(i) => tr_with(
                            "miner.page.incentive_cell",
                            &[
                                ("top", &format!("{:.3}", f64::from(i.top) / 65_535.0)),
                                ("earning", &i.earning),
                                ("miners", &i.miners),
                            ],
                        ),
                        None => tr("common.unknown"),
                    });
                    ui.end_row();
                }
            });
        let Some(pick) = picks
            .iter()
            .find(|p| Some(p.profile.profile.name.as_str()) == state.selected.as_deref())
        else {
            return;
        };
        ui.separator();
        let profile = &pick.profile.profile;
        ui.label(RichText::new(&profile.display_name).strong());
        ui.label(&profile.description);
        if let Some(source) = &profile.source {
            ui.label(
                RichText::new(tr_with(
                    "miner.page.source",
                    &[
                        ("git", &source.git),
                        ("rev", &source.rev.chars().take(12).collect::<String>()),
                    ],
                ))
                .color(p.muted)
                .size(text::SMALL),
            );
        }
        egui::Grid::new("miner-start")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label(tr("miner.page.wallet"));
                ui.add(egui::TextEdit::singleline(&mut state.wallet).desired_width(200.0))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(tr("miner.page.hotkey"));
                ui.add(egui::TextEdit::singleline(&mut state.hotkey).desired_width(200.0))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(tr("miner.page.port"));
                ui.add(
                    egui::TextEdit::singleline(&mut state.port)
                        .hint_text(profile.default_port.to_string())
                        .desired_width(80.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            });
        ui.label(
            RichText::new(tr("miner.page.keys_note"))
                .color(p.muted)
                .size(text::SMALL),
        );
        let fits = pick.fit.fits();
        if !fits {
            ui.label(RichText::new(tr("miner.page.start_disabled")).color(p.warn));
        }
        if ui
            .add_enabled(fits, egui::Button::new(tr("miner.page.start")))
            .clicked()
        {
            start = Some(pick.clone());
        }
    });
    if let Some(pick) = start {
        state.start(&pick, network);
    }
}

fn steps_ui(ui: &mut egui::Ui, run: &RunView, status: &Status, theme: Theme) {
    let p = palette(theme);
    let setup_done = !matches!(status.state, MinerState::SettingUp { .. });
    // Registered: the check said so, or the chain already shows the hotkey's UID.
    let registered = run.registered || !run.poller.points.is_empty();
    let launched = matches!(
        status.state,
        MinerState::Running { .. } | MinerState::Restarting { .. }
    );
    ui.horizontal(|ui| {
        for (done, key) in [
            (setup_done, "miner.page.step_setup"),
            (registered, "miner.page.step_registration"),
            (launched, "miner.page.step_launch"),
        ] {
            let colour = if done { p.good } else { p.muted };
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 4.0, colour);
            ui.label(RichText::new(tr(key)).color(colour));
        }
    });
}

fn run_ui(ui: &mut egui::Ui, state: &mut MinerPageState, core: &mut CoreHandle, theme: Theme) {
    let p = palette(theme);
    let Some(run) = &mut state.run else {
        return;
    };
    let status = run.supervisor.status();
    let mut close = false;
    let title = tr_with(
        "miner.page.running_title",
        &[
            ("profile", &run.session.profile),
            ("netuid", &run.session.netuid),
        ],
    );
    section_ui(ui, theme, &title, |ui| {
        steps_ui(ui, run, &status, theme);
        let (line, colour) = state_line(&status, theme);
        ui.label(RichText::new(line).color(colour).size(text::HEADING));
        let uptime = status
            .running_since
            .filter(|_| matches!(status.state, MinerState::Running { .. }))
            .map_or(0, |s| s.elapsed().as_secs());
        ui.label(tr_with(
            "miner.page.uptime",
            &[
                ("uptime", &uptime_text(uptime)),
                ("restarts", &status.restarts),
            ],
        ));
        health_ui(
            ui,
            run.session.plan.health_pattern.is_some(),
            status.last_healthy.as_ref(),
            theme,
        );
        if status.attached {
            ui.label(RichText::new(tr("miner.page.attached")).color(p.muted));
        }
        match &run.flow {
            Flow::CheckingRegistration(_) | Flow::NeedsRegistration | Flow::Quoting(_) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr(if matches!(run.flow, Flow::CheckingRegistration(_)) {
                        "miner.page.checking_registration"
                    } else {
                        "miner.page.quoting_registration"
                    }));
                });
            }
            Flow::Registering => {
                ui.label(
                    RichText::new(tr_with(
                        "miner.page.needs_registration",
                        &[("netuid", &run.session.netuid)],
                    ))
                    .color(p.warn),
                );
            }
            Flow::NotRegistered(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
            }
            Flow::CheckFailed(reason) => {
                ui.label(
                    RichText::new(tr_with("miner.page.check_failed", &[("reason", reason)]))
                        .color(p.bad),
                );
            }
            Flow::Setup | Flow::Launched => {}
        }
        ui.horizontal(|ui| {
            let waiting = matches!(run.flow, Flow::NotRegistered(_) | Flow::CheckFailed(_));
            let alive = matches!(
                status.state,
                MinerState::ReadyToLaunch | MinerState::Running { .. }
            );
            if waiting && alive && ui.button(tr("miner.page.check_again")).clicked() {
                run.flow = Flow::Setup; // re-enters the check on the next frame
            }
            if matches!(run.flow, Flow::CheckFailed(_))
                && alive
                && ui.button(tr("miner.page.launch_anyway")).clicked()
            {
                run.supervisor.launch();
                run.flow = Flow::Launched;
            }
            let finished = matches!(
                status.state,
                MinerState::Stopped
                    | MinerState::Exited
                    | MinerState::GaveUp { .. }
                    | MinerState::SetupFailed { .. }
                    | MinerState::LaunchFailed { .. }
            );
            if finished {
                if ui.button(tr("miner.page.close")).clicked() {
                    close = true;
                }
            } else if run.stop_requested {
                ui.add(egui::Spinner::new());
                ui.label(tr("miner.cli.stopping"));
            } else if run.registration.as_ref().is_none_or(|f| !f.in_flight()) {
                let key = if matches!(status.state, MinerState::SettingUp { .. }) {
                    "miner.page.cancel"
                } else {
                    "miner.page.stop"
                };
                if ui.button(tr(key)).clicked() {
                    run.supervisor.request_stop();
                    run.stop_requested = true;
                }
            }
            ui.checkbox(&mut run.keep_in_background, tr("miner.page.keep_running"));
        });
    });
    if let Some(flow) = &mut run.registration {
        let shown = ui.scope(|ui| tx_flow_ui(ui, flow, core, theme));
        if run.reveal > 0 {
            run.reveal -= 1;
            // At once, not animated: a screenshot (or the next click) sees it in place.
            ui.scroll_to_rect_animation(
                shown.response.rect,
                Some(egui::Align::BOTTOM),
                egui::style::ScrollAnimation::none(),
            );
            ui.ctx().request_repaint();
        }
        match shown.inner {
            // Back on the review: the user chose not to register, so nothing launches.
            TxFlowEvent::Back => {
                run.registration = None;
                run.flow = Flow::NotRegistered(tr("miner.page.registration_cancelled"));
            }
            TxFlowEvent::Closed => run.registration = None,
            TxFlowEvent::None => {}
        }
    }
    section_ui(ui, theme, &tr("miner.page.log"), |ui| {
        log_ui(ui, &mut run.log, theme)
    });
    section_ui(ui, theme, &tr("miner.page.incentive_chart"), |ui| {
        incentive_chart_ui(ui, run, theme);
    });
    if close {
        state.run = None;
    }
}

/// The health line: when the miner last printed a line matching its profile's pattern.
fn health_ui(ui: &mut egui::Ui, has_pattern: bool, last: Option<&HealthyLine>, theme: Theme) {
    let p = palette(theme);
    let Some(last) = last else {
        let key = if has_pattern {
            "miner.page.no_healthy_line"
        } else {
            "miner.page.no_health_pattern"
        };
        ui.label(RichText::new(tr(key)).color(p.muted));
        return;
    };
    let ago = last.at.elapsed().map_or(0, |d| d.as_secs());
    ui.label(
        RichText::new(tr_with(
            "miner.page.last_healthy",
            &[("ago", &uptime_text(ago)), ("time", &clock_text(last.at))],
        ))
        .color(p.good),
    );
    ui.label(
        RichText::new(&last.line)
            .font(egui::FontId::monospace(text::SMALL))
            .color(p.muted),
    )
    .on_hover_text(tr("miner.page.healthy_hint"));
}

/// `HH:MM:SS` (UTC) of a time, for the health line.
fn clock_text(at: std::time::SystemTime) -> String {
    let seconds = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02}",
        (seconds / 3600) % 24,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// What a finished registration means for the launch: `Ok(true)` final and successful (go
/// on), `Ok(false)` included but its outcome unread (check the chain again), `Err` the
/// reason it failed (nothing launches).
fn registration_outcome(finished: &Result<TxStatus, TxError>) -> Result<bool, String> {
    let failed = |reason: &str| tr_with("miner.page.registration_failed", &[("reason", &reason)]);
    match finished {
        Ok(
            TxStatus::Finalized {
                outcome: DispatchOutcome::Success,
                ..
            }
            | TxStatus::InBlock {
                outcome: DispatchOutcome::Success,
                ..
            },
        ) => Ok(true),
        Ok(status) => match crate::widgets::tx_flow::result_text(status) {
            (true, _) => Ok(false),
            (false, sentence) => Err(failed(&sentence)),
        },
        Err(e) => Err(failed(&e.to_string())),
    }
}

/// The log: search, copy, and only the visible rows laid out.
pub fn log_ui(ui: &mut egui::Ui, log: &mut LogView, theme: Theme) {
    let p = palette(theme);
    log.refresh_matches();
    ui.horizontal(|ui| {
        let label = ui.label(tr("miner.page.search"));
        ui.add(egui::TextEdit::singleline(&mut log.search).desired_width(220.0))
            .labelled_by(label.id);
        if ui.button(tr("miner.page.copy")).clicked() {
            let text: Vec<&str> = (0..log.shown()).filter_map(|r| log.shown_line(r)).collect();
            ui.ctx().copy_text(text.join("\n"));
        }
        ui.label(
            RichText::new(tr_with(
                "miner.page.lines",
                &[
                    ("shown", &thousands(log.shown() as u64)),
                    ("total", &thousands(log.len() as u64)),
                ],
            ))
            .color(p.muted),
        );
    });
    let font = egui::FontId::monospace(text::SMALL);
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    egui::Frame::new()
        .fill(p.input)
        .corner_radius(6)
        .inner_margin(egui::Margin::same(8))
        .show(ui, |ui| {
            egui::ScrollArea::both()
                .id_salt("miner-log")
                .max_height(300.0)
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show_rows(ui, row_height, log.shown(), |ui, rows| {
                    for row in rows {
                        let line = log.shown_line(row).unwrap_or("");
                        let colour = if line.starts_with("[taoscope]") {
                            p.accent
                        } else {
                            p.text
                        };
                        ui.add(
                            egui::Label::new(RichText::new(line).font(font.clone()).color(colour))
                                .wrap_mode(egui::TextWrapMode::Extend),
                        );
                    }
                });
        });
}

fn chart_mesh<DB: plotters::prelude::DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    theme: Theme,
    y_format: &dyn Fn(&f64) -> String,
) {
    let p = palette(theme);
    let text = plot_colour(p.muted);
    let _ = chart
        .configure_mesh()
        .bold_line_style(plot_colour(p.card))
        .light_line_style(plot_colour(p.card))
        .axis_style(text)
        .label_style(("sans-serif", 11).into_font().color(&text))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(y_format)
        .draw();
}

/// GPU utilization and memory in use over the last minutes, one line per GPU.
fn gpu_charts_ui(ui: &mut egui::Ui, samples: &[GpuSample], theme: Theme) {
    let p = palette(theme);
    let first = samples.first().map_or(0, |s| s.at_ms);
    let minutes = |s: &GpuSample| (s.at_ms.saturating_sub(first)) as f64 / 60_000.0;
    let span = samples.last().map_or(1.0, |s| minutes(s).max(1.0));
    let colours = [p.accent, p.warn, p.good, p.bad];
    ui.horizontal_wrapped(|ui| {
        for (title, max, value) in [
            (
                tr("miner.page.chart_util"),
                100.0,
                Box::new(|s: &GpuSample| s.utilization_pct.map(f64::from))
                    as Box<dyn Fn(&GpuSample) -> Option<f64>>,
            ),
            (
                tr("miner.page.chart_memory"),
                100.0,
                Box::new(|s: &GpuSample| {
                    s.vram_used_mb
                        .map(|u| 100.0 * u as f64 / s.vram_total_mb.max(1) as f64)
                }),
            ),
            (
                tr("miner.page.chart_temp"),
                100.0,
                Box::new(|s: &GpuSample| s.temperature_c.map(f64::from)),
            ),
        ] {
            ui.vertical(|ui| {
                ui.label(RichText::new(title).strong());
                let area = chart_area(ui, egui::vec2(230.0, 140.0));
                let Ok(mut chart) = ChartBuilder::on(&area)
                    .margin(6)
                    .x_label_area_size(18)
                    .y_label_area_size(32)
                    .build_cartesian_2d(0.0..span, 0.0..max)
                else {
                    return;
                };
                chart_mesh(&mut chart, theme, &|v| format!("{v:.0}"));
                let mut indices: Vec<u32> = samples.iter().map(|s| s.index).collect();
                indices.sort_unstable();
                indices.dedup();
                for (n, index) in indices.iter().enumerate() {
                    let colour = plot_colour(colours[n % colours.len()]);
                    let points: Vec<(f64, f64)> = samples
                        .iter()
                        .filter(|s| s.index == *index)
                        .filter_map(|s| value(s).map(|v| (minutes(s), v)))
                        .collect();
                    let _ = chart.draw_series(LineSeries::new(points, colour.stroke_width(2)));
                }
            });
        }
    });
}

/// The hotkey's incentive at each tempo since the miner started.
fn incentive_chart_ui(ui: &mut egui::Ui, run: &RunView, theme: Theme) {
    let p = palette(theme);
    if run.session.hotkey_ss58.is_none() {
        ui.label(RichText::new(tr("miner.page.hotkey_unknown")).color(p.muted));
        return;
    }
    let points: Vec<(f64, f64)> = run
        .poller
        .points
        .iter()
        .map(|pt| (pt.block as f64, f64::from(pt.incentive) / 65_535.0))
        .collect();
    let Some(last) = run.poller.points.last() else {
        ui.label(RichText::new(tr("miner.page.incentive_waiting")).color(p.muted));
        return;
    };
    ui.label(tr_with(
        "miner.page.incentive_now",
        &[
            (
                "incentive",
                &format!("{:.4}", f64::from(last.incentive) / 65_535.0),
            ),
            ("emission", &amount_text(last.emission.0, "α", 4)),
            ("rank", &last.rank),
            ("uid", &last.uid),
        ],
    ));
    let (min_x, max_x) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (x, _)| {
            (lo.min(*x), hi.max(*x))
        });
    let max_y = points.iter().map(|p| p.1).fold(1e-6, f64::max);
    let area = chart_area(ui, egui::vec2(460.0, 150.0));
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin(6)
        .x_label_area_size(18)
        .y_label_area_size(44)
        .build_cartesian_2d(min_x - 1.0..max_x + 1.0, 0.0..max_y * 1.1)
    else {
        return;
    };
    chart_mesh(&mut chart, theme, &|v| format!("{v:.3}"));
    let colour = plot_colour(p.accent);
    let _ = chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)));
    let _ = chart.draw_series(
        points
            .iter()
            .map(|(x, y)| Circle::new((*x, *y), 3, colour.filled())),
    );
}
