//! The HDF5 checksums numcodecs has: `fletcher32` (config `{"id": "fletcher32"}`) and
//! `jenkins_lookup3` (config `{"id": "jenkins_lookup3", "initval": 0, "prefix": null}`). Both
//! append the 4-byte little-endian checksum to the payload.
//!
//! Differences from numcodecs (deliberate): empty payloads work (numcodecs' Fletcher32 raises
//! IndexError on empty input); an encoded buffer under 4 bytes is [`Error::Corrupt`]; a
//! `prefix` is written to the config as a JSON list of byte values (numcodecs stores a numpy
//! array there, which is not JSON-serialisable).

use crate::codec::{check_limit, check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// HDF5's Fletcher-32: 16-bit big-endian words, two u32 sums folded every 360 words; an odd
/// trailing byte counts as the high byte of a last word.
pub fn fletcher32(data: &[u8]) -> u32 {
    let fold = |s: u32| (s & 0xffff) + (s >> 16);
    let (mut s1, mut s2) = (0u32, 0u32);
    let words = data.chunks_exact(2);
    let odd = words.remainder().first().copied();
    let mut n = 0;
    for w in words {
        // The big-endian 16-bit word.
        s1 += le32(w).swap_bytes() >> 16;
        s2 += s1;
        n += 1;
        if n == 360 {
            s1 = fold(s1);
            s2 = fold(s2);
            n = 0;
        }
    }
    if n != 0 {
        s1 = fold(s1);
        s2 = fold(s2);
    }
    if let Some(b) = odd {
        s1 += (b as u32) << 8;
        s2 += s1;
        s1 = fold(s1);
        s2 = fold(s2);
    }
    s1 = fold(s1);
    s2 = fold(s2);
    (s2 << 16) | s1
}

#[inline(always)]
fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

#[inline(always)]
fn final_mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(14));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(11));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(25));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(16));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(4));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(14));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(24));
}

fn le32(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    for (d, s) in w.iter_mut().zip(b) {
        *d = *s;
    }
    u32::from_le_bytes(w)
}

/// Bob Jenkins' lookup3 `hashlittle` of `data` with `initval` (what HDF5 uses).
pub fn jenkins_lookup3(data: &[u8], initval: u32) -> u32 {
    let init = 0xdeadbeefu32
        .wrapping_add(data.len() as u32)
        .wrapping_add(initval);
    let (mut a, mut b, mut c) = (init, init, init);
    if data.is_empty() {
        return c;
    }
    // Full 12-byte blocks are mixed, except the last block (full or not), which is finalised.
    let last = (data.len() - 1) / 12 * 12;
    let (body, tail) = data.split_at(last);
    for k in body.as_chunks::<12>().0 {
        let [ka, kb, kc]: [[u8; 4]; 3] = bytemuck::cast(*k);
        a = a.wrapping_add(u32::from_le_bytes(ka));
        b = b.wrapping_add(u32::from_le_bytes(kb));
        c = c.wrapping_add(u32::from_le_bytes(kc));
        mix(&mut a, &mut b, &mut c);
    }
    a = a.wrapping_add(le32(tail.get(0..).unwrap_or_default()));
    b = b.wrapping_add(le32(tail.get(4..).unwrap_or_default()));
    c = c.wrapping_add(le32(tail.get(8..).unwrap_or_default()));
    final_mix(&mut a, &mut b, &mut c);
    c
}

fn split_checksum<'a>(id: &str, input: &'a [u8]) -> Result<(&'a [u8], u32)> {
    let Some((payload, s)) = input.split_last_chunk::<4>() else {
        return Err(Error::corrupt(
            id,
            format!(
                "{} bytes is too short to hold a 4-byte checksum",
                input.len()
            ),
        ));
    };
    Ok((payload, u32::from_le_bytes(*s)))
}

fn check(id: &str, stored: u32, computed: u32) -> Result<()> {
    if stored != computed {
        return Err(Error::ChecksumMismatch {
            codec: id.to_string(),
            stored,
            computed,
        });
    }
    Ok(())
}

fn appended(input: &[u8], sum: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 4);
    out.extend_from_slice(input);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// numcodecs' `Fletcher32()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fletcher32;

impl Fletcher32 {
    pub const ID: &'static str = "fletcher32";

    /// Builds from `{"id": "fletcher32"}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        ConfigReader::new(Self::ID, config)?.finish()?;
        Ok(Fletcher32)
    }

    fn verify<'a>(&self, input: &'a [u8]) -> Result<&'a [u8]> {
        let (payload, stored) = split_checksum(Self::ID, input)?;
        check(Self::ID, stored, fletcher32(payload))?;
        Ok(payload)
    }
}

impl Codec for Fletcher32 {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        Ok(appended(input, fletcher32(input)))
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        check_limit(Self::ID, input.len().saturating_sub(4) as u64, limit)?;
        Ok(self.verify(input)?.to_vec())
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let payload = self.verify(input)?;
        check_output_size(Self::ID, payload.len(), out)?;
        out.copy_from_slice(payload);
        Ok(())
    }
}

/// numcodecs' `JenkinsLookup3(initval, prefix)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JenkinsLookup3 {
    initval: u32,
    prefix: Option<Vec<u8>>,
}

impl JenkinsLookup3 {
    pub const ID: &'static str = "jenkins_lookup3";

    /// A hash with `initval`, hashing `prefix` (not stored) in front of the data.
    pub fn new(initval: u32, prefix: Option<Vec<u8>>) -> Self {
        JenkinsLookup3 { initval, prefix }
    }

    /// Builds from `{"id": "jenkins_lookup3", "initval": 0, "prefix": null | [bytes...]}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let initval = r
            .optional_int_in("initval", 0, u32::MAX as i64)?
            .unwrap_or(0) as u32;
        let prefix = match r.raw("prefix") {
            None => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|v| v.as_u64().and_then(|x| u8::try_from(x).ok()))
                    .collect::<Option<Vec<u8>>>()
                    .ok_or_else(|| {
                        Error::config(Self::ID, "prefix", "expected a list of byte values 0..=255")
                    })?,
            ),
            Some(v) => {
                return Err(Error::config(
                    Self::ID,
                    "prefix",
                    format!("expected null or a list of byte values, got {v}"),
                ))
            }
        };
        r.finish()?;
        Ok(JenkinsLookup3::new(initval, prefix))
    }

    fn hash(&self, data: &[u8]) -> u32 {
        match &self.prefix {
            None => jenkins_lookup3(data, self.initval),
            Some(p) => {
                let mut all = Vec::with_capacity(p.len() + data.len());
                all.extend_from_slice(p);
                all.extend_from_slice(data);
                jenkins_lookup3(&all, self.initval)
            }
        }
    }

    fn verify<'a>(&self, input: &'a [u8]) -> Result<&'a [u8]> {
        let (payload, stored) = split_checksum(Self::ID, input)?;
        check(Self::ID, stored, self.hash(payload))?;
        Ok(payload)
    }
}

impl Codec for JenkinsLookup3 {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "initval": self.initval, "prefix": self.prefix})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        Ok(appended(input, self.hash(input)))
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        check_limit(Self::ID, input.len().saturating_sub(4) as u64, limit)?;
        Ok(self.verify(input)?.to_vec())
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let payload = self.verify(input)?;
        check_output_size(Self::ID, payload.len(), out)?;
        out.copy_from_slice(payload);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fletcher32_vectors() {
        let c = Fletcher32;
        assert_eq!(
            c.encode(b"abc", DType::U1).unwrap(),
            [0x61, 0x62, 0x63, 0x62, 0xc4, 0xc5, 0x25]
        );
        assert_eq!(
            c.encode(b"abcd", DType::U1).unwrap(),
            [0x61, 0x62, 0x63, 0x64, 0xc6, 0xc4, 0x29, 0x26]
        );
        assert_eq!(c.decode(&c.encode(&[], DType::U1).unwrap()).unwrap(), b"");
        let mut enc = c.encode(&[7u8; 1001], DType::U1).unwrap();
        enc[3] ^= 0x10;
        assert!(matches!(
            c.decode(&enc),
            Err(Error::ChecksumMismatch { .. })
        ));
        assert!(matches!(c.decode(&[1, 2]), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn jenkins_vectors() {
        assert_eq!(jenkins_lookup3(b"", 0), 0xdeadbeef);
        assert_eq!(jenkins_lookup3(b"", 0xdeadbeef), 0xbd5b7dde);
        assert_eq!(
            jenkins_lookup3(b"Four score and seven years ago", 0),
            0x17770551
        );
        assert_eq!(
            jenkins_lookup3(b"Four score and seven years ago", 1),
            0xcd628161
        );
        assert_eq!(jenkins_lookup3(b"jenkins", 0), 202276345);
        let c = JenkinsLookup3::default();
        assert_eq!(
            c.encode(b"abc", DType::U1).unwrap(),
            [0x61, 0x62, 0x63, 0x31, 0x76, 0x39, 0x0e]
        );
        let c = JenkinsLookup3::new(1230, None);
        assert_eq!(
            c.encode(b"abc", DType::U1).unwrap(),
            [0x61, 0x62, 0x63, 0xeb, 0xfb, 0x1b, 0x6d]
        );
    }

    #[test]
    fn jenkins_prefix_and_config() {
        let cfg = json!({"id": "jenkins_lookup3", "initval": 5, "prefix": [1, 2, 3]});
        let c = JenkinsLookup3::from_config(&cfg).unwrap();
        assert_eq!(c.get_config(), cfg);
        let enc = c.encode(b"xyz", DType::U1).unwrap();
        assert_eq!(&enc[..3], b"xyz");
        assert_eq!(
            le32(&enc[3..]),
            jenkins_lookup3(&[1, 2, 3, b'x', b'y', b'z'], 5)
        );
        assert_eq!(c.decode(&enc).unwrap(), b"xyz");
        assert!(matches!(
            JenkinsLookup3::default().decode(&enc),
            Err(Error::ChecksumMismatch { .. })
        ));
        assert_eq!(
            JenkinsLookup3::from_config(&json!({"id": "jenkins_lookup3"}))
                .unwrap()
                .get_config(),
            json!({"id": "jenkins_lookup3", "initval": 0, "prefix": null})
        );
        assert!(JenkinsLookup3::from_config(&json!({"prefix": [256]})).is_err());
        assert!(JenkinsLookup3::from_config(&json!({"initval": -1})).is_err());
    }
}
