//! BIP-39 recovery phrases (English word list): generation, checksum validation and
//! plain-language diagnostics for typos.

use std::fmt;

use bip39::Language;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::KeyError;

/// How many words a recovery phrase has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WordCount {
    /// 12 words, 128 bits of entropy (btcli's default).
    #[default]
    Twelve,
    /// 15 words, 160 bits.
    Fifteen,
    /// 18 words, 192 bits.
    Eighteen,
    /// 21 words, 224 bits.
    TwentyOne,
    /// 24 words, 256 bits.
    TwentyFour,
}

impl WordCount {
    /// Every supported length, shortest first.
    pub const ALL: [WordCount; 5] = [
        WordCount::Twelve,
        WordCount::Fifteen,
        WordCount::Eighteen,
        WordCount::TwentyOne,
        WordCount::TwentyFour,
    ];

    /// The number of words.
    pub fn words(self) -> usize {
        match self {
            WordCount::Twelve => 12,
            WordCount::Fifteen => 15,
            WordCount::Eighteen => 18,
            WordCount::TwentyOne => 21,
            WordCount::TwentyFour => 24,
        }
    }

    /// The length for a number of words, if it is one of 12/15/18/21/24.
    pub fn from_words(words: usize) -> Option<WordCount> {
        WordCount::ALL.into_iter().find(|c| c.words() == words)
    }

    /// Bytes of entropy behind a phrase of this length (16 to 32).
    pub fn entropy_bytes(self) -> usize {
        self.words() * 4 / 3
    }
}

/// A checked BIP-39 English recovery phrase. The text is wiped from memory when dropped and
/// never shown by `Debug`.
#[derive(Clone)]
pub struct Mnemonic {
    /// Normalised phrase: lower case, words separated by single spaces.
    phrase: Zeroizing<String>,
    count: WordCount,
}

impl Mnemonic {
    /// A new random phrase from the operating system's random number generator.
    pub fn generate(count: WordCount) -> Result<Mnemonic, KeyError> {
        let mut entropy = Zeroizing::new([0u8; 32]);
        let bytes = entropy
            .get_mut(..count.entropy_bytes())
            .ok_or(KeyError::RandomUnavailable)?;
        getrandom::fill(bytes).map_err(|_| KeyError::RandomUnavailable)?;
        let inner = bip39::Mnemonic::from_entropy_in(Language::English, bytes)
            .map_err(|_| KeyError::RandomUnavailable)?;
        let mut phrase = Zeroizing::new(String::with_capacity(count.words() * 9));
        for (i, word) in inner.words().enumerate() {
            if i > 0 {
                phrase.push(' ');
            }
            phrase.push_str(word);
        }
        Ok(Mnemonic { phrase, count })
    }

    /// Checks a phrase typed or pasted by a person: any spacing and letter case, English words.
    ///
    /// Errors name the word that is not in the list, or, for a checksum mismatch, the word that
    /// is probably mistyped when that can be told.
    pub fn parse(phrase: &str) -> Result<Mnemonic, KeyError> {
        let words: Zeroizing<Vec<String>> =
            Zeroizing::new(phrase.split_whitespace().map(str::to_lowercase).collect());
        if words.is_empty() {
            return Err(KeyError::EmptyPhrase);
        }
        let list = Language::English;
        let mut indices = Zeroizing::new(Vec::with_capacity(words.len()));
        for (i, word) in words.iter().enumerate() {
            match list.find_word(word) {
                Some(index) => indices.push(index),
                None => {
                    return Err(KeyError::UnknownWord {
                        position: i + 1,
                        word: word.clone(),
                        suggestion: suggest(word),
                    });
                }
            }
        }
        let count = WordCount::from_words(words.len())
            .ok_or(KeyError::BadWordCount { count: words.len() })?;
        if !checksum_ok(&indices) {
            return Err(KeyError::ChecksumMismatch {
                position: likely_typo(&mut indices),
            });
        }
        Ok(Mnemonic {
            phrase: Zeroizing::new(words.join(" ")),
            count,
        })
    }

    /// The normalised phrase. Show it to the user once, never log it.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// The phrase's length.
    pub fn word_count(&self) -> WordCount {
        self.count
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mnemonic")
            .field("words", &self.count.words())
            .field("phrase", &"<redacted>")
            .finish()
    }
}

impl PartialEq for Mnemonic {
    fn eq(&self, other: &Mnemonic) -> bool {
        self.phrase == other.phrase
    }
}

impl Eq for Mnemonic {}

/// The single list word that a mistyped word most likely stands for. BIP-39 English words are
/// unique in their first four letters, so a matching prefix is tried first, then one edit.
fn suggest(word: &str) -> Option<&'static str> {
    let list = Language::English;
    let prefix: String = word.chars().take(4).collect();
    if prefix.chars().count() == 4
        && let [only] = list.words_by_prefix(&prefix)
    {
        return Some(only);
    }
    let mut found = list
        .word_list()
        .iter()
        .filter(|candidate| edit_distance(word, candidate) <= 1);
    match (found.next(), found.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Whether word indices (11 bits each) carry a valid BIP-39 checksum.
fn checksum_ok(indices: &[u16]) -> bool {
    let n = indices.len();
    let checksum_bits = n / 3;
    let entropy_bytes = (n * 11 - checksum_bits) / 8;
    let mut bits = Zeroizing::new([0u8; 33]);
    for (i, &index) in indices.iter().enumerate() {
        for bit in 0..11 {
            if index & (1 << (10 - bit)) != 0 {
                let at = i * 11 + bit;
                if let Some(byte) = bits.get_mut(at / 8) {
                    *byte |= 1 << (7 - at % 8);
                }
            }
        }
    }
    let (Some(entropy), Some(&stored)) = (bits.get(..entropy_bytes), bits.get(entropy_bytes))
    else {
        return false;
    };
    if checksum_bits == 0 || checksum_bits > 8 {
        return false;
    }
    let hash = Sha256::digest(entropy);
    let shift = 8 - checksum_bits;
    hash.first().map(|h| h >> shift) == Some(stored >> shift)
}

/// The position (1-based) whose word, if replaced by a near-identical list word or swapped with
/// its right neighbour, makes the checksum valid, when exactly one position does.
fn likely_typo(indices: &mut [u16]) -> Option<usize> {
    let list = Language::English.word_list();
    let mut positions = Vec::new();
    for i in 0..indices.len() {
        let original = *indices.get(i)?;
        let typed = list.get(usize::from(original))?;
        let mut fixes = false;
        for (candidate, word) in list.iter().enumerate() {
            let Ok(candidate) = u16::try_from(candidate) else {
                continue;
            };
            if candidate == original || edit_distance(typed, word) > 1 {
                continue;
            }
            indices[i] = candidate;
            fixes = checksum_ok(indices);
            indices[i] = original;
            if fixes {
                break;
            }
        }
        if !fixes && i + 1 < indices.len() {
            indices.swap(i, i + 1);
            fixes = checksum_ok(indices);
            indices.swap(i, i + 1);
        }
        if fixes {
            positions.push(i + 1);
        }
    }
    match positions.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// Edit distance counting insertions, deletions, substitutions and adjacent transpositions
/// (optimal string alignment), computed row by row.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return 3;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && Some(&ca) == b.get(j - 1) && a.get(i - 1) == Some(&cb) {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("abandon", "abandon"), 0);
        assert_eq!(edit_distance("abandon", "abadnon"), 1);
        assert_eq!(edit_distance("cat", "car"), 1);
        assert_eq!(edit_distance("cart", "cat"), 1);
        assert_eq!(edit_distance("a", "abcdef"), 3);
    }

    #[test]
    fn suggestions_use_the_four_letter_prefix() {
        assert_eq!(suggest("abandn"), Some("abandon"));
        assert_eq!(suggest("zzzzzz"), None);
    }

    #[test]
    fn generated_phrases_have_valid_checksums() {
        for count in WordCount::ALL {
            let m = Mnemonic::generate(count).expect("random");
            assert_eq!(m.phrase().split(' ').count(), count.words());
            assert_eq!(Mnemonic::parse(m.phrase()).expect("valid"), m);
        }
    }
}
