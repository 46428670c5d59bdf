//! One page per file. A page appears in the navigation only once it does real work.

pub mod settings;

/// The pages of the left navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Network, appearance and language.
    Settings,
}

impl Page {
    /// Every page in navigation order.
    pub const ALL: [Page; 1] = [Page::Settings];

    /// The catalogue key of the page's name.
    pub fn title_key(self) -> &'static str {
        match self {
            Page::Settings => "nav.settings",
        }
    }

    /// Parses a `--page` name (`settings`).
    pub fn parse(name: &str) -> Option<Page> {
        match name.trim().to_ascii_lowercase().as_str() {
            "settings" => Some(Page::Settings),
            _ => None,
        }
    }

    /// The `--page` names the app accepts.
    pub fn names() -> Vec<&'static str> {
        vec!["settings"]
    }
}
