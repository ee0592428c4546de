//! The control channel's rules, shared by the server and the agent: which site settings are
//! valid (`settings`), what a command may work on (`command_args`), when a maintenance window holds (`window`), and how an agent's own scan
//! request and its site's configuration make one cycle's plan (`plan`). Nothing here does
//! I/O.
pub mod command_args;
pub mod plan;
pub mod settings;
pub mod window;
