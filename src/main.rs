//! The `bigr` binary: parse the command line, run one command, print errors as one line.
use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = bigr::cli::Cli::parse();
    match bigr::commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`bigr risk --json | head -1`): not a failure.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            bigr::commands::exit::code_for(&e)
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
