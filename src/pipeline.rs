//! A chain of codecs (filters, then a compressor), as a Zarr v2 array's `filters` +
//! `compressor`. Its config is the JSON list of the codecs' configs. Encoding runs left to
//! right, each codec seeing the dtype the previous one produced; decoding runs right to left.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use crate::codec::{Codec, DEFAULT_DECODE_LIMIT};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::registry::get_codec;
use serde_json::Value;

/// An ordered list of codecs.
#[derive(Debug, Default)]
pub struct Pipeline {
    codecs: Vec<Box<dyn Codec>>,
}

impl Pipeline {
    /// A pipeline of these codecs, applied in order on encode.
    pub fn new(codecs: Vec<Box<dyn Codec>>) -> Self {
        Pipeline { codecs }
    }

    /// Builds a pipeline from a JSON list of codec configs, or from one codec config (a
    /// one-codec pipeline). `[]` is the identity.
    pub fn from_config(config: &Value) -> Result<Self> {
        match config {
            Value::Array(items) => items
                .iter()
                .map(get_codec)
                .collect::<Result<Vec<_>>>()
                .map(Pipeline::new),
            Value::Object(_) => Ok(Pipeline::new(vec![get_codec(config)?])),
            other => Err(Error::ConfigShape(format!(
                "a pipeline config must be a codec object or a list of them, got {other}"
            ))),
        }
    }

    /// Parses JSON text with [`Pipeline::from_config`].
    pub fn from_json(text: &str) -> Result<Self> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::ConfigShape(format!("not valid JSON ({e}): {text}")))?;
        Self::from_config(&v)
    }

    /// The JSON list of the codecs' configs.
    pub fn get_config(&self) -> Value {
        Value::Array(self.codecs.iter().map(|c| c.get_config()).collect())
    }

    /// The codecs, in encode order.
    pub fn codecs(&self) -> &[Box<dyn Codec>] {
        &self.codecs
    }

    /// True when the pipeline has no codecs.
    pub fn is_empty(&self) -> bool {
        self.codecs.is_empty()
    }

    /// Encodes `input` (elements of `dtype`) through every codec in order.
    pub fn encode(&self, input: &[u8], dtype: DType) -> Result<Vec<u8>> {
        let mut dtype = dtype;
        let mut buf: Option<Vec<u8>> = None;
        for codec in &self.codecs {
            let next = codec.encode(buf.as_deref().unwrap_or(input), dtype)?;
            dtype = codec.encoded_dtype(dtype);
            buf = Some(next);
        }
        Ok(buf.unwrap_or_else(|| input.to_vec()))
    }

    /// Decodes through every codec in reverse order, producing at most `limit` bytes at each
    /// stage.
    pub fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let mut buf: Option<Vec<u8>> = None;
        for codec in self.codecs.iter().rev() {
            buf = Some(codec.decode_limited(buf.as_deref().unwrap_or(input), limit)?);
        }
        match buf {
            Some(b) => Ok(b),
            None if input.len() > limit => {
                Err(Error::too_large("pipeline", input.len() as u64, limit))
            }
            None => Ok(input.to_vec()),
        }
    }

    /// Decodes with the default limit.
    pub fn decode(&self, input: &[u8]) -> Result<Vec<u8>> {
        self.decode_limited(input, DEFAULT_DECODE_LIMIT)
    }

    /// Decodes into `out`, which must be exactly the decoded size. The first codec writes
    /// straight into `out`; intermediate stages are bounded by `out.len()` plus headroom for
    /// checksums and similar framing.
    pub fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let Some((first, rest)) = self.codecs.split_first() else {
            if input.len() != out.len() {
                return Err(Error::output_size("pipeline", input.len(), out.len()));
            }
            out.copy_from_slice(input);
            return Ok(());
        };
        // Intermediate representations can be larger than the output (a checksum adds bytes, a
        // widening astype doubles them); bound them generously but finitely.
        let limit = out.len().saturating_mul(8).saturating_add(1 << 16);
        let mut buf: Option<Vec<u8>> = None;
        for codec in rest.iter().rev() {
            buf = Some(codec.decode_limited(buf.as_deref().unwrap_or(input), limit)?);
        }
        first.decode_into(buf.as_deref().unwrap_or(input), out)
    }
}
