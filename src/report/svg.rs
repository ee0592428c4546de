//! The report's charts, as inline SVG: no script, no external file, sharp in print and PDF.
use super::html::esc;

/// Colours of the BİG groups, the same in every chart (and readable in grey print).
pub fn group_colour(category: &str) -> &'static str {
    match category {
        "ag_ve_sistemler" => "#1f5fa8",
        "uygulamalar" => "#6b3fa0",
        "iot" => "#1b8a5a",
        "tasinabilir" => "#c27c0e",
        _ => "#9a9a9a",
    }
}

/// Horizontal bars, one per (label, count, colour), scaled to the largest.
pub fn bars(rows: &[(String, u64, &str)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let (row_h, label_w, bar_w) = (26.0, 190.0, 300.0);
    let height = row_h * rows.len() as f64 + 6.0;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {height}" width="{w}" height="{height}" xmlns="http://www.w3.org/2000/svg">"#,
        w = label_w + bar_w + 70.0
    );
    for (i, (label, n, colour)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (*n as f64 / max * bar_w).max(if *n > 0 { 2.0 } else { 0.0 });
        out.push_str(&format!(
            r#"<text x="0" y="{ty}" font-size="12">{label}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="18" fill="{colour}"/><text x="{tx:.1}" y="{ty}" font-size="12">{n}</text>"#,
            ty = y + 13.5,
            label = esc(label),
            tx = label_w + w + 6.0,
        ));
    }
    out.push_str("</svg>");
    out
}

/// The score as a half-circle gauge with the grade in the middle.
pub fn gauge(score: f64, grade: &str) -> String {
    let s = score.clamp(0.0, 100.0);
    let angle = std::f64::consts::PI * (1.0 - s / 100.0);
    let (cx, cy, r) = (90.0, 90.0, 70.0);
    let (x, y) = (cx + r * angle.cos(), cy - r * angle.sin());
    let colour = match grade {
        "A" => "#1b8a5a",
        "B" => "#5a9a1b",
        "C" => "#c2a10e",
        "D" => "#c27c0e",
        _ => "#b00020",
    };
    format!(
        r##"<svg class="gauge" role="img" viewBox="0 0 180 110" width="180" height="110" xmlns="http://www.w3.org/2000/svg"><path d="M20 90 A70 70 0 0 1 160 90" fill="none" stroke="#e3e3e3" stroke-width="16"/><path d="M20 90 A70 70 0 0 1 {x:.2} {y:.2}" fill="none" stroke="{colour}" stroke-width="16"/><text x="90" y="82" text-anchor="middle" font-size="30" font-weight="bold">{grade}</text><text x="90" y="104" text-anchor="middle" font-size="13">{s:.1} / 100</text></svg>"##,
        grade = esc(grade),
    )
}

/// Two columns: the previous period's score beside this one's.
pub fn trend(previous: Option<f64>, now: f64, labels: (&str, &str)) -> String {
    let col = |x: f64, v: Option<f64>, label: &str, fill: &str| match v {
        Some(v) => {
            let h = v.clamp(0.0, 100.0) * 0.8;
            format!(
                r#"<rect x="{x}" y="{y:.1}" width="60" height="{h:.1}" fill="{fill}"/><text x="{tx}" y="{vy:.1}" text-anchor="middle" font-size="12">{v:.1}</text><text x="{tx}" y="112" text-anchor="middle" font-size="11">{label}</text>"#,
                y = 95.0 - h,
                tx = x + 30.0,
                vy = 91.0 - h,
                label = esc(label),
            )
        }
        None => format!(
            r#"<text x="{tx}" y="90" text-anchor="middle" font-size="12">—</text><text x="{tx}" y="112" text-anchor="middle" font-size="11">{label}</text>"#,
            tx = x + 30.0,
            label = esc(label),
        ),
    };
    format!(
        r#"<svg class="chart" role="img" viewBox="0 0 200 118" width="200" height="118" xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
        col(20.0, previous, labels.0, "#b9c6d6"),
        col(110.0, Some(now), labels.1, "#1f5fa8"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_scale_to_their_data_and_escape_labels() {
        let svg = bars(&[("A & B".into(), 10, "#000"), ("C".into(), 5, "#111")]);
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains(r#"width="300.0""#) && svg.contains(r#"width="150.0""#));
        let g = gauge(100.0, "A");
        assert!(g.contains("A70 70 0 0 1 160.00 90.00"), "{g}");
        assert!(trend(None, 50.0, ("a", "b")).contains("—"));
    }
}
