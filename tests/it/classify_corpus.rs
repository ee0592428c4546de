//! The labelled corpus in tests/data/classify/: accuracy per group and per device type, a
//! confusion matrix, on the part the rules were tuned on and on the held-out third.
use bigr::classify::{Classifier, Observed};
use bigr::model::{AssetObservation, Category, DeviceType};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Expect {
    category: Category,
    device_type: DeviceType,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    #[serde(default)]
    note: String,
    observation: AssetObservation,
    #[serde(default)]
    ttl: Option<u8>,
    #[serde(default)]
    tls_subjects: Vec<String>,
    expect: Expect,
}

fn load(name: &str) -> Vec<Case> {
    let path = format!(
        "{}/tests/data/classify/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1)))
        .collect()
}

struct Score {
    group: f64,
    device: f64,
}

fn evaluate(name: &str, classifier: &Classifier) -> Score {
    let cases = load(name);
    let mut confusion: BTreeMap<(Category, Category), usize> = BTreeMap::new();
    let mut per_group: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    let mut per_type: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let (mut group_ok, mut type_ok) = (0, 0);
    let mut misses = Vec::new();
    for c in &cases {
        let got = classifier.classify(&Observed {
            obs: &c.observation,
            tls_subjects: &c.tls_subjects,
            ttl: c.ttl,
        });
        *confusion
            .entry((c.expect.category, got.category))
            .or_default() += 1;
        let g = per_group.entry(c.expect.category).or_default();
        g.1 += 1;
        let t = per_type.entry(c.expect.device_type.as_str()).or_default();
        t.1 += 1;
        if got.category == c.expect.category {
            group_ok += 1;
            g.0 += 1;
        }
        if got.device_type == c.expect.device_type {
            type_ok += 1;
            t.0 += 1;
        }
        if got.category != c.expect.category || got.device_type != c.expect.device_type {
            let why: Vec<String> = got
                .evidence
                .iter()
                .map(|e| format!("{}={:.2}", e.rule, e.weight))
                .collect();
            misses.push(format!(
                "  {:<34} want {}/{} got {}/{} ({:.2})  [{}]  {}",
                c.id,
                c.expect.category,
                c.expect.device_type,
                got.category,
                got.device_type,
                got.confidence,
                why.join(" "),
                c.note
            ));
        }
        // Nothing to go on must never be a guess.
        if c.expect.category == Category::Unclassified {
            assert_eq!(
                got.category,
                Category::Unclassified,
                "{} was guessed from {:?}",
                c.id,
                got.evidence
            );
        }
    }
    let n = cases.len().max(1) as f64;
    let score = Score {
        group: group_ok as f64 / n,
        device: type_ok as f64 / n,
    };
    println!(
        "\n== {name}: {} cases, group accuracy {:.1}%, device-type accuracy {:.1}%",
        cases.len(),
        score.group * 100.0,
        score.device * 100.0
    );
    for (g, (ok, all)) in &per_group {
        println!(
            "  group {:<16} {ok:>3}/{all:<3} {:>5.1}%",
            g.as_str(),
            *ok as f64 * 100.0 / *all as f64
        );
    }
    for (t, (ok, all)) in &per_type {
        println!(
            "  type  {t:<16} {ok:>3}/{all:<3} {:>5.1}%",
            *ok as f64 * 100.0 / *all as f64
        );
    }
    println!("  confusion (rows: expected, columns: got)");
    let short = |c: Category| c.as_str().chars().take(4).collect::<String>();
    println!(
        "  {:>6} {}",
        "",
        Category::ALL
            .iter()
            .map(|c| format!("{:>6}", short(*c)))
            .collect::<String>()
    );
    for want in Category::ALL {
        let row: String = Category::ALL
            .iter()
            .map(|got| format!("{:>6}", confusion.get(&(want, *got)).copied().unwrap_or(0)))
            .collect();
        println!("  {:>6} {row}", short(want));
    }
    if !misses.is_empty() {
        println!("  misclassified:\n{}", misses.join("\n"));
    }
    score
}

#[test]
fn corpus_accuracy_on_tuned_and_held_out_cases() {
    let classifier = Classifier::load(None).expect("embedded rules");
    let tuned = evaluate("tuned", &classifier);
    let held_out = evaluate("heldout", &classifier);
    for (name, s) in [("tuned", &tuned), ("held-out", &held_out)] {
        assert!(
            s.group >= 0.90,
            "{name}: group accuracy {:.1}% is below 90%",
            s.group * 100.0
        );
        assert!(
            s.device >= 0.80,
            "{name}: device-type accuracy {:.1}% is below 80%",
            s.device * 100.0
        );
    }
}
