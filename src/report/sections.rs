//! The report's sections, in order. Each decides what to say and tells a [`Doc`], which
//! writes it as HTML or Typst; the inventory reads and writes a page of assets at a time.
use super::doc::{Cell, Columns, Cover, Doc, Figure, Piece, Row, dash};
use super::text::{Lang, Words};
use super::{Facts, Meta, Period, ReportError, ReportRequest, svg};
use crate::model::Category;
use crate::store::report_rows::{InventoryRow, inventory_page};
use crate::store::sites::SiteScope;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// Assets read and written at once.
const PAGE: u64 = 500;

pub struct Writer<'a> {
    pub req: &'a ReportRequest,
    pub meta: &'a Meta,
    pub period: Period,
    pub words: &'static Words,
    pub facts: &'a Facts,
    /// The most assets the inventory lists (the PDF's bound); the rest are counted.
    pub inventory_limit: Option<u64>,
    /// The most rows each other list shows (the PDF's bound; the HTML shows all it read).
    pub list_limit: usize,
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn pct(n: u64, total: u64) -> String {
    if total == 0 {
        return "—".into();
    }
    format!("{:.1} %", n as f64 / total as f64 * 100.0)
}

/// Splits `limit` rows among groups of `counts` rows: each gets an equal share, and what a
/// small group leaves goes to the larger ones. Never more than a group holds.
fn fair_shares(counts: &[u64], limit: u64) -> Vec<u64> {
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| counts[i]);
    let mut shares = vec![0; counts.len()];
    let mut left = limit;
    for (k, &i) in order.iter().enumerate() {
        let groups_left = (counts.len() - k) as u64;
        let give = counts[i].min(left / groups_left);
        shares[i] = give;
        left -= give;
    }
    shares
}

fn cols<'a>(names: &'a [&'a str], numeric: &'a [usize]) -> Columns<'a> {
    Columns {
        names,
        numeric,
        class: None,
    }
}

impl Writer<'_> {
    fn group(&self, category: &str) -> &'static str {
        let c = Category::ALL
            .into_iter()
            .find(|c| c.as_str() == category)
            .unwrap_or(Category::Unclassified);
        match self.req.lang {
            Lang::Tr => c.label_tr(),
            Lang::En => c.label_en(),
        }
    }

    fn all_sites(&self) -> bool {
        self.req.site.is_none()
    }

    fn more(&self, d: &mut impl Doc, listed: usize, total: u64) {
        if total > listed as u64 {
            let n = total - listed as u64;
            d.note(&self.words.more.replace("{n}", &n.to_string()));
        }
    }

    /// Cover, document metadata and contents.
    pub fn head(&self, d: &mut impl Doc) {
        let w = self.words;
        let scope = self.req.site.clone().unwrap_or_else(|| w.all_sites.into());
        d.begin(&Cover {
            lang: self.req.lang.code(),
            title: w.title,
            scope: &scope,
            facts: vec![
                (w.organisation, dash(self.req.organisation.as_deref())),
                (w.sites, scope.clone()),
                (
                    w.period,
                    format!(
                        "{} — {}",
                        day(self.period.from),
                        day(self.period.last_day())
                    ),
                ),
                (w.generated, date(self.meta.generated_at)),
                (w.generated_by, self.meta.generated_by.clone()),
            ],
            contents_title: w.contents,
            contents: vec![
                ("summary", w.summary),
                ("inventory", w.inventory),
                ("todo", w.todo),
                ("changes", w.changes),
                ("certificates", w.certificates),
                ("risks", w.risks),
                ("shield", w.shield),
                ("method", w.method),
            ],
            author: &self.meta.generated_by,
            generated_at: self.meta.generated_at,
        });
    }

    /// Score, grade, trend, groups and sites.
    pub fn summary(&self, d: &mut impl Doc) {
        let w = self.words;
        let c = &self.facts.compliance;
        let b = &c.breakdown;
        d.section("summary", w.summary);
        let delta = match self.facts.previous_score {
            Some(p) => format!("{:+.1}", c.compliance_score - p),
            None => "—".into(),
        };
        d.figures(&[
            Figure {
                label: w.score.into(),
                mark: Some("score"),
                chart: Some(svg::gauge(c.compliance_score, c.grade)),
                value: Some(format!("{:.1}", c.compliance_score)),
                value_mark: None,
                note: Some((w.grade.into(), c.grade.into(), "grade")),
            },
            Figure {
                label: w.assets.into(),
                value: Some(b.total_assets.to_string()),
                value_mark: Some("assets"),
                ..Default::default()
            },
            Figure {
                label: format!("{} ({} {})", w.trend, w.previous, day(self.period.from)),
                chart: Some(svg::trend(
                    self.facts.previous_score,
                    c.compliance_score,
                    (w.previous, w.this_period),
                )),
                note: Some((w.trend.into(), delta, "trend")),
                ..Default::default()
            },
        ]);
        let bars: Vec<(String, u64, &str)> = Category::ALL
            .iter()
            .map(|cat| {
                let n = c.distribution.get(cat.as_str()).copied().unwrap_or(0);
                (
                    self.group(cat.as_str()).to_string(),
                    n,
                    svg::group_colour(cat.as_str()),
                )
            })
            .collect();
        d.subheading(w.per_group, None);
        d.chart(&svg::bars(&bars));
        d.table(&Columns {
            names: &[w.group, w.assets, w.share],
            numeric: &[1, 2],
            class: Some("groups"),
        });
        for (label, n, _) in &bars {
            d.row(&Row::of(vec![
                Cell::text(label.as_str()),
                Cell::text(n.to_string()).marked("group-count"),
                Cell::text(pct(*n, b.total_assets)),
            ]));
        }
        d.end_table();
        d.table(&cols(
            &[w.fully, w.partially, w.unclassified, w.manual],
            &[0, 1, 2, 3],
        ));
        d.row(&Row::of(
            [
                b.fully_classified,
                b.partially_classified,
                b.unclassified,
                b.manual_overrides,
            ]
            .iter()
            .map(|n| Cell::text(n.to_string()))
            .collect(),
        ));
        d.end_table();
        if c.sites.len() > 1 {
            d.subheading(w.per_site, None);
            d.table(&cols(&[w.site, w.assets, w.score, w.grade], &[1, 2]));
            for s in &c.sites {
                d.row(&Row::of(vec![
                    Cell::text(s.name.as_str()),
                    Cell::text(s.breakdown.total_assets.to_string()),
                    Cell::text(format!("{:.1}", s.score)),
                    Cell::text(s.grade),
                ]));
            }
            d.end_table();
        }
    }

    fn asset_row(&self, a: &InventoryRow) -> Row {
        let w = self.words;
        let mut evidence = Vec::new();
        for e in &a.evidence {
            if !evidence.is_empty() {
                evidence.push(Piece::Break);
            }
            evidence.push(Piece::Text(format!("{}: {}", e.rule, e.value)));
        }
        if evidence.is_empty() {
            evidence.push(Piece::Text("—".into()));
        }
        let mut tag = Vec::new();
        if a.manual {
            let mut t = String::from("✓");
            if let Some(n) = a.manual_note.as_deref().filter(|n| !n.trim().is_empty()) {
                t.push_str(&format!(" {n}"));
            }
            tag.push(Piece::Text(t));
            tag.push(Piece::Break);
            tag.push(Piece::Small(format!(
                "{}: {}{}",
                w.tagged_by,
                dash(a.tagged_by.as_deref()),
                a.tagged_at
                    .map(|t| format!(", {}", day(t)))
                    .unwrap_or_default()
            )));
        }
        let mut cells = Vec::with_capacity(9);
        if self.all_sites() {
            cells.push(Cell::text(a.site.as_str()));
        }
        let ip = if a.missing {
            Cell::of(vec![
                Piece::Text(format!("{} ", a.ip)),
                Piece::Badge(w.missing.into()),
            ])
        } else {
            Cell::text(a.ip.as_str())
        };
        cells.extend([
            ip,
            Cell::of(vec![Piece::Mono(dash(a.mac.as_deref()))]),
            Cell::opt(a.hostname.as_deref()),
            Cell::opt(a.vendor.as_deref()),
            Cell::text(a.device_type.as_str()),
            Cell::text(format!("{:.2}", a.confidence)),
            Cell::of(evidence),
            Cell::of(tag),
        ]);
        Row {
            cells,
            faded: a.missing,
            mark: None,
        }
    }

    /// Every group's assets, a page at a time, up to the writer's limit.
    pub async fn inventory(
        &self,
        db: &DatabaseConnection,
        scope: &SiteScope,
        d: &mut impl Doc,
    ) -> Result<(), ReportError> {
        let w = self.words;
        d.section("inventory", w.inventory);
        let mut names = vec![
            w.ip,
            w.mac,
            w.name,
            w.vendor,
            w.device_type,
            w.confidence,
            w.evidence,
            w.tag,
        ];
        if self.all_sites() {
            names.insert(0, w.site);
        }
        let numeric = [names.len() - 3];
        let counts: Vec<u64> = Category::ALL
            .iter()
            .map(|c| {
                let d = &self.facts.compliance.distribution;
                d.get(c.as_str()).copied().unwrap_or(0)
            })
            .collect();
        let shares = match self.inventory_limit {
            Some(limit) => fair_shares(&counts, limit),
            // The HTML lists every row the store has, whatever the counts said a moment ago.
            None => vec![u64::MAX; counts.len()],
        };
        for ((cat, &n), &share) in Category::ALL.iter().zip(&counts).zip(&shares) {
            let mut room = share;
            d.subheading(
                &format!("{} ({n})", self.group(cat.as_str())),
                Some(cat.as_str()),
            );
            let mut after = None;
            let mut listed = 0u64;
            loop {
                if room == 0 {
                    if n == 0 {
                        d.para(&[Piece::Text(w.no_assets.into())]);
                    }
                    break;
                }
                let (rows, next) =
                    inventory_page(db, scope, cat.as_str(), after.as_ref(), PAGE.min(room)).await?;
                if listed == 0 {
                    if rows.is_empty() {
                        d.para(&[Piece::Text(w.no_assets.into())]);
                        break;
                    }
                    d.table(&cols(&names, &numeric));
                }
                for a in &rows {
                    d.row(&self.asset_row(a));
                }
                listed += rows.len() as u64;
                room -= rows.len() as u64;
                d.out().flush().await?;
                match next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            if listed > 0 {
                d.end_table();
            }
            if let Some(limit) = self.inventory_limit
                && n > listed
            {
                d.note(
                    &w.more_elsewhere
                        .replace("{n}", &(n - listed).to_string())
                        .replace("{limit}", &limit.to_string()),
                );
            }
        }
        Ok(())
    }

    /// Unclassified and low-confidence assets, and open serious findings.
    pub fn todo(&self, d: &mut impl Doc) {
        let w = self.words;
        let c = &self.facts.compliance;
        d.section("todo", w.todo);
        d.para(&[Piece::Text(w.todo_intro.into())]);
        if c.action_items.is_empty() {
            d.para(&[Piece::Text(w.none.into())]);
            return;
        }
        d.table(&cols(&[w.site, w.ip, w.name, w.reason], &[]));
        for item in &c.action_items {
            let reason = if item.priority == "critical" {
                Piece::Bad(item.reason.clone())
            } else {
                Piece::Text(item.reason.clone())
            };
            d.row(&Row::of(vec![
                Cell::text(item.site.as_str()),
                Cell::text(item.ip.as_str()),
                Cell::opt(item.hostname.as_deref()),
                Cell::of(vec![reason]),
            ]));
        }
        d.end_table();
        self.more(d, c.action_items.len(), c.action_items_total);
    }

    /// New, missing and moved devices, and opened ports, against the previous period.
    pub fn changes(&self, d: &mut impl Doc) {
        let w = self.words;
        d.section("changes", w.changes);
        d.table(&cols(&[w.detail, w.this_period, w.previous], &[1, 2]));
        let label = |kind: &str| match kind {
            "new_asset" => w.new_devices,
            "asset_missing" => w.gone_missing,
            "ip_changed" => w.moved,
            _ => w.ports_opened,
        };
        for set in &self.facts.changes {
            d.row(&Row {
                cells: vec![
                    Cell::text(label(set.kind)),
                    Cell::text(set.total.to_string()),
                    Cell::text(set.previous.to_string()),
                ],
                faded: false,
                mark: Some(("change", set.kind.into())),
            });
        }
        d.end_table();
        for set in self.facts.changes.iter().filter(|s| !s.listed.is_empty()) {
            d.subheading(label(set.kind), None);
            d.table(&cols(&[w.when, w.site, w.ip, w.mac, w.name, w.detail], &[]));
            let listed = &set.listed[..set.listed.len().min(self.list_limit)];
            for c in listed {
                let detail = match (&c.old_value, &c.new_value) {
                    (Some(o), Some(n)) => format!("{o} → {n}"),
                    (None, Some(n)) => n.clone(),
                    (Some(o), None) => o.clone(),
                    (None, None) => String::new(),
                };
                d.row(&Row::of(vec![
                    Cell::text(date(c.detected_at)),
                    Cell::text(c.site.as_str()),
                    Cell::text(c.ip.as_str()),
                    Cell::of(vec![Piece::Mono(dash(c.mac.as_deref()))]),
                    Cell::opt(c.hostname.as_deref()),
                    Cell::text(detail),
                ]));
            }
            d.end_table();
            self.more(d, listed.len(), set.total);
        }
    }

    /// Certificates expired or expiring within 30 days.
    pub fn certificates(&self, d: &mut impl Doc) {
        let w = self.words;
        d.section("certificates", w.certificates);
        d.para(&[Piece::Text(w.cert_intro.into())]);
        if self.facts.certificates.is_empty() {
            d.para(&[Piece::Text(w.none.into())]);
            return;
        }
        d.table(&cols(
            &[w.subject, w.site, w.ip, w.expires, w.days_left],
            &[4],
        ));
        let certs = &self.facts.certificates;
        let certs = &certs[..certs.len().min(self.list_limit)];
        for c in certs {
            let left = match c.days_until_expiry {
                Some(n) if n < 0 => Piece::Bad(w.expired.into()),
                Some(n) => Piece::Text(n.to_string()),
                None => Piece::Text("—".into()),
            };
            d.row(&Row::of(vec![
                Cell::opt(c.subject_cn.as_deref()),
                Cell::text(c.site.as_str()),
                Cell::text(format!("{}:{}", c.ip, c.port)),
                Cell::text(c.not_after.map(day).unwrap_or_else(|| "—".into())),
                Cell::of(vec![left]),
            ]));
        }
        d.end_table();
        self.more(d, certs.len(), self.facts.certificates_total);
    }

    /// The highest risks and the known vulnerabilities.
    pub fn risks(&self, d: &mut impl Doc) {
        let w = self.words;
        let r = &self.facts.risk;
        d.section("risks", w.risks);
        if r.top_risks.is_empty() {
            d.para(&[Piece::Text(w.none.into())]);
        } else {
            d.table(&cols(
                &[w.ip, w.name, w.vendor, w.group, w.risk, w.cves],
                &[4, 5],
            ));
            for p in &r.top_risks {
                d.row(&Row::of(vec![
                    Cell::text(p.ip.as_str()),
                    Cell::opt(p.hostname.as_deref()),
                    Cell::opt(p.vendor.as_deref()),
                    Cell::text(self.group(&p.category)),
                    Cell::text(format!("{:.1} ({})", p.risk_score, p.risk_level)),
                    Cell::text(format!(
                        "{}{}",
                        p.cve_count,
                        p.top_cve
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default()
                    )),
                ]));
            }
            d.end_table();
        }
        let v = &self.facts.vulns;
        d.subheading(w.vulns, None);
        d.para(&[Piece::Text(format!(
            "{}: {} / {} · {}: {}",
            w.assets, v.vulnerable_assets, v.assets_scanned, w.kev, v.kev_assets
        ))]);
        if !v.assets.is_empty() {
            d.table(&cols(&[w.ip, w.name, "CVSS", w.kev, w.cves], &[2, 3]));
            for a in &v.assets {
                let ids = a
                    .matches
                    .iter()
                    .take(5)
                    .map(|m| m.cve_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                d.row(&Row::of(vec![
                    Cell::text(a.ip.as_str()),
                    Cell::opt(a.hostname.as_deref()),
                    Cell::text(format!("{:.1}", a.max_cvss)),
                    Cell::text(a.kev_count.to_string()),
                    Cell::text(ids),
                ]));
            }
            d.end_table();
        }
    }

    /// Shield posture per site, when there is any.
    pub fn shield(&self, d: &mut impl Doc) {
        let w = self.words;
        d.section("shield", w.shield);
        if self.facts.shield.is_empty() {
            d.para(&[Piece::Text(w.shield_none.into())]);
            return;
        }
        d.table(&cols(
            &[w.site, w.score, w.grade, w.when, w.open_findings],
            &[1],
        ));
        for p in &self.facts.shield {
            let open = ["critical", "high", "medium", "low"]
                .iter()
                .map(|s| format!("{s}: {}", p.open.get(*s).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(" · ");
            d.row(&Row::of(vec![
                Cell::text(p.site.as_str()),
                Cell::text(
                    p.score
                        .map(|s| format!("{s:.1}"))
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::opt(p.grade.as_deref()),
                Cell::text(p.last_scan_at.map(date).unwrap_or_else(|| "—".into())),
                Cell::text(open),
            ]));
        }
        d.end_table();
    }

    /// How the figures are made.
    pub fn method(&self, d: &mut impl Doc) {
        let w = self.words;
        d.section("method", w.method);
        for p in w.method_text {
            d.para(&[Piece::Text((*p).into())]);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_share_the_pdf_inventory_fairly() {
        assert_eq!(
            super::fair_shares(&[5000, 10, 3000, 0, 40], 1000),
            vec![475, 10, 475, 0, 40]
        );
        assert_eq!(super::fair_shares(&[1, 2, 3], 1000), vec![1, 2, 3]);
        assert_eq!(super::fair_shares(&[900, 900], 1000), vec![500, 500]);
    }
}
