//! Agent releases: signed manifests (`sign`), the self-check a new binary must pass before
//! it replaces an old one (`self_check`).
pub mod self_check;
pub mod sign;
