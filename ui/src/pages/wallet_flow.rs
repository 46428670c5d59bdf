//! The create and import flows. Create shows the recovery phrase once, on a screen that
//! warns against screenshots, and asks for three of its words back before anything is
//! written; both flows end by encrypting the coldkey in the background.

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

use egui::RichText;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::{AccountId, Mnemonic, WordCount};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response, SecretText, WalletRequest};
use taoscope_core::settings::Theme;
use zeroize::Zeroizing;

use crate::theme::{palette, section_ui, spacing, text};
use crate::widgets::identicon::identicon_ui;

/// How strong a new password looks; a hint, not a rule (the rule is 6+ characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Under 6 characters: refused.
    TooShort,
    /// Easy to guess.
    Weak,
    /// Acceptable.
    Fair,
    /// Hard to guess.
    Strong,
}

/// Estimates strength from length and the kinds of characters used (bits of a random
/// password of that shape: a hint that errs towards "weak").
pub fn password_strength(password: &str) -> Strength {
    let length = password.chars().count();
    if length < taoscope_core::wallet::MIN_PASSWORD_LEN {
        return Strength::TooShort;
    }
    let mut pool = 0u32;
    if password.chars().any(|c| c.is_ascii_lowercase()) {
        pool += 26;
    }
    if password.chars().any(|c| c.is_ascii_uppercase()) {
        pool += 26;
    }
    if password.chars().any(|c| c.is_ascii_digit()) {
        pool += 10;
    }
    if password.chars().any(|c| !c.is_ascii_alphanumeric()) {
        pool += 33;
    }
    let bits = length as f64 * f64::from(pool.max(2)).log2();
    match bits {
        b if b < 40.0 => Strength::Weak,
        b if b < 64.0 => Strength::Fair,
        _ => Strength::Strong,
    }
}

/// What the user typed for the password and the keychain choice.
struct Protection {
    password: Zeroizing<String>,
    confirm: Zeroizing<String>,
    remember: bool,
}

impl Protection {
    fn new() -> Self {
        Protection {
            password: Zeroizing::new(String::new()),
            confirm: Zeroizing::new(String::new()),
            remember: false,
        }
    }

    /// The reason the password cannot be used yet, if any.
    fn problem(&self) -> Option<String> {
        if password_strength(&self.password) == Strength::TooShort {
            Some(tr("wallet.password_too_short"))
        } else if *self.password != *self.confirm {
            Some(tr("cli.passwords_differ"))
        } else {
            None
        }
    }
}

enum CreateStep {
    Details,
    ShowPhrase,
    Confirm,
}

enum Stage {
    Create {
        step: CreateStep,
        words: WordCount,
        coldkey: Option<Mnemonic>,
        hotkey: Option<Mnemonic>,
        quiz: [usize; 3],
        answers: [String; 3],
    },
    Import {
        phrase: Zeroizing<String>,
        hotkey_phrase: Zeroizing<String>,
    },
    /// Encrypting in the background; the stage to return to if it fails.
    Saving(RequestId, Box<Stage>),
    Done(String),
}

/// A create or import flow in progress.
pub struct WalletFlow {
    root: PathBuf,
    name: String,
    protection: Protection,
    stage: Stage,
    error: Option<String>,
}

/// Whether the flow goes on after this frame.
#[derive(Debug, PartialEq, Eq)]
pub enum FlowOutcome {
    /// Still open.
    Continue,
    /// Closed; `changed` when a wallet was written.
    Closed {
        /// A wallet was written: reload the list.
        changed: bool,
    },
}

/// Three distinct word positions (0-based) to ask back, different every run.
fn quiz_positions(count: usize) -> [usize; 3] {
    let mut seed = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let mut picked: Vec<usize> = Vec::with_capacity(3);
    while picked.len() < 3 && count >= 3 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let position = (seed >> 33) as usize % count;
        if !picked.contains(&position) {
            picked.push(position);
        }
    }
    picked.sort_unstable();
    [
        picked.first().copied().unwrap_or(0),
        picked.get(1).copied().unwrap_or(1),
        picked.get(2).copied().unwrap_or(2),
    ]
}

impl WalletFlow {
    /// Starts the create flow.
    pub fn create(root: PathBuf) -> Self {
        WalletFlow {
            root,
            name: "default".into(),
            protection: Protection::new(),
            stage: Stage::Create {
                step: CreateStep::Details,
                words: WordCount::Twelve,
                coldkey: None,
                hotkey: None,
                quiz: [0, 1, 2],
                answers: Default::default(),
            },
            error: None,
        }
    }

    /// Starts the import flow.
    pub fn import(root: PathBuf) -> Self {
        WalletFlow {
            root,
            name: "default".into(),
            protection: Protection::new(),
            stage: Stage::Import {
                phrase: Zeroizing::new(String::new()),
                hotkey_phrase: Zeroizing::new(String::new()),
            },
            error: None,
        }
    }

    /// Takes the save result; returns true if `id` was this flow's request.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        if !matches!(self.stage, Stage::Saving(pending, _) if pending == id) {
            return false;
        }
        if let Response::WalletSaved(result) = response {
            let saving = std::mem::replace(&mut self.stage, Stage::Done(String::new()));
            match (result, saving) {
                (Ok(address), _) => self.stage = Stage::Done(address.clone()),
                (Err(reason), Stage::Saving(_, previous)) => {
                    // Back where the user can fix it (a name in use, say), losing nothing typed.
                    self.error = Some(reason.clone());
                    self.stage = *previous;
                }
                (Err(reason), other) => {
                    self.error = Some(reason.clone());
                    self.stage = other;
                }
            }
        }
        true
    }

    fn save(&mut self, core: &mut CoreHandle, coldkey: &str, hotkey: Option<&str>) {
        let id = core.send(Request::Wallet(WalletRequest::Save {
            root: self.root.clone(),
            name: self.name.trim().to_string(),
            coldkey_phrase: SecretText::new(coldkey),
            hotkey_phrase: hotkey.map(SecretText::new),
            password: SecretText::new(&self.protection.password),
            remember: self.protection.remember,
        }));
        self.error = None;
        let previous = std::mem::replace(&mut self.stage, Stage::Done(String::new()));
        self.stage = Stage::Saving(id, Box::new(previous));
    }
}

fn protection_ui(ui: &mut egui::Ui, protection: &mut Protection, theme: Theme) {
    let p = palette(theme);
    egui::Grid::new("password-grid")
        .num_columns(2)
        .spacing([spacing::MEDIUM, spacing::SMALL])
        .show(ui, |ui| {
            let label = ui.label(tr("wallet.password"));
            ui.add(
                egui::TextEdit::singleline(&mut *protection.password)
                    .password(true)
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(tr("wallet.password_repeat"));
            ui.add(
                egui::TextEdit::singleline(&mut *protection.confirm)
                    .password(true)
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            ui.end_row();
        });
    if !protection.password.is_empty() {
        let (key, colour) = match password_strength(&protection.password) {
            Strength::TooShort => ("wallet.strength_too_short", p.bad),
            Strength::Weak => ("wallet.strength_weak", p.bad),
            Strength::Fair => ("wallet.strength_fair", p.warn),
            Strength::Strong => ("wallet.strength_strong", p.good),
        };
        ui.label(RichText::new(tr(key)).color(colour));
    }
    ui.checkbox(&mut protection.remember, tr("wallet.remember_choice"));
    ui.label(
        RichText::new(tr("wallet.keychain_explained"))
            .size(text::SMALL)
            .color(p.muted),
    );
}

fn words_grid_ui(ui: &mut egui::Ui, mnemonic: &Mnemonic, id: &str) {
    egui::Grid::new(id)
        .num_columns(4)
        .spacing([spacing::LARGE, spacing::SMALL])
        .show(ui, |ui| {
            for (i, word) in mnemonic.phrase().split_whitespace().enumerate() {
                ui.label(
                    RichText::new(format!("{:>2}. {word}", i + 1))
                        .monospace()
                        .size(text::HEADING),
                );
                if i % 4 == 3 {
                    ui.end_row();
                }
            }
        });
}

/// Draws the flow; returns whether it is still open.
pub fn wallet_flow_ui(
    ui: &mut egui::Ui,
    flow: &mut WalletFlow,
    core: &mut CoreHandle,
    theme: Theme,
) -> FlowOutcome {
    let p = palette(theme);
    if let Some(error) = &flow.error {
        ui.label(RichText::new(error).color(p.bad));
    }
    let mut outcome = FlowOutcome::Continue;
    let mut save: Option<(Zeroizing<String>, Option<Zeroizing<String>>)> = None;
    match &mut flow.stage {
        Stage::Create {
            step,
            words,
            coldkey,
            hotkey,
            quiz,
            answers,
        } => match step {
            CreateStep::Details => {
                section_ui(ui, theme, &tr("wallet.create_title"), |ui| {
                    ui.horizontal(|ui| {
                        let label = ui.label(tr("wallet.name"));
                        ui.text_edit_singleline(&mut flow.name)
                            .labelled_by(label.id);
                    });
                    ui.horizontal(|ui| {
                        ui.label(tr("wallet.words"));
                        for count in [WordCount::Twelve, WordCount::TwentyFour] {
                            ui.radio_value(words, count, count.words().to_string());
                        }
                    });
                    protection_ui(ui, &mut flow.protection, theme);
                    let problem = flow.protection.problem();
                    if let Some(problem) = &problem {
                        ui.label(RichText::new(problem).color(p.muted));
                    }
                    ui.horizontal(|ui| {
                        let ready = problem.is_none() && !flow.name.trim().is_empty();
                        if ui
                            .add_enabled(ready, egui::Button::new(tr("common.next")))
                            .clicked()
                        {
                            match (Mnemonic::generate(*words), Mnemonic::generate(*words)) {
                                (Ok(c), Ok(h)) => {
                                    *quiz = quiz_positions(c.word_count().words());
                                    *coldkey = Some(c);
                                    *hotkey = Some(h);
                                    *step = CreateStep::ShowPhrase;
                                }
                                (Err(e), _) | (_, Err(e)) => flow.error = Some(e.to_string()),
                            }
                        }
                        if ui.button(tr("common.cancel")).clicked() {
                            outcome = FlowOutcome::Closed { changed: false };
                        }
                    });
                });
            }
            CreateStep::ShowPhrase => {
                section_ui(ui, theme, &tr("wallet.phrase_title"), |ui| {
                    ui.label(
                        RichText::new(tr("wallet.write_down_warning"))
                            .color(p.warn)
                            .strong(),
                    );
                    ui.label(RichText::new(tr("wallet.no_screenshot")).color(p.warn));
                    ui.add_space(spacing::MEDIUM);
                    if let Some(c) = coldkey {
                        ui.label(RichText::new(tr("wallet.coldkey_phrase")).strong());
                        words_grid_ui(ui, c, "coldkey-words");
                    }
                    ui.add_space(spacing::MEDIUM);
                    if let Some(h) = hotkey {
                        ui.label(RichText::new(tr("wallet.hotkey_phrase")).strong());
                        words_grid_ui(ui, h, "hotkey-words");
                    }
                    ui.add_space(spacing::MEDIUM);
                    ui.horizontal(|ui| {
                        if ui.button(tr("wallet.wrote_it_down")).clicked() {
                            *step = CreateStep::Confirm;
                        }
                        if ui.button(tr("common.cancel")).clicked() {
                            outcome = FlowOutcome::Closed { changed: false };
                        }
                    });
                });
            }
            CreateStep::Confirm => {
                section_ui(ui, theme, &tr("wallet.confirm_title"), |ui| {
                    ui.label(tr("wallet.confirm_body"));
                    for (position, answer) in quiz.iter().zip(answers.iter_mut()) {
                        ui.horizontal(|ui| {
                            ui.label(tr_with(
                                "wallet.word_number",
                                &[("number", &(position + 1))],
                            ));
                            ui.add(egui::TextEdit::singleline(answer).desired_width(160.0));
                        });
                    }
                    let words: Vec<&str> = coldkey
                        .as_ref()
                        .map(|c| c.phrase().split_whitespace().collect())
                        .unwrap_or_default();
                    let correct = quiz.iter().zip(answers.iter()).all(|(pos, answer)| {
                        words
                            .get(*pos)
                            .is_some_and(|w| *w == answer.trim().to_lowercase())
                    });
                    let all_typed = answers.iter().all(|a| !a.trim().is_empty());
                    if all_typed && !correct {
                        ui.label(RichText::new(tr("wallet.confirm_mismatch")).color(p.bad));
                    }
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(correct, egui::Button::new(tr("wallet.create_now")))
                            .clicked()
                            && let (Some(c), Some(h)) = (coldkey.as_ref(), hotkey.as_ref())
                        {
                            save = Some((
                                Zeroizing::new(c.phrase().to_string()),
                                Some(Zeroizing::new(h.phrase().to_string())),
                            ));
                        }
                        if ui.button(tr("common.back")).clicked() {
                            *step = CreateStep::ShowPhrase;
                        }
                    });
                });
            }
        },
        Stage::Import {
            phrase,
            hotkey_phrase,
        } => {
            section_ui(ui, theme, &tr("wallet.import_title"), |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label(tr("wallet.name"));
                    ui.text_edit_singleline(&mut flow.name)
                        .labelled_by(label.id);
                });
                let label = ui.label(tr("wallet.import_phrase"));
                ui.add(
                    egui::TextEdit::multiline(&mut **phrase)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                let parsed = (!phrase.trim().is_empty()).then(|| Mnemonic::parse(phrase));
                if let Some(Err(e)) = &parsed {
                    ui.label(RichText::new(e.to_string()).color(p.bad));
                }
                let label = ui.label(tr("wallet.import_hotkey_phrase"));
                ui.add(
                    egui::TextEdit::multiline(&mut **hotkey_phrase)
                        .desired_rows(2)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                let hot_parsed =
                    (!hotkey_phrase.trim().is_empty()).then(|| Mnemonic::parse(hotkey_phrase));
                if let Some(Err(e)) = &hot_parsed {
                    ui.label(RichText::new(e.to_string()).color(p.bad));
                }
                protection_ui(ui, &mut flow.protection, theme);
                let problem = flow.protection.problem();
                if let Some(problem) = &problem {
                    ui.label(RichText::new(problem).color(p.muted));
                }
                let ready = matches!(parsed, Some(Ok(_)))
                    && !matches!(hot_parsed, Some(Err(_)))
                    && problem.is_none()
                    && !flow.name.trim().is_empty();
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(ready, egui::Button::new(tr("wallet.import_now")))
                        .clicked()
                    {
                        let hot = (!hotkey_phrase.trim().is_empty())
                            .then(|| Zeroizing::new(hotkey_phrase.trim().to_string()));
                        save = Some((Zeroizing::new(phrase.trim().to_string()), hot));
                    }
                    if ui.button(tr("common.cancel")).clicked() {
                        outcome = FlowOutcome::Closed { changed: false };
                    }
                });
            });
        }
        Stage::Saving(..) => {
            section_ui(ui, theme, &tr("wallet.saving_title"), |ui| {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new().size(24.0));
                    ui.label(tr("wallet.saving_body"));
                });
            });
        }
        Stage::Done(address) => {
            section_ui(ui, theme, &tr("wallet.done_title"), |ui| {
                ui.horizontal(|ui| {
                    if let Ok(account) = AccountId::from_ss58(address) {
                        identicon_ui(ui, &account, 40.0);
                    }
                    ui.label(RichText::new(address.as_str()).monospace());
                });
                if ui.button(tr("wallet.back_to_list")).clicked() {
                    outcome = FlowOutcome::Closed { changed: true };
                }
            });
        }
    }
    if let Some((coldkey, hotkey)) = save {
        flow.save(core, &coldkey, hotkey.as_deref().map(String::as_str));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_hint_orders_passwords_sensibly() {
        assert_eq!(password_strength("abc"), Strength::TooShort);
        assert_eq!(password_strength("abcdef"), Strength::Weak);
        assert_eq!(password_strength("abcdefgh12"), Strength::Fair);
        assert_eq!(password_strength("Tr0ub4dor&3x"), Strength::Strong);
        assert_eq!(
            password_strength("correct horse battery staple"),
            Strength::Strong
        );
    }

    #[test]
    fn quiz_asks_three_distinct_words() {
        for _ in 0..50 {
            let q = quiz_positions(12);
            assert!(q[0] < q[1] && q[1] < q[2] && q[2] < 12, "{q:?}");
        }
    }
}
