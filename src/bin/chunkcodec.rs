//! The `chunkcodec` binary: see `chunkcodec --help` and README.md.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = chunkcodec::cli::Cli::parse();
    match chunkcodec::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, always: the error's Display plus its sources on the same line.
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                let s_text = s.to_string();
                if !msg.contains(&s_text) {
                    msg.push_str(": ");
                    msg.push_str(&s_text);
                }
                src = s.source();
            }
            eprintln!("chunkcodec: error: {}", msg.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
