//! numcodecs `Categorize`: fixed-width unicode strings stored as small integer codes.
//! Config `{"id": "categorize", "labels": [str, ...], "dtype": "<U5", "astype": "|u1"}`
//! (`labels` and `dtype` required, `astype` defaults to `|u1`).
//!
//! Encode: element equal to `labels[i]` -> code `i + 1` in `astype`; a later duplicate label
//! wins; anything else -> 0. Equality is numpy's string equality: trailing NUL code points do not
//! count (`"ab"` equals a label `"ab\0"`), embedded ones do, and a label longer than the dtype's
//! width never matches. Decode: code 0 -> the empty string, code `k` -> `labels[k-1]`, cut to the
//! dtype's width (numpy's assignment truncates) and NUL padded, in the dtype's byte order.
//!
//! Deliberate differences from numcodecs (which is otherwise matched byte for byte):
//! - a code that is not a label index (greater than the number of labels, negative, not an
//!   integer, NaN, a bool byte other than 0 or 1) is a decode error naming the code and the
//!   element; numcodecs silently decodes it to the empty string, which hides corruption or a
//!   wrong label list;
//! - encode refuses a label list whose codes `astype` cannot hold exactly: numcodecs raises for
//!   integer types too, but for float types it writes rounded codes (label 2049 as 2048 in `f2`)
//!   and for `bool` it writes 1 for every label, both of which decode to the wrong label;
//! - `dtype` must be a fixed-width unicode dtype (`<U5`, `>U5`); numcodecs' object dtype (`|O`,
//!   Python strings) has no byte layout to hand to a Rust codec, and numpy's `U0` is refused.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::num::{cast_slice, count, decoded_size};
use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::{ByteOrder, DType, Kind};
use crate::error::{Error, Result};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Elements converted per step between codes and the `f64` scratch buffer.
const STEP: usize = 256;

/// numcodecs' `Categorize(labels, dtype, astype)` for fixed-width unicode `dtype`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categorize {
    labels: Vec<String>,
    /// Each label as UCS-4 code points (what numpy compares and stores).
    points: Vec<Vec<u32>>,
    dtype: DType,
    astype: DType,
}

impl Categorize {
    pub const ID: &'static str = "categorize";

    /// Codes for `labels` over elements of the unicode `dtype`, stored as the numeric `astype`.
    pub fn new(labels: Vec<String>, dtype: DType, astype: DType) -> Result<Self> {
        if dtype.kind() != Kind::Unicode {
            return Err(Error::config(
                Self::ID,
                "dtype",
                format!("expected a fixed-width unicode dtype such as \"<U8\", got {dtype}"),
            ));
        }
        if !astype.is_numeric() {
            return Err(Error::config(
                Self::ID,
                "astype",
                format!("expected a bool, integer or float dtype, got {astype}"),
            ));
        }
        let points = labels
            .iter()
            .map(|l| l.chars().map(u32::from).collect())
            .collect();
        Ok(Categorize {
            labels,
            points,
            dtype,
            astype,
        })
    }

    /// Builds from `{"id": "categorize", "labels": [...], "dtype": "<U..", "astype": ..}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let raw = r.required_raw("labels")?;
        let list = raw
            .as_array()
            .ok_or_else(|| r.error("labels", format!("expected a list of strings, got {raw}")))?;
        let mut labels = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let s = v
                .as_str()
                .ok_or_else(|| r.error("labels", format!("label {i} is not a string: {v}")))?;
            labels.push(s.to_string());
        }
        let dtype_str = r
            .optional_str("dtype")?
            .ok_or_else(|| r.error("dtype", "missing required key"))?;
        let dtype = DType::parse_any(dtype_str).map_err(|e| r.error("dtype", e))?;
        if dtype.kind() != Kind::Unicode {
            return Err(r.error(
                "dtype",
                format!(
                    "expected a fixed-width unicode dtype such as \"<U8\", got {dtype_str:?} \
                     (object dtype \"|O\" is not supported)"
                ),
            ));
        }
        let astype = r.optional_dtype("astype")?.unwrap_or(DType::U1);
        r.finish()?;
        Categorize::new(labels, dtype, astype)
    }

    /// The labels, in code order (code `i + 1` is `labels()[i]`).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The largest code `astype` holds exactly.
    fn max_code(&self) -> u64 {
        let bits = 8 * self.astype.itemsize() as u32;
        match self.astype.kind() {
            Kind::Bool => 1,
            Kind::Int => (1u64 << (bits - 1)) - 1,
            Kind::UInt => u64::MAX >> (64 - bits),
            Kind::Float => match self.astype.itemsize() {
                2 => 1 << 11,
                4 => 1 << 24,
                _ => 1 << 53,
            },
            // Not reached: `astype` is numeric (checked when the codec is built).
            Kind::Unicode
            | Kind::Complex
            | Kind::DateTime
            | Kind::TimeDelta
            | Kind::Bytes
            | Kind::Void => 0,
        }
    }

    /// Reads element `e` (exactly `dtype.itemsize()` bytes) into `buf` as code points, without
    /// trailing NULs.
    fn load(&self, e: &[u8], buf: &mut Vec<u32>) {
        buf.clear();
        let big = self.dtype.byte_order() == ByteOrder::Big;
        buf.extend(e.chunks_exact(4).map(|c| {
            let b = [
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
                c.get(2).copied().unwrap_or(0),
                c.get(3).copied().unwrap_or(0),
            ];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        }));
        while buf.last() == Some(&0) {
            buf.pop();
        }
    }

    /// Writes label `points`, cut to the element width, into the zeroed element `e`.
    fn store(&self, points: &[u32], e: &mut [u8]) {
        let big = self.dtype.byte_order() == ByteOrder::Big;
        for (c, &p) in e.chunks_exact_mut(4).zip(points) {
            let b = if big {
                p.to_be_bytes()
            } else {
                p.to_le_bytes()
            };
            c.copy_from_slice(&b);
        }
    }

    /// Decodes codes `input` (already checked to be whole `astype` elements) into `out`, which
    /// holds exactly as many `dtype` elements.
    fn decode_to(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        out.fill(0);
        let width = self.dtype.itemsize();
        let asz = self.astype.itemsize();
        let f8 = DType::F8.to_native();
        let mut scratch = [0u8; STEP * 8];
        let n_labels = self.points.len();
        let mut index = 0usize;
        for (codes, outs) in input
            .chunks(STEP * asz)
            .zip(out.chunks_mut(STEP * width.max(1)))
        {
            let n = codes.len() / asz;
            let scratch = scratch.get_mut(..n * 8).unwrap_or_default();
            if self.astype.kind() == Kind::Bool {
                if let Some(pos) = codes.iter().position(|&b| b > 1) {
                    let b = codes.get(pos).copied().unwrap_or(0);
                    return Err(Error::corrupt(
                        Self::ID,
                        format!(
                            "code byte {b} at element {} is not a bool (0 or 1)",
                            index + pos
                        ),
                    ));
                }
            }
            cast_slice(codes, self.astype, scratch, f8);
            for (c, e) in scratch.chunks_exact(8).zip(outs.chunks_exact_mut(width)) {
                let v = f64::from_ne_bytes(c.try_into().unwrap_or_default());
                let in_range = v >= 0.0 && v <= n_labels as f64 && v.fract() == 0.0;
                if !in_range {
                    return Err(Error::corrupt(
                        Self::ID,
                        format!(
                            "code {} at element {index} is not a label index (0..={n_labels})",
                            v
                        ),
                    ));
                }
                let k = v as usize;
                if let Some(points) = k.checked_sub(1).and_then(|i| self.points.get(i)) {
                    self.store(points, e);
                }
                index += 1;
            }
        }
        Ok(())
    }
}

impl Codec for Categorize {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "labels": self.labels, "dtype": self.dtype.to_string(),
               "astype": self.astype.to_string()})
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        self.astype
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let width = self.dtype.itemsize();
        let n = count(Self::ID, input.len(), self.dtype, false)?;
        if self.labels.len() as u64 > self.max_code() {
            return Err(Error::invalid_input(
                Self::ID,
                format!(
                    "{} labels need codes up to {}, which astype {} cannot hold exactly (at most {})",
                    self.labels.len(),
                    self.labels.len(),
                    self.astype,
                    self.max_code()
                ),
            ));
        }
        // Later duplicates overwrite earlier ones, as numcodecs' in-order assignment does.
        let mut codes: HashMap<&[u32], f64> = HashMap::with_capacity(self.points.len());
        for (i, p) in self.points.iter().enumerate() {
            let len = p.iter().rposition(|&c| c != 0).map_or(0, |j| j + 1);
            codes.insert(p.get(..len).unwrap_or_default(), (i + 1) as f64);
        }
        let asz = self.astype.itemsize();
        let f8 = DType::F8.to_native();
        let mut out = vec![0u8; n * asz];
        let mut scratch = [0u8; STEP * 8];
        let mut buf = Vec::with_capacity(self.dtype.chars());
        for (elems, outs) in input.chunks(STEP * width).zip(out.chunks_mut(STEP * asz)) {
            let m = elems.len() / width;
            let scratch = scratch.get_mut(..m * 8).unwrap_or_default();
            for (e, c) in elems.chunks_exact(width).zip(scratch.chunks_exact_mut(8)) {
                self.load(e, &mut buf);
                let code = codes.get(buf.as_slice()).copied().unwrap_or(0.0);
                c.copy_from_slice(&code.to_ne_bytes());
            }
            cast_slice(scratch, f8, outs, self.astype);
        }
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        let size = decoded_size(Self::ID, n, self.dtype, limit)?;
        let mut out = vec![0u8; size];
        self.decode_to(input, &mut out)?;
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        let size = n
            .checked_mul(self.dtype.itemsize())
            .ok_or_else(|| Error::output_size(Self::ID, usize::MAX, out.len()))?;
        check_output_size(Self::ID, size, out)?;
        self.decode_to(input, out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn u(s: &str, chars: usize, big: bool) -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..chars {
            let c = s.chars().nth(i).map_or(0, u32::from);
            v.extend(if big {
                c.to_be_bytes()
            } else {
                c.to_le_bytes()
            });
        }
        v
    }

    fn cat(labels: &[&str], dtype: &str, astype: &str) -> Categorize {
        Categorize::from_config(&json!({"id": "categorize", "labels": labels,
            "dtype": dtype, "astype": astype}))
        .unwrap()
    }

    #[test]
    fn numcodecs_vectors() {
        // numcodecs 0.16.6: Categorize(['ab','a\0b','abcd','','é😀'], '<U3') on
        // ['ab','a\0b','abc','','b'] -> [1 2 0 4 0].
        let c = cat(&["ab", "a\0b", "abcd", "", "é😀"], "<U3", "|u1");
        let input: Vec<u8> = ["ab", "a\0b", "abc", "", "b"]
            .iter()
            .flat_map(|s| u(s, 3, false))
            .collect();
        assert_eq!(c.encode(&input, DType::U1).unwrap(), [1, 2, 0, 4, 0]);
        let dec = c.decode(&[0, 1, 2, 3, 4, 5]).unwrap();
        let want: Vec<u8> = ["", "ab", "a\0b", "abc", "", "é😀"]
            .iter()
            .flat_map(|s| u(s, 3, false))
            .collect();
        assert_eq!(dec, want);

        // Categorize(['ab','xyz'], '>U3', astype='>i2') on ['xyz','ab','q'] -> 0002 0001 0000.
        let c = cat(&["ab", "xyz"], ">U3", ">i2");
        let input: Vec<u8> = ["xyz", "ab", "q"]
            .iter()
            .flat_map(|s| u(s, 3, true))
            .collect();
        let enc = c.encode(&input, DType::U1).unwrap();
        assert_eq!(enc, [0, 2, 0, 1, 0, 0]);
        let mut want = input.clone();
        want[24..].fill(0);
        assert_eq!(c.decode(&enc).unwrap(), want);
        let mut out = vec![1u8; want.len()];
        c.decode_into(&enc, &mut out).unwrap();
        assert_eq!(out, want);
    }

    #[test]
    fn config_matches_numcodecs() {
        let c = cat(&["b", "é"], "U2", "u2");
        assert_eq!(
            serde_json::to_string(&c.get_config()).unwrap(),
            r#"{"id":"categorize","labels":["b","é"],"dtype":"<U2","astype":"<u2"}"#
        );
        let c = Categorize::from_config(&json!({"labels": [], "dtype": ">U1"})).unwrap();
        assert_eq!(
            c.get_config(),
            json!({"id": "categorize", "labels": [], "dtype": ">U1", "astype": "|u1"})
        );
        assert_eq!(c.encoded_dtype(DType::U1), DType::U1);
    }

    #[test]
    fn float_and_bool_codes() {
        // numcodecs: astype f2 -> 003c 0040 0000; >f4 -> 3f800000 40000000 00000000.
        let input: Vec<u8> = ["a", "b", "c"]
            .iter()
            .flat_map(|s| u(s, 1, false))
            .collect();
        let c = cat(&["a", "b"], "<U1", "<f2");
        let enc = c.encode(&input, DType::U1).unwrap();
        assert_eq!(enc, [0, 0x3c, 0, 0x40, 0, 0]);
        let mut want = input.clone();
        want[8..].fill(0);
        assert_eq!(c.decode(&enc).unwrap(), want);
        let c = cat(&["a", "b"], "<U1", ">f4");
        assert_eq!(
            c.encode(&input, DType::U1).unwrap(),
            [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]
        );
        let c = cat(&["a"], "<U1", "|b1");
        assert_eq!(c.encode(&input, DType::U1).unwrap(), [1, 0, 0]);
    }

    #[test]
    fn bad_codes_are_errors_naming_them() {
        let c = cat(&["a", "b"], "<U1", "|i1");
        for (codes, what) in [
            (vec![1u8, 3], "code 3 at element 1"),
            (vec![0xff], "code -1 at element 0"),
        ] {
            let e = c.decode(&codes).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "{e}");
            assert!(e.to_string().contains(what), "{e}");
        }
        let c = cat(&["a", "b"], "<U1", "<f4");
        for v in [1.5f32, f32::NAN, -1.0, 3.0] {
            let e = c.decode(&v.to_le_bytes()).unwrap_err().to_string();
            assert!(e.contains("is not a label index (0..=2)"), "{e}");
        }
        let c = cat(&["a"], "<U1", "|b1");
        let e = c.decode(&[0, 2]).unwrap_err().to_string();
        assert!(e.contains("code byte 2 at element 1"), "{e}");
        let e = c.decode(&[1]).unwrap();
        assert_eq!(e, u("a", 1, false));
    }

    #[test]
    fn too_many_labels_for_astype() {
        let labels: Vec<String> = (0..256).map(|i| i.to_string()).collect();
        let l: Vec<&str> = labels.iter().map(String::as_str).collect();
        let e = cat(&l, "<U3", "|u1")
            .encode(&u("1", 3, false), DType::U1)
            .unwrap_err()
            .to_string();
        assert!(e.contains("256 labels"), "{e}");
        assert_eq!(
            cat(&l[..255], "<U3", "|u1")
                .encode(&u("254", 3, false), DType::U1)
                .unwrap(),
            [255]
        );
        // Decoding still works: only codes that appear are checked.
        assert_eq!(
            cat(&l, "<U3", "|u1").decode(&[2]).unwrap(),
            u("1", 3, false)
        );
        let e = cat(&l[..2], "<U3", "|b1")
            .encode(&u("1", 3, false), DType::U1)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at most 1"), "{e}");
    }

    #[test]
    fn duplicate_labels_last_wins_and_empty_input() {
        let c = cat(&["x", "y", "x"], "<U2", "|u1");
        assert_eq!(c.encode(&u("x", 2, false), DType::U1).unwrap(), [3]);
        assert!(c.encode(&[], DType::U1).unwrap().is_empty());
        assert!(c.decode(&[]).unwrap().is_empty());
    }
}
