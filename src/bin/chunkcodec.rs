//! The `chunkcodec` binary: see `chunkcodec --help` and README.md.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: keeps freed chunk-sized buffers for reuse instead of returning them to the OS
/// (glibc's malloc maps and unmaps them, and the page faults dominated parallel encoding).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
