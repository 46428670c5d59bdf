//! The window: navigation on the left, the page in the middle, the status bar below.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::RichText;
use taoscope_core::chain::ConnectionState;
use taoscope_core::explorer::snapshot::{Snapshot, utc_text};
use taoscope_core::i18n::{set_language, tr, tr_with};
use taoscope_core::network::Network;
use taoscope_core::service::CoreHandle;
use taoscope_core::settings::Settings;

use crate::pages::Page;
use crate::pages::forecast::{ForecastPageState, forecast_ui};
use crate::pages::miner::{MinerPageState, miner_ui};
use crate::pages::settings::{SettingsPageState, settings_ui};
use crate::pages::stake::{StakePageState, stake_ui};
use crate::pages::subnet::{SubnetPageState, subnet_ui};
use crate::pages::subnets::{SubnetsPageState, subnets_ui};
use crate::pages::wallet::{WalletPageState, wallet_ui};
use crate::pages::whatif::{WhatIfPageState, whatif_ui};
use crate::theme::{self, palette, spacing};
use crate::widgets::status_bar::status_bar_ui;

/// How the window was asked to start.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// Use this network for this run instead of the saved one (not saved).
    pub network: Option<Network>,
    /// The page to open first.
    pub page: Option<Page>,
    /// On a subnet page opened first: the UID whose details to open.
    pub neuron: Option<u16>,
    /// Write a PNG of the window here once the page has loaded, then exit.
    pub screenshot: Option<PathBuf>,
    /// Use this language for this run (the `--lang` flag), not saved.
    pub language: Option<taoscope_core::i18n::Language>,
    /// Use this wallets folder for this run (the `--wallet-path` flag), not saved.
    pub wallet_path: Option<PathBuf>,
    /// Show this offline snapshot instead of live data (the `--snapshot` flag).
    pub snapshot: Option<SnapshotChoice>,
    /// Where the Miner page keeps and looks for miners' run folders (default: the data dir).
    pub miners_dir: Option<PathBuf>,
    /// Where the Miner page reads the user's miner profiles (default: `<config>/miners`).
    pub miner_profiles_dir: Option<PathBuf>,
    /// Screenshot mode, `--page stake-progress`: the password the script signs with (from
    /// `TAOSCOPE_SCREENSHOT_PASSWORD`); none signs with the keychain where it can.
    pub script_password: Option<zeroize::Zeroizing<String>>,
}

/// Which offline snapshot to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotChoice {
    /// The one built into Taoscope (real recorded finney data).
    Bundled,
    /// A file saved with `taoscope snapshot save`.
    File(PathBuf),
}

impl SnapshotChoice {
    /// Loads the snapshot.
    pub fn load(&self) -> Result<Snapshot, String> {
        match self {
            SnapshotChoice::Bundled => Snapshot::bundled(),
            SnapshotChoice::File(path) => Snapshot::load(path),
        }
        .map_err(|e| e.to_string())
    }
}

/// Where explorer pages get their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataSource {
    /// The node.
    Live,
    /// A snapshot the user chose.
    ChosenSnapshot,
    /// The bundled snapshot, because the node could not be reached at start.
    FallbackSnapshot,
}

/// Outcome of a screenshot run, shared with the code that started the window.
pub type ScreenshotResult = Arc<Mutex<Option<Result<PathBuf, String>>>>;

/// Longest a screenshot run waits for the page's data before taking the picture anyway.
const SCREENSHOT_DEADLINE: Duration = Duration::from_secs(20);
/// Frames drawn after the data arrives, so layout has settled when the picture is taken.
const SETTLE_FRAMES: u32 = 3;

struct ScreenshotPlan {
    path: PathBuf,
    started: Instant,
    settled_frames: u32,
    requested: bool,
    result: ScreenshotResult,
}

/// The application state.
pub struct TaoscopeApp {
    core: CoreHandle,
    settings: Settings,
    settings_path: Option<PathBuf>,
    page: Page,
    settings_page: SettingsPageState,
    wallet_page: WalletPageState,
    subnets_page: SubnetsPageState,
    subnet_page: Option<SubnetPageState>,
    miner_page: MinerPageState,
    forecast_page: ForecastPageState,
    whatif_page: Option<WhatIfPageState>,
    stake_page: StakePageState,
    applied_theme: Option<taoscope_core::settings::Theme>,
    screenshot: Option<ScreenshotPlan>,
    save_error: Option<String>,
    source: DataSource,
    /// The fallback is offered once per run: after that the user is in charge.
    fallback_used: bool,
    /// When the app was built; the first frame logs how long it took to appear.
    first_frame_pending: Option<Instant>,
    /// The newest finalized block the pages were refreshed for.
    last_finalized: Option<u64>,
}

impl TaoscopeApp {
    /// Builds the app around a running core.
    pub fn new(
        core: CoreHandle,
        settings: Settings,
        settings_path: Option<PathBuf>,
        options: &LaunchOptions,
        screenshot_result: ScreenshotResult,
    ) -> Self {
        set_language(
            options
                .language
                .unwrap_or_else(|| settings.effective_language()),
        );
        let network = core.connection().network().clone();
        let wallets_dir = options
            .wallet_path
            .clone()
            .unwrap_or_else(|| settings.wallets_dir());
        let mut app = TaoscopeApp {
            core,
            page: options.page.unwrap_or(Page::Wallet),
            settings_page: SettingsPageState::new(&network),
            wallet_page: WalletPageState::new(wallets_dir.clone()),
            miner_page: {
                let mut page = MinerPageState::new(
                    wallets_dir,
                    options.miners_dir.clone(),
                    options.miner_profiles_dir.clone(),
                );
                if options.page == Some(Page::MinerScripted) {
                    page.drive_to_registration();
                }
                page
            },
            subnets_page: SubnetsPageState::default(),
            subnet_page: match options.page {
                Some(Page::Subnet(netuid)) => {
                    let mut page = SubnetPageState::new(netuid);
                    page.select(options.neuron);
                    Some(page)
                }
                _ => None,
            },
            forecast_page: ForecastPageState::default(),
            whatif_page: match options.page {
                Some(Page::WhatIf(netuid)) => Some(WhatIfPageState::new(netuid)),
                _ => None,
            },
            stake_page: match options.page {
                Some(Page::StakeScripted(script)) => {
                    StakePageState::scripted(script, options.script_password.clone())
                }
                _ => StakePageState::default(),
            },
            settings,
            settings_path,
            applied_theme: None,
            screenshot: options.screenshot.clone().map(|path| ScreenshotPlan {
                path,
                started: Instant::now(),
                settled_frames: 0,
                requested: false,
                result: screenshot_result,
            }),
            save_error: None,
            first_frame_pending: Some(Instant::now()),
            source: DataSource::Live,
            fallback_used: false,
            last_finalized: None,
        };
        if let Some(choice) = &options.snapshot {
            match choice.load() {
                Ok(snapshot) => {
                    app.core.use_snapshot(Some(Arc::new(snapshot)));
                    app.source = DataSource::ChosenSnapshot;
                }
                Err(reason) => app.save_error = Some(reason),
            }
        }
        app
    }

    /// Switches explorer pages to `source`, reloading what they show.
    fn switch_source(&mut self, source: DataSource) {
        if source == DataSource::Live {
            self.core.use_snapshot(None);
        }
        self.source = source;
        self.subnets_page = SubnetsPageState::default();
        self.stake_page.reload_explorer_data();
        if let Some(page) = &self.subnet_page {
            self.subnet_page = Some(SubnetPageState::new(page.netuid()));
        }
        if let Some(page) = &self.whatif_page {
            self.whatif_page = Some(WhatIfPageState::new(page.netuid()));
        }
    }

    /// Falls back to the bundled snapshot when the node is unreachable at start, and goes
    /// back to live data once it answers.
    fn follow_connection(&mut self, connection: &ConnectionState) {
        match (self.source, connection) {
            (DataSource::Live, ConnectionState::Offline { .. }) if !self.fallback_used => {
                self.fallback_used = true;
                if let Ok(snapshot) = Snapshot::bundled() {
                    self.core.use_snapshot(Some(Arc::new(snapshot)));
                    self.switch_source(DataSource::FallbackSnapshot);
                }
            }
            (DataSource::FallbackSnapshot, ConnectionState::Live { .. }) => {
                self.switch_source(DataSource::Live);
            }
            _ => {}
        }
    }

    /// Reloads what the pages show when the chain finalizes a new block. Pages keep their
    /// data on screen while the reload runs; core's per-block cache makes flipping back to a
    /// page at the same block free.
    fn follow_finalized(&mut self) {
        let Some(now) = self.core.finalized_block() else {
            return;
        };
        if self.source == DataSource::Live && self.last_finalized.is_some_and(|seen| now > seen) {
            self.subnets_page.refresh(&mut self.core);
            if let Some(page) = &mut self.subnet_page {
                page.refresh(&mut self.core);
            }
            self.wallet_page.refresh(&mut self.core);
        }
        self.last_finalized = Some(now);
    }

    /// The banner that says data is not live, and what the snapshot holds.
    fn source_banner_ui(&mut self, ui: &mut egui::Ui, connection: &ConnectionState) {
        let Some(snapshot) = self.core.snapshot() else {
            return;
        };
        let p = palette(self.settings.theme);
        let mut parts = Vec::new();
        if snapshot.subnets.is_some() {
            parts.push(tr("banner.parts_subnets"));
        }
        let netuids: Vec<String> = snapshot
            .metagraphs
            .iter()
            .map(|m| m.netuid.to_string())
            .collect();
        if !netuids.is_empty() {
            parts.push(tr_with(
                "banner.parts_metagraphs",
                &[("netuids", &netuids.join(", "))],
            ));
        }
        let time = snapshot
            .block_time_ms
            .map_or_else(|| tr("common.unknown"), utc_text);
        let block = crate::format::thousands(snapshot.block.number);
        let text = match self.source {
            DataSource::FallbackSnapshot => tr_with(
                "banner.offline_snapshot",
                &[
                    ("network", &connection.network().name()),
                    ("block", &block),
                    ("time", &time),
                    ("parts", &parts.join("; ")),
                ],
            ),
            _ => tr_with(
                "banner.chosen_snapshot",
                &[
                    ("network", &snapshot.network),
                    ("block", &block),
                    ("time", &time),
                    ("parts", &parts.join("; ")),
                ],
            ),
        };
        egui::Frame::new()
            .fill(p.warn.linear_multiply(0.18))
            .stroke(egui::Stroke::new(1.0, p.warn))
            .corner_radius(6)
            .inner_margin(egui::Margin::same(10))
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(text).color(p.text));
                    if self.source == DataSource::ChosenSnapshot
                        && ui.button(tr("banner.go_live")).clicked()
                    {
                        self.switch_source(DataSource::Live);
                    }
                });
            });
        ui.add_space(spacing::MEDIUM);
    }

    /// The settings as they are now (the page may have changed them).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Draws one frame into `ui` (also used by UI tests, without a window).
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        if self.applied_theme.is_none() {
            crate::fonts::install(ui.ctx());
        }
        if self.applied_theme != Some(self.settings.theme) {
            theme::apply(ui.ctx(), self.settings.theme);
            self.applied_theme = Some(self.settings.theme);
        }
        if let Some(created) = self.first_frame_pending.take() {
            tracing::info!(
                target: "taoscope::ui",
                elapsed_ms = created.elapsed().as_secs_f64() * 1000.0,
                "first frame laid out"
            );
        }
        // The wallet list also marks "my" neurons on subnet pages, so load it up front.
        self.wallet_page.ensure_loaded(&mut self.core);
        for (id, response) in self.core.poll() {
            // Each page takes the answers to its own requests; others are stale and dropped.
            let _ = self
                .wallet_page
                .handle_response(id, &response, &mut self.core)
                || self.subnets_page.handle_response(id, &response)
                || self.miner_page.handle_response(id, &response)
                || self.forecast_page.handle_response(id, &response)
                || self
                    .whatif_page
                    .as_mut()
                    .is_some_and(|page| page.handle_response(id, &response))
                || self.stake_page.handle_response(id, &response)
                || self
                    .subnet_page
                    .as_mut()
                    .is_some_and(|page| page.handle_response(id, &response));
        }
        let connection = self.core.connection();
        self.follow_connection(&connection);
        self.follow_finalized();
        let theme = self.settings.theme;

        egui::Panel::bottom("status-bar")
            .frame(
                egui::Frame::new()
                    .fill(palette(theme).panel)
                    .inner_margin(egui::Margin::symmetric(12, 6)),
            )
            .show(ui, |ui| status_bar_ui(ui, &connection, theme));

        egui::Panel::left("navigation")
            .exact_size(190.0)
            .frame(
                egui::Frame::new()
                    .fill(palette(theme).panel)
                    .inner_margin(egui::Margin::same(12)),
            )
            .show(ui, |ui| self.navigation_ui(ui));

        egui::CentralPanel::default_margins()
            .frame(
                egui::Frame::new()
                    .fill(palette(theme).background)
                    .inner_margin(egui::Margin::same(spacing::PAGE as i8)),
            )
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        if let Some(error) = &self.save_error {
                            ui.label(RichText::new(error).color(palette(theme).bad));
                        }
                        if matches!(
                            self.page,
                            Page::Subnets
                                | Page::Subnet(_)
                                | Page::WhatIf(_)
                                | Page::Forecast
                                | Page::Stake
                                | Page::StakeScripted(_)
                        ) {
                            self.source_banner_ui(ui, &connection);
                        }
                        self.page_ui(ui, &connection);
                    });
            });

        self.screenshot_step(ui.ctx(), &connection);
    }

    fn navigation_ui(&mut self, ui: &mut egui::Ui) {
        let p = palette(self.settings.theme);
        ui.label(
            RichText::new("Taoscope")
                .size(theme::text::TITLE)
                .strong()
                .color(p.accent),
        );
        ui.label(
            RichText::new(tr("app.tagline"))
                .size(theme::text::SMALL)
                .color(p.muted),
        );
        ui.add_space(spacing::LARGE);
        for page in Page::ALL {
            let selected = self.page.section() == page;
            let label = RichText::new(tr(page.title_key())).size(theme::text::HEADING);
            if ui
                .add_sized(
                    [ui.available_width(), 30.0],
                    egui::Button::selectable(selected, label),
                )
                .clicked()
            {
                self.page = page;
            }
        }
    }

    fn page_ui(&mut self, ui: &mut egui::Ui, connection: &ConnectionState) {
        match self.page {
            Page::Wallet => {
                let changes = wallet_ui(
                    ui,
                    &mut self.wallet_page,
                    &mut self.core,
                    self.settings.theme,
                );
                if let Some(path) = changes.wallet_path {
                    self.settings.wallet_path = Some(path);
                    self.save_settings();
                }
            }
            Page::Stake | Page::StakeScripted(_) => {
                let root = self.wallet_page.root().clone();
                stake_ui(
                    ui,
                    &mut self.stake_page,
                    &mut self.core,
                    self.wallet_page.wallets(),
                    self.wallet_page.is_ready(),
                    &root,
                    self.settings.theme,
                );
                if self.stake_page.take_open_wallet_request() {
                    self.page = Page::Wallet;
                }
            }
            Page::Subnets => {
                let my_stake = self.wallet_page.stake_by_subnet();
                if let Some(netuid) = subnets_ui(
                    ui,
                    &mut self.subnets_page,
                    &mut self.core,
                    &my_stake,
                    self.settings.theme,
                ) {
                    self.open_subnet(netuid);
                }
            }
            Page::Subnet(netuid) => {
                if ui.link(tr("subnet.back")).clicked() {
                    self.page = Page::Subnets;
                }
                let mine = self.wallet_page.my_addresses();
                let page = self
                    .subnet_page
                    .get_or_insert_with(|| SubnetPageState::new(netuid));
                subnet_ui(ui, page, &mut self.core, &mine, self.settings.theme);
                if page.take_whatif_request() {
                    if self
                        .whatif_page
                        .as_ref()
                        .is_none_or(|w| w.netuid() != netuid)
                    {
                        self.whatif_page = Some(WhatIfPageState::new(netuid));
                    }
                    self.page = Page::WhatIf(netuid);
                }
            }
            Page::WhatIf(netuid) => {
                if ui.link(tr("whatif.back")).clicked() {
                    self.open_subnet(netuid);
                }
                let page = self
                    .whatif_page
                    .get_or_insert_with(|| WhatIfPageState::new(netuid));
                whatif_ui(ui, page, &mut self.core, self.settings.theme);
            }
            Page::Forecast => {
                let mine = self.wallet_page.my_addresses();
                forecast_ui(
                    ui,
                    &mut self.forecast_page,
                    &mut self.core,
                    &mine,
                    self.settings.theme,
                );
            }
            Page::Miner | Page::MinerScripted => {
                miner_ui(
                    ui,
                    &mut self.miner_page,
                    &mut self.core,
                    self.wallet_page.wallets(),
                    self.settings.theme,
                );
            }
            Page::Settings => {
                let changes = settings_ui(ui, &mut self.settings_page, &self.settings, connection);
                let mut changed = false;
                if let Some(network) = changes.network {
                    self.core.switch_network(network.clone());
                    self.settings.network = network;
                    changed = true;
                }
                if let Some(theme) = changes.theme {
                    self.settings.theme = theme;
                    changed = true;
                }
                if let Some(language) = changes.language {
                    self.settings.language = language;
                    set_language(self.settings.effective_language());
                    changed = true;
                }
                if changed {
                    self.save_settings();
                }
            }
        }
    }

    fn open_subnet(&mut self, netuid: u16) {
        if self
            .subnet_page
            .as_ref()
            .is_none_or(|p| p.netuid() != netuid)
        {
            self.subnet_page = Some(SubnetPageState::new(netuid));
        }
        self.page = Page::Subnet(netuid);
    }

    fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path {
            self.save_error = self
                .settings
                .save_to(path)
                .err()
                .map(|e| tr_with("settings.save_failed", &[("reason", &e.reason)]));
        }
    }

    /// True when the open page has what it needs (or has failed): screenshot mode waits for it.
    fn page_ready(&self, connection: &ConnectionState) -> bool {
        match self.page {
            Page::Wallet => self.wallet_page.is_ready(),
            Page::Subnets => self.subnets_page.is_ready(),
            Page::Subnet(_) => self
                .subnet_page
                .as_ref()
                .is_some_and(SubnetPageState::is_ready),
            Page::Miner | Page::MinerScripted => self.miner_page.is_ready(),
            Page::WhatIf(_) => self
                .whatif_page
                .as_ref()
                .is_some_and(WhatIfPageState::is_ready),
            Page::Forecast => self.wallet_page.is_ready() && self.forecast_page.is_ready(),
            Page::Stake | Page::StakeScripted(_) => {
                self.wallet_page.is_ready() && self.stake_page.is_ready()
            }
            Page::Settings => connection.is_settled(),
        }
    }

    /// In screenshot mode: once the connection has settled (or the deadline passed),
    /// let layout settle, capture the next frame, write the PNG and close.
    fn screenshot_step(&mut self, ctx: &egui::Context, connection: &ConnectionState) {
        let page_ready = connection.is_settled() && self.page_ready(connection);
        let Some(plan) = &mut self.screenshot else {
            return;
        };
        if plan.requested {
            return;
        }
        let ready = page_ready || plan.started.elapsed() > SCREENSHOT_DEADLINE;
        if !ready {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        if plan.settled_frames < SETTLE_FRAMES {
            plan.settled_frames += 1;
            ctx.request_repaint();
            return;
        }
        plan.requested = true;
        let path = plan.path.clone();
        let result = plan.result.clone();
        let close_ctx = ctx.clone();
        ctx.request_screenshot(move |image| {
            let outcome = crate::screenshot::write_png(&image, &path).map(|()| path.clone());
            if let Ok(mut slot) = result.lock() {
                *slot = Some(outcome);
            }
            close_ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            close_ctx.request_repaint();
        });
    }
}

impl eframe::App for TaoscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}
