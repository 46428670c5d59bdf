//! One page per file. A page appears in the navigation only once it does real work.

pub mod forecast;
pub mod miner;
pub mod settings;
pub mod stake;
pub mod subnet;
pub mod subnets;
pub mod transfer;
pub mod wallet;
pub mod wallet_flow;
pub mod whatif;

/// The pages of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Wallets, keys and the keychain.
    Wallet,
    /// Every subnet.
    Subnets,
    /// One subnet and its metagraph (reached from Subnets, or `--page subnet:N`).
    Subnet(u16),
    /// The local GPU miner.
    Miner,
    /// The Miner page driven by itself to the registration review: the first profile that
    /// fits, Start, and the review of an unregistered hotkey (`--page miner-register`).
    MinerScripted,
    /// A subnet's what-if panel (reached from its page, or `--page whatif:N`).
    WhatIf(u16),
    /// Halving countdown, issuance curve and reward forecasts.
    Forecast,
    /// Staking: add, remove, move, swap, transfer stake and unstake all.
    Stake,
    /// The Stake page driven by itself to one screen, for screenshots
    /// (`--page stake-review`, `--page stake-progress`).
    StakeScripted(stake::StakeScript),
    /// Network, appearance and language.
    Settings,
}

impl Page {
    /// The pages of the left navigation, in order.
    pub const ALL: [Page; 6] = [
        Page::Wallet,
        Page::Stake,
        Page::Subnets,
        Page::Forecast,
        Page::Miner,
        Page::Settings,
    ];

    /// The catalogue key of the page's name.
    pub fn title_key(self) -> &'static str {
        match self {
            Page::Wallet => "nav.wallet",
            Page::Subnets | Page::Subnet(_) | Page::WhatIf(_) => "nav.subnets",
            Page::Forecast => "nav.forecast",
            Page::Miner | Page::MinerScripted => "nav.miner",
            Page::Stake | Page::StakeScripted(_) => "nav.stake",
            Page::Settings => "nav.settings",
        }
    }

    /// The `--page` name (`subnet:N` for one subnet).
    pub fn name(self) -> String {
        match self {
            Page::Wallet => "wallet".into(),
            Page::Subnets => "subnets".into(),
            Page::Subnet(netuid) => format!("subnet:{netuid}"),
            Page::Miner => "miner".into(),
            Page::MinerScripted => "miner-register".into(),
            Page::WhatIf(netuid) => format!("whatif:{netuid}"),
            Page::Forecast => "forecast".into(),
            Page::Stake => "stake".into(),
            Page::StakeScripted(stake::StakeScript::Review) => "stake-review".into(),
            Page::StakeScripted(stake::StakeScript::Progress) => "stake-progress".into(),
            Page::Settings => "settings".into(),
        }
    }

    /// The navigation entry this page belongs to.
    pub fn section(self) -> Page {
        match self {
            Page::Subnet(_) | Page::WhatIf(_) => Page::Subnets,
            Page::StakeScripted(_) => Page::Stake,
            Page::MinerScripted => Page::Miner,
            other => other,
        }
    }

    /// The screenshot-only pages that drive the Stake or Miner page to one screen.
    pub const SCRIPTED: [Page; 3] = [
        Page::StakeScripted(stake::StakeScript::Review),
        Page::StakeScripted(stake::StakeScript::Progress),
        Page::MinerScripted,
    ];

    /// Parses a `--page` name (`wallet`, `stake`, `subnets`, `subnet:1`, `whatif:1`,
    /// `forecast`, `miner`, `settings`, `stake-review`, `stake-progress`, `miner-register`).
    pub fn parse(name: &str) -> Option<Page> {
        let name = name.trim().to_ascii_lowercase();
        if let Some(netuid) = name.strip_prefix("subnet:") {
            return netuid.parse().ok().map(Page::Subnet);
        }
        if let Some(netuid) = name.strip_prefix("whatif:") {
            return netuid.parse().ok().map(Page::WhatIf);
        }
        Page::ALL
            .into_iter()
            .chain(Page::SCRIPTED)
            .find(|p| p.name() == name)
    }

    /// The `--page` names the app accepts.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = Page::ALL.iter().map(|p| p.name()).collect();
        names.push("subnet:N".into());
        names.push("whatif:N".into());
        names.extend(Page::SCRIPTED.iter().map(|p| p.name()));
        names
    }
}
