//! Number formatting shared by pages.

/// `6852690` → `6,852,690` (English) or `6 852 690` (Russian, with no-break spaces).
pub fn thousands(n: u64) -> String {
    let separator = match taoscope_core::i18n::language() {
        taoscope_core::i18n::Language::En => ',',
        taoscope_core::i18n::Language::Ru => '\u{a0}',
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
    }
}
