//! The Stake page: add, remove, move, swap, transfer stake and unstake all as guided steps.
//! (1) pick a subnet, (2) pick a validator, (3) enter the amount with a live quote that
//! follows the typing, then the shared review, unlock, progress and result screens.
//!
//! Quotes come from the node (`TxRequest::Prepare` at the newest block). Where the node
//! cannot be reached, an add or remove is estimated from the recorded pool instead, labelled
//! as an offline estimate everywhere it shows, and cannot be signed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::RichText;
use taoscope_core::amount::{UNITS_PER_TOKEN, parse_units};
use taoscope_core::explorer::{
    Alpha, Balance, Delegate, Metagraph, Rao, StakeEntry, SubnetSummary,
};
use taoscope_core::i18n::{tr, tr_count, tr_with};
use taoscope_core::keys::AccountId;
use taoscope_core::service::{
    CoreHandle, PreparedTx, Request, RequestId, Response, TxRequest, WalletView,
};
use taoscope_core::settings::Theme;
use taoscope_core::tx::{
    Action, EXISTENTIAL_DEPOSIT_RAO, PoolReserves, Tolerance, TxError, Warning, estimate_add_stake,
    estimate_remove_stake,
};
use zeroize::Zeroizing;

use super::wallet::Loadable;
use crate::format::{amount_text, price_text, short_address, thousands};
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::empty_state::{EmptyState, empty_state_inline_ui, empty_state_ui};
use crate::widgets::term::{Term, explain, muted_term_ui, term_ui};
use crate::widgets::tx_flow::{ReviewData, TxFlowEvent, TxFlowState, TxStage, tx_flow_ui};

/// How long typing must pause before a new quote is asked for.
pub const QUOTE_DEBOUNCE: Duration = Duration::from_millis(400);

/// The staking actions the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeKind {
    /// Buy alpha with TAO and stake it.
    Add,
    /// Sell staked alpha for TAO.
    Remove,
    /// Move stake to another validator (and subnet).
    Move,
    /// Swap stake to another subnet with the same validator.
    Swap,
    /// Give stake to another coldkey.
    Transfer,
    /// Unstake everything held with a validator.
    UnstakeAll,
}

impl StakeKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [StakeKind; 6] = [
        StakeKind::Add,
        StakeKind::Remove,
        StakeKind::Move,
        StakeKind::Swap,
        StakeKind::Transfer,
        StakeKind::UnstakeAll,
    ];

    fn title_key(self) -> &'static str {
        match self {
            StakeKind::Add => "txui.action.add_stake",
            StakeKind::Remove => "txui.action.remove_stake",
            StakeKind::Move => "txui.action.move_stake",
            StakeKind::Swap => "txui.action.swap_stake",
            StakeKind::Transfer => "txui.action.transfer_stake",
            StakeKind::UnstakeAll => "txui.action.unstake_all",
        }
    }

    /// Whether the amount is TAO going in (add) rather than alpha coming out of a position.
    fn spends_tao(self) -> bool {
        self == StakeKind::Add
    }

    /// Whether the chain puts a price bound on it, so a tolerance applies.
    fn has_tolerance(self) -> bool {
        matches!(self, StakeKind::Add | StakeKind::Remove | StakeKind::Swap)
    }
}

/// The unit the amount is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    /// TAO.
    Tao,
    /// The subnet's alpha.
    Alpha,
}

/// The guided steps before the shared review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeStep {
    /// (1) Pick a subnet.
    Subnet,
    /// (2) Pick a validator.
    Validator,
    /// (3) Amount, tolerance and live quote.
    Amount,
    /// (4-7) Review, unlock, progress, result.
    Flow,
}

/// How the validator list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidatorSort {
    /// Most stake first.
    Stake,
    /// Lowest take first.
    Take,
}

/// One validator to choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorRow {
    /// Hotkey, SS58.
    pub hotkey: String,
    /// UID on the subnet.
    pub uid: u16,
    /// Alpha staked on it there.
    pub stake: Alpha,
    /// Its take (0..=65535), where the delegate list gives it.
    pub take: Option<u16>,
    /// A name for it, where one is known (the subnet owner's own validator).
    pub name: Option<String>,
    /// The signer's own alpha with it on this subnet.
    pub mine: Option<Alpha>,
}

/// The validators of a subnet's metagraph (permit holders), with take and the signer's own
/// position filled in where known, sorted as asked.
pub fn validator_rows(
    metagraph: &Metagraph,
    delegates: &[Delegate],
    positions: &[StakeEntry],
    sort: ValidatorSort,
) -> Vec<ValidatorRow> {
    let owner = metagraph.subnet.owner_hotkey.as_deref();
    let subnet_name = metagraph.subnet.name.clone().filter(|n| !n.is_empty());
    let mut rows: Vec<ValidatorRow> = metagraph
        .neurons
        .iter()
        .filter(|n| n.validator_permit)
        .map(|n| ValidatorRow {
            hotkey: n.hotkey.clone(),
            uid: n.uid,
            stake: n.stake,
            take: delegates
                .iter()
                .find(|d| d.hotkey == n.hotkey)
                .map(|d| d.take),
            name: (Some(n.hotkey.as_str()) == owner).then(|| {
                tr_with(
                    "stake.owner_validator",
                    &[("subnet", &subnet_name.clone().unwrap_or_default())],
                )
            }),
            mine: positions
                .iter()
                .find(|p| p.hotkey == n.hotkey && p.netuid == metagraph.netuid)
                .map(|p| p.stake),
        })
        .collect();
    match sort {
        ValidatorSort::Stake => rows.sort_by(|a, b| b.stake.cmp(&a.stake).then(a.uid.cmp(&b.uid))),
        ValidatorSort::Take => rows.sort_by(|a, b| {
            a.take
                .unwrap_or(u16::MAX)
                .cmp(&b.take.unwrap_or(u16::MAX))
                .then(b.stake.cmp(&a.stake))
        }),
    }
    rows
}

/// The live quote for the inputs as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
enum QuoteState {
    /// Nothing asked (inputs incomplete).
    Idle,
    /// Inputs changed at this instant; asked once typing pauses.
    Waiting(Instant, Box<QuoteKey>),
    /// Asked; the request and the inputs it was for.
    Loading(RequestId, Box<QuoteKey>),
    /// Answered for these inputs.
    Ready(Box<QuoteKey>, Result<PreparedTx, TxError>),
}

/// The inputs a quote belongs to: a quote for other inputs is never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct QuoteKey {
    action: Action,
    signer: AccountId,
    tolerance: Tolerance,
}

/// What the screenshot mode drives the page to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeScript {
    /// Add stake on subnet 1 with its largest validator, to the review screen.
    Review,
    /// The same, then signs and sends it (with the launch's script password, or the
    /// keychain) and follows it on the progress screen until it is final.
    Progress,
}

/// The amount a screenshot run types (TAO).
const SCRIPT_AMOUNT: &str = "10";
/// The subnet a screenshot run picks.
const SCRIPT_NETUID: u16 = 1;

/// What the Stake page remembers between frames.
pub struct StakePageState {
    kind: StakeKind,
    step: StakeStep,
    wallet: Option<String>,
    subnets: Loadable<Vec<SubnetSummary>>,
    subnet_search: String,
    netuid: Option<u16>,
    metagraph: Loadable<Box<Metagraph>>,
    delegates: Loadable<Vec<Delegate>>,
    positions: Loadable<Vec<StakeEntry>>,
    balance: Loadable<Balance>,
    sort: ValidatorSort,
    hotkey: Option<String>,
    amount_text: String,
    unit: AmountUnit,
    tolerance_text: String,
    destination_netuid_text: String,
    destination_text: String,
    quote: QuoteState,
    flow: Option<TxFlowState>,
    script: Option<StakeScript>,
    /// Screenshot mode: the password `StakeScript::Progress` signs with (taken once).
    script_password: Option<Zeroizing<String>>,
    /// Screenshot mode: the script has signed and sent.
    script_sent: bool,
    /// The signer the positions and balance were read for.
    positions_for: Option<String>,
    /// The user asked for the Wallet page (from the no-wallet empty state).
    open_wallet_requested: bool,
}

impl Default for StakePageState {
    fn default() -> Self {
        StakePageState {
            kind: StakeKind::Add,
            step: StakeStep::Subnet,
            wallet: None,
            subnets: Loadable::Idle,
            subnet_search: String::new(),
            netuid: None,
            metagraph: Loadable::Idle,
            delegates: Loadable::Idle,
            positions: Loadable::Idle,
            balance: Loadable::Idle,
            sort: ValidatorSort::Stake,
            hotkey: None,
            amount_text: String::new(),
            unit: AmountUnit::Tao,
            tolerance_text: "0.5".into(),
            destination_netuid_text: String::new(),
            destination_text: String::new(),
            quote: QuoteState::Idle,
            flow: None,
            script: None,
            script_password: None,
            script_sent: false,
            positions_for: None,
            open_wallet_requested: false,
        }
    }
}

/// The wallet that signs: its name, coldkey and whether the keychain holds it.
#[derive(Debug, Clone)]
struct Signer {
    name: String,
    account: AccountId,
    remembered: bool,
}

fn signers(wallets: &[WalletView]) -> Vec<Signer> {
    wallets
        .iter()
        .filter(|w| w.has_coldkey)
        .filter_map(|w| {
            let account = w
                .coldkey
                .as_ref()
                .ok()
                .and_then(|a| AccountId::from_ss58(a).ok())?;
            Some(Signer {
                name: w.name.clone(),
                account,
                remembered: w.remembered,
            })
        })
        .collect()
}

impl StakePageState {
    /// True once after the user asked to go to the Wallet page.
    pub fn take_open_wallet_request(&mut self) -> bool {
        std::mem::take(&mut self.open_wallet_requested)
    }

    /// A page that drives itself for a screenshot (`--page stake-review|stake-progress`);
    /// `password` unlocks the signer for the progress script (none: the keychain).
    pub fn scripted(script: StakeScript, password: Option<Zeroizing<String>>) -> Self {
        StakePageState {
            script: Some(script),
            script_password: password,
            ..StakePageState::default()
        }
    }

    /// The step showing now.
    pub fn step(&self) -> StakeStep {
        self.step
    }

    /// The shared flow, once the review has opened.
    pub fn flow(&self) -> Option<&TxFlowState> {
        self.flow.as_ref()
    }

    /// True when screenshot mode may take the picture: the scripted screen is up, or the
    /// data it needs failed (the picture then shows why). Unscripted: once subnets settle.
    pub fn is_ready(&self) -> bool {
        let failed = matches!(self.subnets, Loadable::Failed(_))
            || matches!(self.metagraph, Loadable::Failed(_));
        match self.script {
            None => self.subnets.is_settled(),
            Some(StakeScript::Review) => {
                failed
                    || self
                        .flow
                        .as_ref()
                        .is_some_and(|f| f.stage == TxStage::Review)
            }
            Some(StakeScript::Progress) => {
                failed || self.flow.as_ref().is_some_and(|f| f.finished.is_some())
            }
        }
    }

    fn subnet(&self, netuid: u16) -> Option<&SubnetSummary> {
        match &self.subnets {
            Loadable::Ready(list) => list.iter().find(|s| s.netuid == netuid),
            _ => None,
        }
    }

    fn symbol(&self) -> String {
        self.netuid
            .and_then(|n| self.subnet(n))
            .map(|s| s.symbol.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "α".into())
    }

    fn subnet_label(&self, netuid: u16) -> String {
        match self.subnet(netuid).map(|s| s.name.as_str()) {
            Some(name) if !name.is_empty() => format!("SN{netuid} · {name}"),
            _ => format!("SN{netuid}"),
        }
    }

    /// Spot price of the chosen subnet, rao per alpha.
    fn price(&self) -> Option<u64> {
        let subnet = self.subnet(self.netuid?)?;
        subnet
            .price_rao_per_alpha
            .or_else(|| pool(subnet).price_rao_per_alpha())
    }

    fn ensure_loaded(&mut self, core: &mut CoreHandle, signer: Option<&Signer>) {
        if matches!(self.subnets, Loadable::Idle) {
            self.subnets = Loadable::Loading(core.send(Request::Subnets));
        }
        if matches!(self.delegates, Loadable::Idle) {
            self.delegates = Loadable::Loading(core.send(Request::Delegates));
        }
        if let Some(netuid) = self.netuid
            && matches!(self.metagraph, Loadable::Idle)
        {
            self.load_metagraph(core, netuid);
        }
        let key = signer.map(|s| s.account.to_ss58());
        if key != self.positions_for {
            self.positions_for = key;
            self.positions = Loadable::Idle;
            self.balance = Loadable::Idle;
        }
        if let Some(signer) = signer {
            if matches!(self.positions, Loadable::Idle) {
                self.positions = Loadable::Loading(core.send(Request::StakeForColdkey {
                    coldkey: *signer.account.as_bytes(),
                }));
            }
            if matches!(self.balance, Loadable::Idle) {
                self.balance = Loadable::Loading(core.send(Request::Balance {
                    account: *signer.account.as_bytes(),
                }));
            }
        }
    }

    /// Forgets the explorer data (subnets, validators, takes) so it is read again from the
    /// source now in use (live or a snapshot).
    pub fn reload_explorer_data(&mut self) {
        self.subnets = Loadable::Idle;
        self.metagraph = Loadable::Idle;
        self.delegates = Loadable::Idle;
    }

    fn load_metagraph(&mut self, core: &mut CoreHandle, netuid: u16) {
        self.metagraph = Loadable::Loading(core.send(Request::Metagraph { netuid }));
    }

    /// Takes the answers to this page's requests; returns true if it used `response`.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        if let Some(flow) = &mut self.flow
            && flow.handle_response(id, response)
        {
            if flow.finished.is_some() {
                // The position changed (or not): read it again for the result screen.
                self.positions = Loadable::Idle;
                self.balance = Loadable::Idle;
            }
            return true;
        }
        fn settle<T: Clone, E: ToString>(
            slot: &mut Loadable<T>,
            id: RequestId,
            result: &Result<(taoscope_core::explorer::BlockRef, T), E>,
        ) -> bool {
            if !matches!(slot, Loadable::Loading(asked) if *asked == id) {
                return false;
            }
            *slot = match result {
                Ok((_, value)) => Loadable::Ready(value.clone()),
                Err(e) => Loadable::Failed(e.to_string()),
            };
            true
        }
        match response {
            Response::Subnets(result) => settle(&mut self.subnets, id, result),
            Response::Metagraph(result) => settle(&mut self.metagraph, id, result),
            Response::Delegates(result) => settle(&mut self.delegates, id, result),
            Response::StakeForColdkey(result) => settle(&mut self.positions, id, result),
            Response::Balance(result) => settle(&mut self.balance, id, result),
            Response::TxPrepared(result) => match &self.quote {
                QuoteState::Loading(asked, key) if *asked == id => {
                    self.quote = QuoteState::Ready(key.clone(), result.clone());
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn positions(&self) -> &[StakeEntry] {
        match &self.positions {
            Loadable::Ready(list) => list,
            _ => &[],
        }
    }

    fn held(&self) -> Option<u64> {
        let hotkey = self.hotkey.as_deref()?;
        let netuid = self.netuid?;
        match &self.positions {
            Loadable::Ready(list) => Some(
                list.iter()
                    .filter(|p| p.hotkey == hotkey && p.netuid == netuid)
                    .map(|p| p.stake.0)
                    .sum(),
            ),
            _ => None,
        }
    }

    /// The amount typed, converted to the unit the chain wants (rao for add, alpha units
    /// otherwise) at the spot price when typed in the other unit.
    fn chain_amount(&self) -> Result<u64, String> {
        let typed =
            parse_units(&self.amount_text, &tr("stake.amount")).map_err(|e| e.to_string())?;
        if typed == 0 {
            return Err(tr("stake.amount_zero"));
        }
        let wants_tao = self.kind.spends_tao();
        let typed_tao = self.unit == AmountUnit::Tao;
        if wants_tao == typed_tao {
            return Ok(typed);
        }
        let price = self
            .price()
            .filter(|p| *p > 0)
            .ok_or_else(|| tr("stake.no_price"))?;
        let converted = if wants_tao {
            u128::from(typed) * u128::from(price) / u128::from(UNITS_PER_TOKEN)
        } else {
            u128::from(typed) * u128::from(UNITS_PER_TOKEN) / u128::from(price)
        };
        u64::try_from(converted).map_err(|_| tr("stake.amount_too_large"))
    }

    fn destination_netuid(&self) -> Result<u16, String> {
        let text = self.destination_netuid_text.trim();
        if text.is_empty() {
            return self.netuid.ok_or_else(|| tr("stake.pick_subnet_first"));
        }
        text.parse::<u16>()
            .map_err(|_| tr_with("stake.bad_netuid", &[("text", &text)]))
    }

    fn destination_account(&self) -> Result<AccountId, String> {
        AccountId::from_ss58(self.destination_text.trim()).map_err(|e| e.to_string())
    }

    /// The action the inputs describe, or what is missing or wrong, in words.
    fn action(&self) -> Result<Action, String> {
        let hotkey = self
            .hotkey
            .as_deref()
            .ok_or_else(|| tr("stake.pick_validator_first"))
            .and_then(|h| AccountId::from_ss58(h).map_err(|e| e.to_string()))?;
        if self.kind == StakeKind::UnstakeAll {
            return Ok(Action::UnstakeAll { hotkey });
        }
        let netuid = self.netuid.ok_or_else(|| tr("stake.pick_subnet_first"))?;
        let amount = self.chain_amount()?;
        Ok(match self.kind {
            StakeKind::Add => Action::AddStake {
                hotkey,
                netuid,
                amount: Rao(amount),
                limit: None,
            },
            StakeKind::Remove if self.held() == Some(amount) => Action::RemoveStakeFull {
                hotkey,
                netuid,
                limit_price: None,
            },
            StakeKind::Remove => Action::RemoveStake {
                hotkey,
                netuid,
                amount: Alpha(amount),
                limit: None,
            },
            StakeKind::Move => Action::MoveStake {
                origin_hotkey: hotkey,
                destination_hotkey: self.destination_account()?,
                origin_netuid: netuid,
                destination_netuid: self.destination_netuid()?,
                amount: Alpha(amount),
            },
            StakeKind::Swap => Action::SwapStake {
                hotkey,
                origin_netuid: netuid,
                destination_netuid: self.destination_netuid()?,
                amount: Alpha(amount),
                limit: None,
            },
            StakeKind::Transfer => Action::TransferStake {
                destination_coldkey: self.destination_account()?,
                hotkey,
                origin_netuid: netuid,
                destination_netuid: self.destination_netuid()?,
                amount: Alpha(amount),
            },
            StakeKind::UnstakeAll => Action::UnstakeAll { hotkey },
        })
    }

    fn tolerance(&self) -> Result<Tolerance, String> {
        Tolerance::parse_percent(&self.tolerance_text).map_err(|e| e.to_string())
    }

    fn key(&self, signer: Option<&Signer>) -> Result<QuoteKey, String> {
        let signer = signer.ok_or_else(|| tr("stake.no_wallet"))?;
        Ok(QuoteKey {
            action: self.action()?,
            signer: signer.account,
            tolerance: self.tolerance()?,
        })
    }

    /// Asks for a quote once typing has paused on inputs that differ from the last asked.
    fn follow_inputs(
        &mut self,
        ctx: &egui::Context,
        core: &mut CoreHandle,
        signer: Option<&Signer>,
    ) {
        let Ok(key) = self.key(signer) else {
            self.quote = QuoteState::Idle;
            return;
        };
        let current = match &self.quote {
            QuoteState::Idle => None,
            QuoteState::Waiting(_, k) | QuoteState::Loading(_, k) | QuoteState::Ready(k, _) => {
                Some(k.as_ref())
            }
        };
        if current != Some(&key) {
            self.quote = QuoteState::Waiting(Instant::now(), Box::new(key));
            ctx.request_repaint_after(QUOTE_DEBOUNCE);
            return;
        }
        if let QuoteState::Waiting(since, key) = &self.quote {
            if since.elapsed() < QUOTE_DEBOUNCE {
                ctx.request_repaint_after(QUOTE_DEBOUNCE.saturating_sub(since.elapsed()));
                return;
            }
            let key = key.clone();
            let id = core.send(Request::Tx(TxRequest::Prepare {
                action: key.action.clone(),
                signer: key.signer,
                tolerance: key.tolerance,
                guarded: true,
            }));
            self.quote = QuoteState::Loading(id, key);
        }
    }

    /// An offline estimate for the inputs, where they are an add or remove and the subnet's
    /// pool was recorded.
    fn offline_review(&self) -> Option<ReviewData> {
        let action = self.action().ok()?;
        let tolerance = self.tolerance().ok()?;
        let netuid = self.netuid?;
        let subnet = self.subnet(netuid)?;
        let (quote, mut warnings) = match &action {
            Action::AddStake { amount, .. } => (
                estimate_add_stake(pool(subnet), *amount, tolerance)?,
                Vec::new(),
            ),
            Action::RemoveStake { amount, .. } => (
                estimate_remove_stake(pool(subnet), *amount, tolerance)?,
                vec![Warning::FeeTakenFromStake],
            ),
            _ => return None,
        };
        if let (Some(hotkey), Loadable::Ready(metagraph)) = (&self.hotkey, &self.metagraph)
            && !metagraph.neurons.iter().any(|n| &n.hotkey == hotkey)
        {
            warnings.push(Warning::HotkeyNotOnSubnet { netuid });
        }
        let block = match &self.metagraph {
            Loadable::Ready(m) => m.block,
            _ => 0,
        };
        Some(ReviewData {
            action,
            quote,
            warnings,
            block_number: block,
            balance: match &self.balance {
                Loadable::Ready(b) => Some(*b),
                _ => None,
            },
            estimate: true,
            subnet_label: Some(self.subnet_label(netuid)),
            symbol: self.symbol(),
            counterpart: self.counterpart(),
            shielded: false,
        })
    }

    fn counterpart(&self) -> Option<String> {
        let hotkey = self.hotkey.as_deref()?;
        let name = match &self.metagraph {
            Loadable::Ready(m) if m.subnet.owner_hotkey.as_deref() == Some(hotkey) => {
                Some(tr_with(
                    "stake.owner_validator",
                    &[("subnet", &m.subnet.name.clone().unwrap_or_default())],
                ))
            }
            _ => None,
        };
        let mut text = match name {
            Some(name) => format!("{name} ({})", short_address(hotkey)),
            None => short_address(hotkey),
        };
        if matches!(self.kind, StakeKind::Move | StakeKind::Transfer) {
            text = tr_with(
                "stake.counterpart_to",
                &[
                    ("from", &text),
                    ("to", &short_address(self.destination_text.trim())),
                ],
            );
        }
        Some(text)
    }

    /// The review for the inputs: live when the node quoted them, else an offline estimate
    /// when the node could not be reached.
    fn review(&self) -> Option<(ReviewData, Option<PreparedTx>)> {
        match &self.quote {
            QuoteState::Ready(_, Ok(prepared)) => Some((
                ReviewData::live(
                    prepared,
                    self.netuid.map(|n| self.subnet_label(n)),
                    self.symbol(),
                    self.counterpart(),
                ),
                Some(prepared.clone()),
            )),
            QuoteState::Ready(_, Err(TxError::Chain(_))) => {
                self.offline_review().map(|r| (r, None))
            }
            _ => None,
        }
    }

    fn open_review(&mut self, root: PathBuf, signer: Option<&Signer>) {
        let Some((review, prepared)) = self.review() else {
            return;
        };
        let (name, remembered) =
            signer.map_or((String::new(), false), |s| (s.name.clone(), s.remembered));
        self.flow = Some(TxFlowState::new(review, prepared, root, name, remembered));
        self.step = StakeStep::Flow;
    }

    /// Screenshot mode: take the next step of the script once its data is there.
    fn run_script(&mut self, core: &mut CoreHandle, root: &Path, signer: Option<&Signer>) {
        let Some(script) = self.script else {
            return;
        };
        match self.step {
            StakeStep::Subnet if self.subnet(SCRIPT_NETUID).is_some() => {
                self.netuid = Some(SCRIPT_NETUID);
                self.load_metagraph(core, SCRIPT_NETUID);
                self.step = StakeStep::Validator;
            }
            StakeStep::Validator => {
                if let Loadable::Ready(metagraph) = &self.metagraph {
                    let rows = validator_rows(metagraph, &[], &[], ValidatorSort::Stake);
                    if let Some(top) = rows.first() {
                        self.hotkey = Some(top.hotkey.clone());
                        self.amount_text = SCRIPT_AMOUNT.into();
                        self.step = StakeStep::Amount;
                    }
                }
            }
            StakeStep::Amount if self.review().is_some() => {
                self.open_review(root.to_path_buf(), signer);
            }
            StakeStep::Flow if script == StakeScript::Progress && !self.script_sent => {
                if let Some(flow) = &mut self.flow {
                    self.script_sent = true;
                    flow.sign_and_send(core, self.script_password.take());
                }
            }
            _ => {}
        }
    }
}

/// The pool reserves a subnet summary recorded.
fn pool(subnet: &SubnetSummary) -> PoolReserves {
    PoolReserves {
        tao_in: subnet.tao_in_rao,
        alpha_in: subnet.alpha_in,
    }
}

/// Draws the Stake page. `wallets` and `root` come from the Wallet page; `wallets_loaded`
/// says the list is final, so an empty one means the user has no wallet yet.
pub fn stake_ui(
    ui: &mut egui::Ui,
    state: &mut StakePageState,
    core: &mut CoreHandle,
    wallets: &[WalletView],
    wallets_loaded: bool,
    root: &Path,
    theme: Theme,
) {
    let p = palette(theme);
    let signers = signers(wallets);
    if state.wallet.is_none() {
        state.wallet = signers.first().map(|s| s.name.clone());
    }
    let signer = signers
        .iter()
        .find(|s| Some(&s.name) == state.wallet.as_ref())
        .cloned();
    state.ensure_loaded(core, signer.as_ref());
    state.run_script(core, root, signer.as_ref());

    ui.heading(tr("stake.title"));
    ui.label(RichText::new(tr("stake.intro")).color(p.muted));
    ui.add_space(spacing::MEDIUM);

    if wallets_loaded && signers.is_empty() && state.script.is_none() {
        let empty = EmptyState::new(
            tr("empty.stake_no_wallet_title"),
            tr("empty.stake_no_wallet_body"),
        )
        .with_action(tr("empty.go_to_wallet"));
        if empty_state_ui(ui, &empty, theme) {
            state.open_wallet_requested = true;
        }
        return;
    }

    if state.step == StakeStep::Flow {
        if let Some(flow) = &mut state.flow {
            match tx_flow_ui(ui, flow, core, theme) {
                TxFlowEvent::Back => {
                    state.flow = None;
                    state.step = StakeStep::Amount;
                }
                TxFlowEvent::Closed => {
                    state.flow = None;
                    state.step = StakeStep::Amount;
                    state.amount_text.clear();
                }
                TxFlowEvent::None => {}
            }
            if let Some(flow) = &state.flow
                && flow.finished.is_some()
            {
                new_position_ui(ui, state, theme);
            }
        } else {
            state.step = StakeStep::Amount;
        }
        return;
    }

    header_ui(ui, state, &signers, theme);
    ui.add_space(spacing::MEDIUM);
    match state.step {
        StakeStep::Subnet => subnet_step_ui(ui, state, core, theme),
        StakeStep::Validator => validator_step_ui(ui, state, theme),
        StakeStep::Amount => {
            state.follow_inputs(ui.ctx(), core, signer.as_ref());
            amount_step_ui(ui, state, root, signer.as_ref(), theme);
        }
        StakeStep::Flow => {}
    }
}

fn header_ui(ui: &mut egui::Ui, state: &mut StakePageState, signers: &[Signer], theme: Theme) {
    let p = palette(theme);
    ui.horizontal_wrapped(|ui| {
        for kind in StakeKind::ALL {
            if ui
                .add(egui::Button::selectable(
                    state.kind == kind,
                    tr(kind.title_key()),
                ))
                .clicked()
                && state.kind != kind
            {
                state.kind = kind;
                state.unit = if kind.spends_tao() {
                    AmountUnit::Tao
                } else {
                    AmountUnit::Alpha
                };
                state.amount_text.clear();
                if kind == StakeKind::UnstakeAll {
                    state.step = StakeStep::Validator;
                } else if state.netuid.is_none() {
                    state.step = StakeStep::Subnet;
                }
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(tr("stake.wallet")).color(p.muted));
        if signers.is_empty() {
            ui.label(RichText::new(tr("stake.no_wallet")).color(p.warn));
        } else {
            egui::ComboBox::from_id_salt("stake-wallet")
                .selected_text(state.wallet.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for signer in signers {
                        ui.selectable_value(
                            &mut state.wallet,
                            Some(signer.name.clone()),
                            &signer.name,
                        );
                    }
                })
                .response
                .labelled_by(label.id);
        }
        if let Loadable::Ready(balance) = &state.balance {
            ui.label(
                RichText::new(tr_with(
                    "stake.balance",
                    &[("balance", &amount_text(balance.free_rao.0, "τ", 4))],
                ))
                .color(p.muted),
            );
        }
    });
    // Breadcrumb of the steps taken, each a way back.
    ui.horizontal(|ui| {
        let steps = [
            (StakeStep::Subnet, tr("stake.step_subnet")),
            (StakeStep::Validator, tr("stake.step_validator")),
            (StakeStep::Amount, tr("stake.step_amount")),
        ];
        for (i, (step, label)) in steps.into_iter().enumerate() {
            if state.kind == StakeKind::UnstakeAll && step == StakeStep::Subnet {
                continue;
            }
            let text = format!("{}. {label}", i + 1);
            let current = state.step == step;
            let reachable = match step {
                StakeStep::Subnet => true,
                StakeStep::Validator => {
                    state.netuid.is_some() || state.kind == StakeKind::UnstakeAll
                }
                _ => state.hotkey.is_some(),
            };
            if ui
                .add_enabled(reachable, egui::Button::selectable(current, text))
                .clicked()
            {
                state.step = step;
            }
        }
    });
}

fn subnet_step_ui(
    ui: &mut egui::Ui,
    state: &mut StakePageState,
    core: &mut CoreHandle,
    theme: Theme,
) {
    let p = palette(theme);
    section_ui(ui, theme, &tr("stake.pick_subnet"), |ui| {
        let list = match &state.subnets {
            Loadable::Ready(list) => list.clone(),
            Loadable::Failed(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
                if ui.button(tr("common.retry")).clicked() {
                    state.subnets = Loadable::Idle;
                }
                return;
            }
            _ => {
                ui.add(egui::Spinner::new());
                return;
            }
        };
        ui.horizontal(|ui| {
            let label = ui.label(tr("stake.search"));
            ui.add(egui::TextEdit::singleline(&mut state.subnet_search).desired_width(200.0))
                .labelled_by(label.id);
        });
        let needle = state.subnet_search.trim().to_lowercase();
        let matches = |s: &&SubnetSummary| {
            needle.is_empty()
                || s.name.to_lowercase().contains(&needle)
                || s.netuid.to_string() == needle
        };
        if list.is_empty() {
            let empty = EmptyState::new(tr("empty.subnets_title"), tr("empty.subnets_body"))
                .with_action(tr("empty.reload"));
            if empty_state_inline_ui(ui, &empty, theme) {
                state.subnets = Loadable::Idle;
            }
            return;
        }
        if !list.iter().any(|s| matches(&s)) {
            let empty = EmptyState::new(
                tr_with(
                    "empty.no_match_title",
                    &[("search", &state.subnet_search.trim())],
                ),
                tr("empty.no_match_body"),
            )
            .with_action(tr("empty.clear_search"));
            if empty_state_inline_ui(ui, &empty, theme) {
                state.subnet_search.clear();
            }
            return;
        }
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("stake-subnets")
            .max_height(380.0)
            .show(ui, |ui| {
                egui::Grid::new("stake-subnet-grid")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for subnet in list.iter().filter(matches) {
                            let label = state.subnet_label(subnet.netuid);
                            if ui
                                .add(egui::Button::selectable(
                                    state.netuid == Some(subnet.netuid),
                                    label,
                                ))
                                .clicked()
                            {
                                picked = Some(subnet.netuid);
                            }
                            let price = subnet
                                .price_rao_per_alpha
                                .or_else(|| pool(subnet).price_rao_per_alpha());
                            ui.label(
                                RichText::new(price.map_or_else(String::new, |p| {
                                    tr_with("stake.price_per_alpha", &[("price", &price_text(p))])
                                }))
                                .color(p.muted),
                            );
                            ui.label(
                                RichText::new(tr_with(
                                    "stake.pool_tao",
                                    &[("tao", &amount_text(subnet.tao_in_rao.0, "τ", 0))],
                                ))
                                .color(p.muted),
                            );
                            ui.end_row();
                        }
                    });
            });
        if let Some(netuid) = picked {
            if state.netuid != Some(netuid) {
                state.hotkey = None;
                state.load_metagraph(core, netuid);
            }
            state.netuid = Some(netuid);
            state.step = StakeStep::Validator;
        }
    });
}

fn validator_step_ui(ui: &mut egui::Ui, state: &mut StakePageState, theme: Theme) {
    let p = palette(theme);
    if state.kind == StakeKind::UnstakeAll {
        let mut add_instead = false;
        section_ui(ui, theme, &tr("stake.pick_position"), |ui| {
            let mut hotkeys: Vec<(String, u64)> = Vec::new();
            for entry in state.positions() {
                match hotkeys.iter_mut().find(|(h, _)| *h == entry.hotkey) {
                    Some((_, n)) => *n += 1,
                    None => hotkeys.push((entry.hotkey.clone(), 1)),
                }
            }
            match &state.positions {
                Loadable::Ready(_) if hotkeys.is_empty() => {
                    let empty = EmptyState::new(
                        tr("empty.stake_no_positions_title"),
                        tr("empty.stake_no_positions_body"),
                    )
                    .with_action(tr("empty.add_stake"));
                    if empty_state_inline_ui(ui, &empty, theme) {
                        add_instead = true;
                    }
                }
                Loadable::Failed(reason) => {
                    ui.label(RichText::new(reason).color(p.bad));
                }
                Loadable::Ready(_) => {}
                _ => {
                    ui.add(egui::Spinner::new());
                }
            }
            for (hotkey, count) in hotkeys {
                let label = tr_with(
                    "stake.position_row",
                    &[
                        ("hotkey", &short_address(&hotkey)),
                        ("subnets", &tr_count("unit.subnets", count, &[])),
                    ],
                );
                if ui
                    .add(egui::Button::selectable(
                        state.hotkey.as_ref() == Some(&hotkey),
                        label,
                    ))
                    .clicked()
                {
                    state.hotkey = Some(hotkey);
                    state.step = StakeStep::Amount;
                }
            }
        });
        if add_instead {
            state.kind = StakeKind::Add;
            state.unit = AmountUnit::Tao;
            state.step = StakeStep::Subnet;
        }
        return;
    }
    let title = tr_with(
        "stake.pick_validator",
        &[(
            "subnet",
            &state
                .netuid
                .map(|n| state.subnet_label(n))
                .unwrap_or_default(),
        )],
    );
    section_ui(ui, theme, &title, |ui| {
        let metagraph = match &state.metagraph {
            Loadable::Ready(m) => m.clone(),
            Loadable::Failed(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
                return;
            }
            _ => {
                ui.add(egui::Spinner::new());
                return;
            }
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr("stake.sort_by")).color(p.muted));
            ui.selectable_value(
                &mut state.sort,
                ValidatorSort::Stake,
                tr("stake.sort_stake"),
            );
            explain(
                ui.selectable_value(&mut state.sort, ValidatorSort::Take, tr("stake.sort_take")),
                Term::Take,
            );
        });
        let delegates = match &state.delegates {
            Loadable::Ready(d) => d.as_slice(),
            _ => &[],
        };
        let rows = validator_rows(&metagraph, delegates, state.positions(), state.sort);
        if rows.is_empty() {
            ui.label(RichText::new(tr("stake.no_validators")).color(p.muted));
        }
        let symbol = state.symbol();
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("stake-validators")
            .max_height(380.0)
            .show(ui, |ui| {
                egui::Grid::new("stake-validator-grid")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label(RichText::new(tr("stake.col_validator")).color(p.muted));
                        ui.label(RichText::new(tr("stake.col_stake")).color(p.muted));
                        muted_term_ui(ui, &tr("stake.col_take"), Term::Take, theme);
                        ui.label(RichText::new(tr("stake.col_mine")).color(p.muted));
                        ui.end_row();
                        for row in rows.iter().take(64) {
                            let label = match &row.name {
                                Some(name) => format!("UID {} · {name}", row.uid),
                                None => format!("UID {} · {}", row.uid, short_address(&row.hotkey)),
                            };
                            if ui
                                .add(egui::Button::selectable(
                                    state.hotkey.as_ref() == Some(&row.hotkey),
                                    label,
                                ))
                                .on_hover_text(&row.hotkey)
                                .clicked()
                            {
                                picked = Some(row.hotkey.clone());
                            }
                            ui.label(amount_text(row.stake.0, &symbol, 0));
                            ui.label(row.take.map_or_else(
                                || tr("common.unknown"),
                                |t| crate::format::percent_text(u64::from(t) * 1_000_000 / 65_535),
                            ));
                            ui.label(
                                row.mine
                                    .map_or_else(String::new, |m| amount_text(m.0, &symbol, 4)),
                            );
                            ui.end_row();
                        }
                    });
            });
        if !matches!(state.delegates, Loadable::Ready(_)) {
            ui.label(
                RichText::new(tr("stake.take_unknown"))
                    .size(text::SMALL)
                    .color(p.muted),
            );
        }
        if let Some(hotkey) = picked {
            state.hotkey = Some(hotkey);
            state.step = StakeStep::Amount;
        }
    });
}

fn amount_step_ui(
    ui: &mut egui::Ui,
    state: &mut StakePageState,
    root: &Path,
    signer: Option<&Signer>,
    theme: Theme,
) {
    let p = palette(theme);
    let symbol = state.symbol();
    let mut open = false;
    section_ui(ui, theme, &tr(state.kind.title_key()), |ui| {
        if let Some(text) = state.counterpart() {
            ui.label(RichText::new(text).color(p.muted));
        }
        if state.kind != StakeKind::UnstakeAll {
            ui.horizontal(|ui| {
                let label = ui.label(tr("stake.amount"));
                ui.add(egui::TextEdit::singleline(&mut state.amount_text).desired_width(160.0))
                    .labelled_by(label.id);
                ui.selectable_value(&mut state.unit, AmountUnit::Tao, "TAO");
                explain(
                    ui.selectable_value(&mut state.unit, AmountUnit::Alpha, symbol.as_str()),
                    Term::Alpha,
                );
                if ui.button(tr("stake.max")).clicked()
                    && let Some(max) = max_amount(state)
                {
                    state.amount_text = plain_units(max);
                }
            });
            if state.unit == AmountUnit::Tao && !state.kind.spends_tao()
                || state.unit == AmountUnit::Alpha && state.kind.spends_tao()
            {
                ui.label(
                    RichText::new(tr("stake.converted_at_spot"))
                        .size(text::SMALL)
                        .color(p.muted),
                );
            }
            if let Some(held) = state.held().filter(|h| *h > 0) {
                ui.label(
                    RichText::new(tr_with(
                        "stake.you_hold",
                        &[("amount", &amount_text(held, &symbol, 4))],
                    ))
                    .color(p.muted),
                );
            }
        }
        if matches!(state.kind, StakeKind::Move | StakeKind::Transfer) {
            ui.horizontal(|ui| {
                let key = if state.kind == StakeKind::Move {
                    "stake.destination_hotkey"
                } else {
                    "stake.destination_coldkey"
                };
                let label = ui.label(tr(key));
                ui.add(
                    egui::TextEdit::singleline(&mut state.destination_text).desired_width(420.0),
                )
                .labelled_by(label.id);
            });
        }
        if matches!(
            state.kind,
            StakeKind::Move | StakeKind::Swap | StakeKind::Transfer
        ) {
            ui.horizontal(|ui| {
                let label = ui.label(tr("stake.destination_netuid"));
                ui.add(
                    egui::TextEdit::singleline(&mut state.destination_netuid_text)
                        .hint_text(state.netuid.map(|n| n.to_string()).unwrap_or_default())
                        .desired_width(60.0),
                )
                .labelled_by(label.id);
            });
        }
        if state.kind.has_tolerance() {
            ui.horizontal(|ui| {
                let label = term_ui(ui, tr("stake.tolerance"), Term::Tolerance, theme);
                ui.add(egui::TextEdit::singleline(&mut state.tolerance_text).desired_width(60.0))
                    .labelled_by(label.id);
                ui.label("%");
            });
        }
        ui.add_space(spacing::MEDIUM);
        // The first problem with the inputs, else the quote.
        let problem = signer
            .ok_or_else(|| tr("stake.no_wallet"))
            .and_then(|_| state.action())
            .and_then(|_| state.tolerance().map(|_| ()));
        match problem {
            Err(reason)
                if !(state.amount_text.is_empty() && state.kind != StakeKind::UnstakeAll) =>
            {
                ui.label(RichText::new(reason).color(p.bad));
            }
            Err(_) => {}
            Ok(()) => quote_summary_ui(ui, state, theme),
        }
        ui.add_space(spacing::MEDIUM);
        let ready = state.review().is_some();
        let next = ui.add_enabled(ready, egui::Button::new(tr("stake.review")));
        open = next.clicked();
    });
    if open {
        state.open_review(root.to_path_buf(), signer);
    }
}

fn quote_summary_ui(ui: &mut egui::Ui, state: &StakePageState, theme: Theme) {
    let p = palette(theme);
    match &state.quote {
        QuoteState::Idle => {}
        QuoteState::Waiting(..) | QuoteState::Loading(..) => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(RichText::new(tr("stake.quoting")).color(p.muted));
            });
        }
        QuoteState::Ready(_, Ok(prepared)) => {
            let q = &prepared.prepared.quote;
            let (out_symbol, unit) = if state.kind.spends_tao() {
                (state.symbol(), "")
            } else {
                ("τ".to_string(), "")
            };
            let expected = q
                .expected_out
                .map_or_else(|| tr("common.unknown"), |e| amount_text(e, &out_symbol, 4));
            ui.label(
                RichText::new(tr_with(
                    "stake.quote_line",
                    &[
                        ("expected", &format!("{expected}{unit}")),
                        ("block", &thousands(prepared.prepared.block_number)),
                    ],
                ))
                .color(p.good),
            );
        }
        QuoteState::Ready(_, Err(error @ TxError::Chain(_))) => match state.offline_review() {
            Some(review) => {
                let expected = review.quote.expected_out.map_or_else(
                    || tr("common.unknown"),
                    |e| {
                        amount_text(
                            e,
                            if state.kind.spends_tao() {
                                review.symbol.as_str()
                            } else {
                                "τ"
                            },
                            4,
                        )
                    },
                );
                ui.label(
                    RichText::new(tr_with("stake.estimate_line", &[("expected", &expected)]))
                        .color(p.warn),
                );
            }
            None => {
                ui.label(RichText::new(error.to_string()).color(p.bad));
            }
        },
        QuoteState::Ready(_, Err(error)) => {
            ui.label(RichText::new(error.to_string()).color(p.bad));
        }
    }
}

/// The most the user can put in: the free balance less the last quoted fee and the
/// existential deposit (add), or the whole position (everything else), in the typed unit.
fn max_amount(state: &StakePageState) -> Option<u64> {
    let chain_units = if state.kind.spends_tao() {
        let Loadable::Ready(balance) = &state.balance else {
            return None;
        };
        let fee = match &state.quote {
            QuoteState::Ready(_, Ok(p)) => p.prepared.quote.tx_fee_rao.unwrap_or(0),
            _ => 0,
        };
        balance
            .free_rao
            .0
            .saturating_sub(fee)
            .saturating_sub(EXISTENTIAL_DEPOSIT_RAO)
    } else {
        state.held()?
    };
    let typed_tao = state.unit == AmountUnit::Tao;
    if typed_tao == state.kind.spends_tao() {
        return Some(chain_units);
    }
    let price = state.price().filter(|p| *p > 0)?;
    let converted = if state.kind.spends_tao() {
        u128::from(chain_units) * u128::from(UNITS_PER_TOKEN) / u128::from(price)
    } else {
        u128::from(chain_units) * u128::from(price) / u128::from(UNITS_PER_TOKEN)
    };
    u64::try_from(converted).ok()
}

/// Base units as a plain decimal the amount parser reads back exactly ("12.5").
pub fn plain_units(units: u64) -> String {
    let whole = units / UNITS_PER_TOKEN;
    let fraction = format!("{:09}", units % UNITS_PER_TOKEN);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

fn new_position_ui(ui: &mut egui::Ui, state: &StakePageState, theme: Theme) {
    let p = palette(theme);
    let symbol = state.symbol();
    match (&state.positions, state.held()) {
        (Loadable::Ready(_), Some(held)) => {
            ui.label(
                RichText::new(tr_with(
                    "stake.new_position",
                    &[("amount", &amount_text(held, &symbol, 4))],
                ))
                .strong(),
            );
        }
        (Loadable::Failed(reason), _) => {
            ui.label(RichText::new(reason).color(p.bad));
        }
        _ => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("stake.reading_position"));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_units_read_back_exactly() {
        for units in [0, 1, 1_500_000_000, 12_000_000_000, 123_456_789_012] {
            assert_eq!(parse_units(&plain_units(units), "x"), Ok(units));
        }
        assert_eq!(plain_units(1_500_000_000), "1.5");
    }
}
