//! What services say and what users and devices write: banners, HTTP heads, rules files,
//! scan targets, the kernel's neighbour table and bearer tokens.
use super::mutate::{CONTROLS, PRINTABLE, junk, lower, mutated, unicode, word};
use bigr::classify::rules;
use bigr::model::token::{self, TokenKind};
use bigr::scan::{banner, neighbours, targets};
use proptest::prelude::*;
use proptest::sample::select;
use std::net::Ipv4Addr;
use std::sync::LazyLock;

const TEXT_TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b"\n\n",
    b"\0",
    b"\x1b[31m",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xc4\xb0",
    b"\xf0\x9f\x98\x80",
    b":",
    b" ",
    b"\t",
    b"<title>",
    b"</title>",
    b"<TITLE",
    b">",
    b"<",
    b"Server:",
    b"HTTP/1.1 ",
    b"SSH-2.0-",
    b"_",
    b"-",
    b"220 ",
    b"\x0a\x00\x00\x00",
];

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => select(&[21u16, 22, 23, 25, 80, 110, 143, 443, 3306, 8080, 8443][..]),
        1 => any::<u16>(),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![6 => word(PRINTABLE, 0..41), 2 => unicode(0..21), 1 => word(CONTROLS, 0..7)]
}

fn eol() -> impl Strategy<Value = &'static str> {
    select(&["\r\n", "\n", "", "\r"][..])
}

/// Server-first greetings: SSH, FTP/SMTP, POP3, IMAP, Telnet, MySQL, and long or binary text.
fn greeting() -> impl Strategy<Value = Vec<u8>> {
    let mysql = (
        any::<[u8; 3]>(),
        prop_oneof![4 => Just(0u8), 1 => any::<u8>()],
        prop_oneof![4 => Just(10u8), 1 => any::<u8>()],
        prop_oneof![
            (0u8..10, lower("ABCDEFGHIJKLMNOPQRSTUVWXYZ.-", 0..25))
                .prop_map(|(d, v)| format!("{d}{v}").into_bytes()),
            prop::collection::vec(any::<u8>(), 0..24),
        ],
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..24),
    )
        .prop_map(|(len, seq, proto, version, nul, rest)| {
            let mut g = len.to_vec();
            g.extend([seq, proto]);
            g.extend(version);
            if nul {
                g.push(0);
            }
            g.extend(rest);
            g
        });
    prop_oneof![
        3 => (select(&["2.0", "1.99", "", "x"][..]), lower("ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-", 0..21), line(), eol())
            .prop_map(|(v, sw, rest, eol)| format!("SSH-{v}-{sw} {rest}{eol}").into_bytes()),
        2 => (select(&["220 ", "220-", "+OK ", "* OK ", "220"][..]), line(), eol())
            .prop_map(|(code, rest, eol)| format!("{code}{rest}{eol}").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..32).prop_map(|b| [vec![0xff], b].concat()),
        2 => mysql,
        1 => (select(&["x", "é", "\0", "\u{7}"][..]), 900usize..1300).prop_map(|(c, n)| c.repeat(n).into_bytes()),
        1 => line().prop_map(String::into_bytes),
    ]
}

/// An HTTP answer's head and the start of its body.
fn http_answer() -> impl Strategy<Value = Vec<u8>> {
    let header = (
        select(
            &[
                "Server",
                "server",
                "SERVER",
                " Server ",
                "Content-Type",
                "X-Powered-By",
                "",
                "Server:x",
            ][..],
        ),
        select(&[":", " :", ": ", ""][..]),
        line(),
    )
        .prop_map(|(name, colon, value)| format!("{name}{colon}{value}"));
    let piece = prop_oneof![
        3 => select(&[
            "<title>", "<TITLE>", "<title lang=\"en\">", "<title", "</title>", "</TITLE >",
            "</title", "<html><head>", "\n  ", "İ", "€", "\0", ">", "<", "<titl", "\r\n\r\n",
        ][..])
        .prop_map(str::to_string),
        2 => line(),
        1 => (select(&["x", "ı", " "][..]), 200usize..1300).prop_map(|(c, n)| c.repeat(n)),
    ];
    (
        select(&["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/", "HTTP/1.1x"][..]),
        line(),
        prop::collection::vec(header, 0..6),
        select(&["\r\n", "\n"][..]),
        select(&["\r\n\r\n", "\n\n", "", "\r\n"][..]),
        prop::collection::vec(piece.clone(), 0..4),
        prop::option::of((
            select(&["<title>", "<TITLE>", "<title lang=\"en\">", "<Title\n>"][..]),
            prop_oneof![4 => line(), 1 => (select(&["x ", "ı", "\t"][..]), 200usize..1300).prop_map(|(c, n)| c.repeat(n))],
            select(&["</title>", "</TITLE >", "</title", "</titl"][..]),
        )),
        prop::collection::vec(piece, 0..4),
    )
        .prop_map(|(version, status, headers, sep, blank, before, title, after)| {
            let mut head = format!("{version} {status}");
            for h in headers {
                head.push_str(sep);
                head.push_str(&h);
            }
            let title = title.map(|(open, text, close)| format!("{open}{text}{close}"));
            let body = [before.concat(), title.unwrap_or_default(), after.concat()].concat();
            format!("{head}{blank}{body}").into_bytes()
        })
}

/// Inputs of `banner::parse` for server-first services.
pub fn banner_input() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let bytes = prop_oneof![
        3 => greeting(),
        3 => mutated(greeting(), TEXT_TOKENS),
        1 => junk(),
    ];
    (port(), bytes)
}

/// Inputs of `banner::parse` for HTTP answers (the `Server` header and `<title>`).
pub fn http_input() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let bytes = prop_oneof![
        3 => http_answer(),
        3 => mutated(http_answer(), TEXT_TOKENS),
        1 => junk().prop_map(|j| [b"HTTP/".to_vec(), j].concat()),
    ];
    (port(), bytes)
}

/// Describes what a service sent, as the TCP and TLS probes do.
pub fn feed_banner((port, raw): &(u16, Vec<u8>)) {
    let _ = banner::is_http_port(*port);
    let _ = banner::parse(*port, raw);
    let _ = banner::printable(raw);
}

/// The embedded rules, one `[[rule]]` table each: seeds for mutated rules files.
static RULE_CHUNKS: LazyLock<Vec<String>> = LazyLock::new(|| {
    rules::EMBEDDED
        .iter()
        .flat_map(|(_, text)| {
            text.split("[[rule]]")
                .skip(1)
                .map(|r| format!("[[rule]]{r}"))
        })
        .collect()
});

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn pattern() -> impl Strategy<Value = String> {
    let piece = select(
        &[
            "a",
            "b",
            "x",
            "é",
            "\\b",
            "\\w",
            "\\d",
            "\\s",
            ".",
            "*",
            "+",
            "?",
            "|",
            "(",
            ")",
            "[a-z]",
            "[",
            "]",
            "^",
            "$",
            "{2}",
            "{1,3}",
            "\\",
            "(?i)",
            "(?-u:\\b)",
            "\\p{L}",
            "{99}",
            "/",
        ][..],
    );
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

fn rule_value(key: &'static str) -> BoxedStrategy<String> {
    let strings = prop::collection::vec(
        prop_oneof![lower(" :._-", 0..13), unicode(0..9)].prop_map(|s| toml_string(&s)),
        0..4,
    )
    .prop_map(|v| format!("[{}]", v.join(", ")));
    let ints = prop::collection::vec(
        prop_oneof![1i64..65536, Just(0i64), Just(65536i64), Just(-1i64)],
        0..4,
    )
    .prop_map(|v| format!("{v:?}"));
    match key {
        "banner" | "http_title" | "http_server" | "tls_subject" | "snmp_descr" | "hostname" => {
            pattern().prop_map(|p| toml_string(&p)).boxed()
        }
        "vendor" | "snmp_oid" | "mdns" | "mac_prefix" | "mac_prefix_none" => strings.boxed(),
        "ports_all" | "ports_any" | "ports_none" => ints.boxed(),
        "randomized_mac" => select(&["true", "false", "1"][..])
            .prop_map(str::to_string)
            .boxed(),
        "ttl" => prop::collection::vec(prop_oneof![0i64..256, any::<i64>()], 0..4)
            .prop_map(|v| format!("{v:?}"))
            .boxed(),
        _ => word(PRINTABLE, 0..13).prop_map(|s| toml_string(&s)).boxed(),
    }
}

const MATCHERS: &[&str] = &[
    "vendor",
    "ports_all",
    "ports_any",
    "ports_none",
    "banner",
    "http_title",
    "http_server",
    "tls_subject",
    "snmp_descr",
    "snmp_oid",
    "mdns",
    "hostname",
    "mac_prefix",
    "mac_prefix_none",
    "randomized_mac",
    "ttl",
    "surprise",
];

/// One `[[rule]]` table built from its fields.
fn rule_table() -> impl Strategy<Value = String> {
    let matcher = select(MATCHERS)
        .prop_flat_map(|key| rule_value(key).prop_map(move |v| format!("{key} = {v}\n")));
    (
        prop_oneof![
            8 => (lower("", 1..9), lower("_", 1..11)).prop_map(|(a, b)| format!("{a}.{b}")),
            1 => unicode(0..9),
        ],
        prop::option::of(select(
            &[
                "iot",
                "ag_ve_sistemler",
                "uygulamalar",
                "tasinabilir",
                "unclassified",
                "toasters",
            ][..],
        )),
        prop::option::of(select(
            &[
                "router", "camera", "printer", "phone", "server", "unknown", "x",
            ][..],
        )),
        prop::option::of(word(PRINTABLE, 0..13)),
        select(
            &[
                "0.5", "1", "1.0", "0", "-0.5", "2", "nan", "inf", "1e-300", "0.75",
            ][..],
        ),
        prop::collection::vec(matcher, 0..4),
    )
        .prop_map(|(id, category, device_type, os, weight, matchers)| {
            let mut t = format!("[[rule]]\nid = {}\n", toml_string(&id));
            if let Some(c) = category {
                t.push_str(&format!("category = \"{c}\"\n"));
            }
            if let Some(d) = device_type {
                t.push_str(&format!("device_type = \"{d}\"\n"));
            }
            if let Some(os) = os {
                t.push_str(&format!("os = {}\n", toml_string(&os)));
            }
            t.push_str(&format!("weight = {weight}\n"));
            t.push_str(&matchers.concat());
            t
        })
}

fn rules_file() -> impl Strategy<Value = Vec<u8>> {
    let table = prop_oneof![
        2 => rule_table(),
        1 => prop::sample::select(RULE_CHUNKS.as_slice()),
    ];
    (
        select(
            &[
                "",
                "replace = true\n",
                "replace = false\n",
                "replace = 1\n",
                "# rules\n",
            ][..],
        ),
        prop::collection::vec(table, 0..4),
    )
        .prop_map(|(head, tables)| format!("{head}{}", tables.concat()).into_bytes())
}

const TOML_TOKENS: &[&[u8]] = &[
    b"[[rule]]\n",
    b"\n",
    b"=",
    b"\"",
    b"'",
    b"'''",
    b"\"\"\"",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"#",
    b"\\",
    b"\\u00e9",
    b"\\U0001F600",
    b"\r\n",
    b"\t",
    b"nan",
    b"1e999",
    b"0x10",
    b"true",
    b"\xc3\xa9",
    b"\xc4\xb0",
    b"\xf0\x9f\x98\x80",
    b"id = \"x.y\"\n",
    b"weight = 0.5\n",
];

/// Inputs of `rules::parse_file`: rules files, generated, from the embedded ones, mutated.
pub fn rules_input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => rules_file(),
        3 => mutated(rules_file(), TOML_TOKENS),
        1 => junk(),
    ]
    .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Parses and compiles one rules file as `RuleSet::load` does for `$BIGR_HOME/rules/*.toml`.
pub fn feed_rules(text: &str) {
    let _ = rules::parse_file("fuzz.toml", text);
}

/// Scan targets as users type them.
pub fn target_input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<Ipv4Addr>().prop_map(|ip| ip.to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
        select(
            &[
                "/",
                "-",
                ".",
                " ",
                "0",
                "255",
                "256",
                "33",
                "129",
                "localhost",
                "a-",
                "é",
                "::"
            ][..]
        )
        .prop_map(str::to_string),
        lower(".-", 1..21),
    ];
    prop_oneof![
        4 => prop::collection::vec(piece, 1..4).prop_map(|p| p.concat()),
        1 => unicode(0..41),
        1 => (lower("", 60..71), prop::collection::vec(lower("", 1..4), 0..4))
            .prop_map(|(host, labels)| format!("{host}.{}", labels.join("."))),
    ]
}

/// Parses a target and sizes it, as `bigr scan` does before sweeping.
pub fn feed_target(text: &str) {
    if let Ok(target) = targets::parse(text) {
        let _ = targets::size(&target);
    }
}

/// /proc/net/arp, from well-formed rows to torn ones.
pub fn neighbour_input() -> impl Strategy<Value = String> {
    let row = (
        prop_oneof![
            any::<Ipv4Addr>().prop_map(|ip| ip.to_string()),
            word(b"0123456789.", 0..17)
        ],
        select(&["0x1", "0x2", "0x6", "0x0", "2", "0xZZ", "0xffffffffff", ""][..]),
        prop_oneof![
            any::<[u8; 6]>().prop_map(|m| m.map(|b| format!("{b:02x}")).join(":")),
            word(b"0123456789abcdef:.-", 0..21)
        ],
        prop_oneof![lower("@.-", 1..16), unicode(0..9)],
    )
        .prop_map(|(ip, flags, mac, dev)| format!("{ip} 0x1 {flags} {mac} * {dev}"));
    prop_oneof![
        4 => prop::collection::vec(row, 0..6).prop_map(|rows| {
            format!("IP address       HW type     Flags       HW address            Mask     Device\n{}", rows.join("\n"))
        }),
        1 => unicode(0..81),
    ]
}

/// Parses a neighbour table.
pub fn feed_neighbours(text: &str) {
    let _ = neighbours::parse(text);
}

/// Bearer tokens as clients present them.
pub fn token_input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (select(&["bigr_", "bigr_enr_", "bigr_enr_enr_", "", "BIGR_"][..]), word(b"0123456789abcdef", 14..19), select(&["_", "", "__"][..]), word(b"0123456789abcdefABCDEF", 62..67), select(&["", " ", "\n", "é"][..]))
            .prop_map(|(p, id, sep, secret, tail)| format!(" {p}{id}{sep}{secret}{tail}")),
        1 => unicode(0..91),
    ]
}

/// Splits a presented token of both kinds and checks it against a stored hash.
pub fn feed_token(text: &str) {
    for kind in [TokenKind::Agent, TokenKind::Enrollment] {
        if let Some(presented) = token::parse(kind, text) {
            let _ = presented.matches(&"0".repeat(64));
        }
    }
}
