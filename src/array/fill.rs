//! Zarr v2 fill values: JSON <-> the element's bytes.
//!
//! Floats use the spellings `"NaN"`, `"Infinity"` and `"-Infinity"` for the non-finite values,
//! as zarr-python writes them; `null` (no fill value) reads as zeros. The other dtypes follow
//! zarr-python 2's `encode_fill_value` / `decode_fill_value`: complex as `[real, imag]` (each
//! a float or one of those spellings), bytes (`S`) and void (`V`) as base64 strings, unicode
//! as the string, datetime64 / timedelta64 as the i64 count (`"NaT"` is read too).

use crate::dtype::{DType, Kind};
use crate::error::{Error, Result};
use serde_json::Value;

/// A fill value: its JSON form (as written to `.zarray`) and the element's native-order bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct FillValue {
    json: Value,
    native: Vec<u8>,
}

impl FillValue {
    /// Zero of `dtype`, written as `0` (`0.0` for floats, `false` for bool).
    pub fn zero(dtype: DType) -> Self {
        let json = match dtype.kind() {
            Kind::Bool => Value::Bool(false),
            Kind::Float => serde_json::json!(0.0),
            Kind::Complex => serde_json::json!([0.0, 0.0]),
            Kind::Bytes | Kind::Void => Value::from(base64_encode(&vec![0; dtype.itemsize()])),
            Kind::Unicode => Value::from(""),
            _ => serde_json::json!(0),
        };
        FillValue {
            json,
            native: vec![0; dtype.itemsize()],
        }
    }

    /// Parses the JSON fill value of an array of `dtype`.
    pub fn from_json(dtype: DType, json: &Value) -> Result<Self> {
        let bad = |why: &str| {
            Error::Array(format!(
                "fill_value {json} is not valid for dtype {dtype}: {why}"
            ))
        };
        let n = dtype.itemsize();
        let native = match (dtype.kind(), json) {
            (_, Value::Null) => vec![0; n],
            // zarr-python reads numbers with `np.array(v, dtype)`: any number is a bool
            // (non-zero is true), floats truncate toward zero into ints, bools are 0 / 1, and
            // strings parse as numbers.
            (Kind::Bool, Value::Bool(b)) => vec![u8::from(*b)],
            (Kind::Bool, Value::Number(x)) => {
                vec![u8::from(
                    x.as_f64().ok_or_else(|| bad("expected a number"))? != 0.0,
                )]
            }
            (Kind::Int | Kind::UInt, v) => {
                let v = int_of(v).map_err(bad)?;
                let bits = (n * 8) as u32;
                let (lo, hi) = if dtype.kind() == Kind::Int {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                } else {
                    (0, (1i128 << bits) - 1)
                };
                if v < lo || v > hi {
                    return Err(bad("out of range"));
                }
                (v as i64).to_ne_bytes_trunc(n)
            }
            (Kind::Float, v) => float_bytes(float_of(v, n).map_err(bad)?, n),
            (Kind::Complex, Value::Array(parts)) => {
                let [re, im] = parts.as_slice() else {
                    return Err(bad("expected [real, imag]"));
                };
                let h = n / 2;
                let (re, im) = (float_of(re, h).map_err(bad)?, float_of(im, h).map_err(bad)?);
                // zarr-python builds the value as `re + 1j * im` in complex arithmetic: the
                // real part gains `0 * im - 1 * 0` (NaN when im is NaN or infinite) and an
                // imaginary -0 becomes +0.
                let re = re + (0.0 * im - 1.0 * 0.0);
                let im = 0.0 + (0.0 * 0.0 + 1.0 * im);
                let mut b = float_bytes(re, h);
                b.extend(float_bytes(im, h));
                b
            }
            (Kind::DateTime | Kind::TimeDelta, Value::String(s)) if s == "NaT" => {
                i64::MIN.to_ne_bytes_trunc(8)
            }
            (Kind::DateTime | Kind::TimeDelta, Value::Number(x)) => {
                let v = integral(x).ok_or_else(|| bad("expected an integer"))?;
                i64::try_from(v)
                    .map_err(|_| bad("out of range"))?
                    .to_ne_bytes_trunc(8)
            }
            (Kind::Bytes, Value::String(s)) => {
                // zarr-python: base64 when it decodes, else the string's own (ASCII) bytes;
                // numpy then truncates or NUL-pads to the item size.
                let raw = match base64_decode(s) {
                    Some(b) => b,
                    None if s.is_ascii() => s.as_bytes().to_vec(),
                    None => return Err(bad("expected base64 or an ASCII string")),
                };
                fit(raw, n)
            }
            (Kind::Bytes, Value::Number(x)) => match integral(x) {
                Some(v) => fit(v.to_string().into_bytes(), n),
                None => return Err(bad("expected a base64 string")),
            },
            (Kind::Void, Value::String(s)) => {
                fit(base64_decode(s).ok_or_else(|| bad("expected base64"))?, n)
            }
            (Kind::Unicode, Value::String(_) | Value::Number(_)) => {
                // numpy stores a number in a U element as its digits (zarr-python's default
                // fill 0 becomes "0").
                let s = match json {
                    Value::Number(x) => match integral(x) {
                        Some(v) => v.to_string(),
                        None => return Err(bad("expected a string")),
                    },
                    other => other.as_str().unwrap_or_default().to_string(),
                };
                let mut b: Vec<u8> = s
                    .chars()
                    .take(dtype.chars())
                    .flat_map(|c| u32::from(c).to_ne_bytes())
                    .collect();
                b.resize(n, 0);
                b
            }
            _ => return Err(bad("wrong JSON type")),
        };
        Ok(FillValue {
            json: normalize(dtype, json),
            native,
        })
    }

    /// The fill value of `dtype` whose native-order element bytes are `native`.
    pub fn from_native_bytes(dtype: DType, native: &[u8]) -> Result<Self> {
        if native.len() != dtype.itemsize() {
            return Err(Error::Array(format!(
                "fill value of {} bytes for dtype {dtype} ({} bytes)",
                native.len(),
                dtype.itemsize()
            )));
        }
        let json = match dtype.kind() {
            Kind::Unicode => {
                let s: Option<String> = native
                    .chunks_exact(4)
                    .filter_map(|c| c.try_into().ok().map(u32::from_ne_bytes))
                    .take_while(|&c| c != 0)
                    .map(char::from_u32)
                    .collect();
                Value::from(s.ok_or_else(|| {
                    Error::Array(format!("fill value of {dtype} is not valid unicode"))
                })?)
            }
            Kind::Bytes | Kind::Void => Value::from(base64_encode(native)),
            Kind::DateTime | Kind::TimeDelta => {
                serde_json::json!(i64::from_le_bytes(widen(native)?))
            }
            Kind::Complex => {
                let (re, im) = native.split_at(native.len() / 2);
                serde_json::json!([float_json(float_value(re)), float_json(float_value(im))])
            }
            Kind::Bool => Value::Bool(native.iter().any(|&b| b != 0)),
            Kind::Int => {
                let b = widen(native)?;
                let shift = 64 - 8 * native.len() as u32;
                serde_json::json!((i64::from_le_bytes(b) << shift) >> shift)
            }
            Kind::UInt => {
                let b = widen(native)?;
                serde_json::json!(u64::from_le_bytes(b))
            }
            Kind::Float => float_json(float_value(native)),
        };
        Ok(FillValue {
            json,
            native: native.to_vec(),
        })
    }

    /// The JSON written to `.zarray`.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The element's bytes in this machine's byte order.
    pub fn native_bytes(&self) -> &[u8] {
        &self.native
    }
}

/// A float element's value from its native bytes (2, 4 or 8 of them).
fn float_value(native: &[u8]) -> f64 {
    match native {
        [a, b] => half::f16::from_le_bytes([*a, *b]).to_f64(),
        [a, b, c, d] => f32::from_le_bytes([*a, *b, *c, *d]) as f64,
        _ => {
            let mut b = [0u8; 8];
            if let Some(src) = native.get(..8) {
                b.copy_from_slice(src);
            }
            f64::from_le_bytes(b)
        }
    }
}

/// A float fill value, rounded to the `n`-byte float as numpy rounds it: a number, a bool,
/// zarr's spellings of the non-finite values, or another string numpy parses as a float
/// (`"nan"`, `"inf"`, `"2.5"`).
fn float_of(json: &Value, n: usize) -> std::result::Result<f64, &'static str> {
    const WHAT: &str = "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"";
    let v = match json {
        Value::Number(x) => x.as_f64().ok_or(WHAT)?,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => python_float(other).ok_or(WHAT)?,
        },
        _ => return Err(WHAT),
    };
    Ok(float_value(&float_bytes(v, n)))
}

/// Python's `float(text)` for the usual spellings (surrounding whitespace, `nan`, `inf`,
/// `infinity` in any case, exponents, `_` between digits).
fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "nan" | "inf" | "infinity") {
        let neg = lower.starts_with('-');
        let v = if body == "nan" {
            f64::NAN
        } else {
            f64::INFINITY
        };
        return Some(if neg { -v } else { v });
    }
    // Rust's parser takes the remaining forms Python does (digits, '.', exponent, sign),
    // but also "nan"/"inf" (handled above).
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    t.parse::<f64>().ok()
}

/// An integer fill value as numpy's `np.array(v, int dtype)` reads it: integers, floats
/// truncated toward zero, bools as 0 / 1, and strings of an integer.
fn int_of(json: &Value) -> std::result::Result<i128, &'static str> {
    match json {
        Value::Number(x) => {
            if let Some(v) = integral(x) {
                return Ok(v);
            }
            let f = x.as_f64().ok_or("expected an integer")?;
            if f.is_finite() && f.abs() < 1.9e19 {
                Ok(f.trunc() as i128)
            } else {
                Err("out of range")
            }
        }
        Value::Bool(b) => Ok(i128::from(*b)),
        Value::String(s) => {
            let t = s.trim().replace('_', "");
            t.parse::<i128>().map_err(|_| "expected an integer")
        }
        _ => Err("expected an integer"),
    }
}

/// `raw` truncated or NUL-padded to `n` bytes, as numpy stores bytes in an `S`/`V` element.
fn fit(mut raw: Vec<u8>, n: usize) -> Vec<u8> {
    raw.resize(n, 0);
    raw
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding, as Python's `base64.standard_b64encode`.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
            c.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            let ch = if i <= c.len() {
                B64.get(((v >> (18 - 6 * i)) & 63) as usize)
                    .map_or('=', |&b| char::from(b))
            } else {
                '='
            };
            out.push(ch);
        }
    }
    out
}

/// Standard base64 as Python's `base64.standard_b64decode` reads it (ASCII characters outside
/// the alphabet are skipped); `None` for non-ASCII text or wrong padding.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    if !text.is_ascii() {
        return None; // Python: "string argument should contain only ASCII characters"
    }
    let mut vals = Vec::with_capacity(text.len());
    let mut pad = 0usize;
    for c in text.bytes() {
        if c == b'=' {
            pad += 1;
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        if pad > 0 {
            // Data after padding: Python stops at a complete quad; keep it simple and refuse.
            return None;
        }
        vals.push(v);
    }
    let rem = vals.len() % 4;
    if rem == 1 || (rem != 0 && pad < 4 - rem) {
        return None;
    }
    let mut out = Vec::with_capacity(vals.len() / 4 * 3 + 2);
    for q in vals.chunks(4) {
        let mut v = 0u32;
        for (i, &x) in q.iter().enumerate() {
            v |= u32::from(x) << (18 - 6 * i);
        }
        let bytes = v.to_be_bytes();
        out.extend_from_slice(bytes.get(1..q.len()).unwrap_or_default());
    }
    Some(out)
}

fn integral(x: &serde_json::Number) -> Option<i128> {
    if let Some(v) = x.as_i64() {
        return Some(v as i128);
    }
    if let Some(v) = x.as_u64() {
        return Some(v as i128);
    }
    let f = x.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 1.9e19).then_some(f as i128)
}

/// An integer element of at most 8 bytes, zero-extended to 8 (little-endian).
fn widen(native: &[u8]) -> Result<[u8; 8]> {
    let mut b = [0u8; 8];
    b.get_mut(..native.len())
        .ok_or_else(|| {
            Error::Array(format!(
                "integer fill value of {} bytes is wider than 8",
                native.len()
            ))
        })?
        .copy_from_slice(native);
    Ok(b)
}

trait TruncBytes {
    fn to_ne_bytes_trunc(self, n: usize) -> Vec<u8>;
}

impl TruncBytes for i64 {
    fn to_ne_bytes_trunc(self, n: usize) -> Vec<u8> {
        // Little-endian targets only (see `dtype::Element`): the low `n` bytes come first.
        let b = self.to_le_bytes();
        b.get(..n).unwrap_or(&b).to_vec()
    }
}

fn float_bytes(v: f64, n: usize) -> Vec<u8> {
    match n {
        2 => half::f16::from_f64(v).to_le_bytes().to_vec(),
        4 => (v as f32).to_le_bytes().to_vec(),
        _ => v.to_le_bytes().to_vec(),
    }
}

fn float_json(v: f64) -> Value {
    if v.is_nan() {
        Value::from("NaN")
    } else if v == f64::INFINITY {
        Value::from("Infinity")
    } else if v == f64::NEG_INFINITY {
        Value::from("-Infinity")
    } else {
        serde_json::json!(v)
    }
}

/// The JSON written back for a fill value `from_json` accepted: zarr-python's own spelling
/// of the value (`"nan"` becomes `"NaN"`, `1.5` for an int dtype `1`, `2` for bool `true`).
fn normalize(dtype: DType, json: &Value) -> Value {
    match (dtype.kind(), json) {
        (_, Value::Null) => Value::Null,
        (Kind::Float, v) => float_of(v, 8).map(float_json).unwrap_or_else(|_| v.clone()),
        (Kind::Bool, Value::Number(x)) => Value::Bool(x.as_f64().is_some_and(|f| f != 0.0)),
        (Kind::Int | Kind::UInt, v) => match int_of(v) {
            Ok(v) if v < 0 => serde_json::json!(v as i64),
            Ok(v) => serde_json::json!(v as u64),
            Err(_) => json.clone(),
        },
        _ => json.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spellings() {
        let f = FillValue::from_json(DType::F4, &json!("NaN")).unwrap();
        assert!(f32::from_ne_bytes(f.native_bytes().try_into().unwrap()).is_nan());
        assert_eq!(f.json(), &json!("NaN"));
        let f = FillValue::from_json(DType::F8, &json!("-Infinity")).unwrap();
        assert_eq!(f.native_bytes(), f64::NEG_INFINITY.to_ne_bytes());
        let f = FillValue::from_json(DType::F2, &json!(1.5)).unwrap();
        assert_eq!(f.native_bytes(), half::f16::from_f32(1.5).to_ne_bytes());
        let f = FillValue::from_json(DType::I2, &json!(-3)).unwrap();
        assert_eq!(f.native_bytes(), (-3i16).to_ne_bytes());
        let f = FillValue::from_json(DType::U8, &json!(u64::MAX)).unwrap();
        assert_eq!(f.native_bytes(), u64::MAX.to_ne_bytes());
        let f = FillValue::from_json(DType::BOOL, &json!(true)).unwrap();
        assert_eq!(f.native_bytes(), [1]);
        let f = FillValue::from_json(DType::I4, &Value::Null).unwrap();
        assert_eq!(f.native_bytes(), [0; 4]);
        assert_eq!(f.json(), &Value::Null);
        let f = FillValue::from_json(DType::I4, &json!(7.0)).unwrap();
        assert_eq!(f.json(), &json!(7));
    }

    #[test]
    fn rejects() {
        for (d, v) in [
            (DType::U1, json!(256)),
            (DType::I1, json!(-129)),
            (DType::U2, json!(-1)),
            (DType::U2, json!(-1.5)),
            (DType::I4, json!("NaN")),
            (DType::I4, json!("1.5")),
            (DType::I8, json!(1e20)),
            (DType::F4, json!("nan?")),
            (DType::F4, json!("1__0")),
            (DType::BOOL, json!("true")),
            (DType::F8, json!([1])),
        ] {
            let e = FillValue::from_json(d, &v).unwrap_err().to_string();
            assert!(e.contains("fill_value"), "{e}");
        }
    }

    #[test]
    fn opaque_kinds_as_zarr_python_reads_them() {
        let d = |s: &str| DType::parse_any(s).unwrap();
        let c = |v: &Value, dt: &str| -> (f64, f64) {
            let f = FillValue::from_json(d(dt), v).unwrap();
            let b = f.native_bytes();
            let h = b.len() / 2;
            (float_value(&b[..h]), float_value(&b[h..]))
        };
        assert_eq!(c(&json!([1.5, -2.0]), "<c16"), (1.5, -2.0));
        assert_eq!(c(&json!([0.1, 0.0]), "<c8"), (0.1f32 as f64, 0.0));
        // zarr-python's `re + 1j * im`: a NaN or infinite imaginary part makes the real
        // part NaN; an imaginary -0 becomes +0.
        let (re, im) = c(&json!([1.5, "NaN"]), "<c8");
        assert!(re.is_nan() && im.is_nan());
        let (re, im) = c(&json!([1.5, "Infinity"]), "<c16");
        assert!(re.is_nan() && im == f64::INFINITY);
        let (re, im) = c(&json!(["-Infinity", 2.0]), "<c16");
        assert!(re == f64::NEG_INFINITY && im == 2.0);
        let (_, im) = c(&json!([1.0, -0.0]), "<c16");
        assert!(im == 0.0 && im.is_sign_positive());
        // Bytes: base64 (Python's `standard_b64encode(b"0")` is "MA=="), else the ASCII
        // text; truncated or NUL-padded; integers as their digits.
        let b = |v: Value, dt: &str| {
            FillValue::from_json(d(dt), &v)
                .unwrap()
                .native_bytes()
                .to_vec()
        };
        assert_eq!(b(json!("MA=="), "|S3"), b"0\0\0");
        assert_eq!(b(json!("abc"), "|S3"), b"abc"); // 3 chars: not base64
        assert_eq!(b(json!("YWJjZGVm"), "|S4"), b"abcd");
        assert_eq!(b(json!(0), "|S2"), b"0\0");
        assert_eq!(b(json!("AQID"), "|V4"), [1, 2, 3, 0]);
        assert_eq!(b(json!(-3), "<m8[s]"), (-3i64).to_le_bytes());
        assert_eq!(b(json!("NaT"), "<M8[ns]"), i64::MIN.to_le_bytes());
        let u = b(json!("hé€x"), "<U3");
        let want: Vec<u8> = "hé€"
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        assert_eq!(u, want);
        assert_eq!(base64_encode(b"0"), "MA==");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b"abc"), "YWJj");
        assert_eq!(base64_encode(b""), "");
        for bytes in [&b""[..], b"\0", b"\xff\x00\x10", b"hello world!?"] {
            assert_eq!(base64_decode(&base64_encode(bytes)).unwrap(), bytes);
        }
        assert_eq!(base64_decode("YW\nJj").unwrap(), b"abc"); // non-alphabet skipped
        assert!(base64_decode("YWJ").is_none());
        assert!(base64_decode("é").is_none());
        // Zero fills and native round trips of every opaque kind.
        for (dt, v) in [
            ("<c8", json!([1.5, -2.0])),
            (">c16", json!(["NaN", "NaN"])),
            ("<M8[ns]", json!(12345)),
            ("|S3", json!("YWI=")),
            ("|V2", json!("AQI=")),
            ("<U2", json!("hé")),
        ] {
            let f = FillValue::from_json(d(dt), &v).unwrap();
            let g = FillValue::from_native_bytes(d(dt), f.native_bytes()).unwrap();
            assert_eq!(g.native_bytes(), f.native_bytes(), "{dt}");
            let z = FillValue::zero(d(dt));
            assert!(z.native_bytes().iter().all(|&x| x == 0), "{dt}");
            let z2 = FillValue::from_json(d(dt), z.json()).unwrap();
            assert_eq!(z2.native_bytes(), z.native_bytes(), "{dt}");
        }
    }

    #[test]
    fn numbers_coerce_as_zarr_python_reads_them() {
        // zarr-python 2.18 decodes these with `np.array(v, dtype)` (checked against it).
        for (d, v, native, written) in [
            (DType::I4, json!(1.5), 1i32.to_ne_bytes().to_vec(), json!(1)),
            (
                DType::I4,
                json!(-2.9),
                (-2i32).to_ne_bytes().to_vec(),
                json!(-2),
            ),
            (DType::I2, json!("7"), 7i16.to_ne_bytes().to_vec(), json!(7)),
            (DType::U1, json!(true), vec![1], json!(1)),
            (DType::BOOL, json!(2), vec![1], json!(true)),
            (DType::BOOL, json!(1.0), vec![1], json!(true)),
            (DType::BOOL, json!(0.0), vec![0], json!(false)),
            (
                DType::F4,
                json!(true),
                1f32.to_ne_bytes().to_vec(),
                json!(1.0),
            ),
            (
                DType::F8,
                json!("2.5"),
                2.5f64.to_ne_bytes().to_vec(),
                json!(2.5),
            ),
            (
                DType::F8,
                json!(" -1e3 "),
                (-1e3f64).to_ne_bytes().to_vec(),
                json!(-1000.0),
            ),
            (
                DType::F8,
                json!("inf"),
                f64::INFINITY.to_ne_bytes().to_vec(),
                json!("Infinity"),
            ),
            (
                DType::F8,
                json!("-Infinity"),
                f64::NEG_INFINITY.to_ne_bytes().to_vec(),
                json!("-Infinity"),
            ),
            (
                DType::F8,
                json!("1_000"),
                1000f64.to_ne_bytes().to_vec(),
                json!(1000.0),
            ),
        ] {
            let f = FillValue::from_json(d, &v).unwrap();
            assert_eq!(f.native_bytes(), native, "{d} {v}");
            assert_eq!(f.json(), &written, "{d} {v}");
        }
        let f = FillValue::from_json(DType::F4, &json!("nan")).unwrap();
        assert!(f32::from_ne_bytes(f.native_bytes().try_into().unwrap()).is_nan());
        assert_eq!(f.json(), &json!("NaN"));
    }

    #[test]
    fn native_round_trip() {
        for (d, v) in [
            (DType::I1, json!(-5)),
            (DType::U4, json!(4000000000u64)),
            (DType::F4, json!("Infinity")),
            (DType::F8, json!(2.25)),
            (DType::BOOL, json!(true)),
        ] {
            let f = FillValue::from_json(d, &v).unwrap();
            let g = FillValue::from_native_bytes(d, f.native_bytes()).unwrap();
            assert_eq!(g.json(), &v, "{d}");
        }
    }
}
