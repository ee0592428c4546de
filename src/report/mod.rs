//! The auditor's compliance report of one site or all: a cover, an executive summary with
//! the trend against the previous period, the inventory per BİG group with the evidence and
//! manual tags, to-dos, the period's changes, certificates, risks and vulnerabilities, Shield
//! posture and the method. Every figure comes from the analyses the API serves
//! (`stored_analysis`); the inventory is read a page at a time and written as it is read.
pub mod doc;
pub mod html;
pub mod out;
#[cfg(feature = "pdf")]
pub mod pdf;
mod sections;
pub mod svg;
pub mod text;
pub mod typst_doc;

use crate::analysis::compliance::{self, Breakdown, ComplianceReport};
use crate::analysis::{risk, vulns};
use crate::store::certificates::{self, CertificateFilter, CertificateView};
use crate::store::changes::{self, ChangeFilter, ChangeView};
use crate::store::shield_views::{self, SitePosture};
use crate::store::{self, PageRequest, StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};
use out::{Out, OutError};
use sea_orm::DatabaseConnection;
pub use text::Lang;

/// Rows a report lists per change kind, certificate list and risk list; the rest are counted.
pub const LISTED: u64 = 200;
/// The longest period a report covers.
const MAX_DAYS: i64 = 3 * 366;

/// What to report on.
#[derive(Clone, Debug, Default)]
pub struct ReportRequest {
    /// One site, or None for every site.
    pub site: Option<String>,
    /// Default: 30 days before `to`.
    pub from: Option<DateTime<Utc>>,
    /// Default: now.
    pub to: Option<DateTime<Utc>>,
    pub lang: Lang,
    /// The organisation named on the cover.
    pub organisation: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_checked_and_the_previous_one_is_as_long() {
        let now = Utc::now();
        let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc());
        let req = |from, to| ReportRequest {
            from,
            to,
            ..Default::default()
        };
        let p = Period::of(
            &req(at("2026-11-01T00:00:00Z"), at("2026-11-16T00:00:00Z")),
            now,
        )
        .unwrap();
        assert_eq!(p.previous().from, at("2026-10-17T00:00:00Z").unwrap());
        assert_eq!(p.last_day().format("%Y-%m-%d").to_string(), "2026-11-15");
        assert!(
            Period::of(
                &req(at("2026-11-16T00:00:00Z"), at("2026-11-01T00:00:00Z")),
                now
            )
            .is_err()
        );
        assert!(Period::of(&req(at("0001-01-01T00:00:00Z"), None), now).is_err());
        assert!(
            Period::of(&req(at("2020-01-01T00:00:00Z"), None), now).is_err(),
            "over 3 years"
        );
        let default = Period::of(&req(None, None), now).unwrap();
        assert_eq!(default.to - default.from, Duration::days(30));
    }
}

/// The file a report is written as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One self-contained file that prints well; streamed as it is written.
    #[default]
    Html,
    /// Typeset inside the binary (the `pdf` feature).
    Pdf,
}

impl Format {
    /// `html` or `pdf`; an error names what this build can write.
    pub fn parse(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "html" => Ok(Format::Html),
            "pdf" if cfg!(feature = "pdf") => Ok(Format::Pdf),
            "pdf" => {
                Err("this bigr was built without PDF support (the `pdf` feature); use html".into())
            }
            other => Err(format!("{other:?} is not a report format (html or pdf)")),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }
}

/// Who asked, and when.
#[derive(Clone, Debug)]
pub struct Meta {
    pub generated_by: String,
    pub generated_at: DateTime<Utc>,
}

/// A period, checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn of(req: &ReportRequest, now: DateTime<Utc>) -> StoreResult<Period> {
        // Nothing was scanned before 2000; an earlier date is a typo (and far-off dates would
        // overflow the arithmetic below).
        let earliest = DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z")
            .expect("a fixed date")
            .to_utc();
        if req.from.is_some_and(|t| t < earliest) || req.to.is_some_and(|t| t < earliest) {
            return Err(StoreError::Invalid(
                "the period must start and end after 2000-01-01".into(),
            ));
        }
        let to = req.to.unwrap_or(now).min(now);
        let from = req.from.unwrap_or(to - Duration::days(30));
        if from >= to {
            return Err(StoreError::Invalid(
                "the period's start must be before its end (and before now)".into(),
            ));
        }
        if to - from > Duration::days(MAX_DAYS) {
            return Err(StoreError::Invalid(format!(
                "a report covers at most {MAX_DAYS} days"
            )));
        }
        Ok(Period { from, to })
    }

    /// The last day the period includes (its end is exclusive: midnight after that day).
    pub fn last_day(&self) -> DateTime<Utc> {
        self.to - Duration::seconds(1)
    }

    /// The period of equal length just before.
    pub fn previous(&self) -> Period {
        Period {
            from: self.from - (self.to - self.from),
            to: self.from,
        }
    }
}

/// Changes of one kind in the period: some listed, all counted, and the previous period's
/// count for comparison.
pub struct ChangeSet {
    pub kind: &'static str,
    pub listed: Vec<ChangeView>,
    pub total: u64,
    pub previous: u64,
}

/// Everything but the inventory, read before writing starts.
pub struct Facts {
    pub compliance: ComplianceReport,
    /// The score at the start of the period (None: nothing scanned by then).
    pub previous_score: Option<f64>,
    pub changes: Vec<ChangeSet>,
    pub certificates: Vec<CertificateView>,
    pub certificates_total: u64,
    pub risk: risk::RiskReport,
    pub vulns: vulns::VulnReport,
    pub shield: Vec<SitePosture>,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Out(#[from] OutError),
    /// Typesetting failed: a defect of the report's markup, never of the data.
    #[error("cannot typeset the PDF: {0}")]
    Pdf(String),
}

const CHANGE_KINDS: [&str; 4] = [
    store::change_type::NEW_ASSET,
    store::change_type::ASSET_MISSING,
    store::change_type::IP_CHANGED,
    store::change_type::PORTS_OPENED,
];

async fn change_sets(
    db: &DatabaseConnection,
    site: Option<&str>,
    period: Period,
) -> StoreResult<Vec<ChangeSet>> {
    let mut out = Vec::new();
    for kind in CHANGE_KINDS {
        let filter = |p: Period| ChangeFilter {
            site: site.map(str::to_string),
            change_type: Some(kind.into()),
            since: Some(p.from),
            until: Some(p.to),
            ..Default::default()
        };
        let now = changes::list(db, &filter(period), PageRequest::new(1, LISTED)?).await?;
        let before = changes::list(db, &filter(period.previous()), PageRequest::new(1, 1)?).await?;
        out.push(ChangeSet {
            kind,
            listed: now.items,
            total: now.total,
            previous: before.total,
        });
    }
    Ok(out)
}

/// Reads what the report shows besides the inventory.
pub async fn facts(
    db: &DatabaseConnection,
    site: Option<&str>,
    period: Period,
    now: DateTime<Utc>,
) -> StoreResult<Facts> {
    let scope = store::sites::SiteScope::of(db, site).await?;
    let compliance = crate::stored_analysis::compliance(db, site).await?;
    let mut before = Breakdown::default();
    for c in store::report_rows::classification_counts_at(db, &scope, period.from).await? {
        before.add(&c);
    }
    let previous_score = (before.total_assets > 0).then(|| before.score());
    let certs = certificates::list(
        db,
        &CertificateFilter {
            site: site.map(str::to_string),
            expiring_days: Some(30),
            self_signed: None,
        },
        PageRequest::new(1, LISTED)?,
        now,
    )
    .await?;
    let cves = vulns::CveSnapshot::shared();
    let risk = crate::stored_analysis::risk(db, cves, site, PageRequest::new(1, 10)?, now).await?;
    let listing = vulns::VulnListing {
        kev_only: false,
        page: 1,
        per_page: 20,
    };
    let vulns = crate::stored_analysis::vulnerabilities(db, cves, site, listing).await?;
    Ok(Facts {
        compliance,
        previous_score,
        changes: change_sets(db, site, period).await?,
        certificates: certs.items,
        certificates_total: certs.total,
        risk,
        vulns,
        shield: shield_views::posture(db, site).await?,
    })
}

/// A report ready to be written: its request checked and everything but the inventory read,
/// so that a bad request fails before the first byte goes out.
pub struct Prepared {
    pub req: ReportRequest,
    pub meta: Meta,
    pub period: Period,
    facts: Facts,
    scope: store::sites::SiteScope,
}

impl Prepared {
    /// The file name a download gets: `bigr-report-<site|all-sites>-<date>.html`.
    pub fn file_name(&self, extension: &str) -> String {
        let scope: String = self
            .req
            .site
            .as_deref()
            .unwrap_or("all-sites")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        format!(
            "bigr-report-{scope}-{}.{extension}",
            self.period.last_day().format("%Y%m%d")
        )
    }
}

/// Checks the request and reads the report's figures.
pub async fn prepare(
    db: &DatabaseConnection,
    mut req: ReportRequest,
    meta: Meta,
) -> StoreResult<Prepared> {
    let period = Period::of(&req, meta.generated_at)?;
    req.site = req
        .site
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(o) = &req.organisation
        && o.chars().count() > 200
    {
        return Err(StoreError::Invalid(
            "the organisation name is longer than 200 characters".into(),
        ));
    }
    let scope = store::sites::SiteScope::of(db, req.site.as_deref()).await?;
    let facts = facts(db, req.site.as_deref(), period, meta.generated_at).await?;
    Ok(Prepared {
        req,
        meta,
        period,
        facts,
        scope,
    })
}

impl Prepared {
    fn writer(&self, bounds: Bounds) -> sections::Writer<'_> {
        sections::Writer {
            req: &self.req,
            meta: &self.meta,
            period: self.period,
            words: self.req.lang.words(),
            facts: &self.facts,
            inventory_limit: bounds.inventory,
            list_limit: bounds.lists,
        }
    }
}

/// How much a format lists: the HTML everything, the PDF a bounded part (typesetting holds the
/// whole document in memory).
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Inventory rows (None: every asset).
    pub inventory: Option<u64>,
    /// Rows of each other list (changes, certificates).
    pub lists: usize,
}

impl Bounds {
    pub const ALL: Bounds = Bounds {
        inventory: None,
        lists: usize::MAX,
    };
}

/// Writes every section into `d`, in order; the inventory a page at a time.
async fn write_doc(
    db: &DatabaseConnection,
    p: &Prepared,
    d: &mut impl doc::Doc,
    bounds: Bounds,
) -> Result<(), ReportError> {
    let w = p.writer(bounds);
    w.head(d);
    w.summary(d);
    d.out().flush().await?;
    w.inventory(db, &p.scope, d).await?;
    w.todo(d);
    w.changes(d);
    w.certificates(d);
    w.risks(d);
    w.shield(d);
    w.method(d);
    d.end();
    Ok(())
}

/// Writes the HTML report into `out`, streaming the inventory.
pub async fn write_html(
    db: &DatabaseConnection,
    p: &Prepared,
    out: Out,
) -> Result<out::Target, ReportError> {
    let mut d = html::HtmlDoc::new(out);
    write_doc(db, p, &mut d, Bounds::ALL).await?;
    Ok(d.into_out().finish().await?)
}

/// The PDF report: the same sections written as Typst markup and typeset inside the binary.
/// Typesetting needs the whole document, so the inventory lists at most
/// [`pdf::INVENTORY_LIMIT`] assets and counts the rest.
#[cfg(not(feature = "pdf"))]
pub async fn pdf_bytes(_db: &DatabaseConnection, _p: &Prepared) -> Result<Vec<u8>, ReportError> {
    Err(ReportError::Pdf(
        "this bigr was built without the `pdf` feature".into(),
    ))
}

#[cfg(feature = "pdf")]
pub async fn pdf_bytes(db: &DatabaseConnection, p: &Prepared) -> Result<Vec<u8>, ReportError> {
    let mut d = typst_doc::TypstDoc::new(Out::new(out::Target::Memory(Vec::new())));
    write_doc(db, p, &mut d, pdf::BOUNDS).await?;
    let source = match d.into_out().finish().await? {
        out::Target::Memory(v) => {
            String::from_utf8(v).map_err(|e| ReportError::Pdf(e.to_string()))?
        }
        _ => return Err(ReportError::Pdf("the markup went elsewhere".into())),
    };
    let meta = pdf::Metadata {
        generated_at: p.meta.generated_at,
    };
    tokio::task::spawn_blocking(move || pdf::typeset(&source, &meta))
        .await
        .map_err(|e| ReportError::Pdf(e.to_string()))?
        .map_err(ReportError::Pdf)
}

/// The grade of a score, as everywhere else.
pub fn grade(score: f64) -> &'static str {
    compliance::grade(score)
}
