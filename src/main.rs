//! The `bigr` binary: parse the command line, run one command, print errors as one line.
use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = bigr::cli::Cli::parse();
    match bigr::commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            bigr::commands::exit::code_for(&e)
        }
    }
}
