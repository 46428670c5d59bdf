//! Keys against the reference vectors made by bittensor-wallet 4.1.1 (`shared/vectors`), plus
//! derivation paths, generated 15/18/21-word phrases, SS58 checks and error texts.

use serde_json::Value;
use sha2::Sha512;
use taoscope_core::keys::{
    AccountId, KeyError, Keypair, Mnemonic, SS58_FORMAT, SecretSeed, WordCount, ss58_decode_any,
    ss58_encode, verify,
};

mod common;
use common::{load, text};

/// The mini-secret computed here from first principles: PBKDF2-HMAC-SHA512 over the BIP-39
/// entropy with salt "mnemonic" ‖ password, 2048 rounds, first 32 bytes.
fn independent_seed(phrase: &str, password: &str) -> [u8; 32] {
    let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, phrase).expect("phrase");
    let entropy = mnemonic.to_entropy();
    let mut out = [0u8; 64];
    let salt = format!("mnemonic{password}");
    pbkdf2::pbkdf2_hmac::<Sha512>(&entropy, salt.as_bytes(), 2048, &mut out);
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&out[..32]);
    seed
}

fn check_pair(pair: &Keypair, entry: &Value, address_field: &str, label: &str) {
    assert_eq!(pair.ss58_address(), text(entry, address_field), "{label}");
    assert_eq!(
        pair.account_id().to_hex(),
        text(entry, "public_key"),
        "{label}"
    );
    let message = b"taoscope vector check";
    let signature = pair.sign(message);
    assert!(verify(&signature, message, &pair.account_id()), "{label}");
}

#[test]
fn keys_json_addresses_match_the_reference() {
    let vectors = load("keys/keys.json");
    assert_eq!(vectors["ss58_format"], 42);
    let keys = vectors["keys"].as_array().expect("keys");
    assert!(keys.len() >= 5);
    for entry in keys {
        let (pair, label) = match (entry.get("mnemonic"), entry.get("uri")) {
            (Some(Value::String(phrase)), _) => {
                let pair = Keypair::from_phrase(phrase).expect("phrase derives");
                assert_eq!(
                    pair.secret_seed().expect("seed").as_bytes(),
                    &independent_seed(phrase, ""),
                    "substrate-bip39 seed"
                );
                assert_eq!(pair.mnemonic().map(Mnemonic::phrase), Some(phrase.as_str()));
                (pair, phrase.clone())
            }
            (_, Some(Value::String(uri))) => {
                (Keypair::from_uri(uri).expect("uri derives"), uri.clone())
            }
            _ => panic!("entry without mnemonic or uri: {entry}"),
        };
        check_pair(&pair, entry, "ss58", &label);
        let account = AccountId::from_ss58(text(entry, "ss58")).expect("address parses");
        assert_eq!(account, pair.account_id());
    }
}

#[test]
fn mnemonics_json_matches_the_reference() {
    let vectors = load("mnemonics.json");
    for entry in vectors["keys"].as_array().expect("keys") {
        let phrase = text(entry, "mnemonic");
        let pair = Keypair::from_phrase(phrase).expect("phrase derives");
        let words = entry["words"].as_u64().expect("words") as usize;
        assert_eq!(pair.mnemonic().expect("kept").word_count().words(), words);
        check_pair(&pair, entry, "ss58_address", text(entry, "label"));
        // The same phrase given as a URI without a path is the same key.
        assert_eq!(
            Keypair::from_uri(phrase).expect("uri").account_id(),
            pair.account_id()
        );
    }
    for entry in vectors["uris"].as_array().expect("uris") {
        let pair = Keypair::from_uri(text(entry, "uri")).expect("uri derives");
        check_pair(&pair, entry, "ss58_address", text(entry, "label"));
    }
}

const DEV_PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

#[test]
fn derivation_paths_follow_substrate() {
    let alice = Keypair::from_uri("//Alice").expect("alice");
    let explicit = Keypair::from_uri(&format!("{DEV_PHRASE}//Alice")).expect("explicit");
    assert_eq!(alice.account_id(), explicit.account_id());
    assert!(
        alice.mnemonic().is_none(),
        "a derived key is not its phrase's key"
    );

    // Alice's well-known stash account.
    let stash = Keypair::from_uri("//Alice//stash").expect("stash");
    assert_eq!(
        stash.ss58_address(),
        "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY"
    );

    // A soft junction can be derived from the public key alone: check it that way.
    let phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    let hard = Keypair::from_uri(&format!("{phrase}//hard")).expect("hard");
    let hard_soft = Keypair::from_uri(&format!("{phrase}//hard/soft")).expect("hard/soft");
    let sp_core::DeriveJunction::Soft(chain_code) = sp_core::DeriveJunction::soft("soft") else {
        panic!("a soft junction");
    };
    use schnorrkel::derive::Derivation;
    let public = schnorrkel::PublicKey::from_bytes(hard.account_id().as_bytes()).expect("point");
    let (derived, _) =
        public.derived_key_simple(schnorrkel::derive::ChainCode(chain_code), [0u8; 0]);
    assert_eq!(derived.to_bytes(), *hard_soft.account_id().as_bytes());
    assert!(hard_soft.secret_seed().is_none(), "soft keys have no seed");
    assert!(hard.secret_seed().is_some(), "hard keys keep a seed");
    assert_eq!(
        Keypair::from_seed(hard.secret_seed().expect("seed")).account_id(),
        hard.account_id()
    );

    // `///password` is the BIP-39 passphrase in the PBKDF2 salt.
    let with_password = Keypair::from_uri(&format!("{phrase}///secret")).expect("password");
    let seed = SecretSeed::from_bytes(independent_seed(phrase, "secret"));
    assert_eq!(
        with_password.account_id(),
        Keypair::from_seed(&seed).account_id()
    );
    assert_ne!(
        with_password.account_id(),
        Keypair::from_phrase(phrase).expect("plain").account_id()
    );

    // Messy spacing and capitals in the phrase part are forgiven.
    let messy = Keypair::from_uri(&format!("  {}//hard ", phrase.to_uppercase())).expect("messy");
    assert_eq!(messy.account_id(), hard.account_id());

    // A seed in hex works as the root too.
    let seed_hex = hard.secret_seed().expect("seed").to_hex();
    let from_seed = Keypair::from_uri(&format!("{}/soft", seed_hex.as_str())).expect("seed uri");
    assert_eq!(from_seed.account_id(), hard_soft.account_id());

    assert_eq!(
        Keypair::from_uri("0x1234//a").unwrap_err(),
        KeyError::InvalidSeed
    );
}

#[test]
fn generated_phrases_of_every_length_derive() {
    for count in WordCount::ALL {
        let pair = Keypair::generate(count).expect("generate");
        let mnemonic = pair.mnemonic().expect("phrase kept").clone();
        assert_eq!(mnemonic.phrase().split(' ').count(), count.words());
        assert_eq!(mnemonic.word_count(), count);
        assert_eq!(
            pair.secret_seed().expect("seed").as_bytes(),
            &independent_seed(mnemonic.phrase(), ""),
            "{} words",
            count.words()
        );
        let again = Keypair::from_phrase(mnemonic.phrase()).expect("parses back");
        assert_eq!(again.account_id(), pair.account_id());
        // Through the private key alone the pair is the same.
        let private = pair.private_key();
        let from_private = Keypair::from_private_key(private.as_ref()).expect("private");
        assert_eq!(from_private.account_id(), pair.account_id());
    }
    let a = Mnemonic::generate(WordCount::Twelve).expect("a");
    let b = Mnemonic::generate(WordCount::Twelve).expect("b");
    assert_ne!(a, b, "two fresh phrases differ");
}

#[test]
fn signatures_verify_only_for_their_key_and_message() {
    let alice = Keypair::from_uri("//Alice").expect("alice");
    let bob = Keypair::from_uri("//Bob").expect("bob");
    let signature = alice.sign(b"transfer 1 TAO");
    assert!(verify(&signature, b"transfer 1 TAO", &alice.account_id()));
    assert!(!verify(&signature, b"transfer 2 TAO", &alice.account_id()));
    assert!(!verify(&signature, b"transfer 1 TAO", &bob.account_id()));
}

#[test]
fn ss58_errors_are_specific() {
    let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    let account = AccountId::from_ss58(alice).expect("valid");
    assert_eq!(account.to_ss58(), alice);
    assert_eq!(account.to_string(), alice);
    assert_eq!(alice.parse::<AccountId>(), Ok(account));

    // One character changed: the checksum catches it.
    let typo = alice.replace("Fz9", "Fz8");
    assert_eq!(
        AccountId::from_ss58(&typo),
        Err(KeyError::AddressBadChecksum)
    );
    assert_eq!(
        KeyError::AddressBadChecksum.to_string(),
        "The address has a typo: its checksum does not match"
    );

    // Alice on Polkadot (format 0) and Kusama (format 2): valid, but not Bittensor.
    let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
    assert_eq!(
        AccountId::from_ss58(polkadot),
        Err(KeyError::AddressWrongNetwork { found: 0 })
    );
    assert_eq!(ss58_decode_any(polkadot), Ok((0, account)));
    let kusama = ss58_encode(&account, 2);
    assert_eq!(
        AccountId::from_ss58(&kusama),
        Err(KeyError::AddressWrongNetwork { found: 2 })
    );
    assert_eq!(ss58_encode(&account, SS58_FORMAT), alice);

    // Not base58: '0', 'O', 'I' and 'l' are not in the alphabet.
    let bad = alice.replacen('G', "0", 1);
    assert_eq!(
        AccountId::from_ss58(&bad),
        Err(KeyError::AddressBadCharacter {
            character: '0',
            position: 2
        })
    );
    assert!(
        AccountId::from_ss58(&bad)
            .unwrap_err()
            .to_string()
            .contains("'0'")
    );
    assert!(matches!(
        AccountId::from_ss58(&alice[..20]),
        Err(KeyError::AddressBadLength { .. })
    ));
    assert_eq!(AccountId::from_ss58("  "), Err(KeyError::EmptyAddress));
}

#[test]
fn phrase_errors_name_the_word() {
    let unknown = Mnemonic::parse(
        "legal winner thnak year wave sausage worth useful legal winner thank yellow",
    )
    .unwrap_err();
    assert_eq!(
        unknown,
        KeyError::UnknownWord {
            position: 3,
            word: "thnak".into(),
            suggestion: Some("thank"),
        }
    );
    assert_eq!(
        unknown.to_string(),
        "Word 3 ('thnak') is not in the word list; did you mean 'thank'?"
    );
    let unknown = Mnemonic::parse("legal winner xyz").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "Word 3 ('xyz') is not in the word list"
    );

    assert_eq!(
        Mnemonic::parse("legal winner thank year").unwrap_err(),
        KeyError::BadWordCount { count: 4 }
    );
    assert_eq!(Mnemonic::parse(" \n ").unwrap_err(), KeyError::EmptyPhrase);

    // Word 5 "camp" misread as "lamp": the checksum points at it.
    let phrase = "void come effort suffer lamp survey warrior heavy shoot primary clutch crush \
                  open amazing screen patrol group space point ten exist slush involve unfold";
    let mismatch = Mnemonic::parse(phrase).unwrap_err();
    assert_eq!(mismatch, KeyError::ChecksumMismatch { position: Some(5) });
    assert_eq!(
        mismatch.to_string(),
        "Checksum mismatch: word 5 or a neighbour is probably misspelled"
    );

    // Two words swapped in a 12-word phrase: still a clear message.
    let swapped = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                   abandon about abandon";
    let error = Mnemonic::parse(swapped).unwrap_err();
    assert!(
        matches!(error, KeyError::ChecksumMismatch { .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("Checksum mismatch"));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    let pair = Keypair::from_phrase(phrase).expect("pair");
    let seed_hex = pair.secret_seed().expect("seed").to_hex();
    let private_hex = hex::encode(&pair.private_key()[..]);
    let outputs = [
        format!("{pair:?}"),
        format!("{pair:#?}"),
        format!("{:?}", pair.mnemonic()),
        format!("{:?}", pair.secret_seed()),
    ];
    for output in outputs {
        for secret in ["legal", "sausage", &seed_hex[2..], &private_hex[..32]] {
            assert!(!output.contains(secret), "{output} shows a secret");
        }
    }
    assert!(format!("{pair:?}").contains(&pair.ss58_address()));
}
