//! Typesetting the report's Typst markup into a PDF inside the binary: no browser, no
//! external program, no file or network access. The fonts (DejaVu Sans and Sans Mono, which
//! cover Turkish) are embedded; the markup can read nothing else.
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// What a PDF lists: at most 500 assets, shared fairly among the groups, and 50 rows of each
/// other list; the rest are counted. Typesetting holds the whole document in memory (about
/// 100 KB per table row, measured with Typst 0.15): 1 000 assets and 200 rows per list took
/// 280 MB. These bounds keep a PDF under the report's 5 s and 200 MB; the HTML report
/// (streamed) and the CSV export list every asset.
pub const BOUNDS: super::Bounds = super::Bounds {
    inventory: Some(INVENTORY_LIMIT),
    lists: 50,
};
pub const INVENTORY_LIMIT: u64 = 500;

static FONT_FILES: [&[u8]; 3] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A world of one source file and the embedded fonts.
struct ReportWorld {
    source: Source,
    today: Datetime,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.source.id() {
            Ok(Bytes::from_string(self.source.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// When the report was made (the PDF's dates).
pub struct Metadata {
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

/// Typst's errors, each with the markup it points at.
fn describe(world: &ReportWorld, errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .take(5)
        .map(|e| {
            let at = world
                .range(e.span)
                .and_then(|r| world.source.text().get(r))
                .map(|t| t.chars().take(80).collect::<String>())
                .unwrap_or_default();
            format!("{} (at `{at}`)", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets `markup` into PDF bytes. CPU-bound: call it off the async threads.
pub fn typeset(markup: &str, meta: &Metadata) -> Result<Vec<u8>, String> {
    use chrono::Datelike;
    let at = meta.generated_at;
    let world = ReportWorld {
        source: Source::detached(markup),
        today: Datetime::from_ymd(at.year(), at.month() as u8, at.day() as u8)
            .ok_or("the report's date is out of range")?,
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let result = compiled
        .map_err(|errors| describe(&world, &errors))
        .and_then(|doc| {
            let options = typst_pdf::PdfOptions {
                creator: Smart::Custom(Some(format!("bigr {}", crate::version::current()))),
                // Tags (the structure tree for screen readers) made a 1 000-row inventory
                // twenty times larger; the HTML report is the accessible form.
                tagged: false,
                ..Default::default()
            };
            typst_pdf::pdf(&doc, &options).map_err(|errors| describe(&world, &errors))
        });
    // Typst memoises layout work in a process-wide cache; a server makes one report after
    // another from different data, so nothing in it would be reused: drop it all.
    typst::comemo::evict(0);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_text_typesets_with_the_embedded_fonts_and_bad_markup_is_described() {
        let meta = Metadata {
            generated_at: chrono::Utc::now(),
        };
        let pdf = typeset(
            "#set text(font: \"DejaVu Sans\")\n#\"Ağ ve Sistemler: İğşıçöü\"",
            &meta,
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let err = typeset("#nosuchfunction()", &meta).unwrap_err();
        assert!(err.contains("nosuchfunction"), "{err}");
        assert!(typeset("#read(\"/etc/passwd\")", &meta).is_err());
    }
}
