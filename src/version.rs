//! The version this binary is, as agents, heartbeats and `bigr version` report it.
//!
//! It is read from a fixed-size slot in the binary's data rather than folded in at compile
//! time, so a release pipeline can stamp a build number into a copy of the binary without
//! rebuilding it (`bigr release stamp`), and the update tests can make a second, real
//! version of the agent from the first. The slot holds the Cargo version until stamped.
use std::sync::LazyLock;

const SLOT_LEN: usize = 48;
const MARK: &[u8] = b"bigr-version-slot:";

/// `bigr-version-slot:` then the version, NUL-padded. `#[used]`, read through `black_box`:
/// the compiler may neither drop it nor fold its text into the code.
#[used]
static SLOT: [u8; SLOT_LEN] = slot(env!("CARGO_PKG_VERSION"));

const fn slot(version: &str) -> [u8; SLOT_LEN] {
    let mut out = [0u8; SLOT_LEN];
    let mut i = 0;
    while i < MARK.len() {
        out[i] = MARK[i];
        i += 1;
    }
    let v = version.as_bytes();
    let mut j = 0;
    while j < v.len() && MARK.len() + j < SLOT_LEN {
        out[MARK.len() + j] = v[j];
        j += 1;
    }
    out
}

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let bytes = std::hint::black_box(&SLOT);
    let text = &bytes[MARK.len()..];
    let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    std::str::from_utf8(&text[..end])
        .ok()
        .filter(|v| crate::release::sign::parse_version(v).is_ok())
        .map(str::to_string)
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string())
});

/// This binary's version.
pub fn current() -> &'static str {
    &VERSION
}

/// Writes `version` into the slot of the binary at `path` (a copy being prepared for
/// release). The slot must be found exactly once.
pub fn stamp(path: &std::path::Path, version: &str) -> Result<(), String> {
    crate::release::sign::parse_version(version)?;
    if MARK.len() + version.len() > SLOT_LEN {
        return Err(format!("{version:?} does not fit the version slot"));
    }
    let mut bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // The mark is put together here, so that this code's own copy of it is not a match; a
    // match must also hold a version and NUL padding, as only the slot does.
    let mark = [b"bigr-ver".as_slice(), b"sion-slot:"].concat();
    let is_slot = |at: usize| {
        let rest = &bytes[at + mark.len()..at + SLOT_LEN];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        end > 0
            && rest[..end].iter().all(|b| b.is_ascii_digit() || *b == b'.')
            && rest[end..].iter().all(|&b| b == 0)
    };
    let found: Vec<usize> = bytes
        .windows(mark.len())
        .enumerate()
        .filter(|(i, w)| *w == mark.as_slice() && i + SLOT_LEN <= bytes.len())
        .map(|(i, _)| i)
        .filter(|&i| is_slot(i))
        .collect();
    let [at] = found[..] else {
        return Err(format!(
            "{} has {} version slots, not one",
            path.display(),
            found.len()
        ));
    };
    bytes[at..at + SLOT_LEN].copy_from_slice(&slot(version));
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
