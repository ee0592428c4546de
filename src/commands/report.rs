//! `bigr report`: the auditor's compliance report from the local inventory (the one
//! `bigr serve` uses), written to a file as it is made.
use crate::report::out::{Out, Target};
use crate::report::{self, Lang, Meta, ReportRequest};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use sea_orm::DatabaseConnection;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("scope").args(["site", "all_sites"])))]
pub struct ReportArgs {
    /// One site
    #[arg(long)]
    pub site: Option<String>,
    /// Every site (the default)
    #[arg(long)]
    pub all_sites: bool,
    /// Start of the period: YYYY-MM-DD or RFC 3339 [default: 30 days before --to]
    #[arg(long, value_parser = parse_start)]
    pub from: Option<DateTime<Utc>>,
    /// End of the period, that day included: YYYY-MM-DD or RFC 3339 [default: now]
    #[arg(long, value_parser = parse_end)]
    pub to: Option<DateTime<Utc>>,
    /// html (one self-contained file that prints well, streamed) or pdf (typeset inside
    /// bigr; lists up to 500 assets and 50 rows per list, counting the rest)
    #[arg(long, value_parser = report::Format::parse, default_value = "html")]
    pub format: report::Format,
    /// Language of the report
    #[arg(long, value_parser = ["tr", "en"], default_value = "tr")]
    pub lang: String,
    /// The organisation named on the cover
    #[arg(long)]
    pub organisation: Option<String>,
    /// Where to write it ("-" for standard output) [default: bigr-report-<site>-<date>.html]
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

fn parse_date(s: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.to_utc());
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))?;
    let d = if end_of_day {
        d.succ_opt().ok_or("the date is out of range")?
    } else {
        d
    };
    Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

fn parse_start(s: &str) -> Result<DateTime<Utc>, String> {
    parse_date(s, false)
}

fn parse_end(s: &str) -> Result<DateTime<Utc>, String> {
    parse_date(s, true)
}

pub async fn run(db: &DatabaseConnection, args: ReportArgs) -> anyhow::Result<()> {
    let req = ReportRequest {
        site: args.site.clone(),
        from: args.from,
        to: args.to,
        lang: Lang::parse(&args.lang).unwrap_or_default(),
        organisation: args.organisation.clone(),
    };
    let meta = Meta {
        generated_by: super::audited::actor(),
        generated_at: Utc::now(),
    };
    crate::stored_analysis::bring_scores_up_to_date(db, meta.generated_at).await?;
    let prepared = report::prepare(db, req, meta).await?;
    let to_stdout = args.output.as_deref() == Some(std::path::Path::new("-"));
    let ext = args.format.extension();
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(prepared.file_name(ext)));
    match args.format {
        report::Format::Html => {
            let target = if to_stdout {
                Target::Write(Box::new(std::io::stdout()))
            } else {
                let file = std::fs::File::create(&path)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                Target::Write(Box::new(std::io::BufWriter::new(file)))
            };
            report::write_html(db, &prepared, Out::new(target)).await?;
        }
        report::Format::Pdf => {
            // Typeset first: a failure leaves no half-written file behind.
            let pdf = report::pdf_bytes(db, &prepared).await?;
            if to_stdout {
                use std::io::Write;
                std::io::stdout().write_all(&pdf)?;
            } else {
                std::fs::write(&path, pdf)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    if !to_stdout {
        outln!("report written to {}", path.display());
    }
    super::audited::record(
        db,
        "report.compliance",
        prepared.req.site.as_deref(),
        &prepared.file_name(ext),
        None::<&()>,
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_date_includes_its_day() {
        assert_eq!(
            parse_end("2026-11-30").unwrap().to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_start("2026-11-01").unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(parse_start("01/11/2026").is_err());
    }
}
