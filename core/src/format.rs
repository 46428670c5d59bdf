//! Number formatting in the user's language, shared by the pages and the command line.

/// `6852690` → `6,852,690` (English) or `6 852 690` (Russian, with no-break spaces).
pub fn thousands(n: u64) -> String {
    let separator = match crate::i18n::language() {
        crate::i18n::Language::En => ',',
        crate::i18n::Language::Ru => '\u{a0}',
    };
    group_digits(n, separator)
}

/// Groups the digits of `n` in threes with `separator`.
pub fn group_digits(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// An amount in 10^-9 units (rao or alpha units) as `τ1,234.56`: whole units grouped,
/// then at most `decimals` digits, cut (never rounded up: a balance is never overstated).
pub fn amount_text(units: u64, symbol: &str, decimals: usize) -> String {
    let whole = thousands(units / 1_000_000_000);
    let fraction = format!("{:09}", units % 1_000_000_000);
    let fraction = fraction.get(..decimals.min(9)).unwrap_or("");
    let fraction = fraction.trim_end_matches('0');
    let point = decimal_point();
    if fraction.is_empty() {
        format!("{symbol}{whole}")
    } else {
        format!("{symbol}{whole}{point}{fraction}")
    }
}

/// The language's decimal point: `.` in English, `,` in Russian.
pub fn decimal_point() -> char {
    match crate::i18n::language() {
        crate::i18n::Language::En => '.',
        crate::i18n::Language::Ru => ',',
    }
}

/// A share in parts per million as a percentage with two decimals, cut not rounded
/// (`250_000` → `25.00%`), with the language's decimal point.
pub fn percent_text(ppm: u64) -> String {
    let point = decimal_point();
    format!("{}{point}{:02}%", ppm / 10_000, ppm % 10_000 / 100)
}

/// A display-only ratio already in percent (an APY, a share) with `decimals` digits and
/// the language's decimal point: `68.28%` / `68,28%`.
pub fn percent_float_text(percent: f64, decimals: usize) -> String {
    format!("{percent:.decimals$}%").replace('.', &decimal_point().to_string())
}

/// A price in rao per alpha as TAO per alpha with enough digits to tell small prices apart.
pub fn price_text(rao_per_alpha: u64) -> String {
    amount_text(rao_per_alpha, "τ", 9)
}

/// `5DkMmXtW…AQ`: enough of an address to recognise it in a table.
pub fn short_address(address: &str) -> String {
    match (
        address.get(..8),
        address.get(address.len().saturating_sub(4)..),
    ) {
        (Some(head), Some(tail)) if address.len() > 14 => format!("{head}…{tail}"),
        _ => address.to_string(),
    }
}

/// `0x2f0555cc…6c03`: the start and end of a long hash.
pub fn short_hash(hash: &str) -> String {
    if hash.len() <= 16 {
        return hash.to_string();
    }
    let (Some(head), Some(tail)) = (hash.get(..10), hash.get(hash.len() - 4..)) else {
        return hash.to_string();
    };
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_hashes_format() {
        assert_eq!(group_digits(0, ','), "0");
        assert_eq!(group_digits(999, ','), "999");
        assert_eq!(group_digits(1000, ','), "1,000");
        assert_eq!(group_digits(6_852_690, ','), "6,852,690");
        assert_eq!(group_digits(6_852_690, '\u{a0}'), "6\u{a0}852\u{a0}690");
        assert_eq!(
            short_hash("0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03"),
            "0x2f0555cc…6c03"
        );
        assert_eq!(short_hash("0x12"), "0x12");
        assert_eq!(
            short_address("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ"),
            "5DkMmXtW…1AQ".replace("…1AQ", "…y1AQ")
        );
    }
}

#[cfg(test)]
mod amount_tests {
    use super::*;

    #[test]
    fn amounts_are_cut_not_rounded() {
        crate::i18n::set_language(crate::i18n::Language::En);
        assert_eq!(amount_text(7_450_117_072, "τ", 9), "τ7.450117072");
        assert_eq!(amount_text(7_450_117_072, "τ", 2), "τ7.45");
        assert_eq!(amount_text(1_999_999_999, "τ", 2), "τ1.99");
        assert_eq!(amount_text(5_000_000_000_000, "τ", 2), "τ5,000");
        assert_eq!(price_text(12_345), "τ0.000012345");
    }
}
