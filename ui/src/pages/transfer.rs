//! Sending TAO from a wallet (opened from its card on the Wallet page): a destination
//! checked as it is pasted (SS58 checksum and network, with its identicon so a swapped
//! address looks different), a small address book, the amount with a live quote, the
//! "allow closing my account" choice, then the shared review, unlock, progress and result.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::RichText;
use taoscope_core::address_book::AddressBook;
use taoscope_core::amount::parse_units;
use taoscope_core::explorer::Rao;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::AccountId;
use taoscope_core::service::{CoreHandle, PreparedTx, Request, RequestId, Response, TxRequest};
use taoscope_core::settings::Theme;
use taoscope_core::tx::{Action, Tolerance, TxError};

use crate::format::{amount_text, thousands};
use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::identicon::identicon_ui;
use crate::widgets::tx_flow::{ReviewData, TxFlowEvent, TxFlowState, tx_flow_ui};

/// How long typing must pause before a new quote is asked for.
const QUOTE_DEBOUNCE: Duration = Duration::from_millis(400);

/// The destination as typed: nothing yet, a valid account, or why it is not one.
pub fn check_destination(text: &str) -> Option<Result<AccountId, String>> {
    let text = text.trim();
    (!text.is_empty()).then(|| AccountId::from_ss58(text).map_err(|e| e.to_string()))
}

/// The quote and the inputs it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Quote {
    Idle,
    Waiting(Instant, Action),
    Loading(RequestId, Action),
    Ready(Action, Result<PreparedTx, TxError>),
}

/// The transfer flow of one wallet.
pub struct TransferState {
    root: PathBuf,
    wallet: String,
    from: AccountId,
    remembered: bool,
    destination: String,
    amount: String,
    allow_death: bool,
    book_path: Option<PathBuf>,
    book: Result<AddressBook, String>,
    save_name: String,
    book_notice: Option<(bool, String)>,
    quote: Quote,
    flow: Option<TxFlowState>,
}

/// What the flow tells the Wallet page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Keep showing the flow.
    Continue,
    /// The user closed it.
    Closed,
}

impl TransferState {
    /// A transfer from wallet `wallet` (coldkey `from`) in folder `root`, with the address
    /// book at `book_path` (none where the system has no config folder).
    pub fn new(
        root: PathBuf,
        wallet: String,
        from: AccountId,
        remembered: bool,
        book_path: Option<PathBuf>,
    ) -> TransferState {
        let book = match &book_path {
            Some(path) => AddressBook::load(path).map_err(|e| e.to_string()),
            None => Ok(AddressBook::default()),
        };
        TransferState {
            root,
            wallet,
            from,
            remembered,
            destination: String::new(),
            amount: String::new(),
            allow_death: false,
            book_path,
            book,
            save_name: String::new(),
            book_notice: None,
            quote: Quote::Idle,
            flow: None,
        }
    }

    /// The wallet sending.
    pub fn wallet(&self) -> &str {
        &self.wallet
    }

    /// Takes the answers to this flow's requests.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        if let Some(flow) = &mut self.flow
            && flow.handle_response(id, response)
        {
            return true;
        }
        match (&self.quote, response) {
            (Quote::Loading(asked, action), Response::TxPrepared(result)) if *asked == id => {
                self.quote = Quote::Ready(action.clone(), result.clone());
                true
            }
            _ => false,
        }
    }

    /// The transfer the inputs describe, or the first problem in words.
    fn action(&self) -> Result<Action, String> {
        let dest = match check_destination(&self.destination) {
            None => return Err(tr("transfer.need_destination")),
            Some(result) => result?,
        };
        let amount =
            parse_units(&self.amount, &tr("transfer.amount")).map_err(|e| e.to_string())?;
        if amount == 0 {
            return Err(tr("stake.amount_zero"));
        }
        Ok(Action::Transfer {
            dest,
            amount: Rao(amount),
            allow_death: self.allow_death,
        })
    }

    fn follow_inputs(&mut self, ctx: &egui::Context, core: &mut CoreHandle) {
        let Ok(action) = self.action() else {
            self.quote = Quote::Idle;
            return;
        };
        let current = match &self.quote {
            Quote::Idle => None,
            Quote::Waiting(_, a) | Quote::Loading(_, a) | Quote::Ready(a, _) => Some(a),
        };
        if current != Some(&action) {
            self.quote = Quote::Waiting(Instant::now(), action);
            ctx.request_repaint_after(QUOTE_DEBOUNCE);
            return;
        }
        if let Quote::Waiting(since, action) = &self.quote {
            if since.elapsed() < QUOTE_DEBOUNCE {
                ctx.request_repaint_after(QUOTE_DEBOUNCE.saturating_sub(since.elapsed()));
                return;
            }
            let action = action.clone();
            let id = core.send(Request::Tx(TxRequest::Prepare {
                action: action.clone(),
                signer: self.from,
                // Transfers have no price: the tolerance is not used.
                tolerance: Tolerance::DEFAULT,
                guarded: false,
            }));
            self.quote = Quote::Loading(id, action);
        }
    }

    fn save_contact(&mut self) {
        let Ok(book) = &mut self.book else {
            return;
        };
        let result = book
            .add(&self.save_name, &self.destination)
            .map_err(|e| e.to_string())
            .and_then(|()| match &self.book_path {
                Some(path) => book.save(path).map_err(|e| e.to_string()),
                None => Err(tr("transfer.book_no_folder")),
            });
        self.book_notice = Some(match result {
            Ok(()) => {
                let notice = tr_with("transfer.book_saved", &[("name", &self.save_name.trim())]);
                self.save_name.clear();
                (true, notice)
            }
            Err(reason) => (false, reason),
        });
    }
}

/// Draws the transfer flow.
pub fn transfer_ui(
    ui: &mut egui::Ui,
    state: &mut TransferState,
    core: &mut CoreHandle,
    theme: Theme,
) -> TransferOutcome {
    let p = palette(theme);
    if let Some(flow) = &mut state.flow {
        match tx_flow_ui(ui, flow, core, theme) {
            TxFlowEvent::Back => state.flow = None,
            TxFlowEvent::Closed => return TransferOutcome::Closed,
            TxFlowEvent::None => {}
        }
        return TransferOutcome::Continue;
    }
    state.follow_inputs(ui.ctx(), core);
    let mut outcome = TransferOutcome::Continue;
    let title = tr_with("transfer.title", &[("wallet", &state.wallet)]);
    section_ui(ui, theme, &title, |ui| {
        // The address book: pick a saved destination.
        if let Ok(book) = &state.book
            && !book.contacts.is_empty()
        {
            ui.horizontal(|ui| {
                let label = ui.label(RichText::new(tr("transfer.book")).color(p.muted));
                egui::ComboBox::from_id_salt("transfer-book")
                    .selected_text(tr("transfer.book_pick"))
                    .show_ui(ui, |ui| {
                        for contact in &book.contacts {
                            if ui.selectable_label(false, &contact.name).clicked() {
                                state.destination = contact.address.clone();
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
        }
        if let Err(reason) = &state.book {
            ui.label(RichText::new(reason).color(p.bad));
        }
        ui.horizontal(|ui| {
            let label = ui.label(tr("transfer.destination"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut state.destination)
                        .hint_text(tr("transfer.destination_hint"))
                        .desired_width(440.0),
                )
                .labelled_by(label.id);
            if ui.button(tr("transfer.paste")).clicked() {
                // The clipboard arrives as a paste event next frame, into the focused field.
                field.request_focus();
                ui.ctx()
                    .send_viewport_cmd(egui::ViewportCommand::RequestPaste);
            }
        });
        match check_destination(&state.destination) {
            None => {}
            Some(Ok(account)) => {
                ui.horizontal(|ui| {
                    identicon_ui(ui, &account, 32.0);
                    let ss58 = account.to_ss58();
                    let name = state
                        .book
                        .as_ref()
                        .ok()
                        .and_then(|b| b.name_of(&ss58).map(str::to_string));
                    ui.label(
                        RichText::new(match name {
                            Some(name) => tr_with("transfer.destination_known", &[("name", &name)]),
                            None => tr("transfer.destination_ok"),
                        })
                        .color(p.good),
                    );
                    if account == state.from {
                        ui.label(RichText::new(tr("error.tx.send_to_self")).color(p.bad));
                    }
                });
                let known = state
                    .book
                    .as_ref()
                    .is_ok_and(|b| b.name_of(&account.to_ss58()).is_some());
                if !known {
                    ui.horizontal(|ui| {
                        let label =
                            ui.label(RichText::new(tr("transfer.book_name")).color(p.muted));
                        ui.add(
                            egui::TextEdit::singleline(&mut state.save_name).desired_width(160.0),
                        )
                        .labelled_by(label.id);
                        if ui
                            .add_enabled(
                                !state.save_name.trim().is_empty(),
                                egui::Button::new(tr("transfer.book_save")),
                            )
                            .clicked()
                        {
                            state.save_contact();
                        }
                    });
                }
            }
            Some(Err(reason)) => {
                ui.label(RichText::new(reason).color(p.bad));
            }
        }
        if let Some((ok, notice)) = &state.book_notice {
            ui.label(RichText::new(notice).color(if *ok { p.good } else { p.bad }));
        }
        ui.add_space(spacing::MEDIUM);
        ui.horizontal(|ui| {
            let label = ui.label(tr("transfer.amount"));
            ui.add(egui::TextEdit::singleline(&mut state.amount).desired_width(160.0))
                .labelled_by(label.id);
            ui.label("TAO");
        });
        if !state.amount.trim().is_empty()
            && let Err(e) = parse_units(&state.amount, &tr("transfer.amount"))
        {
            ui.label(RichText::new(e.to_string()).color(p.bad));
        }
        ui.checkbox(&mut state.allow_death, tr("transfer.allow_death"))
            .on_hover_text(tr("transfer.allow_death_hint"));
        ui.add_space(spacing::MEDIUM);
        let ready = match (&state.quote, state.action()) {
            // Destination and amount problems are shown under their own fields.
            (_, Err(_)) => None,
            (Quote::Ready(_, Ok(prepared)), Ok(_)) => {
                let fee = prepared.prepared.quote.tx_fee_rao.unwrap_or(0);
                ui.label(
                    RichText::new(tr_with(
                        "transfer.quote_line",
                        &[
                            ("fee", &amount_text(fee, "τ", 9)),
                            ("block", &thousands(prepared.prepared.block_number)),
                        ],
                    ))
                    .color(p.good),
                );
                Some(prepared.clone())
            }
            (Quote::Ready(_, Err(error)), Ok(_)) => {
                ui.label(RichText::new(error.to_string()).color(p.bad));
                None
            }
            (_, Ok(_)) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(RichText::new(tr("stake.quoting")).color(p.muted));
                });
                None
            }
        };
        ui.label(
            RichText::new(tr("transfer.never_twice"))
                .size(text::SMALL)
                .color(p.muted),
        );
        ui.horizontal(|ui| {
            if ui.button(tr("common.cancel")).clicked() {
                outcome = TransferOutcome::Closed;
            }
            let next = ui.add_enabled(ready.is_some(), egui::Button::new(tr("stake.review")));
            if next.clicked()
                && let Some(prepared) = ready
            {
                let destination = check_destination(&state.destination)
                    .and_then(Result::ok)
                    .map(|a| {
                        let ss58 = a.to_ss58();
                        match state.book.as_ref().ok().and_then(|b| b.name_of(&ss58)) {
                            Some(name) => format!("{name} ({ss58})"),
                            None => ss58,
                        }
                    });
                let review = ReviewData::live(&prepared, None, "τ".into(), destination);
                state.flow = Some(TxFlowState::new(
                    review,
                    Some(prepared),
                    state.root.clone(),
                    state.wallet.clone(),
                    state.remembered,
                ));
            }
        });
    });
    outcome
}
