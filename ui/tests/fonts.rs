//! No tofu: every character the app can show from its catalogues (English and Russian)
//! and from its number formatting has a glyph in the bundled fonts, so Russian never
//! depends on whatever fonts the machine or egui happen to have.

use skrifa::MetadataProvider;
use taoscope_core::i18n::{Language, set_language};
use taoscope_ui::fonts::{MONO, SANS};
use taoscope_ui::format::{amount_text, percent_float_text, percent_text, short_address};

const CATALOGUE: &str = include_str!("../../core/locales/app.yml");

/// Characters of `text` with no glyph in `font`.
fn missing_glyphs(font: &[u8], text: &str) -> Vec<char> {
    let font = skrifa::FontRef::new(font).expect("a bundled font parses");
    let charmap = font.charmap();
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control())
        .filter(|&c| charmap.map(c).is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

#[test]
fn the_sans_face_covers_every_catalogue_character() {
    assert!(
        CATALOGUE.contains("Подсеть"),
        "the Russian catalogue is there"
    );
    assert_eq!(missing_glyphs(SANS, CATALOGUE), Vec::<char>::new());
}

#[test]
fn the_mono_face_covers_latin_and_cyrillic() {
    let alphabet: String = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain('а'..='я')
        .chain('А'..='Я')
        .chain("ёЁ…τα".chars())
        .collect();
    assert_eq!(missing_glyphs(MONO, &alphabet), Vec::<char>::new());
}

#[test]
fn formatted_numbers_follow_the_language_and_have_glyphs() {
    for language in Language::ALL {
        set_language(language);
        let text = [
            amount_text(1_234_567_891_234, "τ", 9),
            amount_text(5, "α", 9),
            percent_text(123_456),
            short_address("5DkMmXtW2Q1c9w9v7x6NfYQ4ZkPm3VtB8h9kS8mN8rVAQ"),
        ]
        .concat();
        assert_eq!(
            missing_glyphs(SANS, &text),
            Vec::<char>::new(),
            "{language:?}"
        );
        let apy = percent_float_text(68.2849, 2);
        match language {
            Language::En => assert_eq!(apy, "68.28%"),
            Language::Ru => assert_eq!(apy, "68,28%"),
        }
    }
    set_language(Language::En);
}

/// A check that can fail: a script the bundled face does not cover is reported.
#[test]
fn a_character_outside_the_fonts_is_reported() {
    assert_eq!(missing_glyphs(SANS, "ok \u{4e2d}"), vec!['\u{4e2d}']);
}
