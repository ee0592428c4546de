//! The Typst writer: the report as Typst markup, which `pdf` typesets. Every piece of data
//! goes in as a string literal (`"…"`, escaped), never as markup, so a host name cannot
//! inject formatting or code. A4 portrait, the inventory's wide tables on landscape pages;
//! table headers repeat on every page a table spans.
use super::doc::{Columns, Cover, Doc, Figure, Piece, Row};
use super::out::Out;
use chrono::{Datelike, Timelike};

/// A Typst string literal holding `s`.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            // Control characters from banners or names have no place in a document.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Pieces as a content block.
fn content(ps: &[Piece]) -> String {
    let mut out = String::from("[");
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(&format!("#{}", lit(t))),
            Piece::Mono(t) => out.push_str(&format!("#raw({})", lit(t))),
            Piece::Bad(t) => out.push_str(&format!(
                "#text(fill: rgb(\"#b00020\"), weight: \"bold\", {})",
                lit(t)
            )),
            Piece::Badge(t) => out.push_str(&format!(
                "#box(fill: luma(235), inset: (x: 3pt, y: 1pt), radius: 3pt, text(size: 6.5pt, {}))",
                lit(t)
            )),
            Piece::Small(t) => out.push_str(&format!(
                "#text(size: 6.5pt, fill: luma(85), {})",
                lit(t)
            )),
            Piece::Break => out.push_str("#linebreak()"),
        }
    }
    out.push(']');
    out
}

const PREAMBLE: &str = r##"
#set text(font: "DejaVu Sans", size: 8pt)
#set par(justify: false)
#show raw: set text(font: "DejaVu Sans Mono", size: 7pt)
#show heading.where(level: 1): it => {
  pagebreak(weak: true)
  block(width: 100%, below: 8pt, inset: (bottom: 3pt), stroke: (bottom: 1.5pt + rgb("#1f5fa8")), text(size: 14pt, it.body))
}
#show heading.where(level: 2): it => block(above: 10pt, below: 5pt, text(size: 10.5pt, it.body))
#set table(stroke: 0.5pt + luma(205), inset: 3pt, fill: (x, y) => if y == 0 { rgb("#eef2f7") })
#show table.cell.where(y: 0): set text(weight: "bold")
"##;

/// The Typst writer; the markup is gathered in an in-memory [`Out`].
pub struct TypstDoc {
    out: Out,
    /// Whether the pages are turned to landscape (the inventory).
    landscape: bool,
}

impl TypstDoc {
    pub fn new(out: Out) -> TypstDoc {
        TypstDoc {
            out,
            landscape: false,
        }
    }

    pub fn into_out(self) -> Out {
        self.out
    }
}

impl Doc for TypstDoc {
    fn out(&mut self) -> &mut Out {
        &mut self.out
    }

    fn begin(&mut self, c: &Cover) {
        let at = c.generated_at;
        let title = format!("{} — {}", c.title, c.scope);
        self.out.push(&format!(
            "#set document(title: {}, author: ({},), keywords: (\"BİGR\", {}), \
             date: datetime(year: {}, month: {}, day: {}, hour: {}, minute: {}, second: {}))\n",
            lit(&title),
            lit(c.author),
            lit(c.scope),
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
        ));
        self.out.push(&format!(
            "#set text(lang: {})\n#set page(paper: \"a4\", margin: (x: 12mm, y: 14mm), \
             footer: context {{ set text(size: 7pt, fill: luma(110)); {}; h(1fr); \
             counter(page).display(\"1 / 1\", both: true) }})\n",
            lit(c.lang),
            lit(&title),
        ));
        self.out.push(PREAMBLE);
        self.out.push(&format!(
            "#v(22%)\n#text(size: 24pt, weight: \"bold\", {})\n#v(14pt)\n\
             #grid(columns: (auto, 1fr), column-gutter: 16pt, row-gutter: 7pt",
            lit(c.title)
        ));
        for (label, value) in &c.facts {
            self.out.push(&format!(
                ", text(weight: \"bold\", {}), {}",
                lit(label),
                lit(value)
            ));
        }
        self.out.push(&format!(
            ")\n#pagebreak()\n#outline(title: {}, depth: 1)\n",
            lit(c.contents_title)
        ));
    }

    fn section(&mut self, id: &str, title: &str) {
        // The inventory's nine columns need a landscape page; a change of page orientation
        // starts a new page, which a section does anyway.
        let landscape = id == "inventory";
        if landscape != self.landscape {
            self.out.push(&format!("#set page(flipped: {landscape})\n"));
            self.landscape = landscape;
        }
        self.out
            .push(&format!("#heading(level: 1, {})\n", lit(title)));
    }

    fn subheading(&mut self, text: &str, _group: Option<&str>) {
        self.out
            .push(&format!("#heading(level: 2, {})\n", lit(text)));
    }

    fn para(&mut self, ps: &[Piece]) {
        self.out.push(&format!("#par({})\n", content(ps)));
    }

    fn note(&mut self, text: &str) {
        self.out.push(&format!(
            "#par(text(size: 7pt, fill: luma(85), {}))\n",
            lit(text)
        ));
    }

    fn figures(&mut self, figures: &[Figure]) {
        self.out.push(&format!(
            "#grid(columns: ({}), column-gutter: 10pt",
            vec!["1fr"; figures.len()].join(", ")
        ));
        for f in figures {
            let mut body = format!("#{}", lit(&f.label));
            if let Some(svg) = &f.chart {
                body.push_str(&format!(
                    "#linebreak()#image(bytes({}), format: \"svg\", height: 2.6cm)",
                    lit(svg)
                ));
            }
            if let Some(v) = &f.value {
                body.push_str(&format!(
                    "#linebreak()#text(size: 18pt, weight: \"bold\", {})",
                    lit(v)
                ));
            }
            if let Some((label, value, _)) = &f.note {
                body.push_str(&format!(
                    "#linebreak()#{}#strong({})",
                    lit(&format!("{label}: ")),
                    lit(value)
                ));
            }
            self.out.push(&format!(
                ", box(width: 100%, stroke: 0.5pt + luma(200), radius: 4pt, inset: 8pt)[{body}]"
            ));
        }
        self.out.push(")\n");
    }

    fn chart(&mut self, svg: &str) {
        self.out.push(&format!(
            "#image(bytes({}), format: \"svg\", width: 75%)\n",
            lit(svg)
        ));
    }

    fn table(&mut self, c: &Columns) {
        // Text columns share the width; numbers take what they need.
        let widths: Vec<&str> = (0..c.names.len())
            .map(|i| {
                if c.numeric.contains(&i) {
                    "auto"
                } else {
                    "1fr"
                }
            })
            .collect();
        let align: Vec<&str> = (0..c.names.len())
            .map(|i| {
                if c.numeric.contains(&i) {
                    "right"
                } else {
                    "left"
                }
            })
            .collect();
        let header: Vec<String> = c.names.iter().map(|n| lit(n)).collect();
        self.out.push(&format!(
            "#table(columns: ({},), align: ({},), table.header({}),\n",
            widths.join(", "),
            align.join(", "),
            header.join(", ")
        ));
    }

    fn row(&mut self, r: &Row) {
        for c in &r.cells {
            // A plain string is far cheaper to typeset than a content block (measured: a
            // third less time and memory per table row).
            let cell = match &c.pieces[..] {
                [Piece::Text(t)] => lit(t),
                pieces => content(pieces),
            };
            if r.faded {
                self.out.push(&format!("text(fill: luma(125), {cell}), "));
            } else {
                self.out.push(&cell);
                self.out.push(", ");
            }
        }
        self.out.push("\n");
    }

    fn end_table(&mut self) {
        self.out.push(")\n");
    }

    fn end(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_becomes_string_literals_that_cannot_escape() {
        assert_eq!(lit(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(lit("x\n#y\u{7}"), "\"x\\n#y\u{FFFD}\"");
        assert_eq!(lit("İğşı"), "\"İğşı\"");
        assert_eq!(
            content(&[Piece::Text("]#exit".into()), Piece::Break]),
            "[#\"]#exit\"#linebreak()]"
        );
    }
}
