//! The part every money-moving flow shares once its inputs are chosen: the review screen
//! (every number, the tolerance and what happens past it, every warning as a sentence),
//! the unlock step (password or keychain), the progress screen (a step indicator with the
//! block number and an explorer link) and the result. The Stake page and the Wallet page's
//! Transfer both end here, so the user sees one pattern for every transaction.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{RichText, Stroke, Vec2};
use taoscope_core::explorer::Balance;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::service::{
    CoreHandle, PreparedTx, Request, RequestId, Response, SecretText, TxRequest,
};
use taoscope_core::settings::Theme;
use taoscope_core::tx::{Action, DispatchOutcome, Prepared, Quote, TxError, TxStatus, Warning};
use zeroize::Zeroizing;

use crate::format::amount_text;
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::term::{Term, muted_term_ui};

/// Where block links point (the block page; the extrinsic index is not reported yet).
pub const EXPLORER_BLOCK_URL: &str = "https://taostats.io/block/";

/// Everything the review screen shows, from a live quote or an offline estimate.
#[derive(Debug, Clone)]
pub struct ReviewData {
    /// The action as it will be signed (price bound filled in).
    pub action: Action,
    /// The numbers.
    pub quote: Quote,
    /// What to warn about.
    pub warnings: Vec<Warning>,
    /// The block the numbers are from.
    pub block_number: u64,
    /// The signer's balance at that block, when known.
    pub balance: Option<Balance>,
    /// True for an offline constant-product estimate: shown as such and never signed.
    pub estimate: bool,
    /// "SN1 · Apex": the subnet the action is on, when it has one.
    pub subnet_label: Option<String>,
    /// The subnet token's symbol, for alpha amounts.
    pub symbol: String,
    /// The validator or destination, as the user picked it.
    pub counterpart: Option<String>,
    /// Sent encrypted through the MEV shield (protected from front-running).
    pub shielded: bool,
}

impl ReviewData {
    /// The review of a live, signable preparation.
    pub fn live(
        prepared: &PreparedTx,
        subnet_label: Option<String>,
        symbol: String,
        counterpart: Option<String>,
    ) -> ReviewData {
        let p = &prepared.prepared;
        ReviewData {
            action: p.action.clone(),
            quote: p.quote.clone(),
            warnings: p.warnings.clone(),
            block_number: p.block_number,
            balance: Some(p.balance),
            estimate: false,
            subnet_label,
            symbol,
            counterpart,
            shielded: p.shielded(),
        }
    }

    /// The same review after the user turned the shield on or off.
    fn with_shield(&self, prepared: &Prepared) -> ReviewData {
        ReviewData {
            quote: prepared.quote.clone(),
            warnings: prepared.warnings.clone(),
            shielded: prepared.shielded(),
            ..self.clone()
        }
    }
}

/// The localized name of an action ("Add stake", "Transfer").
pub fn action_title(action: &Action) -> String {
    tr(match action {
        Action::Transfer { .. } => "txui.action.transfer",
        Action::AddStake { .. } => "txui.action.add_stake",
        Action::RemoveStake { .. } | Action::RemoveStakeFull { .. } => "txui.action.remove_stake",
        Action::MoveStake { .. } => "txui.action.move_stake",
        Action::SwapStake { .. } => "txui.action.swap_stake",
        Action::TransferStake { .. } => "txui.action.transfer_stake",
        Action::UnstakeAll { .. } | Action::UnstakeAllAlpha { .. } => "txui.action.unstake_all",
        Action::BurnedRegister { .. } | Action::RegisterLimit { .. } => "txui.action.register",
        Action::ClaimRoot { .. } => "txui.action.claim_root",
    })
}

/// What the input and output of an action are counted in: (input symbol, output symbol).
fn symbols(action: &Action, alpha: &str) -> (String, String) {
    match action {
        Action::AddStake { .. } => ("τ".into(), alpha.into()),
        Action::RemoveStake { .. } | Action::RemoveStakeFull { .. } => (alpha.into(), "τ".into()),
        Action::MoveStake { .. } | Action::SwapStake { .. } | Action::TransferStake { .. } => {
            (alpha.into(), alpha.into())
        }
        _ => ("τ".into(), "τ".into()),
    }
}

/// The amount the action spends, in base units of its input token.
fn input_amount(action: &Action) -> Option<u64> {
    match action {
        Action::Transfer { amount, .. } | Action::AddStake { amount, .. } => Some(amount.0),
        Action::RemoveStake { amount, .. }
        | Action::MoveStake { amount, .. }
        | Action::SwapStake { amount, .. }
        | Action::TransferStake { amount, .. } => Some(amount.0),
        _ => None,
    }
}

/// A review row whose label is a Bittensor term, explained on hover and focus.
fn term_row_ui(ui: &mut egui::Ui, label: &str, value: &str, term: Term, theme: Theme) {
    muted_term_ui(ui, label, term, theme);
    ui.label(RichText::new(value).strong());
    ui.end_row();
}

/// The TAO that leaves the free balance: amount or burn, plus the fee. `None` for actions
/// that spend no TAO (stake moves pay their fee in alpha) or while the fee is unknown.
pub fn tao_spent(action: &Action, quote: &Quote) -> Option<u64> {
    let principal = match action {
        Action::Transfer { amount, .. } | Action::AddStake { amount, .. } => amount.0,
        Action::BurnedRegister { .. } | Action::RegisterLimit { .. } => quote.burn_rao?,
        _ => return None,
    };
    Some(principal.saturating_add(quote.tx_fee_rao?))
}

/// The hotkey an action registers, for the review's hotkey row.
fn registered_hotkey(action: &Action) -> Option<String> {
    match action {
        Action::BurnedRegister { hotkey, .. } | Action::RegisterLimit { hotkey, .. } => {
            Some(crate::format::short_address(&hotkey.to_ss58()))
        }
        _ => None,
    }
}

fn row_ui(ui: &mut egui::Ui, label: &str, value: &str, hint: Option<&str>, theme: Theme) {
    let p = palette(theme);
    let response = ui.label(RichText::new(label).color(p.muted));
    if let Some(hint) = hint {
        response.on_hover_text(hint);
    }
    ui.label(RichText::new(value).strong());
    ui.end_row();
}

/// Draws the review screen: every number of the quote, the tolerance and what happens if
/// the price moves past it, and every warning as a sentence.
pub fn review_ui(ui: &mut egui::Ui, data: &ReviewData, theme: Theme) {
    let p = palette(theme);
    let (input_symbol, output_symbol) = symbols(&data.action, &data.symbol);
    let unknown = tr("txui.review.unknown_offline");
    let amount = |units: Option<u64>, symbol: &str| {
        units.map_or_else(|| unknown.clone(), |u| amount_text(u, symbol, 9))
    };
    section_ui(ui, theme, &tr("txui.review.title"), |ui| {
        let source = if data.estimate {
            RichText::new(tr_with(
                "txui.review.offline_estimate",
                &[("block", &crate::format::thousands(data.block_number))],
            ))
            .color(p.warn)
            .strong()
        } else {
            RichText::new(tr_with(
                "txui.review.live_quote",
                &[("block", &crate::format::thousands(data.block_number))],
            ))
            .color(p.muted)
        };
        ui.label(source);
        ui.add_space(spacing::MEDIUM);
        egui::Grid::new("tx-review")
            .num_columns(2)
            .spacing([spacing::LARGE, spacing::SMALL])
            .show(ui, |ui| {
                row_ui(
                    ui,
                    &tr("txui.review.action"),
                    &action_title(&data.action),
                    None,
                    theme,
                );
                if let Some(subnet) = &data.subnet_label {
                    row_ui(ui, &tr("txui.review.subnet"), subnet, None, theme);
                }
                if let Some(counterpart) = &data.counterpart {
                    row_ui(ui, &tr("txui.review.counterpart"), counterpart, None, theme);
                }
                if let Some(hotkey) = registered_hotkey(&data.action) {
                    row_ui(ui, &tr("txui.review.hotkey"), &hotkey, None, theme);
                }
                if let Some(burn) = data.quote.burn_rao {
                    term_row_ui(
                        ui,
                        &tr("txui.review.burn"),
                        &amount_text(burn, "τ", 9),
                        Term::Burn,
                        theme,
                    );
                }
                if let Some(units) = input_amount(&data.action) {
                    row_ui(
                        ui,
                        &tr("txui.review.amount"),
                        &amount_text(units, &input_symbol, 9),
                        None,
                        theme,
                    );
                }
                if data.action.is_stake_move() {
                    term_row_ui(
                        ui,
                        &tr("txui.review.expected"),
                        &amount(data.quote.expected_out, &output_symbol),
                        Term::Alpha,
                        theme,
                    );
                    row_ui(
                        ui,
                        &tr("txui.review.minimum"),
                        &amount(data.quote.minimum_out, &output_symbol),
                        Some(&tr("txui.hint.minimum")),
                        theme,
                    );
                    if let Some(price) = data.quote.price_rao_per_alpha {
                        row_ui(
                            ui,
                            &tr("txui.review.price"),
                            &tr_with(
                                "txui.review.price_value",
                                &[
                                    ("price", &crate::format::price_text(price)),
                                    ("symbol", &data.symbol),
                                ],
                            ),
                            None,
                            theme,
                        );
                    }
                    term_row_ui(
                        ui,
                        &tr("txui.review.impact"),
                        &data
                            .quote
                            .price_impact_ppm
                            .map_or_else(|| unknown.clone(), crate::format::percent_text),
                        Term::Slippage,
                        theme,
                    );
                }
                let fee_from_stake = data.warnings.contains(&Warning::FeeTakenFromStake);
                let fee = match data.quote.tx_fee_rao {
                    Some(fee) if fee_from_stake => tr_with(
                        "txui.review.fee_from_stake",
                        &[("fee", &amount_text(fee, "τ", 9))],
                    ),
                    Some(fee) => amount_text(fee, "τ", 9),
                    None => unknown.clone(),
                };
                row_ui(ui, &tr("txui.review.fee"), &fee, None, theme);
                if let Some(stake_fee) = data.quote.stake_fee {
                    row_ui(
                        ui,
                        &tr("txui.review.stake_fee"),
                        &amount_text(stake_fee, &input_symbol, 9),
                        Some(&tr("txui.hint.stake_fee")),
                        theme,
                    );
                }
                if let Some(shield_fee) = data.quote.shield_fee_rao {
                    row_ui(
                        ui,
                        &tr("txui.review.shield_fee"),
                        &amount_text(shield_fee, "τ", 9),
                        None,
                        theme,
                    );
                }
                if data.action.is_stake_move() {
                    term_row_ui(
                        ui,
                        &tr("txui.review.tolerance"),
                        &crate::format::percent_text(u64::from(data.quote.tolerance_ppm)),
                        Term::Tolerance,
                        theme,
                    );
                }
                if let Some(balance) = &data.balance {
                    row_ui(
                        ui,
                        &tr("txui.review.balance"),
                        &amount_text(balance.free_rao.0, "τ", 9),
                        None,
                        theme,
                    );
                    if let Some(spent) = tao_spent(&data.action, &data.quote) {
                        row_ui(
                            ui,
                            &tr("txui.review.balance_after"),
                            &amount_text(balance.free_rao.0.saturating_sub(spent), "τ", 9),
                            None,
                            theme,
                        );
                    }
                }
            });
        if data.action.is_stake_move() {
            ui.add_space(spacing::MEDIUM);
            let bounded = data.quote.limit_price.is_some();
            ui.label(if bounded {
                tr_with(
                    "txui.review.if_price_moves",
                    &[(
                        "tolerance",
                        &crate::format::percent_text(u64::from(data.quote.tolerance_ppm)),
                    )],
                )
            } else {
                tr("txui.review.unguarded")
            });
        }
        if data.shielded {
            ui.add_space(spacing::MEDIUM);
            ui.label(
                RichText::new(tr("txui.review.shielded"))
                    .color(p.good)
                    .strong(),
            );
            ui.label(RichText::new(tr("txui.review.shielded_explained")).color(p.muted));
        }
        if data.estimate {
            ui.add_space(spacing::MEDIUM);
            ui.label(RichText::new(tr("txui.review.estimate_explained")).color(p.warn));
        }
        if !data.warnings.is_empty() {
            ui.add_space(spacing::MEDIUM);
            for warning in &data.warnings {
                let hard = matches!(
                    warning,
                    Warning::DestinationIsHotkey | Warning::ClosesAccount
                );
                ui.label(RichText::new(warning.describe()).color(if hard {
                    p.bad
                } else {
                    p.warn
                }));
            }
        }
    });
}

/// Which screen of the shared flow is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStage {
    /// The review screen.
    Review,
    /// Unlocking the coldkey.
    Unlock,
    /// Sent; statuses arriving.
    Progress,
}

/// What happened on the last frame of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxFlowEvent {
    /// Nothing to act on.
    None,
    /// The user went back to change the inputs.
    Back,
    /// The user closed the result.
    Closed,
}

/// The review, unlock, progress and result screens of one transaction.
pub struct TxFlowState {
    /// What the review shows.
    pub review: ReviewData,
    /// The signable preparation; `None` for an offline estimate.
    pub prepared: Option<PreparedTx>,
    /// The screen showing.
    pub stage: TxStage,
    wallet_root: PathBuf,
    wallet_name: String,
    remembered: bool,
    password: Zeroizing<String>,
    submit: Option<RequestId>,
    /// Every status received so far, in order.
    pub statuses: Vec<TxStatus>,
    /// How it ended: the final status, or why it stopped.
    pub finished: Option<Result<TxStatus, TxError>>,
    /// The explicit "I know this is a hotkey" confirmation (transfers to a hotkey).
    pub hotkey_confirmed: bool,
    /// Send it shielded (on by default where the node offers the shield).
    pub use_shield: bool,
}

impl TxFlowState {
    /// A flow starting on the review screen.
    pub fn new(
        review: ReviewData,
        prepared: Option<PreparedTx>,
        wallet_root: PathBuf,
        wallet_name: String,
        remembered: bool,
    ) -> TxFlowState {
        TxFlowState {
            review,
            prepared,
            stage: TxStage::Review,
            wallet_root,
            wallet_name,
            remembered,
            password: Zeroizing::new(String::new()),
            submit: None,
            statuses: Vec::new(),
            finished: None,
            hotkey_confirmed: false,
            use_shield: true,
        }
    }

    /// The preparation as it will be sent: without the shield if the user turned it off.
    fn to_send(&self) -> Option<PreparedTx> {
        let prepared = self.prepared.clone()?;
        if self.use_shield || !prepared.prepared.shielded() {
            return Some(prepared);
        }
        Some(PreparedTx {
            prepared: Arc::new((*prepared.prepared).clone().without_shield()),
            signer: prepared.signer,
        })
    }

    /// Whether the review offers the shield checkbox (the node published a key).
    fn shield_offered(&self) -> bool {
        self.prepared
            .as_ref()
            .is_some_and(|p| p.prepared.shielded())
    }

    /// Signs and sends from the review without the unlock screen (screenshot mode): with
    /// `password`, or with the keychain where the wallet is remembered and none is given.
    /// Does nothing for an offline estimate or once sent.
    pub fn sign_and_send(&mut self, core: &mut CoreHandle, password: Option<Zeroizing<String>>) {
        if self.stage != TxStage::Review || self.review.estimate {
            return;
        }
        if let Some(password) = password {
            self.password = password;
        } else if !self.remembered {
            return;
        }
        self.send(core);
    }

    /// Takes the submit's statuses and its end; returns true if `response` was for it.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        if self.submit != Some(id) {
            return false;
        }
        match response {
            Response::TxProgress { status, .. } => self.statuses.push(status.clone()),
            Response::TxFinished(result) => {
                if let Ok(status) = result
                    && self.statuses.last() != Some(status)
                {
                    self.statuses.push(status.clone());
                }
                self.finished = Some(result.clone());
                self.submit = None;
            }
            _ => return false,
        }
        true
    }

    /// True while a submit is in flight (the page must not start another).
    pub fn in_flight(&self) -> bool {
        self.submit.is_some()
    }

    fn needs_hotkey_confirmation(&self) -> bool {
        self.review.warnings.contains(&Warning::DestinationIsHotkey)
    }

    fn send(&mut self, core: &mut CoreHandle) {
        let Some(prepared) = self.to_send() else {
            return;
        };
        // A second click never sends twice: the button is gone once this is set.
        if self.submit.is_some() || self.finished.is_some() {
            return;
        }
        let password = (!self.password.is_empty()).then(|| SecretText::new(&self.password));
        self.password = Zeroizing::new(String::new());
        let id = core.send(Request::Tx(TxRequest::Submit {
            prepared,
            wallet_root: self.wallet_root.clone(),
            wallet_name: self.wallet_name.clone(),
            password,
        }));
        self.submit = Some(id);
        self.stage = TxStage::Progress;
    }
}

/// Draws the flow's current screen.
pub fn tx_flow_ui(
    ui: &mut egui::Ui,
    state: &mut TxFlowState,
    core: &mut CoreHandle,
    theme: Theme,
) -> TxFlowEvent {
    let p = palette(theme);
    match state.stage {
        TxStage::Review => {
            review_ui(ui, &state.review, theme);
            if state.shield_offered()
                && ui
                    .checkbox(&mut state.use_shield, tr("txui.review.use_shield"))
                    .changed()
                && let Some(sending) = state.to_send()
            {
                state.review = state.review.with_shield(&sending.prepared);
            }
            let mut can_sign = state.prepared.is_some() && !state.review.estimate;
            if state.needs_hotkey_confirmation() {
                ui.checkbox(
                    &mut state.hotkey_confirmed,
                    RichText::new(tr("txui.review.confirm_hotkey")).color(p.bad),
                );
                can_sign &= state.hotkey_confirmed;
            }
            if state.review.estimate {
                ui.label(RichText::new(tr("txui.review.cannot_sign_estimate")).color(p.muted));
            }
            let mut event = TxFlowEvent::None;
            ui.horizontal(|ui| {
                if ui.button(tr("common.back")).clicked() {
                    event = TxFlowEvent::Back;
                }
                if ui
                    .add_enabled(can_sign, egui::Button::new(tr("txui.review.continue")))
                    .clicked()
                {
                    state.stage = TxStage::Unlock;
                }
            });
            event
        }
        TxStage::Unlock => unlock_ui(ui, state, core, theme),
        TxStage::Progress => progress_ui(ui, state, theme),
    }
}

fn unlock_ui(
    ui: &mut egui::Ui,
    state: &mut TxFlowState,
    core: &mut CoreHandle,
    theme: Theme,
) -> TxFlowEvent {
    let p = palette(theme);
    let mut event = TxFlowEvent::None;
    section_ui(ui, theme, &tr("txui.unlock.title"), |ui| {
        ui.label(tr_with(
            "txui.unlock.body",
            &[
                ("action", &action_title(&state.review.action)),
                ("wallet", &state.wallet_name),
            ],
        ));
        ui.add_space(spacing::MEDIUM);
        let mut submit = false;
        if state.remembered {
            ui.label(RichText::new(tr("txui.unlock.from_keychain")).color(p.good));
            submit |= ui.button(tr("txui.unlock.sign_keychain")).clicked();
            ui.label(RichText::new(tr("txui.unlock.or_password")).color(p.muted));
        }
        ui.horizontal(|ui| {
            let label = ui.label(tr("txui.unlock.password"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut *state.password)
                        .password(true)
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let typed = !state.password.is_empty();
            submit |= (entered && typed)
                | ui.add_enabled(typed, egui::Button::new(tr("txui.unlock.sign")))
                    .clicked();
        });
        ui.label(
            RichText::new(tr("txui.unlock.slow"))
                .size(text::SMALL)
                .color(p.muted),
        );
        if submit {
            state.send(core);
        }
        if ui.button(tr("common.back")).clicked() {
            state.password = Zeroizing::new(String::new());
            state.stage = TxStage::Review;
            event = TxFlowEvent::None;
        }
    });
    event
}

/// The four steps of the indicator and how far a status has come (0..=4).
fn reached(status: &TxStatus) -> usize {
    match status {
        TxStatus::Submitting => 1,
        TxStatus::Ready | TxStatus::Broadcast | TxStatus::Retracted | TxStatus::Unknown => 2,
        TxStatus::InBlock { .. } => 3,
        TxStatus::Finalized { .. } => 4,
        TxStatus::Dropped | TxStatus::Invalid | TxStatus::Usurped => 0,
    }
}

/// The block the transaction is in, once known.
fn block_of(statuses: &[TxStatus]) -> Option<u64> {
    statuses.iter().rev().find_map(|s| match s {
        TxStatus::InBlock { block_number, .. } | TxStatus::Finalized { block_number, .. }
            if *block_number > 0 =>
        {
            Some(*block_number)
        }
        _ => None,
    })
}

/// Draws the step indicator: Submitting, In queue, In block #N, Final. Painted shapes only
/// (the default font has no check marks or bullets).
pub fn step_indicator_ui(ui: &mut egui::Ui, statuses: &[TxStatus], failed: bool, theme: Theme) {
    let p = palette(theme);
    let done = statuses.iter().map(reached).max().unwrap_or(0);
    let block = block_of(statuses);
    let labels = [
        tr("txui.progress.step_submitting"),
        tr("txui.progress.step_queue"),
        block.map_or_else(
            || tr("txui.progress.step_block"),
            |b| {
                tr_with(
                    "txui.progress.step_block_n",
                    &[("block", &crate::format::thousands(b))],
                )
            },
        ),
        tr("txui.progress.step_final"),
    ];
    let step_width = 150.0;
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(step_width * labels.len() as f32, 56.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let y = rect.top() + 14.0;
    for (i, label) in labels.iter().enumerate() {
        let x = rect.left() + step_width * (i as f32 + 0.5);
        let centre = egui::pos2(x, y);
        let reached = i < done;
        let current = i == done && !failed && done < labels.len();
        let colour = if reached {
            p.good
        } else if current {
            p.accent
        } else if failed && i == done {
            p.bad
        } else {
            p.muted
        };
        if i + 1 < labels.len() {
            let next = egui::pos2(x + step_width, y);
            let line = if i + 1 < done { p.good } else { p.muted };
            painter.line_segment(
                [centre + Vec2::new(11.0, 0.0), next - Vec2::new(11.0, 0.0)],
                Stroke::new(2.0, line),
            );
        }
        if reached {
            painter.circle_filled(centre, 9.0, colour);
        } else {
            painter.circle_stroke(centre, 9.0, Stroke::new(2.0, colour));
            if current {
                painter.circle_filled(centre, 4.0, colour);
            }
        }
        painter.text(
            egui::pos2(x, y + 16.0),
            egui::Align2::CENTER_TOP,
            label,
            egui::FontId::proportional(text::SMALL),
            if reached || current { p.text } else { p.muted },
        );
    }
}

/// The result sentence and a suggestion for a final status.
pub fn result_text(status: &TxStatus) -> (bool, String) {
    let outcome = match status {
        TxStatus::Finalized { outcome, .. } | TxStatus::InBlock { outcome, .. } => outcome,
        TxStatus::Dropped => return (false, tr("txui.result.dropped")),
        TxStatus::Invalid => return (false, tr("txui.result.invalid")),
        TxStatus::Usurped => return (false, tr("txui.result.usurped")),
        other => return (false, other.describe()),
    };
    match outcome {
        DispatchOutcome::Success => (true, tr("txui.result.success")),
        DispatchOutcome::Failed { explanation, .. } => (false, explanation.clone()),
        DispatchOutcome::NotKnown => (true, tr("txui.result.included_unknown")),
        DispatchOutcome::NotRevealed => (false, tr("tx.outcome.not_revealed")),
    }
}

fn progress_ui(ui: &mut egui::Ui, state: &mut TxFlowState, theme: Theme) -> TxFlowEvent {
    let p = palette(theme);
    let mut event = TxFlowEvent::None;
    let failed = match &state.finished {
        Some(Ok(status)) => !result_text(status).0,
        Some(Err(_)) => true,
        None => false,
    };
    section_ui(ui, theme, &tr("txui.progress.title"), |ui| {
        ui.label(RichText::new(action_title(&state.review.action)).strong());
        let (input_symbol, _) = symbols(&state.review.action, &state.review.symbol);
        let summary: Vec<String> = input_amount(&state.review.action)
            .map(|units| amount_text(units, &input_symbol, 9))
            .into_iter()
            .chain(state.review.subnet_label.clone())
            .chain(state.review.counterpart.clone())
            .collect();
        if !summary.is_empty() {
            ui.label(RichText::new(summary.join(" · ")).color(p.muted));
        }
        ui.add_space(spacing::MEDIUM);
        step_indicator_ui(ui, &state.statuses, failed, theme);
        ui.add_space(spacing::MEDIUM);
        for status in &state.statuses {
            ui.label(RichText::new(status.describe()).color(p.muted));
        }
        if let Some(block) = block_of(&state.statuses) {
            ui.hyperlink_to(
                tr_with(
                    "txui.progress.explorer",
                    &[("block", &crate::format::thousands(block))],
                ),
                format!("{EXPLORER_BLOCK_URL}{block}"),
            );
        }
        if state.in_flight() {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("txui.progress.waiting"));
            });
        }
        match &state.finished {
            None => {}
            Some(result) => {
                ui.add_space(spacing::MEDIUM);
                let (ok, sentence) = match result {
                    Ok(status) => result_text(status),
                    Err(e) => (false, e.to_string()),
                };
                ui.label(
                    RichText::new(sentence)
                        .color(if ok { p.good } else { p.bad })
                        .strong(),
                );
                if ui.button(tr("txui.progress.close")).clicked() {
                    event = TxFlowEvent::Closed;
                }
            }
        }
    });
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use taoscope_core::explorer::Rao;
    use taoscope_core::keys::Keypair;
    use taoscope_core::tx::{ChainContext, ShieldKey};

    /// An add-stake prepared against the spec-393 metadata with a shield key published.
    fn shielded_prepared() -> PreparedTx {
        let bytes = std::fs::read(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/fixtures/finney-metadata/metadata.scale"),
        )
        .expect("metadata");
        let alice = Keypair::from_uri("//Alice").expect("alice").account_id();
        let prepared = Prepared {
            action: Action::AddStake {
                hotkey: Keypair::from_uri("//Charlie").expect("c").account_id(),
                netuid: 1,
                amount: Rao(1_000_000_000),
                limit: None,
            },
            context: ChainContext {
                metadata: ChainContext::decode_metadata(&bytes).expect("decodes"),
                genesis_hash: [0; 32],
                spec_version: 393,
                transaction_version: 1,
                era_block_number: 100,
                era_block_hash: [1; 32],
                nonce: 0,
            },
            quote: Quote {
                tx_fee_rao: Some(215_000),
                shield_fee_rao: Some(215_000),
                ..Quote::default()
            },
            warnings: Vec::new(),
            balance: Balance {
                free_rao: Rao(5_000_000_000),
                reserved_rao: Rao(0),
                frozen_rao: Rao(0),
                nonce: 0,
            },
            block_number: 100,
            shield: ShieldKey::from_bytes(vec![7; taoscope_core::tx::ENCAPSULATION_KEY_LEN]),
        };
        PreparedTx {
            prepared: Arc::new(prepared),
            signer: alice,
        }
    }

    #[test]
    fn the_review_says_protected_and_the_checkbox_turns_the_shield_off() {
        let prepared = shielded_prepared();
        let review = ReviewData::live(&prepared, None, "α".into(), None);
        let mut state = TxFlowState::new(review, Some(prepared), PathBuf::new(), "w".into(), false);
        // Nothing is sent in this test; the core points at a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let network =
            taoscope_core::network::Network::parse(&format!("ws://127.0.0.1:{port}")).expect("url");
        let mut core = CoreHandle::start(network, Arc::new(|| {})).expect("core");
        let mut harness = Harness::new_ui(|ui| {
            tx_flow_ui(ui, &mut state, &mut core, Theme::Dark);
        });
        harness.run();
        harness.get_by_label("Protected from front-running");
        harness.get_by_label("Shield fee");
        harness
            .get_by_label("Protect from front-running (MEV shield)")
            .click();
        harness.run();
        assert!(
            harness
                .query_by_label("Protected from front-running")
                .is_none(),
            "no longer claimed once declined"
        );
        assert!(harness.query_by_label("Shield fee").is_none());
        drop(harness);
        assert!(!state.use_shield);
        assert!(state.review.warnings.contains(&Warning::NotShielded));
        let sending = state.to_send().expect("signable");
        assert!(!sending.prepared.shielded());
    }
}
