//! The report's sections, in order. Each writes escaped HTML into the output; the inventory
//! reads and writes a page of assets at a time.
use super::html::{STYLE, esc, opt, row, thead};
use super::out::Out;
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

    fn more(&self, out: &mut Out, listed: usize, total: u64) {
        if total > listed as u64 {
            let n = total - listed as u64;
            out.push(&format!(
                r#"<p class="small">{}</p>"#,
                esc(&self.words.more.replace("{n}", &n.to_string()))
            ));
        }
    }

    /// Document head, style, cover and contents.
    pub fn head(&self, out: &mut Out) {
        let w = self.words;
        let scope = self.req.site.clone().unwrap_or_else(|| w.all_sites.into());
        out.push(&format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"generator\" content=\"bigr {version}\">\
             <title>{title} — {scope}</title><style>{STYLE}</style></head><body><main>",
            lang = self.req.lang.code(),
            version = env!("CARGO_PKG_VERSION"),
            title = esc(w.title),
            scope = esc(&scope),
        ));
        out.push(&format!(
            "<section class=\"cover\"><h1>{}</h1><dl>\
             <dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} — {}</dd>\
             <dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl></section>",
            esc(w.title),
            esc(w.organisation),
            opt(self.req.organisation.as_deref()),
            esc(w.sites),
            esc(&scope),
            esc(w.period),
            day(self.period.from),
            day(self.period.last_day()),
            esc(w.generated),
            date(self.meta.generated_at),
            esc(w.generated_by),
            esc(&self.meta.generated_by),
        ));
        let items = [
            ("summary", w.summary),
            ("inventory", w.inventory),
            ("todo", w.todo),
            ("changes", w.changes),
            ("certificates", w.certificates),
            ("risks", w.risks),
            ("shield", w.shield),
            ("method", w.method),
        ];
        out.push(&format!(
            "<nav><h2 class=\"keep\">{}</h2><ol>",
            esc(w.contents)
        ));
        for (id, label) in items {
            out.push(&format!("<li><a href=\"#{id}\">{}</a></li>", esc(label)));
        }
        out.push("</ol></nav>");
    }

    /// Score, grade, trend, groups and sites.
    pub fn summary(&self, out: &mut Out) {
        let w = self.words;
        let c = &self.facts.compliance;
        let b = &c.breakdown;
        out.push(&format!(
            "<section id=\"summary\"><h2>{}</h2><div class=\"figures\">",
            esc(w.summary)
        ));
        out.push(&format!(
            "<div class=\"figure\" data-figure=\"score\"><div>{}</div>{}<div class=\"value\">{:.1}</div><div>{}: <b data-figure=\"grade\">{}</b></div></div>",
            esc(w.score),
            svg::gauge(c.compliance_score, c.grade),
            c.compliance_score,
            esc(w.grade),
            c.grade
        ));
        out.push(&format!(
            "<div class=\"figure\"><div>{}</div><div class=\"value\" data-figure=\"assets\">{}</div></div>",
            esc(w.assets),
            b.total_assets
        ));
        let delta = match self.facts.previous_score {
            Some(p) => format!("{:+.1}", c.compliance_score - p),
            None => "—".into(),
        };
        out.push(&format!(
            "<div class=\"figure\"><div>{} ({} {})</div>{}<div>{}: <b data-figure=\"trend\">{delta}</b></div></div></div>",
            esc(w.trend),
            esc(w.previous),
            day(self.period.from),
            svg::trend(
                self.facts.previous_score,
                c.compliance_score,
                (w.previous, w.this_period)
            ),
            esc(w.trend),
        ));
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
        out.push(&format!(
            "<h3>{}</h3>{}",
            esc(w.per_group),
            svg::bars(&bars)
        ));
        out.push(&format!(
            "<table class=\"groups\">{}<tbody>",
            thead(&[w.group, w.assets, w.share], &[1, 2])
        ));
        for (label, n, _) in &bars {
            out.push(&format!(
                "<tr><td>{}</td><td class=\"num\" data-group-count>{n}</td><td class=\"num\">{}</td></tr>",
                esc(label),
                pct(*n, b.total_assets)
            ));
        }
        out.push("</tbody></table>");
        out.push(&format!(
            "<table>{}<tbody>",
            thead(
                &[w.fully, w.partially, w.unclassified, w.manual],
                &[0, 1, 2, 3]
            )
        ));
        out.push(&format!(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></tbody></table>",
            b.fully_classified, b.partially_classified, b.unclassified, b.manual_overrides
        ));
        if c.sites.len() > 1 {
            out.push(&format!(
                "<h3>{}</h3><table>{}<tbody>",
                esc(w.per_site),
                thead(&[w.site, w.assets, w.score, w.grade], &[1, 2])
            ));
            for s in &c.sites {
                out.push(&row(&[
                    esc(&s.name),
                    s.breakdown.total_assets.to_string(),
                    format!("{:.1}", s.score),
                    s.grade.to_string(),
                ]));
            }
            out.push("</tbody></table>");
        }
        out.push("</section>");
    }

    fn asset_row(&self, a: &InventoryRow) -> String {
        let w = self.words;
        let evidence = a
            .evidence
            .iter()
            .map(|e| format!("{}: {}", esc(&e.rule), esc(&e.value)))
            .collect::<Vec<_>>()
            .join("<br>");
        let tag = if a.manual {
            let mut t = String::from("✓");
            if let Some(n) = a.manual_note.as_deref().filter(|n| !n.trim().is_empty()) {
                t.push_str(&format!(" {}", esc(n)));
            }
            t.push_str(&format!(
                r#"<br><span class="small">{}: {}{}</span>"#,
                esc(w.tagged_by),
                opt(a.tagged_by.as_deref()),
                a.tagged_at
                    .map(|t| format!(", {}", day(t)))
                    .unwrap_or_default()
            ));
            t
        } else {
            String::new()
        };
        let mut cells = Vec::with_capacity(9);
        if self.all_sites() {
            cells.push(esc(&a.site));
        }
        let ip = if a.missing {
            format!(
                r#"{} <span class="badge">{}</span>"#,
                esc(&a.ip),
                esc(w.missing)
            )
        } else {
            esc(&a.ip)
        };
        cells.extend([
            ip,
            format!(r#"<span class="mono">{}</span>"#, opt(a.mac.as_deref())),
            opt(a.hostname.as_deref()),
            opt(a.vendor.as_deref()),
            esc(&a.device_type),
            format!("{:.2}", a.confidence),
            if evidence.is_empty() {
                "—".into()
            } else {
                evidence
            },
            tag,
        ]);
        if a.missing {
            row(&cells).replacen("<tr>", r#"<tr class="missing">"#, 1)
        } else {
            row(&cells)
        }
    }

    /// Every group's assets, a page at a time.
    pub async fn inventory(
        &self,
        db: &DatabaseConnection,
        scope: &SiteScope,
        out: &mut Out,
    ) -> Result<(), ReportError> {
        let w = self.words;
        out.push(&format!(
            "<section id=\"inventory\"><h2>{}</h2>",
            esc(w.inventory)
        ));
        let mut cols = vec![
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
            cols.insert(0, w.site);
        }
        let numeric = [cols.len() - 3];
        for cat in Category::ALL {
            let n = self
                .facts
                .compliance
                .distribution
                .get(cat.as_str())
                .copied()
                .unwrap_or(0);
            out.push(&format!(
                "<h3 data-group=\"{}\">{} ({n})</h3>",
                cat.as_str(),
                esc(self.group(cat.as_str()))
            ));
            let mut after = None;
            let mut first = true;
            loop {
                let (rows, next) =
                    inventory_page(db, scope, cat.as_str(), after.as_ref(), PAGE).await?;
                if first {
                    if rows.is_empty() {
                        out.push(&format!("<p>{}</p>", esc(w.no_assets)));
                        break;
                    }
                    out.push(&format!("<table>{}<tbody>", thead(&cols, &numeric)));
                    first = false;
                }
                for a in &rows {
                    out.push(&self.asset_row(a));
                }
                out.flush().await?;
                match next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            if !first {
                out.push("</tbody></table>");
            }
        }
        out.push("</section>");
        Ok(())
    }

    /// Unclassified and low-confidence assets, and open serious findings.
    pub fn todo(&self, out: &mut Out) {
        let w = self.words;
        let c = &self.facts.compliance;
        out.push(&format!(
            "<section id=\"todo\"><h2>{}</h2><p>{}</p>",
            esc(w.todo),
            esc(w.todo_intro)
        ));
        if c.action_items.is_empty() {
            out.push(&format!("<p>{}</p></section>", esc(w.none)));
            return;
        }
        out.push(&format!(
            "<table>{}<tbody>",
            thead(&[w.site, w.ip, w.name, w.reason], &[])
        ));
        for item in &c.action_items {
            let reason = if item.priority == "critical" {
                format!(r#"<span class="bad">{}</span>"#, esc(&item.reason))
            } else {
                esc(&item.reason)
            };
            out.push(&row(&[
                esc(&item.site),
                esc(&item.ip),
                opt(item.hostname.as_deref()),
                reason,
            ]));
        }
        out.push("</tbody></table>");
        self.more(out, c.action_items.len(), c.action_items_total);
        out.push("</section>");
    }

    /// New, missing and moved devices, and opened ports, against the previous period.
    pub fn changes(&self, out: &mut Out) {
        let w = self.words;
        out.push(&format!(
            "<section id=\"changes\"><h2>{}</h2><table>{}<tbody>",
            esc(w.changes),
            thead(&[w.detail, w.this_period, w.previous], &[1, 2])
        ));
        let label = |kind: &str| match kind {
            "new_asset" => w.new_devices,
            "asset_missing" => w.gone_missing,
            "ip_changed" => w.moved,
            _ => w.ports_opened,
        };
        for set in &self.facts.changes {
            out.push(&format!(
                "<tr data-change=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                set.kind,
                esc(label(set.kind)),
                set.total,
                set.previous
            ));
        }
        out.push("</tbody></table>");
        for set in self.facts.changes.iter().filter(|s| !s.listed.is_empty()) {
            out.push(&format!(
                "<h3>{}</h3><table>{}<tbody>",
                esc(label(set.kind)),
                thead(&[w.when, w.site, w.ip, w.mac, w.name, w.detail], &[])
            ));
            for c in &set.listed {
                let detail = match (&c.old_value, &c.new_value) {
                    (Some(o), Some(n)) => format!("{} → {}", esc(o), esc(n)),
                    (None, Some(n)) => esc(n),
                    (Some(o), None) => esc(o),
                    (None, None) => String::new(),
                };
                out.push(&row(&[
                    date(c.detected_at),
                    esc(&c.site),
                    esc(&c.ip),
                    format!(r#"<span class="mono">{}</span>"#, opt(c.mac.as_deref())),
                    opt(c.hostname.as_deref()),
                    detail,
                ]));
            }
            out.push("</tbody></table>");
            self.more(out, set.listed.len(), set.total);
        }
        out.push("</section>");
    }

    /// Certificates expired or expiring within 30 days.
    pub fn certificates(&self, out: &mut Out) {
        let w = self.words;
        out.push(&format!(
            "<section id=\"certificates\"><h2>{}</h2><p>{}</p>",
            esc(w.certificates),
            esc(w.cert_intro)
        ));
        if self.facts.certificates.is_empty() {
            out.push(&format!("<p>{}</p></section>", esc(w.none)));
            return;
        }
        out.push(&format!(
            "<table>{}<tbody>",
            thead(&[w.subject, w.site, w.ip, w.expires, w.days_left], &[4])
        ));
        for c in &self.facts.certificates {
            let left = match c.days_until_expiry {
                Some(d) if d < 0 => format!(r#"<span class="bad">{}</span>"#, esc(w.expired)),
                Some(d) => d.to_string(),
                None => "—".into(),
            };
            out.push(&row(&[
                opt(c.subject_cn.as_deref()),
                esc(&c.site),
                format!("{}:{}", esc(&c.ip), c.port),
                c.not_after.map(day).unwrap_or_else(|| "—".into()),
                left,
            ]));
        }
        out.push("</tbody></table>");
        self.more(
            out,
            self.facts.certificates.len(),
            self.facts.certificates_total,
        );
        out.push("</section>");
    }

    /// The highest risks and the known vulnerabilities.
    pub fn risks(&self, out: &mut Out) {
        let w = self.words;
        let r = &self.facts.risk;
        out.push(&format!("<section id=\"risks\"><h2>{}</h2>", esc(w.risks)));
        if r.top_risks.is_empty() {
            out.push(&format!("<p>{}</p>", esc(w.none)));
        } else {
            out.push(&format!(
                "<table>{}<tbody>",
                thead(&[w.ip, w.name, w.vendor, w.group, w.risk, w.cves], &[4, 5])
            ));
            for p in &r.top_risks {
                out.push(&row(&[
                    esc(&p.ip),
                    opt(p.hostname.as_deref()),
                    opt(p.vendor.as_deref()),
                    esc(self.group(&p.category)),
                    format!("{:.1} ({})", p.risk_score, p.risk_level),
                    format!(
                        "{}{}",
                        p.cve_count,
                        p.top_cve
                            .as_deref()
                            .map(|c| format!(" ({})", esc(c)))
                            .unwrap_or_default()
                    ),
                ]));
            }
            out.push("</tbody></table>");
        }
        let v = &self.facts.vulns;
        out.push(&format!(
            "<h3>{}</h3><p>{}: {} / {} · {}: {}</p>",
            esc(w.vulns),
            esc(w.assets),
            v.vulnerable_assets,
            v.assets_scanned,
            esc(w.kev),
            v.kev_assets
        ));
        if !v.assets.is_empty() {
            out.push(&format!(
                "<table>{}<tbody>",
                thead(&[w.ip, w.name, "CVSS", w.kev, w.cves], &[2, 3])
            ));
            for a in &v.assets {
                let ids = a
                    .matches
                    .iter()
                    .take(5)
                    .map(|m| esc(&m.cve_id))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(&row(&[
                    esc(&a.ip),
                    opt(a.hostname.as_deref()),
                    format!("{:.1}", a.max_cvss),
                    a.kev_count.to_string(),
                    ids,
                ]));
            }
            out.push("</tbody></table>");
        }
        out.push("</section>");
    }

    /// Shield posture per site, when there is any.
    pub fn shield(&self, out: &mut Out) {
        let w = self.words;
        out.push(&format!(
            "<section id=\"shield\"><h2>{}</h2>",
            esc(w.shield)
        ));
        if self.facts.shield.is_empty() {
            out.push(&format!("<p>{}</p></section>", esc(w.shield_none)));
            return;
        }
        out.push(&format!(
            "<table>{}<tbody>",
            thead(&[w.site, w.score, w.grade, w.when, w.open_findings], &[1])
        ));
        for p in &self.facts.shield {
            let open = ["critical", "high", "medium", "low"]
                .iter()
                .map(|s| format!("{s}: {}", p.open.get(*s).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(" · ");
            out.push(&row(&[
                esc(&p.site),
                p.score
                    .map(|s| format!("{s:.1}"))
                    .unwrap_or_else(|| "—".into()),
                opt(p.grade.as_deref()),
                p.last_scan_at.map(date).unwrap_or_else(|| "—".into()),
                open,
            ]));
        }
        out.push("</tbody></table></section>");
    }

    /// How the figures are made.
    pub fn method(&self, out: &mut Out) {
        let w = self.words;
        out.push(&format!(
            "<section id=\"method\"><h2>{}</h2>",
            esc(w.method)
        ));
        for p in w.method_text {
            out.push(&format!("<p>{}</p>", esc(p)));
        }
        out.push("</section>");
    }
}
