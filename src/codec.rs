//! The codec contract (numcodecs' `Codec`), and the strict config reader every codec uses.
//!
//! A codec turns bytes into bytes. `encode` also gets the dtype of its input elements, because
//! some codecs read the element type from the array as numcodecs does (Blosc's typesize,
//! BitRound's float width). `decode` needs no dtype: everything needed to decode is in the
//! config or in the encoded bytes.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use crate::dtype::DType;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::fmt;

/// Upper bound on what [`Codec::decode`] will produce when the caller gives no limit: the
/// largest buffer numcodecs' Blosc accepts (`2**31 - 1`). Callers that know the decoded size
/// (the array layer always does) use [`Codec::decode_into`] or [`Codec::decode_limited`].
pub const DEFAULT_DECODE_LIMIT: usize = i32::MAX as usize;

/// A numcodecs-compatible codec: a filter, a checksum or a compressor.
///
/// Implementations are `Send + Sync`: one instance may encode and decode from many threads at
/// once, with the same bytes as from one thread.
pub trait Codec: Send + Sync + fmt::Debug {
    /// numcodecs' `codec_id`, e.g. `"shuffle"`.
    fn codec_id(&self) -> &'static str;

    /// The JSON config, `{"id": ..., <every parameter needed to decode>}`, with nothing that
    /// numcodecs' constructor would reject.
    fn get_config(&self) -> Value;

    /// Encodes `input`, whose elements have type `dtype`.
    fn encode(&self, input: &[u8], dtype: DType) -> Result<Vec<u8>>;

    /// [`encode`](Codec::encode) into `out`, replacing its contents: a caller that keeps one
    /// buffer for many chunks lets a codec that writes in place (Blosc) reuse its capacity
    /// instead of allocating (and faulting in) a new output per chunk. The default replaces
    /// `out` with `encode`'s result. The bytes are `encode`'s; on error `out`'s contents are
    /// unspecified (no partial frame is passed off as whole: the error says so).
    ///
    /// ```
    /// use chunkcodec::{get_codec, DType};
    /// use serde_json::json;
    ///
    /// let blosc = get_codec(&json!({"id": "blosc", "cname": "lz4", "clevel": 5})).unwrap();
    /// let data: Vec<u8> = (0..4096u32).flat_map(|v| (v / 3).to_le_bytes()).collect();
    /// let mut frame = Vec::new(); // one buffer for every chunk
    /// for chunk in data.chunks(4000) {
    ///     blosc.encode_into(chunk, DType::U4, &mut frame).unwrap();
    ///     assert_eq!(frame, blosc.encode(chunk, DType::U4).unwrap());
    ///     assert_eq!(blosc.decode(&frame).unwrap(), chunk);
    /// }
    /// ```
    fn encode_into(&self, input: &[u8], dtype: DType, out: &mut Vec<u8>) -> Result<()> {
        *out = self.encode(input, dtype)?;
        Ok(())
    }

    /// The dtype of the elements `encode` returns for input elements of `dtype` (numcodecs'
    /// output array dtype). The next codec in a pipeline sees this dtype. Default: `|u1`.
    fn encoded_dtype(&self, dtype: DType) -> DType {
        let _ = dtype;
        DType::U1
    }

    /// Decodes `input`, producing at most `limit` bytes; more is a [`Error::TooLarge`] error
    /// raised before any allocation of that size.
    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>>;

    /// Decodes `input` with the [`DEFAULT_DECODE_LIMIT`].
    fn decode(&self, input: &[u8]) -> Result<Vec<u8>> {
        self.decode_limited(input, DEFAULT_DECODE_LIMIT)
    }

    /// Decodes `input` into `out`, which must be exactly the decoded size: a different size is an
    /// [`Error::OutputSize`] error and nothing is written past `out`'s end.
    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let decoded = self.decode_limited(input, out.len()).map_err(|e| match e {
            Error::TooLarge { claimed, .. } => {
                Error::output_size(self.codec_id(), claimed as usize, out.len())
            }
            other => other,
        })?;
        if decoded.len() != out.len() {
            return Err(Error::output_size(
                self.codec_id(),
                decoded.len(),
                out.len(),
            ));
        }
        out.copy_from_slice(&decoded);
        Ok(())
    }
}

/// Reads a codec's JSON config strictly: every key must be known, of the right JSON type and in
/// range, and errors name the codec id and the key.
///
/// ```
/// # use chunkcodec::codec::ConfigReader;
/// let cfg = serde_json::json!({"id": "shuffle", "elementsize": 8});
/// let mut r = ConfigReader::new("shuffle", &cfg).unwrap();
/// let n = r.optional_uint("elementsize").unwrap().unwrap_or(4);
/// r.finish().unwrap();
/// assert_eq!(n, 8);
/// ```
pub struct ConfigReader<'a> {
    id: &'static str,
    map: &'a Map<String, Value>,
    seen: Vec<&'a str>,
}

impl<'a> ConfigReader<'a> {
    /// Starts reading `config` for codec `id`. The config must be an object; an `id` key, if
    /// present, must equal `id`.
    pub fn new(id: &'static str, config: &'a Value) -> Result<Self> {
        let map = config.as_object().ok_or_else(|| {
            Error::config(
                id,
                "id",
                format!("config must be a JSON object, got {config}"),
            )
        })?;
        let mut seen = Vec::new();
        if let Some((k, v)) = map.get_key_value("id") {
            match v.as_str() {
                Some(s) if s == id => seen.push(k.as_str()),
                _ => {
                    return Err(Error::config(
                        id,
                        "id",
                        format!("expected \"{id}\", got {v}"),
                    ))
                }
            }
        }
        Ok(ConfigReader { id, map, seen })
    }

    /// The codec id this reader is for.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// An error for `key` of this codec.
    pub fn error(&self, key: &str, message: impl fmt::Display) -> Error {
        Error::config(self.id, key, message)
    }

    /// The raw value of `key`, marking it as known. JSON `null` reads as absent.
    pub fn raw(&mut self, key: &str) -> Option<&'a Value> {
        let (k, v) = self.map.get_key_value(key)?;
        self.seen.push(k.as_str());
        (!v.is_null()).then_some(v)
    }

    /// A required key of any JSON type.
    pub fn required_raw(&mut self, key: &str) -> Result<&'a Value> {
        self.raw(key)
            .ok_or_else(|| self.error(key, "missing required key"))
    }

    /// An optional integer (a JSON number with no fraction or exponent).
    pub fn optional_int(&mut self, key: &str) -> Result<Option<i64>> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.error(key, format!("expected an integer, got {v}"))),
        }
    }

    /// An optional integer in `min..=max`.
    pub fn optional_int_in(&mut self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        let v = self.optional_int(key)?;
        match v {
            Some(x) if x < min || x > max => {
                Err(self.error(key, format!("{x} is out of range {min}..={max}")))
            }
            _ => Ok(v),
        }
    }

    /// An optional non-negative integer that fits `usize`.
    pub fn optional_uint(&mut self, key: &str) -> Result<Option<usize>> {
        match self.optional_int(key)? {
            None => Ok(None),
            Some(x) => usize::try_from(x)
                .map(Some)
                .map_err(|_| self.error(key, format!("expected a non-negative integer, got {x}"))),
        }
    }

    /// An optional number (integer or float). Non-finite values are errors.
    pub fn optional_f64(&mut self, key: &str) -> Result<Option<f64>> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.error(key, format!("expected a finite number, got {v}"))),
            },
        }
    }

    /// An optional string.
    pub fn optional_str(&mut self, key: &str) -> Result<Option<&'a str>> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| self.error(key, format!("expected a string, got {v}"))),
        }
    }

    /// An optional boolean.
    pub fn optional_bool(&mut self, key: &str) -> Result<Option<bool>> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.error(key, format!("expected true or false, got {v}"))),
        }
    }

    /// An optional numpy dtype string.
    pub fn optional_dtype(&mut self, key: &str) -> Result<Option<DType>> {
        match self.optional_str(key)? {
            None => Ok(None),
            Some(s) => DType::parse(s).map(Some).map_err(|e| self.error(key, e)),
        }
    }

    /// An optional dtype string of any fixed-size kind ([`DType::parse_any`]: complex,
    /// datetime, bytes, ... too), for codecs that take more than numbers.
    pub fn optional_any_dtype(&mut self, key: &str) -> Result<Option<DType>> {
        match self.optional_str(key)? {
            None => Ok(None),
            Some(s) => DType::parse_any(s)
                .map(Some)
                .map_err(|e| self.error(key, e)),
        }
    }

    /// A required numpy dtype string.
    pub fn required_dtype(&mut self, key: &str) -> Result<DType> {
        self.optional_dtype(key)?
            .ok_or_else(|| self.error(key, "missing required key"))
    }

    /// A required dtype string of any fixed-size kind (see [`Self::optional_any_dtype`]).
    pub fn required_any_dtype(&mut self, key: &str) -> Result<DType> {
        self.optional_any_dtype(key)?
            .ok_or_else(|| self.error(key, "missing required key"))
    }

    /// Ends reading: any key not read is an error naming it.
    pub fn finish(self) -> Result<()> {
        for k in self.map.keys() {
            if !self.seen.contains(&k.as_str()) {
                return Err(self.error(k, "unknown key"));
            }
        }
        Ok(())
    }
}

/// Checks a `decode_into` buffer against the decoded size.
pub fn check_output_size(codec: &str, expected: usize, out: &[u8]) -> Result<()> {
    if out.len() == expected {
        Ok(())
    } else {
        Err(Error::output_size(codec, expected, out.len()))
    }
}

/// Checks a decoded size against a caller's limit.
pub fn check_limit(codec: &str, size: u64, limit: usize) -> Result<()> {
    if size > limit as u64 {
        Err(Error::too_large(codec, size, limit))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reader_rejects_unknown_wrong_type_and_range() {
        let cfg = json!({"id": "x", "a": 1, "zz": 2});
        let mut r = ConfigReader::new("x", &cfg).unwrap();
        r.optional_int("a").unwrap();
        let e = r.finish().unwrap_err().to_string();
        assert!(e.contains("\"zz\"") && e.contains("unknown key"), "{e}");

        let cfg = json!({"a": "1"});
        let mut r = ConfigReader::new("x", &cfg).unwrap();
        let e = r.optional_int("a").unwrap_err().to_string();
        assert!(
            e.contains("\"a\"") && e.contains("expected an integer"),
            "{e}"
        );

        let cfg = json!({"a": 1.5});
        let mut r = ConfigReader::new("x", &cfg).unwrap();
        assert!(r.optional_int("a").is_err());

        let cfg = json!({"a": 10});
        let mut r = ConfigReader::new("x", &cfg).unwrap();
        let e = r.optional_int_in("a", 0, 9).unwrap_err().to_string();
        assert!(e.contains("out of range"), "{e}");

        let cfg = json!({"id": "y"});
        assert!(ConfigReader::new("x", &cfg).is_err());
        assert!(ConfigReader::new("x", &json!([1])).is_err());
    }

    #[test]
    fn null_reads_as_absent() {
        let cfg = json!({"a": null});
        let mut r = ConfigReader::new("x", &cfg).unwrap();
        assert_eq!(r.optional_int("a").unwrap(), None);
        r.finish().unwrap();
    }
}
