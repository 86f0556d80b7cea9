//! Minimal `.npy` (numpy's array file format, versions 1.0 to 3.0) for the fixed-size dtypes
//! this crate handles (numeric, complex, datetime64 / timedelta64, bytes, void, unicode; not
//! structured or object): read a header + raw data, write version 1.0 (2.0 when the header is
//! long).

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
use std::io::{Read, Write};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// A parsed `.npy` file: dtype, shape, memory order and the raw element bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Npy {
    pub dtype: DType,
    pub shape: Vec<usize>,
    /// True when `data` is in Fortran (column-major) order.
    pub fortran_order: bool,
    pub data: Vec<u8>,
}

impl Npy {
    /// Reads a `.npy` file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut f = std::fs::File::open(path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        // The file's size bounds the up-front reservation (a header cannot make us reserve
        // more than the file holds); growing a 256 MiB Vec by doubling cost more than encoding.
        let avail = f.metadata().ok().map(|m| m.len());
        Self::read_hinted(&mut f, &path.display().to_string(), avail)
    }

    /// Reads `.npy` bytes from `r`; `name` names the source in errors.
    pub fn read(r: &mut impl Read, name: &str) -> Result<Self> {
        Self::read_hinted(r, name, None)
    }

    /// [`Npy::read`], reserving the data size up front when `avail` (the bytes the source
    /// holds) covers it, else at most 64 MiB before the bytes actually arrive.
    fn read_hinted(r: &mut impl Read, name: &str, avail: Option<u64>) -> Result<Self> {
        let bad = |m: String| Error::invalid_input("npy", format!("{name}: {m}"));
        let io = |e| Error::io(format!("reading {name}"), e);
        let mut pre = [0u8; 8];
        r.read_exact(&mut pre).map_err(io)?;
        let [magic @ .., major, _minor] = pre;
        if magic != MAGIC {
            return Err(bad("not a .npy file (bad magic)".into()));
        }
        let header_len = match major {
            1 => {
                let mut b = [0u8; 2];
                r.read_exact(&mut b).map_err(io)?;
                u16::from_le_bytes(b) as usize
            }
            2 | 3 => {
                let mut b = [0u8; 4];
                r.read_exact(&mut b).map_err(io)?;
                u32::from_le_bytes(b) as usize
            }
            v => return Err(bad(format!("unsupported .npy version {v}"))),
        };
        if header_len > 1 << 20 {
            return Err(bad(format!("header of {header_len} bytes is too long")));
        }
        let mut header = vec![0u8; header_len];
        r.read_exact(&mut header).map_err(io)?;
        let header = String::from_utf8_lossy(&header).into_owned();
        let descr = dict_value(&header, "descr")
            .ok_or_else(|| bad(format!("no 'descr' in header {header:?}")))?;
        let descr = descr.trim().trim_matches(|c| c == '\'' || c == '"');
        let dtype = DType::parse_any(descr).map_err(|e| bad(e.to_string()))?;
        let fortran_order = match dict_value(&header, "fortran_order").map(str::trim) {
            Some("True") => true,
            Some("False") => false,
            _ => return Err(bad(format!("bad 'fortran_order' in header {header:?}"))),
        };
        let shape_text = dict_value(&header, "shape")
            .ok_or_else(|| bad(format!("no 'shape' in header {header:?}")))?;
        let shape = shape_text
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_end_matches('L').parse::<usize>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| bad(format!("bad 'shape' {shape_text:?}")))?;
        let len = shape
            .iter()
            .try_fold(dtype.itemsize(), |a, &d| a.checked_mul(d))
            .ok_or_else(|| bad(format!("shape {shape:?} is too large")))?;
        let reserve = match avail {
            Some(n) if n >= len as u64 => len,
            _ => len.min(64 << 20),
        };
        let mut data = Vec::with_capacity(reserve);
        r.take(len as u64).read_to_end(&mut data).map_err(io)?;
        if data.len() != len {
            return Err(bad(format!(
                "truncated: {} data bytes, shape {shape:?} of {dtype} needs {len}",
                data.len()
            )));
        }
        Ok(Npy {
            dtype,
            shape,
            fortran_order,
            data,
        })
    }

    /// Writes a `.npy` file (C order unless `fortran_order`).
    pub fn write_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let f = std::fs::File::create(path)
            .map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
        let mut w = std::io::BufWriter::new(f);
        self.write(&mut w)
            .and_then(|_| w.flush())
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))
    }

    /// Writes `.npy` bytes.
    pub fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        let shape = match self.shape.as_slice() {
            [] => "()".to_string(),
            [n] => format!("({n},)"),
            s => format!(
                "({})",
                s.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let dict = format!(
            "{{'descr': '{}', 'fortran_order': {}, 'shape': {shape}, }}",
            self.dtype,
            if self.fortran_order { "True" } else { "False" }
        );
        // Pad so the data starts at a multiple of 64 bytes, header ending in '\n'.
        let (version, prefix) = if dict.len() + 1 + 10 <= 65535 {
            (1u8, 10)
        } else {
            (2u8, 12)
        };
        let total = (prefix + dict.len() + 1).div_ceil(64) * 64;
        let header_len = total - prefix;
        let mut header = dict.into_bytes();
        header.resize(header_len - 1, b' ');
        header.push(b'\n');
        w.write_all(MAGIC)?;
        w.write_all(&[version, 0])?;
        if version == 1 {
            w.write_all(&(header_len as u16).to_le_bytes())?;
        } else {
            w.write_all(&(header_len as u32).to_le_bytes())?;
        }
        w.write_all(&header)?;
        w.write_all(&self.data)
    }
}

/// The text of `'key': VALUE` in a Python dict literal, up to the next top-level comma.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pat1 = format!("'{key}'");
    let pat2 = format!("\"{key}\"");
    let start = header
        .find(&pat1)
        .map(|i| i + pat1.len())
        .or_else(|| header.find(&pat2).map(|i| i + pat2.len()))?;
    let rest = header.get(start..)?.trim_start().strip_prefix(':')?;
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth == 0 => return rest.get(..i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_shapes_and_dtypes() {
        for (shape, dtype) in [
            (vec![], DType::F8),
            (vec![3], DType::I2),
            (vec![2, 3, 4], DType::parse(">f4").unwrap()),
            (vec![0, 5], DType::BOOL),
        ] {
            let n: usize = shape.iter().product::<usize>() * dtype.itemsize();
            let npy = Npy {
                dtype,
                shape,
                fortran_order: false,
                data: (0..n).map(|i| i as u8).collect(),
            };
            let mut buf = Vec::new();
            npy.write(&mut buf).unwrap();
            assert_eq!((buf.len() - npy.data.len()) % 64, 0);
            let back = Npy::read(&mut buf.as_slice(), "x").unwrap();
            assert_eq!(back, npy);
        }
    }

    #[test]
    fn reads_numpy_header_and_rejects_bad_input() {
        let mut f = b"\x93NUMPY\x01\x00".to_vec();
        let h = "{'descr': '<u2', 'fortran_order': True, 'shape': (2, 1), }";
        f.extend((h.len() as u16).to_le_bytes());
        f.extend(h.as_bytes());
        f.extend([1, 0, 2, 0]);
        let n = Npy::read(&mut f.as_slice(), "x").unwrap();
        assert_eq!(n.shape, [2, 1]);
        assert!(n.fortran_order);
        assert_eq!(n.dtype, DType::U2);
        let e = Npy::read(&mut &f[..f.len() - 1], "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
        assert!(Npy::read(&mut &b"garbage!"[..], "x").is_err());
        assert!(Npy::read(&mut &b"\x93NU"[..], "x").is_err());
    }
}
