//! NUL characters in wire text. PostgreSQL cannot store `\0` in text or jsonb, so a NUL that
//! reaches the store fails there; it is found on the way in instead, and the answer names
//! the field. The scan on raw JSON bytes is cheap; the field is looked for only when one is there.
use serde_json::Value;

/// Whether JSON text holds an escaped NUL (`\u0000`) in a string. A raw NUL byte is not valid
/// JSON at all, so the parser refuses it anyway.
pub fn has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then "u0000") is text.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The path (`assets[3].hostname`, or a key's own path) of the first string or object key
/// holding a NUL, in the form serde_path_to_error writes paths.
pub fn nul_path(value: &Value) -> Option<String> {
    fn walk(v: &Value, path: &mut String) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Object(map) => map.iter().any(|(k, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&k.replace('\0', "\\0"));
                let found = k.contains('\0') || walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then(|| if path.is_empty() { ".".into() } else { path })
}

/// The field holding a NUL in a JSON document, if any (None also for text that is not JSON:
/// the parser will say what is wrong with it).
pub fn nul_field(json: &[u8]) -> Option<String> {
    if !has_nul_escape(json) {
        return None;
    }
    serde_json::from_slice::<Value>(json)
        .ok()
        .and_then(|v| nul_path(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_escape_but_not_an_escaped_backslash() {
        assert!(has_nul_escape(br#"{"a":"x\u0000y"}"#));
        assert!(!has_nul_escape(br#"{"a":"x\\u0000y"}"#));
        assert!(has_nul_escape(br#"{"a":"x\\\u0000y"}"#));
        assert!(!has_nul_escape(br#"{"a":"\u0001"}"#));
        assert!(!has_nul_escape(br#"{"a":"\"}"#));
    }

    #[test]
    fn names_the_field() {
        assert_eq!(
            nul_field(br#"{"assets":[{"ip":"1.2.3.4"},{"hostname":"a\u0000"}]}"#).as_deref(),
            Some("assets[1].hostname")
        );
        assert_eq!(nul_field(br#"{"k\u0000":1}"#).as_deref(), Some("k\\0"));
        assert_eq!(nul_field(br#""\u0000""#).as_deref(), Some("."));
        assert_eq!(nul_field(br#"{"a":"x\\u0000"}"#), None);
    }
}
