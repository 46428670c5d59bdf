//! The Wallet page: every btcli wallet with its identicon, address, QR code and hotkeys,
//! keychain controls, and the create / import flows.

use std::path::PathBuf;

use egui::RichText;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::AccountId;
use taoscope_core::service::{
    CoreHandle, Request, RequestId, Response, SecretText, WalletRequest, WalletView,
};
use taoscope_core::settings::Theme;
use zeroize::Zeroizing;

use super::transfer::{TransferOutcome, TransferState, transfer_ui};
use super::wallet_flow::{FlowOutcome, WalletFlow, wallet_flow_ui};
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::identicon::identicon_ui;
use crate::widgets::qr::qr_ui;

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
        }
    }

    /// True once the wallet list has loaded or failed (screenshot mode waits for it).
    pub fn is_ready(&self) -> bool {
        self.wallets.is_settled()
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
        section_ui(ui, theme, &tr("wallet.empty_title"), |ui| {
            ui.label(tr_with(
                "wallet.empty_body",
                &[("path", &state.root.display())],
            ));
        });
        return changes;
    }
    for wallet in &wallets {
        wallet_card_ui(ui, state, core, wallet, theme);
    }
    changes
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
            ui.label(RichText::new(tr("wallet.coldkey")).color(p.muted));
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
                ui.label(
                    RichText::new(tr("wallet.hotkeys"))
                        .size(text::SMALL)
                        .color(p.muted),
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
