//! Reading what a service says about itself: server-first greetings (SSH, FTP, SMTP, POP3,
//! IMAP, Telnet, MySQL) and HTTP `Server` headers and `<title>`s.
use crate::model::Service;

/// Longest banner kept; device and product names come first.
pub const MAX_BANNER: usize = 1024;

/// Printable text of raw bytes: lossy UTF-8, control characters (but CR, LF, TAB) dropped,
/// cut at `MAX_BANNER` characters. Network bytes are untrusted.
pub fn printable(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\r' | '\n' | '\t'))
        .take(MAX_BANNER)
        .collect()
}

/// Ports where the client speaks first with an HTTP request.
pub fn is_http_port(port: u16) -> bool {
    matches!(
        port,
        80 | 81
            | 591
            | 3000
            | 5000
            | 5001
            | 7080
            | 8000
            | 8008
            | 8060
            | 8080
            | 8081
            | 8088
            | 8888
            | 9000
            | 9080
            | 9090
            | 1400
            | 8006
            | 2869
            | 49152
            | 49153
            | 49154
    )
}

/// Describes a service from what it sent (`raw`) on `port`.
pub fn parse(port: u16, raw: &[u8]) -> Service {
    let mut s = Service {
        port,
        protocol: "tcp".into(),
        ..Default::default()
    };
    if raw.is_empty() {
        return s;
    }
    if raw.starts_with(b"HTTP/") {
        return parse_http(s, raw);
    }
    if let Some(mysql) = parse_mysql_greeting(raw) {
        s.name = Some("mysql".into());
        s.product = Some(
            if mysql.to_lowercase().contains("mariadb") {
                "MariaDB"
            } else {
                "MySQL"
            }
            .into(),
        );
        s.version = Some(mysql.clone());
        s.banner = Some(mysql);
        return s;
    }
    let text = printable(raw);
    let first = text.lines().next().unwrap_or("").trim().to_string();
    if let Some(rest) = first.strip_prefix("SSH-") {
        // SSH-2.0-OpenSSH_9.2p1 Debian-2 → product OpenSSH, version 9.2p1
        s.name = Some("ssh".into());
        let software = rest.split_once('-').map_or("", |(_, sw)| sw);
        let token = software.split_whitespace().next().unwrap_or("");
        let (product, version) = token.split_once('_').unwrap_or((token, ""));
        s.product = Some(product.to_string()).filter(|p| !p.is_empty());
        s.version = Some(version.to_string()).filter(|v| !v.is_empty());
    } else if first.starts_with("220") {
        let upper = first.to_uppercase();
        s.name = Some(
            if upper.contains("SMTP") || upper.contains("MAIL") {
                "smtp"
            } else {
                "ftp"
            }
            .into(),
        );
    } else if first.starts_with("+OK") {
        s.name = Some("pop3".into());
    } else if first.starts_with("* OK") {
        s.name = Some("imap".into());
    } else if raw.first() == Some(&0xff) {
        s.name = Some("telnet".into());
    }
    s.banner = Some(text.trim_end().to_string()).filter(|b| !b.is_empty());
    s
}

fn parse_http(mut s: Service, raw: &[u8]) -> Service {
    s.name = Some("http".into());
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap_or((&text, ""));
    s.http_server = header(head, "server")
        .map(|v| printable(v.as_bytes()))
        .filter(|v| !v.is_empty());
    s.http_title = title(body);
    s.banner = Some(printable(head.as_bytes()));
    s
}

/// The value of the first header `name` (case-insensitive) in an HTTP-like head (HTTP,
/// RTSP, SIP), trimmed.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

/// The text of the first `<title>` element, whitespace folded.
fn title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let text: String = body
        .get(open_end..close)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(printable(text.as_bytes())).filter(|t| !t.is_empty())
}

/// MySQL/MariaDB initial handshake: 3-byte length, sequence 0, protocol 10, NUL-terminated
/// server version.
fn parse_mysql_greeting(raw: &[u8]) -> Option<String> {
    if raw.len() < 6 || raw[3] != 0 || raw[4] != 10 {
        return None;
    }
    let version = &raw[5..];
    let end = version.iter().position(|b| *b == 0)?;
    let v = std::str::from_utf8(&version[..end]).ok()?;
    (!v.is_empty() && v.chars().next()?.is_ascii_digit()).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_greetings_name_product_and_version() {
        let s = parse(22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
        assert_eq!(
            (
                s.name.as_deref(),
                s.product.as_deref(),
                s.version.as_deref()
            ),
            (Some("ssh"), Some("OpenSSH"), Some("9.2p1"))
        );
        assert_eq!(
            s.banner.as_deref(),
            Some("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
        );
        let drop = parse(22, b"SSH-2.0-dropbear_2022.83\r\n");
        assert_eq!(drop.product.as_deref(), Some("dropbear"));
    }

    #[test]
    fn http_answers_give_server_and_title() {
        let raw = b"HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nContent-Type: text/html\r\n\r\n<html><head><TITLE>\n  Grafana \n</TITLE></head>";
        let s = parse(80, raw);
        assert_eq!(
            (s.http_server.as_deref(), s.http_title.as_deref()),
            (Some("nginx/1.24.0"), Some("Grafana"))
        );
        let bare = parse(8080, b"HTTP/1.0 401 Unauthorized\r\n\r\n");
        assert_eq!((bare.http_server, bare.http_title), (None, None));
    }

    #[test]
    fn other_greetings_and_binary_handshakes() {
        assert_eq!(
            parse(21, b"220 (vsFTPd 3.0.5)\r\n").name.as_deref(),
            Some("ftp")
        );
        assert_eq!(
            parse(25, b"220 mail.example.com ESMTP Postfix\r\n")
                .name
                .as_deref(),
            Some("smtp")
        );
        assert_eq!(
            parse(110, b"+OK Dovecot ready.\r\n").name.as_deref(),
            Some("pop3")
        );
        let mut mysql = vec![0x4a, 0, 0, 0, 10];
        mysql.extend_from_slice(b"8.0.36-0ubuntu0.22.04.1\0rest");
        let s = parse(3306, &mysql);
        assert_eq!(
            (s.product.as_deref(), s.version.as_deref()),
            (Some("MySQL"), Some("8.0.36-0ubuntu0.22.04.1"))
        );
    }

    #[test]
    fn hostile_bytes_are_tamed() {
        let mut raw = b"SSH-2.0-x\x00\x07\x1b[31m".to_vec();
        raw.extend(std::iter::repeat_n(b'A', 10_000));
        let s = parse(22, &raw);
        let banner = s.banner.unwrap();
        assert!(
            banner.chars().count() <= MAX_BANNER
                && !banner
                    .chars()
                    .any(|c| c.is_control() && c != '\r' && c != '\n')
        );
        assert_eq!(
            parse(80, b"HTTP/1.1 200 OK\r\n\r\n<title>").http_title,
            None
        );
        assert_eq!(parse(9, b"").banner, None);
    }
}
