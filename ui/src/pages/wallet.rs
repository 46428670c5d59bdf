//! The Wallet page: every btcli wallet with its identicon, address, QR code and hotkeys,
//! keychain controls, and the create / import flows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::RichText;
use taoscope_core::explorer::{Alpha, BlockRef, Portfolio, Position};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::AccountId;
use taoscope_core::service::{
    CoreHandle, Request, RequestId, Response, SecretText, WalletRequest, WalletView,
};
use taoscope_core::settings::Theme;
use zeroize::Zeroizing;

use super::transfer::{TransferOutcome, TransferState, transfer_ui};
use super::wallet_flow::{FlowOutcome, WalletFlow, wallet_flow_ui};
use crate::format::{amount_text, price_text, short_address, thousands};
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::empty_state::{EmptyState, empty_state_ui};
use crate::widgets::identicon::identicon_ui;
use crate::widgets::qr::qr_ui;
use crate::widgets::term::{Term, muted_term_ui, strong_term_ui, term_ui};

/// Data that arrives from core: not asked yet, on its way, there, or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T> {
    /// Not requested yet.
    Idle,
    /// Requested; the id of the request.
    Loading(RequestId),
    /// Arrived.
    Ready(T),
    /// Failed, with the reason in words.
    Failed(String),
}

impl<T> Loadable<T> {
    /// True once the data has arrived or failed.
    pub fn is_settled(&self) -> bool {
        matches!(self, Loadable::Ready(_) | Loadable::Failed(_))
    }
}

/// A password typed to put a wallet in the keychain.
struct RememberPrompt {
    name: String,
    password: Zeroizing<String>,
}

/// What the Wallet page remembers between frames.
pub struct WalletPageState {
    root: PathBuf,
    root_text: String,
    wallets: Loadable<Vec<WalletView>>,
    qr_for: Option<String>,
    flow: Option<WalletFlow>,
    transfer: Option<TransferState>,
    remember: Option<RememberPrompt>,
    keychain_requests: Vec<RequestId>,
    notice: Option<(bool, String)>,
    /// The coldkey (SS58) whose portfolio is shown; the first wallet's until one is picked.
    portfolio_for: Option<String>,
    portfolio: Loadable<(BlockRef, Portfolio)>,
    /// A reload for a newer block, sent while the current portfolio stays on screen.
    portfolio_refresh: Option<RequestId>,
    /// Why the last reload failed (what is shown is the previous block's).
    portfolio_error: Option<String>,
}

impl WalletPageState {
    /// A page over the wallets folder `root`.
    pub fn new(root: PathBuf) -> Self {
        WalletPageState {
            root_text: root.display().to_string(),
            root,
            wallets: Loadable::Idle,
            qr_for: None,
            flow: None,
            transfer: None,
            remember: None,
            keychain_requests: Vec::new(),
            notice: None,
            portfolio_for: None,
            portfolio: Loadable::Idle,
            portfolio_refresh: None,
            portfolio_error: None,
        }
    }

    /// True once the wallet list, and the portfolio if there is a coldkey to show, have
    /// loaded or failed (screenshot mode waits for them).
    pub fn is_ready(&self) -> bool {
        self.wallets.is_settled() && (self.portfolio_for.is_none() || self.portfolio.is_settled())
    }

    /// The wallets whose coldkey address could be read: (wallet name, SS58).
    fn coldkeys(&self) -> Vec<(String, String)> {
        let Loadable::Ready(wallets) = &self.wallets else {
            return Vec::new();
        };
        wallets
            .iter()
            .filter_map(|w| Some((w.name.clone(), w.coldkey.clone().ok()?)))
            .collect()
    }

    /// Picks the first wallet's coldkey if none is chosen, and asks for its portfolio.
    fn ensure_portfolio(&mut self, core: &mut CoreHandle) {
        let coldkeys = self.coldkeys();
        if self
            .portfolio_for
            .as_ref()
            .is_none_or(|chosen| !coldkeys.iter().any(|(_, c)| c == chosen))
        {
            let first = coldkeys.first().map(|(_, c)| c.clone());
            if first != self.portfolio_for {
                self.portfolio_for = first;
                self.portfolio = Loadable::Idle;
            }
        }
        if matches!(self.portfolio, Loadable::Idle)
            && let Some(chosen) = &self.portfolio_for
        {
            self.portfolio = match AccountId::from_ss58(chosen) {
                Ok(account) => Loadable::Loading(core.send(Request::Portfolio {
                    coldkey: *account.as_bytes(),
                })),
                Err(e) => Loadable::Failed(e.to_string()),
            };
            self.portfolio_refresh = None;
        }
    }

    /// Reloads the portfolio in the background (a new finalized block).
    pub fn refresh(&mut self, core: &mut CoreHandle) {
        if let (Loadable::Ready(_), None, Some(chosen)) =
            (&self.portfolio, self.portfolio_refresh, &self.portfolio_for)
            && let Ok(account) = AccountId::from_ss58(chosen)
        {
            self.portfolio_refresh = Some(core.send(Request::Portfolio {
                coldkey: *account.as_bytes(),
            }));
        }
    }

    /// The shown wallet's alpha per subnet, from its loaded portfolio (empty until loaded).
    pub fn stake_by_subnet(&self) -> BTreeMap<u16, Alpha> {
        match &self.portfolio {
            Loadable::Ready((_, portfolio)) => stake_by_subnet(portfolio),
            _ => BTreeMap::new(),
        }
    }

    /// The wallets listed (empty until the list has loaded).
    pub fn wallets(&self) -> &[WalletView] {
        match &self.wallets {
            Loadable::Ready(list) => list,
            _ => &[],
        }
    }

    /// The wallets folder the page shows.
    pub fn root(&self) -> &PathBuf {
        &self.root
    }

    /// The addresses of every coldkey and hotkey listed, to highlight "mine" elsewhere.
    pub fn my_addresses(&self) -> std::collections::HashSet<String> {
        let Loadable::Ready(wallets) = &self.wallets else {
            return Default::default();
        };
        let mut out = std::collections::HashSet::new();
        for wallet in wallets {
            if let Ok(cold) = &wallet.coldkey {
                out.insert(cold.clone());
            }
            for hotkey in wallet.hotkeys.iter().flatten() {
                if let Ok(address) = &hotkey.address {
                    out.insert(address.clone());
                }
            }
        }
        out
    }

    /// Asks core for the list unless it is loaded or on its way.
    pub fn ensure_loaded(&mut self, core: &mut CoreHandle) {
        if matches!(self.wallets, Loadable::Idle) {
            self.reload(core);
        }
    }

    fn reload(&mut self, core: &mut CoreHandle) {
        let id = core.send(Request::Wallet(WalletRequest::List {
            root: self.root.clone(),
        }));
        self.wallets = Loadable::Loading(id);
    }

    /// Takes the responses meant for this page; returns true if it used `response`.
    pub fn handle_response(
        &mut self,
        id: RequestId,
        response: &Response,
        core: &mut CoreHandle,
    ) -> bool {
        if let Some(flow) = &mut self.flow
            && flow.handle_response(id, response)
        {
            return true;
        }
        if let Some(transfer) = &mut self.transfer
            && transfer.handle_response(id, response)
        {
            return true;
        }
        match response {
            Response::Portfolio(result) if self.portfolio == Loadable::Loading(id) => {
                self.portfolio = match result {
                    Ok(data) => Loadable::Ready(data.clone()),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                self.portfolio_error = None;
                true
            }
            Response::Portfolio(result) if self.portfolio_refresh == Some(id) => {
                self.portfolio_refresh = None;
                match result {
                    Ok(data) => {
                        self.portfolio = Loadable::Ready(data.clone());
                        self.portfolio_error = None;
                    }
                    Err(e) => self.portfolio_error = Some(e.to_string()),
                }
                true
            }
            Response::Wallets(result) if self.wallets == Loadable::Loading(id) => {
                self.wallets = match result {
                    Ok(list) => Loadable::Ready(list.clone()),
                    Err(reason) => Loadable::Failed(reason.clone()),
                };
                true
            }
            Response::Keychain { name, result } if self.keychain_requests.contains(&id) => {
                self.keychain_requests.retain(|r| *r != id);
                self.notice = Some(match result {
                    Ok(true) => (true, tr_with("wallet.remembered", &[("name", name)])),
                    Ok(false) => (true, tr_with("wallet.forgotten", &[("name", name)])),
                    Err(reason) => (false, reason.clone()),
                });
                self.reload(core);
                true
            }
            _ => false,
        }
    }
}

/// What the page asks the app to do after this frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WalletPageChanges {
    /// Use and remember this wallets folder.
    pub wallet_path: Option<PathBuf>,
}

/// Draws the Wallet page.
pub fn wallet_ui(
    ui: &mut egui::Ui,
    state: &mut WalletPageState,
    core: &mut CoreHandle,
    theme: Theme,
) -> WalletPageChanges {
    let p = palette(theme);
    let mut changes = WalletPageChanges::default();
    state.ensure_loaded(core);
    ui.heading(tr("wallet.title"));
    ui.add_space(spacing::MEDIUM);

    if let Some(flow) = &mut state.flow {
        match wallet_flow_ui(ui, flow, core, theme) {
            FlowOutcome::Continue => {}
            FlowOutcome::Closed { changed } => {
                state.flow = None;
                if changed {
                    state.reload(core);
                }
            }
        }
        return changes;
    }
    if let Some(transfer) = &mut state.transfer {
        if transfer_ui(ui, transfer, core, theme) == TransferOutcome::Closed {
            state.transfer = None;
        }
        return changes;
    }

    ui.horizontal(|ui| {
        if ui.button(tr("wallet.create")).clicked() {
            state.flow = Some(WalletFlow::create(state.root.clone()));
        }
        if ui.button(tr("wallet.import")).clicked() {
            state.flow = Some(WalletFlow::import(state.root.clone()));
        }
        if ui.button(tr("wallet.refresh")).clicked() {
            state.reload(core);
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(tr("wallet.folder")).color(p.muted));
        let edit = egui::TextEdit::singleline(&mut state.root_text).desired_width(420.0);
        let response = ui.add(edit).labelled_by(label.id);
        let submitted = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button(tr("wallet.folder_use")).clicked() || submitted)
            && state.root.as_path() != std::path::Path::new(state.root_text.trim())
        {
            state.root = PathBuf::from(state.root_text.trim());
            changes.wallet_path = Some(state.root.clone());
            state.reload(core);
        }
    });
    if let Some((ok, text)) = &state.notice {
        ui.label(RichText::new(text).color(if *ok { p.good } else { p.bad }));
    }
    ui.add_space(spacing::MEDIUM);

    let wallets = match &state.wallets {
        Loadable::Idle | Loadable::Loading(_) => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("wallet.loading"));
            });
            return changes;
        }
        Loadable::Failed(reason) => {
            ui.label(RichText::new(reason).color(p.bad));
            if ui.button(tr("common.retry")).clicked() {
                state.reload(core);
            }
            return changes;
        }
        Loadable::Ready(list) => list.clone(),
    };
    if wallets.is_empty() {
        let empty = EmptyState::new(
            tr("wallet.empty_title"),
            tr_with("wallet.empty_body", &[("path", &state.root.display())]),
        )
        .with_action(tr("wallet.create"));
        if empty_state_ui(ui, &empty, theme) {
            state.flow = Some(WalletFlow::create(state.root.clone()));
        }
        return changes;
    }
    state.ensure_portfolio(core);
    portfolio_ui(ui, state, core, theme);
    for wallet in &wallets {
        wallet_card_ui(ui, state, core, wallet, theme);
    }
    changes
}

/// The chosen coldkey's balance and stake positions, each valued in TAO, and the total.
fn portfolio_ui(
    ui: &mut egui::Ui,
    state: &mut WalletPageState,
    core: &mut CoreHandle,
    theme: Theme,
) {
    let p = palette(theme);
    let coldkeys = state.coldkeys();
    let Some(chosen) = state.portfolio_for.clone() else {
        return;
    };
    section_ui(ui, theme, &tr("portfolio.title"), |ui| {
        if coldkeys.len() > 1 {
            ui.horizontal(|ui| {
                let label = ui.label(RichText::new(tr("portfolio.wallet")).color(p.muted));
                let shown = coldkeys
                    .iter()
                    .find(|(_, c)| *c == chosen)
                    .map_or_else(|| chosen.clone(), |(name, _)| name.clone());
                egui::ComboBox::from_id_salt("portfolio-wallet")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (name, coldkey) in &coldkeys {
                            if ui
                                .selectable_label(*coldkey == chosen, name.as_str())
                                .clicked()
                                && *coldkey != chosen
                            {
                                state.portfolio_for = Some(coldkey.clone());
                                state.portfolio = Loadable::Idle;
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
        }
        let (block, portfolio) = match &state.portfolio {
            Loadable::Idle | Loadable::Loading(_) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr("portfolio.loading"));
                });
                return;
            }
            // Showing a snapshot: nothing failed, the data is simply not in it. Say so plainly.
            Loadable::Failed(reason) if core.snapshot().is_some() => {
                ui.label(RichText::new(reason).color(p.muted));
                return;
            }
            Loadable::Failed(reason) => {
                let reason = reason.clone();
                ui.label(RichText::new(tr("portfolio.failed")).strong().color(p.bad));
                ui.label(RichText::new(reason).color(p.bad));
                if ui.button(tr("common.retry")).clicked() {
                    state.portfolio = Loadable::Idle;
                    state.ensure_portfolio(core);
                }
                return;
            }
            Loadable::Ready((block, portfolio)) => (block.clone(), portfolio.clone()),
        };
        ui.label(
            RichText::new(tr_with(
                "subnets.at_block",
                &[("number", &thousands(block.number))],
            ))
            .color(p.muted),
        );
        if let Some(reason) = &state.portfolio_error {
            ui.label(
                RichText::new(tr_with("common.refresh_failed", &[("reason", reason)])).color(p.bad),
            );
        }
        balance_ui(ui, &portfolio, theme);
        ui.add_space(spacing::SMALL);
        if portfolio.positions.is_empty() {
            ui.label(RichText::new(tr("portfolio.no_stake")).color(p.muted));
        } else {
            positions_ui(ui, &portfolio.positions, theme);
        }
    });
    ui.add_space(spacing::MEDIUM);
}

fn balance_ui(ui: &mut egui::Ui, portfolio: &Portfolio, theme: Theme) {
    let p = palette(theme);
    let b = &portfolio.balance;
    let total = amount_text(portfolio.total_rao().0, "τ", 4);
    let total = if portfolio.has_unpriced_positions() {
        tr_with("portfolio.at_least", &[("amount", &total)])
    } else {
        total
    };
    let facts = [
        ("portfolio.free", amount_text(b.free_rao.0, "τ", 4)),
        ("portfolio.reserved", amount_text(b.reserved_rao.0, "τ", 4)),
        ("portfolio.frozen", amount_text(b.frozen_rao.0, "τ", 4)),
        (
            "portfolio.staked",
            amount_text(portfolio.staked_value_rao().0, "τ", 4),
        ),
        ("portfolio.total", total),
    ];
    egui::Grid::new("portfolio-balance")
        .num_columns(facts.len())
        .spacing([spacing::LARGE, spacing::SMALL])
        .show(ui, |ui| {
            for (key, _) in &facts {
                ui.label(RichText::new(tr(key)).color(p.muted));
            }
            ui.end_row();
            for (_, value) in &facts {
                ui.label(RichText::new(value).strong());
            }
            ui.end_row();
        });
}

/// A position's share of its validator's stake, as a percentage with two decimals.
fn share_text(position: &Position) -> String {
    position.share_ppm.map_or_else(
        || tr("common.unknown"),
        |ppm| crate::format::percent_text(u64::from(ppm)),
    )
}

fn positions_ui(ui: &mut egui::Ui, positions: &[Position], theme: Theme) {
    let p = palette(theme);
    let headers = [
        "portfolio.col_subnet",
        "portfolio.col_validator",
        "portfolio.col_alpha",
        "portfolio.col_price",
        "portfolio.col_value",
        "portfolio.col_share",
    ];
    egui::Grid::new("portfolio-positions")
        .num_columns(headers.len())
        .striped(true)
        .spacing([spacing::LARGE, spacing::SMALL])
        .show(ui, |ui| {
            for key in headers {
                if key == "portfolio.col_alpha" {
                    strong_term_ui(ui, &tr(key), Term::Alpha, theme);
                } else {
                    ui.label(RichText::new(tr(key)).strong());
                }
            }
            ui.end_row();
            for position in positions {
                let subnet = if position.subnet_name.is_empty() {
                    position.netuid.to_string()
                } else {
                    format!("{} {}", position.netuid, position.subnet_name)
                };
                ui.label(subnet);
                match &position.validator_name {
                    Some(name) => ui.label(RichText::new(name).strong()),
                    None => ui.label(RichText::new(short_address(&position.hotkey)).monospace()),
                }
                .on_hover_text(&position.hotkey);
                let symbol = if position.netuid == 0 {
                    "τ"
                } else if position.symbol.is_empty() {
                    "α"
                } else {
                    position.symbol.as_str()
                };
                ui.label(amount_text(position.alpha.0, symbol, 4));
                ui.label(
                    position
                        .price_rao_per_alpha
                        .map_or_else(|| tr("common.unknown"), price_text),
                );
                ui.label(
                    position
                        .value_rao
                        .map_or_else(|| tr("common.unknown"), |v| amount_text(v.0, "τ", 4)),
                );
                ui.label(share_text(position))
                    .on_hover_text(position.validator_alpha.map_or_else(
                        || tr("common.unknown"),
                        |a| {
                            tr_with(
                                "portfolio.share_hint",
                                &[("total", &amount_text(a.0, symbol, 2))],
                            )
                        },
                    ));
                ui.end_row();
            }
            ui.label(RichText::new(tr("portfolio.total")).strong());
            for _ in 0..3 {
                ui.label("");
            }
            let staked: u64 = positions
                .iter()
                .filter_map(|p| p.value_rao)
                .fold(0u64, |sum, v| sum.saturating_add(v.0));
            ui.label(
                RichText::new(amount_text(staked, "τ", 4))
                    .strong()
                    .color(p.accent),
            );
            ui.end_row();
        });
}

fn address_row_ui(
    ui: &mut egui::Ui,
    address: &Result<String, String>,
    icon_size: f32,
    qr_for: &mut Option<String>,
    theme: Theme,
) {
    let p = palette(theme);
    match address {
        Ok(ss58) => {
            if let Ok(account) = AccountId::from_ss58(ss58) {
                identicon_ui(ui, &account, icon_size).on_hover_text(ss58);
            }
            ui.label(RichText::new(ss58).monospace());
            if ui
                .small_button(tr("wallet.copy"))
                .on_hover_text(tr("wallet.copy_hint"))
                .clicked()
            {
                ui.ctx().copy_text(ss58.clone());
            }
            let showing = qr_for.as_deref() == Some(ss58.as_str());
            if ui.small_button(tr("wallet.qr")).clicked() {
                *qr_for = if showing { None } else { Some(ss58.clone()) };
            }
        }
        Err(reason) => {
            ui.label(RichText::new(reason).color(p.bad));
        }
    }
}

fn wallet_card_ui(
    ui: &mut egui::Ui,
    state: &mut WalletPageState,
    core: &mut CoreHandle,
    wallet: &WalletView,
    theme: Theme,
) {
    let p = palette(theme);
    section_ui(ui, theme, &wallet.name, |ui| {
        ui.horizontal(|ui| {
            muted_term_ui(ui, &tr("wallet.coldkey"), Term::Coldkey, theme);
            address_row_ui(ui, &wallet.coldkey, 36.0, &mut state.qr_for, theme);
        });
        if let Ok(ss58) = &wallet.coldkey
            && state.qr_for.as_deref() == Some(ss58.as_str())
        {
            qr_ui(ui, ss58, 160.0);
        }
        if !wallet.has_coldkey {
            ui.label(RichText::new(tr("wallet.watch_only")).color(p.muted));
        } else if let Ok(from) = wallet
            .coldkey
            .as_ref()
            .map_err(|_| ())
            .and_then(|a| AccountId::from_ss58(a).map_err(|_| ()))
            && ui.button(tr("transfer.open")).clicked()
        {
            state.transfer = Some(TransferState::new(
                state.root.clone(),
                wallet.name.clone(),
                from,
                wallet.remembered,
                taoscope_core::address_book::AddressBook::default_path(),
            ));
        }

        match &wallet.hotkeys {
            Ok(hotkeys) if hotkeys.is_empty() => {
                ui.label(RichText::new(tr("wallet.no_hotkeys")).color(p.muted));
            }
            Ok(hotkeys) => {
                term_ui(
                    ui,
                    RichText::new(tr("wallet.hotkeys"))
                        .size(text::SMALL)
                        .color(p.muted),
                    Term::Hotkey,
                    theme,
                );
                for hotkey in hotkeys {
                    ui.horizontal(|ui| {
                        ui.add_space(spacing::LARGE);
                        ui.label(&hotkey.name);
                        address_row_ui(ui, &hotkey.address, 22.0, &mut state.qr_for, theme);
                    });
                    if let Ok(ss58) = &hotkey.address
                        && state.qr_for.as_deref() == Some(ss58.as_str())
                    {
                        qr_ui(ui, ss58, 140.0);
                    }
                }
            }
            Err(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
            }
        }

        if wallet.has_coldkey {
            ui.separator();
            keychain_row_ui(ui, state, core, wallet, theme);
        }
    });
}

fn keychain_row_ui(
    ui: &mut egui::Ui,
    state: &mut WalletPageState,
    core: &mut CoreHandle,
    wallet: &WalletView,
    theme: Theme,
) {
    let p = palette(theme);
    if wallet.remembered {
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr("wallet.in_keychain")).color(p.good));
            if ui.button(tr("wallet.forget")).clicked() {
                let id = core.send(Request::Wallet(WalletRequest::Forget {
                    root: state.root.clone(),
                    name: wallet.name.clone(),
                }));
                state.keychain_requests.push(id);
            }
        });
        return;
    }
    let prompting = state
        .remember
        .as_ref()
        .is_some_and(|r| r.name == wallet.name);
    if !prompting {
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr("wallet.not_in_keychain")).color(p.muted));
            if ui
                .button(tr("wallet.remember"))
                .on_hover_text(tr("wallet.keychain_explained"))
                .clicked()
            {
                state.remember = Some(RememberPrompt {
                    name: wallet.name.clone(),
                    password: Zeroizing::new(String::new()),
                });
            }
        });
        return;
    }
    let busy = !state.keychain_requests.is_empty();
    let mut submit = false;
    let mut cancel = false;
    if let Some(prompt) = &mut state.remember {
        ui.label(tr("wallet.keychain_explained"));
        ui.horizontal(|ui| {
            let label = ui.label(tr("wallet.password"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut *prompt.password)
                        .password(true)
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
            submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            submit |= ui
                .add_enabled(!busy, egui::Button::new(tr("wallet.remember")))
                .clicked();
            cancel = ui.button(tr("common.cancel")).clicked();
            if busy {
                ui.add(egui::Spinner::new());
                ui.label(tr("wallet.unlocking"));
            }
        });
    }
    if cancel {
        state.remember = None;
    } else if submit
        && !busy
        && let Some(prompt) = state.remember.take()
    {
        let id = core.send(Request::Wallet(WalletRequest::Remember {
            root: state.root.clone(),
            name: prompt.name,
            password: SecretText::new(&prompt.password),
        }));
        state.keychain_requests.push(id);
    }
}

/// A portfolio's alpha summed per subnet (several validators on one subnet add up).
pub fn stake_by_subnet(portfolio: &Portfolio) -> BTreeMap<u16, Alpha> {
    let mut out = BTreeMap::new();
    for position in &portfolio.positions {
        let entry = out.entry(position.netuid).or_insert(Alpha(0));
        entry.0 = entry.0.saturating_add(position.alpha.0);
    }
    out
}

#[cfg(test)]
mod stake_by_subnet_tests {
    use super::*;
    use taoscope_core::explorer::{Balance, Rao};

    fn position(netuid: u16, alpha: u64) -> Position {
        Position {
            netuid,
            subnet_name: String::new(),
            symbol: String::new(),
            hotkey: String::new(),
            validator_name: None,
            alpha: Alpha(alpha),
            price_rao_per_alpha: None,
            value_rao: None,
            validator_alpha: None,
            share_ppm: None,
        }
    }

    #[test]
    fn positions_on_one_subnet_add_up() {
        let portfolio = Portfolio {
            coldkey: String::new(),
            balance: Balance {
                free_rao: Rao(0),
                reserved_rao: Rao(0),
                frozen_rao: Rao(0),
                nonce: 0,
            },
            positions: vec![position(1, 1_250), position(0, 25), position(1, 400)],
        };
        let sums = stake_by_subnet(&portfolio);
        assert_eq!(sums.get(&1), Some(&Alpha(1_650)));
        assert_eq!(sums.get(&0), Some(&Alpha(25)));
        assert_eq!(sums.len(), 2);
    }
}
