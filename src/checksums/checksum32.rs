//! numcodecs' `Checksum32` family: `crc32`, `crc32c` and `adler32`. The 4-byte little-endian
//! checksum of the payload is stored before (`"location": "start"`) or after (`"end"`) it.
//! Defaults: crc32 and adler32 `start`, crc32c `end`. As in numcodecs, `location` appears in
//! the config only when it was given explicitly.
//!
//! A stored checksum that does not match is [`Error::ChecksumMismatch`]; fewer than 4 bytes is
//! [`Error::Corrupt`]. Empty payloads are fine.

use crate::codec::{check_limit, check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Where the checksum goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Start,
    End,
}

/// The checksum algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// zlib's CRC-32 (IEEE), via crc32fast.
    Crc32,
    /// CRC-32C (Castagnoli), via the crc32c crate.
    Crc32c,
    /// zlib's Adler-32 (initial value 1).
    Adler32,
}

impl Algorithm {
    fn id(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "crc32",
            Algorithm::Crc32c => "crc32c",
            Algorithm::Adler32 => "adler32",
        }
    }

    fn default_location(self) -> Location {
        match self {
            Algorithm::Crc32c => Location::End,
            _ => Location::Start,
        }
    }

    /// The checksum of `data`.
    pub fn checksum(self, data: &[u8]) -> u32 {
        match self {
            Algorithm::Crc32 => crc32fast::hash(data),
            Algorithm::Crc32c => crc32c::crc32c(data),
            Algorithm::Adler32 => adler32(data),
        }
    }
}

/// zlib's Adler-32 of `data` (initial value 1): the vectorized kernel of
/// [`chunkcodec_kernels::checksum`], compiled for the active ISA.
pub fn adler32(data: &[u8]) -> u32 {
    chunkcodec_kernels::checksum::adler32(data)
}

/// One of numcodecs' `CRC32`, `CRC32C`, `Adler32` codecs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum32 {
    algorithm: Algorithm,
    location: Option<Location>,
}

impl Checksum32 {
    pub const CRC32: &'static str = "crc32";
    pub const CRC32C: &'static str = "crc32c";
    pub const ADLER32: &'static str = "adler32";

    /// A codec for `algorithm`; `location` None means the default, left out of the config.
    pub fn new(algorithm: Algorithm, location: Option<Location>) -> Self {
        Checksum32 {
            algorithm,
            location,
        }
    }

    /// Builds from `{"id": "crc32"|"crc32c"|"adler32", "location": "start"|"end"}`.
    pub fn from_config(algorithm: Algorithm, config: &Value) -> Result<Self> {
        let id = algorithm.id();
        let mut r = ConfigReader::new(id, config)?;
        let location = match r.optional_str("location")? {
            None => None,
            Some("start") => Some(Location::Start),
            Some("end") => Some(Location::End),
            Some(other) => {
                return Err(Error::config(
                    id,
                    "location",
                    format!("expected \"start\" or \"end\", got {other:?}"),
                ))
            }
        };
        r.finish()?;
        Ok(Checksum32::new(algorithm, location))
    }

    fn location(&self) -> Location {
        self.location
            .unwrap_or_else(|| self.algorithm.default_location())
    }

    /// Splits `input` into (payload, stored checksum) and verifies it.
    fn verify<'a>(&self, input: &'a [u8]) -> Result<&'a [u8]> {
        let id = self.algorithm.id();
        let split = match self.location() {
            Location::Start => input.split_first_chunk::<4>().map(|(s, p)| (p, s)),
            Location::End => input.split_last_chunk::<4>(),
        };
        let Some((payload, stored)) = split else {
            return Err(Error::corrupt(
                id,
                format!(
                    "{} bytes is too short to hold a 4-byte checksum",
                    input.len()
                ),
            ));
        };
        let stored = u32::from_le_bytes(*stored);
        let computed = self.algorithm.checksum(payload);
        if stored != computed {
            return Err(Error::ChecksumMismatch {
                codec: id.to_string(),
                stored,
                computed,
            });
        }
        Ok(payload)
    }
}

impl Codec for Checksum32 {
    fn codec_id(&self) -> &'static str {
        self.algorithm.id()
    }

    fn get_config(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), Value::from(self.algorithm.id()));
        if let Some(l) = self.location {
            let s = match l {
                Location::Start => "start",
                Location::End => "end",
            };
            m.insert("location".into(), Value::from(s));
        }
        Value::Object(m)
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let sum = self.algorithm.checksum(input).to_le_bytes();
        let mut out = Vec::with_capacity(input.len() + 4);
        match self.location() {
            Location::Start => {
                out.extend_from_slice(&sum);
                out.extend_from_slice(input);
            }
            Location::End => {
                out.extend_from_slice(input);
                out.extend_from_slice(&sum);
            }
        }
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        check_limit(self.codec_id(), input.len().saturating_sub(4) as u64, limit)?;
        Ok(self.verify(input)?.to_vec())
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let payload = self.verify(input)?;
        check_output_size(self.codec_id(), payload.len(), out)?;
        out.copy_from_slice(payload);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn adler_ref(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + x as u32) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }

    #[test]
    fn adler32_matches_reference_at_every_size() {
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| (i * 7919 % 251) as u8 ^ 0xff)
            .collect();
        for n in (0..100).chain([
            1000,
            5551,
            5552,
            5553,
            (32 * 4096) - 1,
            (32 * 4096),
            (32 * 4096) + 33,
            300_000,
        ]) {
            assert_eq!(adler32(&data[..n]), adler_ref(&data[..n]), "n={n}");
        }
        let ones = vec![0xffu8; 3 * (32 * 4096) + 5];
        assert_eq!(adler32(&ones), adler_ref(&ones));
    }

    #[test]
    fn numcodecs_vectors() {
        let cases = [
            (Algorithm::Crc32, None, "c241243561 6263"),
            (Algorithm::Crc32, Some(Location::End), "616263c2412435"),
            (Algorithm::Crc32c, None, "616263b73f4b36"),
            (Algorithm::Adler32, None, "27014d02616263"),
        ];
        for (alg, loc, want) in cases {
            let c = Checksum32::new(alg, loc);
            let enc = c.encode(b"abc", DType::U1).unwrap();
            let hex: String = enc.iter().map(|x| format!("{x:02x}")).collect();
            assert_eq!(hex, want.replace(' ', ""), "{alg:?}");
            assert_eq!(c.decode(&enc).unwrap(), b"abc");
        }
        let arange: Vec<u8> = (0..64).collect();
        assert_eq!(Algorithm::Crc32c.checksum(&arange), 4218238699);
        assert_eq!(
            Checksum32::new(Algorithm::Crc32, None)
                .encode(&[], DType::U1)
                .unwrap(),
            [0, 0, 0, 0]
        );
        assert_eq!(
            Checksum32::new(Algorithm::Adler32, None)
                .encode(&[], DType::U1)
                .unwrap(),
            [1, 0, 0, 0]
        );
    }

    #[test]
    fn config_location_only_when_given() {
        let c = Checksum32::from_config(Algorithm::Crc32, &json!({"id": "crc32"})).unwrap();
        assert_eq!(c.get_config(), json!({"id": "crc32"}));
        let cfg = json!({"id": "crc32c", "location": "start"});
        let c = Checksum32::from_config(Algorithm::Crc32c, &cfg).unwrap();
        assert_eq!(c.get_config(), cfg);
        assert_eq!(c.encode(b"abc", DType::U1).unwrap()[4..], *b"abc");
        assert!(Checksum32::from_config(Algorithm::Crc32, &json!({"location": "middle"})).is_err());
    }

    #[test]
    fn mismatch_and_short_input() {
        let c = Checksum32::new(Algorithm::Adler32, Some(Location::End));
        let mut enc = c.encode(b"hello", DType::U1).unwrap();
        enc[0] ^= 1;
        assert!(matches!(
            c.decode(&enc),
            Err(Error::ChecksumMismatch { .. })
        ));
        let mut out = [0u8; 5];
        assert!(matches!(
            c.decode_into(&enc, &mut out),
            Err(Error::ChecksumMismatch { .. })
        ));
        assert!(matches!(c.decode(&[1, 2, 3]), Err(Error::Corrupt { .. })));
        enc[0] ^= 1;
        let mut out = [0u8; 4];
        assert!(matches!(
            c.decode_into(&enc, &mut out),
            Err(Error::OutputSize { .. })
        ));
        assert!(c.decode_limited(&enc, 4).is_err());
        assert_eq!(c.decode_limited(&enc, 5).unwrap(), b"hello");
    }
}
