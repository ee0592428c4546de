//! HTML pieces of the report: escaping, the style sheet (screen and print: page breaks, table
//! headers repeated on every printed page), and the table helpers. One file, no script, no
//! request to anywhere.

/// Text made safe for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters from banners or names have no place in a document.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An optional value, or a dash.
pub fn opt(v: Option<&str>) -> String {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => esc(s),
        None => "—".into(),
    }
}

pub const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; font-size: 10.5pt; color: #1a1a1a; margin: 0; line-height: 1.4; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px; }
h1 { font-size: 22pt; margin: 0 0 8px; }
h2 { font-size: 15pt; margin: 28px 0 10px; border-bottom: 2px solid #1f5fa8; padding-bottom: 4px; }
h3 { font-size: 12pt; margin: 18px 0 6px; }
.cover { border-bottom: 1px solid #ccc; margin-bottom: 16px; padding-bottom: 12px; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; }
.figure .value { font-size: 20pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #d0d0d0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num, th.num { text-align: right; }
tr.missing td { color: #777; }
.mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 9pt; }
.small { font-size: 9pt; color: #555; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #eee; font-size: 8.5pt; }
.bad { color: #b00020; font-weight: bold; }
nav ol { columns: 2; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  main { max-width: none; padding: 0; }
  .cover { page-break-after: always; break-after: page; border: 0; padding-top: 30vh; }
  h2 { page-break-before: always; break-before: page; }
  h2.keep { page-break-before: auto; break-before: auto; }
  thead { display: table-header-group; }
  tr, .figure, svg { page-break-inside: avoid; break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  nav { display: none; }
}
"#;

/// `<thead>` with these column names; numeric ones right-aligned.
pub fn thead(cols: &[&str], numeric: &[usize]) -> String {
    let mut out = String::from("<thead><tr>");
    for (i, c) in cols.iter().enumerate() {
        if numeric.contains(&i) {
            out.push_str(&format!(r#"<th class="num" scope="col">{}</th>"#, esc(c)));
        } else {
            out.push_str(&format!(r#"<th scope="col">{}</th>"#, esc(c)));
        }
    }
    out.push_str("</tr></thead>");
    out
}

/// One row of already-escaped cells.
pub fn row(cells: &[String]) -> String {
    let mut out = String::from("<tr>");
    for c in cells {
        out.push_str("<td>");
        out.push_str(c);
        out.push_str("</td>");
    }
    out.push_str("</tr>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            esc("<b a=\"x\">'&'</b>\u{7}"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;\u{FFFD}"
        );
        assert_eq!(esc("İğşı"), "İğşı");
        assert_eq!(opt(Some("  ")), "—");
    }
}
