//! What a report says, apart from how it is written: the sections decide the content (which
//! figures, which rows, which words) and call a [`Doc`]; the HTML and the Typst (PDF) writers
//! each turn those calls into their own markup. So the two formats can never disagree on a
//! figure, and neither holds a copy of the other's logic.
use super::out::Out;

/// A piece of text inside a paragraph or a table cell, with its emphasis.
#[derive(Clone, Debug)]
pub enum Piece {
    Text(String),
    /// Identifiers that read better in a fixed-width face (MAC addresses).
    Mono(String),
    /// Something wrong (expired, critical).
    Bad(String),
    /// A short label beside a value (missing).
    Badge(String),
    /// Secondary text (who tagged, when).
    Small(String),
    Break,
}

/// One table cell: its pieces, and an optional marker attribute the HTML carries for tools
/// and tests that read the figures back (`data-group-count`).
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub pieces: Vec<Piece>,
    pub mark: Option<&'static str>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            pieces: vec![Piece::Text(s.into())],
            mark: None,
        }
    }

    /// A value, or a dash when it is missing or blank.
    pub fn opt(v: Option<&str>) -> Cell {
        Cell::text(dash(v))
    }

    pub fn of(pieces: Vec<Piece>) -> Cell {
        Cell { pieces, mark: None }
    }

    pub fn marked(mut self, mark: &'static str) -> Cell {
        self.mark = Some(mark);
        self
    }
}

/// A value, or a dash.
pub fn dash(v: Option<&str>) -> String {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => "—".into(),
    }
}

/// One table row.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Shown greyed out: a device that has gone missing.
    pub faded: bool,
    /// A `data-…` attribute naming what the row counts (`data-change="new_asset"`).
    pub mark: Option<(&'static str, String)>,
}

impl Row {
    pub fn of(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            ..Default::default()
        }
    }
}

/// A headline figure of the summary: a label, maybe a chart, a big value, and a note line
/// with a bold value (`Grade: B`). Marks name the figure for readers of the HTML.
#[derive(Clone, Debug, Default)]
pub struct Figure {
    pub label: String,
    pub mark: Option<&'static str>,
    pub chart: Option<String>,
    pub value: Option<String>,
    pub value_mark: Option<&'static str>,
    pub note: Option<(String, String, &'static str)>,
}

/// The cover: title, the labelled facts under it, the contents, and the document's metadata.
pub struct Cover<'a> {
    pub lang: &'static str,
    pub title: &'a str,
    /// The site, or "all sites": part of the document title.
    pub scope: &'a str,
    pub facts: Vec<(&'a str, String)>,
    pub contents_title: &'a str,
    /// Section ids and titles, in order.
    pub contents: Vec<(&'static str, &'a str)>,
    pub author: &'a str,
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

/// A table's columns: names, and which ones hold numbers (aligned right).
pub struct Columns<'a> {
    pub names: &'a [&'a str],
    pub numeric: &'a [usize],
    /// A style name for the HTML (`groups`).
    pub class: Option<&'static str>,
}

/// A writer of one report format. Calls come in document order; tables are opened, filled a
/// row at a time (the inventory streams) and closed.
pub trait Doc {
    fn out(&mut self) -> &mut Out;
    fn begin(&mut self, cover: &Cover);
    /// Opens a top-level section (closing the previous one).
    fn section(&mut self, id: &str, title: &str);
    /// A sub-heading; `group` marks an inventory group's heading.
    fn subheading(&mut self, text: &str, group: Option<&str>);
    fn para(&mut self, pieces: &[Piece]);
    /// A note in small print (how many more rows there are).
    fn note(&mut self, text: &str);
    fn figures(&mut self, figures: &[Figure]);
    /// An inline SVG chart.
    fn chart(&mut self, svg: &str);
    fn table(&mut self, columns: &Columns);
    fn row(&mut self, row: &Row);
    fn end_table(&mut self);
    /// Closes the last section and the document.
    fn end(&mut self);
}
