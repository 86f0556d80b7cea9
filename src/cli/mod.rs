//! The `chunkcodec` command line. The binary is a thin `main` over [`run`], so the CLI is
//! testable as a library and its contract (documented in README.md) lives in one place.
//!
//! Contract: every failure is a non-zero exit with one line `chunkcodec: error: ...` on stderr.

pub mod array;
pub mod bench;
pub mod demo;
pub mod raw;

use crate::error::Result;
use clap::{Parser, Subcommand};

/// chunkcodec: numcodecs-compatible chunk codecs on SIMD kernels.
#[derive(Debug, Parser)]
#[command(name = "chunkcodec", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encode a raw buffer with a codec config or pipeline (JSON), stdin to stdout by default.
    Encode(raw::RawArgs),
    /// Decode a raw buffer with a codec config or pipeline (JSON), stdin to stdout by default.
    Decode(raw::RawArgs),
    /// Print the registered codec ids, one per line.
    ListCodecs,
    /// Benchmark the SIMD kernels on every ISA against memcpy (and c-blosc2 when present).
    Bench(bench::BenchArgs),
    /// Compress a .npy file into a Zarr v2 directory store.
    Compress(array::CompressArgs),
    /// Decompress a Zarr v2 directory store into a .npy file.
    Decompress(array::DecompressArgs),
    /// Describe the Zarr v2 array in a directory store.
    Info(array::InfoArgs),
    /// The main job: encode a generated dataset with several pipelines, verify, print a table.
    Demo(demo::DemoArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Encode(a) => raw::encode(&a),
        Command::Decode(a) => raw::decode(&a),
        Command::Bench(a) => bench::bench(&a),
        Command::ListCodecs => {
            for id in crate::registry::registered_ids() {
                println!("{id}");
            }
            Ok(())
        }
        Command::Compress(a) => array::compress(&a),
        Command::Decompress(a) => array::decompress(&a),
        Command::Info(a) => array::info(&a),
        Command::Demo(a) => demo::demo(&a),
    }
}
