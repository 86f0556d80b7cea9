//! Zarr v2 fill values: JSON <-> the element's bytes.
//!
//! Floats use the spellings `"NaN"`, `"Infinity"` and `"-Infinity"` for the non-finite values,
//! as zarr-python writes them; `null` (no fill value) reads as zeros.

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
            (Kind::Bool, Value::Bool(b)) => vec![u8::from(*b)],
            (Kind::Bool, Value::Number(x)) => match x.as_u64() {
                Some(v @ (0 | 1)) => vec![v as u8],
                _ => return Err(bad("expected true, false, 0 or 1")),
            },
            (Kind::Int, Value::Number(x)) => {
                let v = integral(x).ok_or_else(|| bad("expected an integer"))?;
                let v = i64::try_from(v).map_err(|_| bad("out of range"))?;
                let bits = n * 8;
                if bits < 64 && (v < -(1i64 << (bits - 1)) || v >= (1i64 << (bits - 1))) {
                    return Err(bad("out of range"));
                }
                v.to_ne_bytes_trunc(n)
            }
            (Kind::UInt, Value::Number(x)) => {
                let v = integral(x).ok_or_else(|| bad("expected an integer"))?;
                let v = u64::try_from(v).map_err(|_| bad("out of range"))?;
                if n < 8 && v >> (n * 8) != 0 {
                    return Err(bad("out of range"));
                }
                (v as i64).to_ne_bytes_trunc(n)
            }
            (Kind::Float, Value::Number(x)) => {
                float_bytes(x.as_f64().ok_or_else(|| bad("expected a number"))?, n)
            }
            (Kind::Float, Value::String(s)) => {
                let v = match s.as_str() {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    _ => {
                        return Err(bad(
                            "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"",
                        ))
                    }
                };
                float_bytes(v, n)
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
                return Err(Error::Array(format!(
                    "arrays of unicode dtype {dtype} are not supported"
                )))
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
            Kind::Float => {
                let v = match native {
                    [a, b] => half::f16::from_le_bytes([*a, *b]).to_f64(),
                    [a, b, c, d] => f32::from_le_bytes([*a, *b, *c, *d]) as f64,
                    _ => {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(native);
                        f64::from_le_bytes(b)
                    }
                };
                float_json(v)
            }
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

fn normalize(dtype: DType, json: &Value) -> Value {
    match (dtype.kind(), json) {
        (Kind::Float, Value::Number(x)) => x.as_f64().map(float_json).unwrap_or(Value::Null),
        (Kind::Bool, Value::Number(x)) => Value::Bool(x.as_u64() == Some(1)),
        (Kind::Int | Kind::UInt, Value::Number(x)) => match integral(x) {
            Some(v) if v < 0 => serde_json::json!(v as i64),
            Some(v) => serde_json::json!(v as u64),
            None => json.clone(),
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
            (DType::I4, json!(1.5)),
            (DType::I4, json!("NaN")),
            (DType::F4, json!("nan")),
            (DType::BOOL, json!(2)),
            (DType::F8, json!([1])),
        ] {
            let e = FillValue::from_json(d, &v).unwrap_err().to_string();
            assert!(e.contains("fill_value"), "{e}");
        }
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
