//! Version strings as products print them (`9.8p1`, `1.0.1f`, `2016.74`, `2.4.49`), compared
//! segment by segment: numbers numerically, letters alphabetically, and a version that has
//! more segments is later (`1.0.1` < `1.0.1f`, `9.8` < `9.8p1`).
use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Num(u64),
    Text(String),
}

fn segments(v: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut chars = v.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push(Segment::Num(n.parse().unwrap_or(u64::MAX)));
        } else if c.is_ascii_alphabetic() {
            let mut t = String::new();
            while let Some(&a) = chars.peek().filter(|a| a.is_ascii_alphabetic()) {
                t.push(a.to_ascii_lowercase());
                chars.next();
            }
            out.push(Segment::Text(t));
        } else {
            chars.next();
        }
    }
    out
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (segments(a), segments(b));
    for (x, y) in a.iter().zip(&b) {
        let o = match (x, y) {
            (Segment::Num(x), Segment::Num(y)) => x.cmp(y),
            (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
            (Segment::Num(_), Segment::Text(_)) => Ordering::Greater,
            (Segment::Text(_), Segment::Num(_)) => Ordering::Less,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    // One ran out: a following pre-release tag makes the longer one earlier (`9.0.0-M1` <
    // `9.0.0`, `0.94.14rc21` < `0.94.14`); anything else makes it later (`1.0.1f` > `1.0.1`).
    let is_pre = |s: Option<&Segment>| matches!(s, Some(Segment::Text(t)) if PRE_RELEASE.contains(&t.as_str()));
    match a.len().cmp(&b.len()) {
        Ordering::Greater if is_pre(a.get(b.len())) => Ordering::Less,
        Ordering::Less if is_pre(b.get(a.len())) => Ordering::Greater,
        other => other,
    }
}

/// Tags that mark a release candidate or milestone before the release they name.
const PRE_RELEASE: [&str; 6] = ["rc", "m", "alpha", "beta", "pre", "dev"];

/// Whether the string holds at least one digit: "unknown" or "" is no version at all.
pub fn is_version(v: &str) -> bool {
    v.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn orders_banner_versions() {
        assert_eq!(compare("9.8p1", "9.7p1"), Greater);
        assert_eq!(compare("8.5p1", "8.5p1"), Equal);
        assert_eq!(compare("9.8", "9.8p1"), Less);
        assert_eq!(compare("1.0.1f", "1.0.1g"), Less);
        assert_eq!(compare("1.0.1", "1.0.1a"), Less);
        assert_eq!(compare("2.4.49", "2.4.5"), Greater);
        assert_eq!(compare("2016.74", "2020.81"), Less);
        assert_eq!(compare("10.0", "9.99"), Greater);
        assert!(!is_version("unknown"));
        assert_eq!(compare("0.94.14rc21", "0.94.14"), Less);
        assert_eq!(compare("9.0.0-M1", "9.0.0"), Less);
        assert_eq!(compare("9.0.0", "9.0.0.M1"), Greater);
        assert_eq!(compare("1.0.1f", "1.0.1"), Greater);
    }
}
