//! `chunkcodec encode` / `chunkcodec decode`: raw bytes through a codec or pipeline.
//!
//! Stable contract (scripts depend on it):
//! `chunkcodec encode --config JSON [--dtype DT] [-i IN] [-o OUT]`, the same for `decode`.
//! `--config` is one codec object or a list of them; `--dtype` (default `|u1`) is the element
//! type of the raw input, as numcodecs takes it from the array.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use clap::Args;
use std::io::{Read, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RawArgs {
    /// Codec config (a JSON object) or pipeline (a JSON list of them); `@FILE` reads it from FILE.
    #[arg(long)]
    pub config: String,
    /// numpy dtype of the input elements (e.g. "<f8", "|u1", "int32").
    #[arg(long, default_value = "|u1")]
    pub dtype: String,
    /// Input file (default: stdin).
    #[arg(short = 'i', long = "input")]
    pub input: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

impl RawArgs {
    fn pipeline(&self) -> Result<Pipeline> {
        let text = match self.config.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| Error::io(format!("reading config file {path}"), e))?,
            None => self.config.clone(),
        };
        Pipeline::from_json(&text)
    }

    fn read_input(&self) -> Result<Vec<u8>> {
        match &self.input {
            Some(p) => {
                std::fs::read(p).map_err(|e| Error::io(format!("reading {}", p.display()), e))
            }
            None => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut buf)
                    .map_err(|e| Error::io("reading stdin", e))?;
                Ok(buf)
            }
        }
    }

    fn write_output(&self, bytes: &[u8]) -> Result<()> {
        match &self.output {
            Some(p) => std::fs::write(p, bytes)
                .map_err(|e| Error::io(format!("writing {}", p.display()), e)),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(|e| Error::io("writing stdout", e))
            }
        }
    }
}

/// `chunkcodec encode`.
pub fn encode(args: &RawArgs) -> Result<()> {
    let pipeline = args.pipeline()?;
    let dtype = DType::parse_any(&args.dtype)?;
    let input = args.read_input()?;
    if !input.len().is_multiple_of(dtype.itemsize()) {
        return Err(Error::invalid_input(
            "cli",
            format!(
                "input of {} bytes is not a whole number of {dtype} elements ({} bytes each)",
                input.len(),
                dtype.itemsize()
            ),
        ));
    }
    let out = pipeline.encode(&input, dtype)?;
    args.write_output(&out)
}

/// `chunkcodec decode`.
pub fn decode(args: &RawArgs) -> Result<()> {
    let pipeline = args.pipeline()?;
    // Parsed for validation and symmetry with encode; decoding needs only the config and bytes.
    DType::parse_any(&args.dtype)?;
    let input = args.read_input()?;
    let out = pipeline.decode(&input)?;
    args.write_output(&out)
}
