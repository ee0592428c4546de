//! Discovery. Today: the target grammar shared by `bigr scan` and the agent (the engines that
//! probe the network arrive with the scan command).
pub mod targets;
