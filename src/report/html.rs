//! HTML pieces of the report: escaping, the style sheet (screen and print: page breaks, table
//! headers repeated on every printed page), and the writer of [`Doc`] calls. One file, no
//! script, no request to anywhere.
use super::doc::{Columns, Cover, Doc, Figure, Piece, Row};
use super::out::Out;

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

/// Pieces as escaped HTML.
fn pieces(ps: &[Piece]) -> String {
    let mut out = String::new();
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(&esc(t)),
            Piece::Mono(t) => out.push_str(&format!(r#"<span class="mono">{}</span>"#, esc(t))),
            Piece::Bad(t) => out.push_str(&format!(r#"<span class="bad">{}</span>"#, esc(t))),
            Piece::Badge(t) => out.push_str(&format!(r#"<span class="badge">{}</span>"#, esc(t))),
            Piece::Small(t) => out.push_str(&format!(r#"<span class="small">{}</span>"#, esc(t))),
            Piece::Break => out.push_str("<br>"),
        }
    }
    out
}

/// The HTML writer: one self-contained file.
pub struct HtmlDoc {
    out: Out,
    in_section: bool,
    /// The open table's numeric columns.
    numeric: Vec<usize>,
}

impl HtmlDoc {
    pub fn new(out: Out) -> HtmlDoc {
        HtmlDoc {
            out,
            in_section: false,
            numeric: Vec::new(),
        }
    }

    pub fn into_out(self) -> Out {
        self.out
    }
}

impl Doc for HtmlDoc {
    fn out(&mut self) -> &mut Out {
        &mut self.out
    }

    fn begin(&mut self, c: &Cover) {
        self.out.push(&format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"generator\" content=\"bigr {version}\">\
             <title>{title} — {scope}</title><style>{STYLE}</style></head><body><main>",
            lang = c.lang,
            version = env!("CARGO_PKG_VERSION"),
            title = esc(c.title),
            scope = esc(c.scope),
        ));
        self.out.push(&format!(
            "<section class=\"cover\"><h1>{}</h1><dl>",
            esc(c.title)
        ));
        for (label, value) in &c.facts {
            self.out
                .push(&format!("<dt>{}</dt><dd>{}</dd>", esc(label), esc(value)));
        }
        self.out.push(&format!(
            "</dl></section><nav><h2 class=\"keep\">{}</h2><ol>",
            esc(c.contents_title)
        ));
        for (id, label) in &c.contents {
            self.out
                .push(&format!("<li><a href=\"#{id}\">{}</a></li>", esc(label)));
        }
        self.out.push("</ol></nav>");
    }

    fn section(&mut self, id: &str, title: &str) {
        if self.in_section {
            self.out.push("</section>");
        }
        self.in_section = true;
        self.out
            .push(&format!("<section id=\"{id}\"><h2>{}</h2>", esc(title)));
    }

    fn subheading(&mut self, text: &str, group: Option<&str>) {
        match group {
            Some(g) => self
                .out
                .push(&format!("<h3 data-group=\"{}\">{}</h3>", esc(g), esc(text))),
            None => self.out.push(&format!("<h3>{}</h3>", esc(text))),
        }
    }

    fn para(&mut self, ps: &[Piece]) {
        self.out.push(&format!("<p>{}</p>", pieces(ps)));
    }

    fn note(&mut self, text: &str) {
        self.out
            .push(&format!(r#"<p class="small">{}</p>"#, esc(text)));
    }

    fn figures(&mut self, figures: &[Figure]) {
        self.out.push("<div class=\"figures\">");
        for f in figures {
            let mark = f
                .mark
                .map(|m| format!(" data-figure=\"{m}\""))
                .unwrap_or_default();
            self.out.push(&format!(
                "<div class=\"figure\"{mark}><div>{}</div>{}",
                esc(&f.label),
                f.chart.as_deref().unwrap_or("")
            ));
            if let Some(v) = &f.value {
                let mark = f
                    .value_mark
                    .map(|m| format!(" data-figure=\"{m}\""))
                    .unwrap_or_default();
                self.out
                    .push(&format!("<div class=\"value\"{mark}>{}</div>", esc(v)));
            }
            if let Some((label, value, mark)) = &f.note {
                self.out.push(&format!(
                    "<div>{}: <b data-figure=\"{mark}\">{}</b></div>",
                    esc(label),
                    esc(value)
                ));
            }
            self.out.push("</div>");
        }
        self.out.push("</div>");
    }

    fn chart(&mut self, svg: &str) {
        self.out.push(svg);
    }

    fn table(&mut self, c: &Columns) {
        self.numeric = c.numeric.to_vec();
        let class = c
            .class
            .map(|k| format!(" class=\"{k}\""))
            .unwrap_or_default();
        self.out.push(&format!("<table{class}><thead><tr>"));
        for (i, name) in c.names.iter().enumerate() {
            if c.numeric.contains(&i) {
                self.out.push(&format!(
                    r#"<th class="num" scope="col">{}</th>"#,
                    esc(name)
                ));
            } else {
                self.out
                    .push(&format!(r#"<th scope="col">{}</th>"#, esc(name)));
            }
        }
        self.out.push("</tr></thead><tbody>");
    }

    fn row(&mut self, r: &Row) {
        let mut attrs = String::new();
        if r.faded {
            attrs.push_str(r#" class="missing""#);
        }
        if let Some((name, value)) = &r.mark {
            attrs.push_str(&format!(" data-{name}=\"{}\"", esc(value)));
        }
        self.out.push(&format!("<tr{attrs}>"));
        for (i, c) in r.cells.iter().enumerate() {
            let mut attrs = String::new();
            if self.numeric.contains(&i) {
                attrs.push_str(r#" class="num""#);
            }
            if let Some(m) = c.mark {
                attrs.push_str(&format!(" data-{m}"));
            }
            self.out
                .push(&format!("<td{attrs}>{}</td>", pieces(&c.pieces)));
        }
        self.out.push("</tr>");
    }

    fn end_table(&mut self) {
        self.out.push("</tbody></table>");
    }

    fn end(&mut self) {
        if self.in_section {
            self.out.push("</section>");
        }
        self.out.push("</main></body></html>\n");
    }
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
    }
}
