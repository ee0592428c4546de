//! Figures computed from what the store holds: compliance with the BİGR classification duty,
//! risk per asset, vulnerabilities, trends over time and the network's shape. Pure functions
//! of `model` values; the server and the CLI fetch the inputs and show the same results.
pub mod analytics;
pub mod compliance;
pub mod layer2;
pub mod ranked;
pub mod risk;
pub mod scores;
pub mod topology;
pub mod version;
pub mod vulns;

/// Rounds to `places` decimals for presentation (scores are shown, not summed again).
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
