//! One page per file. A page appears in the navigation only once it does real work.

pub mod settings;
pub mod wallet;
pub mod wallet_flow;

/// The pages of the left navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Wallets, keys and the keychain.
    Wallet,
    /// Network, appearance and language.
    Settings,
}

impl Page {
    /// Every page in navigation order.
    pub const ALL: [Page; 2] = [Page::Wallet, Page::Settings];

    /// The catalogue key of the page's name.
    pub fn title_key(self) -> &'static str {
        match self {
            Page::Wallet => "nav.wallet",
            Page::Settings => "nav.settings",
        }
    }

    /// The `--page` name.
    pub fn name(self) -> &'static str {
        match self {
            Page::Wallet => "wallet",
            Page::Settings => "settings",
        }
    }

    /// Parses a `--page` name (`wallet`, `settings`).
    pub fn parse(name: &str) -> Option<Page> {
        let name = name.trim().to_ascii_lowercase();
        Page::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The `--page` names the app accepts.
    pub fn names() -> Vec<&'static str> {
        Page::ALL.iter().map(|p| p.name()).collect()
    }
}
