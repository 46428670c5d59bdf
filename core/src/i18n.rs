//! Message catalogues (English and Russian) and the active language.
//!
//! Every user-facing sentence lives in `core/locales/app.yml`; code asks for it by key,
//! so logic never holds display text and both languages stay complete.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English, the default.
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Language {
    /// Every language with a complete catalogue.
    pub const ALL: [Language; 2] = [Language::En, Language::Ru];

    /// The catalogue code (`en`, `ru`).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
        }
    }

    /// Parses `en`, `ru`, or a POSIX locale such as `ru_RU.UTF-8`.
    pub fn parse(input: &str) -> Option<Language> {
        let lower = input.trim().to_ascii_lowercase();
        let prefix = lower.split(['_', '-', '.']).next().unwrap_or("");
        match prefix {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }

    /// The language of the operating system, from the usual locale variables; English otherwise.
    pub fn from_environment() -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Language::parse(&v))
            .unwrap_or_default()
    }

    /// The language's own name, as shown in the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ru => "Русский",
        }
    }
}

/// Switches every later lookup to `language`; takes effect on the next frame, no restart.
pub fn set_language(language: Language) {
    rust_i18n::set_locale(language.code());
}

/// The language in use now.
pub fn language() -> Language {
    Language::parse(&rust_i18n::locale()).unwrap_or_default()
}

/// The text for `key` in the active language (English when a key is missing there).
pub fn tr(key: &str) -> String {
    translate(&rust_i18n::locale(), key).into_owned()
}

/// The text for `key` with each `%{name}` replaced by its value.
pub fn tr_with(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let text = tr(key);
    let names: Vec<&str> = args.iter().map(|(n, _)| *n).collect();
    let values: Vec<String> = args.iter().map(|(_, v)| v.to_string()).collect();
    rust_i18n::replace_patterns(&text, &names, &values)
}

/// The text for `key` in a given language, for tests and for the catalogue check.
pub fn translate<'a>(locale: &str, key: &'a str) -> Cow<'a, str> {
    crate::_rust_i18n_try_translate(locale, key)
        .or_else(|| crate::_rust_i18n_try_translate("en", key))
        .unwrap_or(Cow::Borrowed(key))
}

/// Whether `key` has a text of its own in `locale` (no fallback).
pub fn has_key(locale: &str, key: &str) -> bool {
    crate::_rust_i18n_try_translate(locale, key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the catalogue file must have both an English and a Russian text.
    #[test]
    fn catalogues_are_complete_in_every_language() {
        let text = include_str!("../locales/app.yml");
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '_']) && l.ends_with(':'))
            .map(|l| l.trim_end_matches(':'))
            .collect();
        assert!(keys.len() > 20, "catalogue parsed: {} keys", keys.len());
        let mut missing = Vec::new();
        for key in &keys {
            for language in Language::ALL {
                if !has_key(language.code(), key) {
                    missing.push(format!("{key} [{}]", language.code()));
                }
            }
        }
        assert!(missing.is_empty(), "keys without a text: {missing:?}");
    }

    #[test]
    fn locale_names_parse() {
        assert_eq!(Language::parse("ru_RU.UTF-8"), Some(Language::Ru));
        assert_eq!(Language::parse("en-GB"), Some(Language::En));
        assert_eq!(Language::parse("de_DE"), None);
    }

    #[test]
    fn arguments_are_substituted() {
        let text = translate("ru", "status.block");
        assert!(text.contains("%{number}"), "{text}");
        let en = rust_i18n::replace_patterns(
            &translate("en", "status.block"),
            &["number"],
            &["7".into()],
        );
        assert_eq!(en, "Block #7");
    }
}
