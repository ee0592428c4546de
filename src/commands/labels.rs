//! What the CLI calls things, in the user's language (`--lang`, else `LC_ALL`, `LC_MESSAGES`,
//! `LANG`): the dashboard's group labels and counted nouns. `--json` and CSV keep the keys.
use crate::model::{Category, ConfidenceLevel};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Tr,
}

impl Lang {
    /// `--lang` when given, else the locale variables in POSIX order of precedence.
    pub fn detect(flag: Option<&str>) -> Lang {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.trim().is_empty())
        };
        match flag.map(str::to_string).or_else(from_env) {
            Some(v) if v.trim().to_ascii_lowercase().starts_with("tr") => Lang::Tr,
            _ => Lang::En,
        }
    }
}

/// The group as the dashboard shows it.
pub fn group(c: Category, lang: Lang) -> &'static str {
    match (c, lang) {
        (Category::AgVeSistemler, Lang::En) => "Network & systems",
        (Category::AgVeSistemler, Lang::Tr) => "Ağ ve Sistemler",
        (Category::Uygulamalar, Lang::En) => "Applications",
        (Category::Uygulamalar, Lang::Tr) => "Uygulamalar",
        (Category::Iot, _) => "IoT",
        (Category::Tasinabilir, Lang::En) => "Portable",
        (Category::Tasinabilir, Lang::Tr) => "Taşınabilir",
        (Category::Unclassified, Lang::En) => "Unclassified",
        (Category::Unclassified, Lang::Tr) => "Sınıflandırılmamış",
    }
}

/// A confidence band as the dashboard names it.
pub fn confidence(level: ConfidenceLevel, lang: Lang) -> &'static str {
    match (level, lang) {
        (ConfidenceLevel::High, Lang::En) => "high",
        (ConfidenceLevel::High, Lang::Tr) => "yüksek",
        (ConfidenceLevel::Medium, Lang::En) => "medium",
        (ConfidenceLevel::Medium, Lang::Tr) => "orta",
        (ConfidenceLevel::Low, Lang::En) => "low",
        (ConfidenceLevel::Low, Lang::Tr) => "düşük",
        (ConfidenceLevel::Unclassified, Lang::En) => "unclassified",
        (ConfidenceLevel::Unclassified, Lang::Tr) => "sınıflandırılmamış",
    }
}

/// Nouns the CLI counts.
#[derive(Clone, Copy)]
pub enum Noun {
    Asset,
    Host,
    OpenPort,
    Certificate,
}

/// "1 host", "2 hosts"; Turkish keeps the singular after a number ("2 cihaz").
pub fn count(n: usize, noun: Noun, lang: Lang) -> String {
    let word = match (noun, lang, n == 1) {
        (Noun::Asset, Lang::En, true) => "asset",
        (Noun::Asset, Lang::En, false) => "assets",
        (Noun::Asset, Lang::Tr, _) => "varlık",
        (Noun::Host, Lang::En, true) => "host",
        (Noun::Host, Lang::En, false) => "hosts",
        (Noun::Host, Lang::Tr, _) => "cihaz",
        (Noun::OpenPort, Lang::En, true) => "open port",
        (Noun::OpenPort, Lang::En, false) => "open ports",
        (Noun::OpenPort, Lang::Tr, _) => "açık port",
        (Noun::Certificate, Lang::En, true) => "certificate",
        (Noun::Certificate, Lang::En, false) => "certificates",
        (Noun::Certificate, Lang::Tr, _) => "sertifika",
    };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_plurals_follow_the_language() {
        assert_eq!(group(Category::Uygulamalar, Lang::En), "Applications");
        assert_eq!(group(Category::Uygulamalar, Lang::Tr), "Uygulamalar");
        assert_eq!(count(1, Noun::Host, Lang::En), "1 host");
        assert_eq!(count(2, Noun::Host, Lang::En), "2 hosts");
        assert_eq!(count(0, Noun::OpenPort, Lang::En), "0 open ports");
        assert_eq!(count(2, Noun::Host, Lang::Tr), "2 cihaz");
        assert_eq!(Lang::detect(Some("tr")), Lang::Tr);
        assert_eq!(Lang::detect(Some("en_US.UTF-8")), Lang::En);
    }
}
