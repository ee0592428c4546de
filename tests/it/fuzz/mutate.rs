//! Byte-level mutation of well-formed inputs: flips, edge bytes, inserted tokens, deletions,
//! truncation and repeated chunks. Shared by the fuzz tests and `cargo bench --bench fuzz`.
use proptest::prelude::*;
use proptest::sample::Index;

/// Mutated inputs are cut here, so repeated chunks cannot grow without end.
const MAX_LEN: usize = 64 * 1024;

/// Bytes that sit on parsers' edges: lengths and tags, delimiters, UTF-8 lead bytes.
const EDGES: &[u8] = &[
    0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x0d, 0x13, 0x14, 0x1e, 0x20, 0x22, 0x2c, 0x2d,
    0x2e, 0x30, 0x3a, 0x3c, 0x3e, 0x5c, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xa2, 0xc0, 0xc3, 0xe2, 0xef,
    0xf0, 0xfe, 0xff,
];

/// One edit of a byte string; positions are chosen relative to its length when applied.
#[derive(Clone, Debug)]
pub enum Op {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Truncate(Index),
    Repeat(Index, usize, usize),
}

/// One to five edits, inserting tokens from `dict` (the target's own syntax) or random bytes.
pub fn ops(dict: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<Op>> {
    let token = prop_oneof![
        3 => prop::sample::select(dict).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 1..8),
    ];
    let op = prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Op::Flip(at, bit)),
        (any::<Index>(), prop::sample::select(EDGES)).prop_map(|(at, b)| Op::Set(at, b)),
        (any::<Index>(), token).prop_map(|(at, t)| Op::Insert(at, t)),
        (any::<Index>(), 1usize..16).prop_map(|(at, n)| Op::Delete(at, n)),
        any::<Index>().prop_map(Op::Truncate),
        (any::<Index>(), 1usize..64, 1usize..8).prop_map(|(at, n, k)| Op::Repeat(at, n, k)),
    ];
    prop::collection::vec(op, 1..6)
}

/// `data` with `ops` applied in order.
pub fn apply(mut data: Vec<u8>, ops: &[Op]) -> Vec<u8> {
    for op in ops {
        let len = data.len();
        match op {
            Op::Flip(at, bit) if len > 0 => data[at.index(len)] ^= 1 << bit,
            Op::Set(at, b) if len > 0 => data[at.index(len)] = *b,
            Op::Insert(at, token) => {
                let i = at.index(len + 1);
                data.splice(i..i, token.iter().copied());
            }
            Op::Delete(at, n) if len > 0 => {
                let i = at.index(len);
                data.drain(i..(i + n).min(len));
            }
            Op::Truncate(at) => data.truncate(at.index(len + 1)),
            Op::Repeat(at, n, times) if len > 0 => {
                let i = at.index(len);
                let chunk = data[i..(i + n).min(len)].to_vec();
                for _ in 0..*times {
                    data.splice(i..i, chunk.iter().copied());
                }
            }
            _ => {}
        }
        data.truncate(MAX_LEN);
    }
    data
}

/// Inputs from `seed`, then mutated.
pub fn mutated(
    seed: impl Strategy<Value = Vec<u8>>,
    dict: &'static [&'static [u8]],
) -> impl Strategy<Value = Vec<u8>> {
    (seed, ops(dict)).prop_map(|(data, ops)| apply(data, &ops))
}

/// Arbitrary bytes, mostly short.
pub fn junk() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..64),
        1 => prop::collection::vec(any::<u8>(), 0..2048),
    ]
}

/// Printable ASCII.
pub const PRINTABLE: &[u8] =
    b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
/// Controls, NUL and DEL first, and a space and a letter to hold them apart.
pub const CONTROLS: &[u8] = b"\x00\x01\x02\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f a";
const LOWER_DIGITS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

/// Text of `len` characters from an ASCII `alphabet` (regex strategies cost ten times more).
pub fn word(
    alphabet: impl Into<std::borrow::Cow<'static, [u8]>>,
    len: std::ops::Range<usize>,
) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), len)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Lower-case letters and digits, with the `extra` characters.
pub fn lower(extra: &str, len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    word(format!("{LOWER_DIGITS}{extra}").into_bytes(), len)
}

/// Any Unicode scalar values, controls included.
pub fn unicode(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), len).prop_map(|c| c.into_iter().collect())
}
