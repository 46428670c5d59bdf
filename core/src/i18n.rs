//! Message catalogues (English and Russian) and the active language.
//!
//! Every user-facing sentence lives in `core/locales/app.yml`; code asks for it by key,
//! so logic never holds display text and both languages stay complete.

use std::borrow::Cow;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

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

/// The CLDR plural category of `count` in `language`: `one`, `few`, `many` or `other`
/// (English uses `one`/`other`; Russian all four: 1 день, 2 дня, 5 дней, 21 день).
pub fn plural_category(language: Language, count: u64) -> &'static str {
    let Some(rules) = plural_rules(language) else {
        return "other";
    };
    match rules.select(count) {
        Ok(PluralCategory::ZERO) => "zero",
        Ok(PluralCategory::ONE) => "one",
        Ok(PluralCategory::TWO) => "two",
        Ok(PluralCategory::FEW) => "few",
        Ok(PluralCategory::MANY) => "many",
        Ok(PluralCategory::OTHER) | Err(_) => "other",
    }
}

/// The plural categories `language` can produce for whole numbers, for the catalogue check.
pub fn plural_categories(language: Language) -> Vec<&'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    for count in 0..1_000 {
        let category = plural_category(language, count);
        if !seen.contains(&category) {
            seen.push(category);
        }
    }
    seen
}

fn plural_rules(language: Language) -> Option<&'static PluralRules> {
    static RULES: OnceLock<Vec<(Language, PluralRules)>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        Language::ALL
            .iter()
            .filter_map(|&l| {
                let id: LanguageIdentifier = l.code().parse().ok()?;
                PluralRules::create(id, PluralRuleType::CARDINAL)
                    .ok()
                    .map(|r| (l, r))
            })
            .collect()
    });
    rules.iter().find(|(l, _)| *l == language).map(|(_, r)| r)
}

/// A counted message: `key.<category>` for `count` in the active language (falling back
/// to `key.other`), with `%{count}` and each of `args` filled in. An argument named
/// `count` in `args` replaces the plain number (e.g. with digits grouped).
pub fn tr_count(key: &str, count: u64, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let language = language();
    let chosen = format!("{key}.{}", plural_category(language, count));
    let full = if has_key(language.code(), &chosen) {
        chosen
    } else {
        format!("{key}.other")
    };
    let mut all: Vec<(&str, &dyn std::fmt::Display)> = args.to_vec();
    if !args.iter().any(|(name, _)| *name == "count") {
        all.push(("count", &count));
    }
    tr_with(&full, &all)
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
                if !plural_form_applies(key, language) {
                    continue;
                }
                if !has_key(language.code(), key) {
                    missing.push(format!("{key} [{}]", language.code()));
                }
            }
        }
        assert!(missing.is_empty(), "keys without a text: {missing:?}");
    }

    /// A counted key (`….one`, `….few`, …) is needed only in languages that use that form;
    /// `….other` is always needed (it is the fallback).
    fn plural_form_applies(key: &str, language: Language) -> bool {
        match key.rsplit_once('.') {
            Some((_, form @ ("zero" | "one" | "two" | "few" | "many"))) => {
                plural_categories(language).contains(&form)
            }
            _ => true,
        }
    }

    /// Every counted message has every form each language needs (Russian: one, few, many).
    #[test]
    fn counted_messages_have_every_plural_form() {
        let text = include_str!("../locales/app.yml");
        let mut bases: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '_']) && l.ends_with(".one:"))
            .map(|l| l.trim_end_matches(".one:"))
            .collect();
        bases.dedup();
        assert!(!bases.is_empty(), "no counted messages found");
        let mut missing = Vec::new();
        for base in &bases {
            for language in Language::ALL {
                for form in plural_categories(language) {
                    let key = format!("{base}.{form}");
                    if !has_key(language.code(), &key) {
                        missing.push(format!("{key} [{}]", language.code()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "plural forms without a text: {missing:?}"
        );
    }

    #[test]
    fn russian_and_english_plural_forms_follow_cldr() {
        let ru: Vec<&str> = [1, 2, 5, 11, 21, 22, 25, 101, 111]
            .iter()
            .map(|&n| plural_category(Language::Ru, n))
            .collect();
        assert_eq!(
            ru,
            [
                "one", "few", "many", "many", "one", "few", "many", "one", "many"
            ]
        );
        assert_eq!(plural_category(Language::En, 1), "one");
        assert_eq!(plural_category(Language::En, 0), "other");
        assert_eq!(plural_category(Language::En, 21), "other");
        assert_eq!(plural_categories(Language::En), ["other", "one"]);
    }

    #[test]
    fn counted_messages_pick_the_form_and_fill_the_count() {
        let pick = |language: Language, n: u64| {
            let form = plural_category(language, n);
            let text = translate(language.code(), &format!("unit.days.{form}")).into_owned();
            rust_i18n::replace_patterns(&text, &["count"], &[n.to_string()])
        };
        assert_eq!(pick(Language::Ru, 1), "1 день");
        assert_eq!(pick(Language::Ru, 3), "3 дня");
        assert_eq!(pick(Language::Ru, 11), "11 дней");
        assert_eq!(pick(Language::Ru, 21), "21 день");
        assert_eq!(pick(Language::En, 1), "1 day");
        assert_eq!(pick(Language::En, 21), "21 days");
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
