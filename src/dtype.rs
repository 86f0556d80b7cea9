//! numpy dtype strings (`"<i4"`, `">f8"`, `"|u1"`, `"|b1"`, `"<f2"`, ...) and the element types
//! they describe.
//!
//! Output follows numpy's `dtype.str` exactly: one-byte types print with `|`, wider ones with
//! `<` or `>`. Input accepts what `numpy.dtype(...)` accepts for these types: the `.str` forms,
//! `=` (native, which is little-endian on every platform this crate targets), bare codes
//! (`"i4"`, `"f"`, `"?"`), and names (`"int32"`, `"float64"`, `"bool"`).
//!
//! The other fixed-size numpy dtypes are DTypes too, as opaque elements whose bytes codecs
//! move but do not compute on: complex (`"<c8"`, `">c16"`), datetime64 / timedelta64 with
//! their unit (`"<M8[ns]"`, `">m8[10s]"`, generic `"<M8"`), fixed bytes (`"|S5"`), void
//! (`"|V3"`) and fixed-width unicode (`"<U5"`, `">U5"`: five UCS-4 code points, 20 bytes, NUL
//! padded; Categorize reads these). Only [`DType::parse_any`] reads them: [`DType::parse`], and
//! so every numeric codec's `dtype` key, stays numeric-only and names them as unsupported.
//! Blosc takes its typesize from any of them, as numcodecs takes `buf.itemsize`; the array
//! layer stores them (byte-swapping each part in its own order: the two halves of a complex,
//! each code point of a unicode string, nothing of bytes and void).

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// The kind of an element, numpy's `dtype.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `b`: numpy bool, one byte, 0 or 1.
    Bool,
    /// `i`: two's-complement signed integer.
    Int,
    /// `u`: unsigned integer.
    UInt,
    /// `f`: IEEE 754 binary float (half, single, double).
    Float,
    /// `c`: complex, two IEEE floats (real, imaginary) of half the item size each (8 or 16
    /// bytes). Opaque here: only [`DType::parse_any`] produces it.
    Complex,
    /// `M`: datetime64, an i64 count of [`DType::time_unit`]s since the epoch. Opaque.
    DateTime,
    /// `m`: timedelta64, an i64 count of [`DType::time_unit`]s. Opaque.
    TimeDelta,
    /// `S`: fixed-width bytes, NUL padded. Opaque, no byte order.
    Bytes,
    /// `V`: raw void bytes. Opaque, no byte order.
    Void,
    /// `U`: fixed-width unicode, UCS-4 code points (4 bytes each, in the dtype's byte order),
    /// padded with NUL code points. Not numeric: only [`DType::parse_any`] produces it.
    Unicode,
}

impl Kind {
    /// numpy's one-letter kind code.
    pub fn code(self) -> char {
        match self {
            Kind::Bool => 'b',
            Kind::Int => 'i',
            Kind::UInt => 'u',
            Kind::Float => 'f',
            Kind::Complex => 'c',
            Kind::DateTime => 'M',
            Kind::TimeDelta => 'm',
            Kind::Bytes => 'S',
            Kind::Void => 'V',
            Kind::Unicode => 'U',
        }
    }

    /// True for bool, integer and float kinds.
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Bool | Kind::Int | Kind::UInt | Kind::Float)
    }
}

/// The unit of a datetime64 / timedelta64 dtype: numpy's `[10s]` is `count` 10 of unit `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeUnit {
    unit: u8,
    count: u32,
}

impl TimeUnit {
    /// numpy's unit names, in its order.
    pub const UNITS: [&'static str; 13] = [
        "Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as",
    ];

    /// `count` of `unit` (one of [`TimeUnit::UNITS`]); `count` must be 1..=i32::MAX.
    pub fn new(unit: &str, count: u32) -> Option<Self> {
        let i = Self::UNITS.iter().position(|u| *u == unit)?;
        (1..=i32::MAX as u32).contains(&count).then_some(TimeUnit {
            unit: i as u8,
            count,
        })
    }

    /// The unit's name (`"ns"`, `"D"`, ...).
    pub fn unit(self) -> &'static str {
        Self::UNITS
            .get(usize::from(self.unit))
            .copied()
            .unwrap_or("?")
    }

    /// How many units one step is (numpy's `[10s]`: 10).
    pub fn count(self) -> u32 {
        self.count
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 1 {
            write!(f, "[{}]", self.unit())
        } else {
            write!(f, "[{}{}]", self.count, self.unit())
        }
    }
}

/// Byte order of a multi-byte element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    Little,
    Big,
    /// One-byte types, which numpy prints with `|`.
    NotApplicable,
}

/// A numpy dtype: kind, item size in bytes, byte order, and the unit of datetime64 /
/// timedelta64 (`None` for generic units and every other kind). See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DType {
    kind: Kind,
    itemsize: u32,
    order: ByteOrder,
    unit: Option<TimeUnit>,
}

impl DType {
    pub const BOOL: DType = DType::new_unchecked(Kind::Bool, 1, ByteOrder::NotApplicable);
    pub const I1: DType = DType::new_unchecked(Kind::Int, 1, ByteOrder::NotApplicable);
    pub const U1: DType = DType::new_unchecked(Kind::UInt, 1, ByteOrder::NotApplicable);
    pub const I2: DType = DType::new_unchecked(Kind::Int, 2, ByteOrder::Little);
    pub const U2: DType = DType::new_unchecked(Kind::UInt, 2, ByteOrder::Little);
    pub const I4: DType = DType::new_unchecked(Kind::Int, 4, ByteOrder::Little);
    pub const U4: DType = DType::new_unchecked(Kind::UInt, 4, ByteOrder::Little);
    pub const I8: DType = DType::new_unchecked(Kind::Int, 8, ByteOrder::Little);
    pub const U8: DType = DType::new_unchecked(Kind::UInt, 8, ByteOrder::Little);
    pub const F2: DType = DType::new_unchecked(Kind::Float, 2, ByteOrder::Little);
    pub const F4: DType = DType::new_unchecked(Kind::Float, 4, ByteOrder::Little);
    pub const F8: DType = DType::new_unchecked(Kind::Float, 8, ByteOrder::Little);

    /// The most code points a unicode dtype may have: numpy keeps item sizes in a C `int`.
    pub const MAX_UNICODE_CHARS: usize = i32::MAX as usize / 4;
    /// The largest item size of a bytes (`S`) or void (`V`) dtype, as numpy's.
    pub const MAX_BYTES: usize = i32::MAX as usize;

    const fn new_unchecked(kind: Kind, itemsize: u32, order: ByteOrder) -> Self {
        DType {
            kind,
            itemsize,
            order,
            unit: None,
        }
    }

    /// True when elements of this kind and size have a byte order (`<` or `>`).
    fn has_order(kind: Kind, itemsize: usize) -> bool {
        match kind {
            Kind::Bytes | Kind::Void => false,
            Kind::Complex | Kind::DateTime | Kind::TimeDelta | Kind::Unicode => true,
            Kind::Bool | Kind::Int | Kind::UInt | Kind::Float => itemsize > 1,
        }
    }

    /// numpy's `datetime64` (`DateTime`) or `timedelta64` (`TimeDelta`) with `unit` (`None`:
    /// generic, `"<M8"`), in `order` (`NotApplicable` means little-endian).
    pub fn time(kind: Kind, unit: Option<TimeUnit>, order: ByteOrder) -> Result<Self> {
        if !matches!(kind, Kind::DateTime | Kind::TimeDelta) {
            return Err(Error::DType {
                dtype: kind.code().to_string(),
                message: "not a datetime64 / timedelta64 kind".into(),
            });
        }
        let d = Self::new(kind, 8, order)?;
        Ok(DType { unit, ..d })
    }

    /// The unit of a datetime64 / timedelta64 dtype (`None` when generic or another kind).
    pub fn time_unit(self) -> Option<TimeUnit> {
        self.unit
    }

    /// The float dtype of a complex dtype's real and imaginary parts (`<c16` -> `<f8`), in its
    /// byte order; an error for other kinds (or a part size numpy has no float for).
    pub fn complex_part(self) -> Result<DType> {
        if self.kind != Kind::Complex {
            return Err(Error::DType {
                dtype: self.to_string(),
                message: "not a complex dtype".into(),
            });
        }
        Self::new(Kind::Float, self.itemsize() / 2, self.order)
    }

    /// The integer that holds a datetime64 / timedelta64 dtype's count (`i64` in its byte
    /// order; NaT is `i64::MIN`); an error for other kinds.
    pub fn time_count(self) -> Result<DType> {
        if !matches!(self.kind, Kind::DateTime | Kind::TimeDelta) {
            return Err(Error::DType {
                dtype: self.to_string(),
                message: "not a datetime64 / timedelta64 dtype".into(),
            });
        }
        Self::new(Kind::Int, 8, self.order)
    }

    /// The size of the parts whose bytes reverse when the byte order changes: the item size
    /// for numbers and datetimes, half of it for complex (real and imaginary parts swap each
    /// on its own), 4 for unicode code points, 1 (nothing to swap) for bool, bytes and void.
    pub fn swap_unit(self) -> usize {
        match self.kind {
            Kind::Bool | Kind::Bytes | Kind::Void => 1,
            Kind::Complex => self.itemsize() / 2,
            Kind::Unicode => 4,
            Kind::Int | Kind::UInt | Kind::Float | Kind::DateTime | Kind::TimeDelta => {
                self.itemsize()
            }
        }
    }

    /// Builds a dtype, checking that numpy has it. One-byte types ignore `order`. For
    /// [`Kind::Unicode`], `itemsize` is in bytes (4 per code point); see [`DType::unicode`].
    pub fn new(kind: Kind, itemsize: usize, order: ByteOrder) -> Result<Self> {
        if kind == Kind::Unicode {
            return Self::unicode(itemsize / 4, order).and_then(|d| {
                if itemsize.is_multiple_of(4) {
                    Ok(d)
                } else {
                    Err(Error::DType {
                        dtype: format!("U ({itemsize} bytes)"),
                        message: "unicode item size must be a multiple of 4 bytes".into(),
                    })
                }
            });
        }
        let ok = match kind {
            Kind::Unicode => false,
            Kind::Bool => itemsize == 1,
            Kind::Int | Kind::UInt => matches!(itemsize, 1 | 2 | 4 | 8),
            Kind::Float => matches!(itemsize, 2 | 4 | 8),
            Kind::Complex => matches!(itemsize, 8 | 16),
            Kind::DateTime | Kind::TimeDelta => itemsize == 8,
            Kind::Bytes | Kind::Void => (1..=Self::MAX_BYTES).contains(&itemsize),
        };
        if !ok {
            return Err(Error::DType {
                dtype: format!("{}{}", kind.code(), itemsize),
                message: "no such type (bool: 1 byte; ints: 1, 2, 4, 8; floats: 2, 4, 8; \
                          complex: 8, 16; datetime64 / timedelta64: 8; bytes and void: 1 to \
                          2^31 - 1)"
                    .into(),
            });
        }
        let order = match (Self::has_order(kind, itemsize), order) {
            (false, _) => ByteOrder::NotApplicable,
            (true, ByteOrder::NotApplicable) => ByteOrder::Little,
            (true, o) => o,
        };
        Ok(DType::new_unchecked(kind, itemsize as u32, order))
    }

    /// numpy's `U<chars>` in `order` (`NotApplicable` means little-endian): `chars` UCS-4 code
    /// points per element. `chars` must be 1..=[`DType::MAX_UNICODE_CHARS`]; numpy's `U0` (an
    /// element with no room for anything) is refused.
    pub fn unicode(chars: usize, order: ByteOrder) -> Result<Self> {
        if chars == 0 || chars > Self::MAX_UNICODE_CHARS {
            return Err(Error::DType {
                dtype: format!("U{chars}"),
                message: format!(
                    "unicode dtypes need 1..={} characters",
                    Self::MAX_UNICODE_CHARS
                ),
            });
        }
        let order = match order {
            ByteOrder::NotApplicable => ByteOrder::Little,
            o => o,
        };
        Ok(DType::new_unchecked(
            Kind::Unicode,
            (chars * 4) as u32,
            order,
        ))
    }

    /// Code points per element of a unicode dtype (0 for numeric dtypes).
    pub fn chars(self) -> usize {
        if self.kind == Kind::Unicode {
            self.itemsize() / 4
        } else {
            0
        }
    }

    /// True for bool, integer and float dtypes (not complex, datetime, bytes, void, unicode).
    pub fn is_numeric(self) -> bool {
        self.kind.is_numeric()
    }

    /// numpy's `dtype.kind`.
    pub fn kind(self) -> Kind {
        self.kind
    }

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        self.itemsize as usize
    }

    /// Byte order (`NotApplicable` for one-byte types).
    pub fn byte_order(self) -> ByteOrder {
        self.order
    }

    /// True when elements are stored in this machine's order (always true for one-byte types).
    pub fn is_native(self) -> bool {
        match self.order {
            ByteOrder::NotApplicable => true,
            ByteOrder::Little => cfg!(target_endian = "little"),
            ByteOrder::Big => cfg!(target_endian = "big"),
        }
    }

    /// The same kind and size in the given byte order (unchanged for one-byte types, bytes
    /// and void).
    pub fn with_order(self, order: ByteOrder) -> Self {
        if !Self::has_order(self.kind, self.itemsize()) {
            self
        } else if order == ByteOrder::NotApplicable {
            DType {
                order: ByteOrder::Little,
                ..self
            }
        } else {
            DType { order, ..self }
        }
    }

    /// The same kind and size in this machine's byte order.
    pub fn to_native(self) -> Self {
        if cfg!(target_endian = "little") {
            self.with_order(ByteOrder::Little)
        } else {
            self.with_order(ByteOrder::Big)
        }
    }

    /// True for floating-point dtypes.
    pub fn is_float(self) -> bool {
        self.kind == Kind::Float
    }

    /// True for signed and unsigned integer dtypes (not bool).
    pub fn is_integer(self) -> bool {
        matches!(self.kind, Kind::Int | Kind::UInt)
    }

    /// numpy's `dtype.str`, e.g. `"<i4"`, `"|u1"`, `">f8"`.
    pub fn to_numpy_str(self) -> String {
        self.to_string()
    }

    /// Parses what `numpy.dtype(s)` accepts for every fixed-size dtype this crate knows (see
    /// the module docs): the numeric ones as [`DType::parse`] does, and complex (`"<c8"`,
    /// `">c16"`, `"F"`, `"D"`, `"complex64"`, `"complex128"`, `"complex"`), datetime64 /
    /// timedelta64 (`"<M8[ns]"`, `">m8[10s]"`, `"M8"`, `"datetime64[D]"`, `"timedelta64"`),
    /// bytes (`"|S5"`, `"S5"`, numpy's deprecated `"a5"`), void (`"|V3"`) and unicode (`"<U5"`).
    /// No order character means native, as in numpy; `|` on a type with a byte order means
    /// native too, and bytes and void ignore the order character (numpy prints `|S5`).
    /// numpy's flexible `S0`, `V0`, `U0`, complex256 (`c32`, `G`), object (`O`) and structured
    /// dtypes are refused, naming the reason.
    pub fn parse_any(s: &str) -> Result<Self> {
        let t = s.trim();
        let bad = |message: String| Error::DType {
            dtype: s.to_string(),
            message,
        };
        let native = Self::native_order();
        let complex = |n: usize| DType::new(Kind::Complex, n, native);
        match t {
            "complex64" | "csingle" => return complex(8),
            "complex128" | "complex" | "cdouble" => return complex(16),
            _ => {}
        }
        for (name, kind) in [
            ("datetime64", Kind::DateTime),
            ("timedelta64", Kind::TimeDelta),
        ] {
            if let Some(unit) = t.strip_prefix(name) {
                let unit = Self::parse_time_unit(unit).map_err(&bad)?;
                return DType::time(kind, unit, native);
            }
        }
        let (order, rest) = match t.as_bytes().first() {
            Some(b'<') => (ByteOrder::Little, t.get(1..).unwrap_or("")),
            Some(b'>') => (ByteOrder::Big, t.get(1..).unwrap_or("")),
            Some(b'=' | b'|') => (native, t.get(1..).unwrap_or("")),
            _ => (native, t),
        };
        let width = |digits: &str| -> Option<usize> {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().unwrap_or(usize::MAX))
        };
        let Some(letter) = rest.chars().next() else {
            return Self::parse(s);
        };
        let tail = rest.get(letter.len_utf8()..).unwrap_or("");
        match letter {
            'U' => {
                let chars = width(tail).ok_or_else(|| {
                    bad("unicode dtypes need a width (expected e.g. \"<U5\")".into())
                })?;
                DType::unicode(chars, order).map_err(|_| {
                    bad(format!(
                        "unicode dtypes need 1..={} characters",
                        Self::MAX_UNICODE_CHARS
                    ))
                })
            }
            'S' | 'a' | 'V' => {
                let (kind, what) = if letter == 'V' {
                    (Kind::Void, "void")
                } else {
                    (Kind::Bytes, "bytes")
                };
                match width(tail) {
                    Some(n) if (1..=Self::MAX_BYTES).contains(&n) => {
                        DType::new(kind, n, ByteOrder::NotApplicable)
                    }
                    _ => Err(bad(format!(
                        "{what} dtypes need a width of 1..={} bytes (expected e.g. \"|{}5\"; \
                         numpy's flexible size 0 is not a fixed element)",
                        Self::MAX_BYTES,
                        kind.code()
                    ))),
                }
            }
            'c' | 'F' | 'D' | 'G' => {
                let n = match (letter, tail) {
                    ('F', "") => Some(8),
                    ('D', "") => Some(16),
                    ('G', "") => Some(32),
                    ('c', digits) => width(digits),
                    _ => None,
                };
                match n {
                    Some(n @ (8 | 16)) => DType::new(Kind::Complex, n, order),
                    Some(32) => Err(bad(
                        "complex256 (two x86 long doubles) is not supported: complex64 \
                         (\"<c8\") and complex128 (\"<c16\") are"
                            .into(),
                    )),
                    _ => Self::parse(s),
                }
            }
            'M' | 'm' => {
                let kind = if letter == 'M' {
                    Kind::DateTime
                } else {
                    Kind::TimeDelta
                };
                let unit = tail.strip_prefix('8').unwrap_or(tail);
                if !unit.is_empty() && !unit.starts_with('[') {
                    return Self::parse(s);
                }
                let unit = Self::parse_time_unit(unit).map_err(&bad)?;
                DType::time(kind, unit, order)
            }
            'O' => Err(bad(
                "object dtypes are not supported: their chunks hold Python objects, encoded by \
                 numcodecs' object codecs (vlen-utf8, json, pickle, ...)"
                    .into(),
            )),
            _ => Self::parse(s),
        }
    }

    /// `""` (generic) or numpy's `"[ns]"`, `"[10s]"`.
    fn parse_time_unit(text: &str) -> std::result::Result<Option<TimeUnit>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        let inner = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(|| format!("expected a unit in brackets, e.g. \"[ns]\", got {text:?}"))?;
        let split = inner
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(inner.len());
        let (digits, unit) = inner.split_at(split);
        let count = if digits.is_empty() {
            1
        } else {
            digits.parse::<u32>().unwrap_or(0)
        };
        TimeUnit::new(unit, count).map(Some).ok_or_else(|| {
            format!(
                "invalid datetime unit {text:?} (a count of 1..=2147483647 and one of {})",
                TimeUnit::UNITS.join(", ")
            )
        })
    }

    fn native_order() -> ByteOrder {
        if cfg!(target_endian = "little") {
            ByteOrder::Little
        } else {
            ByteOrder::Big
        }
    }

    /// Parses what `numpy.dtype(s)` accepts for numeric types (see the module docs). Unicode
    /// dtypes are refused here; [`DType::parse_any`] reads them.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |message: &str| Error::DType {
            dtype: s.to_string(),
            message: message.to_string(),
        };
        let t = s.trim();
        if t.is_empty() {
            return Err(bad("empty dtype string"));
        }
        if let Some(d) = Self::from_name(t) {
            return Ok(d);
        }
        // The order characters are ASCII, so byte 1 is a char boundary after any of them.
        let after = t.get(1..).unwrap_or_default();
        let (order, rest) = match t.as_bytes().first() {
            Some(b'<') => (Some(ByteOrder::Little), after),
            Some(b'>') => (Some(ByteOrder::Big), after),
            Some(b'=') => (
                Some(if cfg!(target_endian = "little") {
                    ByteOrder::Little
                } else {
                    ByteOrder::Big
                }),
                after,
            ),
            Some(b'|') => (None, after),
            _ => (None, t),
        };
        let (kind, size) = Self::from_code(rest).ok_or_else(|| {
            if rest.starts_with('U') {
                bad("only bool, integer and float dtypes are supported here (unicode \"U\" dtypes only by categorize)")
            } else if rest.starts_with(['S', 'O', 'M', 'm', 'V', 'c', 'a']) {
                bad("only bool, integer and float dtypes are supported")
            } else {
                bad("not a numpy dtype string (expected e.g. \"<i4\", \"|u1\", \">f8\", \"int32\")")
            }
        })?;
        let order = order.unwrap_or(if cfg!(target_endian = "little") {
            ByteOrder::Little
        } else {
            ByteOrder::Big
        });
        DType::new(kind, size, order).map_err(|_| bad("unsupported item size"))
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(
            match name {
                "bool" | "bool_" | "bool8" => DType::BOOL,
                "int8" | "byte" => DType::I1,
                "uint8" | "ubyte" => DType::U1,
                "int16" | "short" => DType::I2,
                "uint16" | "ushort" => DType::U2,
                "int32" | "intc" => DType::I4,
                "uint32" | "uintc" => DType::U4,
                "int64" | "int" | "long" | "longlong" | "intp" => DType::I8,
                "uint64" | "uint" | "ulong" | "ulonglong" | "uintp" => DType::U8,
                "float16" | "half" => DType::F2,
                "float32" | "single" => DType::F4,
                "float64" | "float" | "double" => DType::F8,
                _ => return None,
            }
            .to_native(),
        )
    }

    fn from_code(code: &str) -> Option<(Kind, usize)> {
        Some(match code {
            "?" | "b1" => (Kind::Bool, 1),
            "b" | "i1" => (Kind::Int, 1),
            "B" | "u1" => (Kind::UInt, 1),
            "h" | "i2" => (Kind::Int, 2),
            "H" | "u2" => (Kind::UInt, 2),
            "i" | "i4" => (Kind::Int, 4),
            "I" | "u4" => (Kind::UInt, 4),
            "l" | "q" | "p" | "i8" => (Kind::Int, 8),
            "L" | "Q" | "P" | "u8" => (Kind::UInt, 8),
            "e" | "f2" => (Kind::Float, 2),
            "f" | "f4" => (Kind::Float, 4),
            "d" | "f8" => (Kind::Float, 8),
            _ => return None,
        })
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = match self.order {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        };
        match (self.kind, self.unit) {
            (Kind::Unicode, _) => write!(f, "{order}U{}", self.chars()),
            (Kind::DateTime | Kind::TimeDelta, Some(u)) => {
                write!(f, "{order}{}8{u}", self.kind.code())
            }
            _ => write!(f, "{order}{}{}", self.kind.code(), self.itemsize),
        }
    }
}

/// Any dtype [`DType::parse_any`] reads (what `Display` prints parses back).
impl FromStr for DType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DType::parse_any(s)
    }
}

impl serde::Serialize for DType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for DType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DType::parse_any(&s).map_err(serde::de::Error::custom)
    }
}

/// A Rust element type with a numpy dtype, in native byte order.
///
/// Implemented for `i8`..`u64`, [`half::f16`], `f32`, `f64`. numpy's bool is one byte that is
/// 0 or 1; use `u8` storage with [`DType::BOOL`] for it.
pub trait Element: bytemuck::Pod + Send + Sync + PartialEq + fmt::Debug + 'static {
    /// The native-order dtype of this type.
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:expr),* $(,)?) => {$(
        impl Element for $t {
            const DTYPE: DType = $d;
        }
    )*};
}

#[cfg(target_endian = "little")]
element! {
    i8 => DType::I1, u8 => DType::U1, i16 => DType::I2, u16 => DType::U2,
    i32 => DType::I4, u32 => DType::U4, i64 => DType::I8, u64 => DType::U8,
    half::f16 => DType::F2, f32 => DType::F4, f64 => DType::F8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_numpy_str() {
        let cases = [
            (DType::BOOL, "|b1"),
            (DType::I1, "|i1"),
            (DType::U1, "|u1"),
            (DType::I2, "<i2"),
            (DType::U8, "<u8"),
            (DType::F2, "<f2"),
            (DType::F8.with_order(ByteOrder::Big), ">f8"),
            (DType::U1.with_order(ByteOrder::Big), "|u1"),
        ];
        for (d, s) in cases {
            assert_eq!(d.to_string(), s);
            assert_eq!(DType::parse(s).unwrap(), d, "{s}");
        }
    }

    #[test]
    fn parses_numpy_spellings() {
        let cases = [
            ("int32", "<i4"),
            ("float64", "<f8"),
            ("bool", "|b1"),
            ("?", "|b1"),
            ("=i4", "<i4"),
            ("i4", "<i4"),
            (">i1", "|i1"),
            ("<u1", "|u1"),
            ("f", "<f4"),
            ("d", "<f8"),
            ("e", "<f2"),
            ("float16", "<f2"),
            (">u2", ">u2"),
            ("uint64", "<u8"),
            ("B", "|u1"),
            ("b", "|i1"),
            ("int", "<i8"),
        ];
        for (input, want) in cases {
            assert_eq!(DType::parse(input).unwrap().to_string(), want, "{input}");
        }
    }

    #[test]
    fn rejects_non_numeric_and_garbage() {
        for s in [
            "", "<U4", "|S3", "|O", "<M8[ns]", "i3", "f16", "<b2", "x", "<c8", "int33",
        ] {
            let err = DType::parse(s).unwrap_err().to_string();
            assert!(err.contains(&format!("{s:?}")), "{err}");
        }
    }

    #[test]
    fn unicode_dtypes() {
        for (input, want, chars, order) in [
            ("<U5", "<U5", 5, ByteOrder::Little),
            (">U1", ">U1", 1, ByteOrder::Big),
            ("U10", "<U10", 10, ByteOrder::Little),
            ("=U3", "<U3", 3, ByteOrder::Little),
            ("|U3", "<U3", 3, ByteOrder::Little),
        ] {
            let d = DType::parse_any(input).unwrap();
            assert_eq!(d.to_string(), want, "{input}");
            assert_eq!(d.kind(), Kind::Unicode);
            assert_eq!(d.chars(), chars);
            assert_eq!(d.itemsize(), 4 * chars);
            assert_eq!(d.byte_order(), order);
            assert!(!d.is_numeric());
            assert_eq!(DType::parse_any(want).unwrap(), d);
        }
        let be = DType::parse_any(">U2").unwrap();
        assert_eq!(be.to_native().to_string(), "<U2");
        assert_eq!(DType::new(Kind::Unicode, 8, ByteOrder::Big).unwrap(), be);
        assert!(DType::new(Kind::Unicode, 6, ByteOrder::Big).is_err());
        // Numeric spellings still parse through parse_any.
        assert_eq!(DType::parse_any(">f8").unwrap().to_string(), ">f8");
        for bad in [
            "<U0",
            "U",
            "<U",
            "<U-1",
            "<Ux",
            "<U99999999999999999999",
            "<U536870912",
        ] {
            let err = DType::parse_any(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
        assert!(DType::parse_any("<U536870911").is_ok());
        // parse (numeric codecs, arrays, .npy) keeps refusing them, saying why.
        let err = DType::parse("<U5").unwrap_err().to_string();
        assert!(err.contains("only bool, integer and float"), "{err}");
    }

    #[test]
    fn opaque_dtypes_print_as_numpy() {
        // (input, numpy's dtype(input).str, itemsize, swap unit), checked with numpy 2.4.
        for (input, want, size, unit) in [
            ("c8", "<c8", 8, 4),
            (">c16", ">c16", 16, 8),
            ("|c8", "<c8", 8, 4),
            ("F", "<c8", 8, 4),
            ("D", "<c16", 16, 8),
            ("complex", "<c16", 16, 8),
            ("complex64", "<c8", 8, 4),
            ("M8", "<M8", 8, 8),
            ("M8[ns]", "<M8[ns]", 8, 8),
            (">M8[s]", ">M8[s]", 8, 8),
            ("M8[10s]", "<M8[10s]", 8, 8),
            ("m8[1s]", "<m8[s]", 8, 8),
            ("datetime64[ns]", "<M8[ns]", 8, 8),
            ("timedelta64[us]", "<m8[us]", 8, 8),
            ("timedelta64", "<m8", 8, 8),
            ("m8[Y]", "<m8[Y]", 8, 8),
            ("M8[as]", "<M8[as]", 8, 8),
            ("M8[2147483647s]", "<M8[2147483647s]", 8, 8),
            ("S5", "|S5", 5, 1),
            ("<S5", "|S5", 5, 1),
            (">S5", "|S5", 5, 1),
            ("a5", "|S5", 5, 1),
            (">V3", "|V3", 3, 1),
            ("V2147483647", "|V2147483647", 2147483647, 1),
            (">U3", ">U3", 12, 4),
        ] {
            let d = DType::parse_any(input).unwrap();
            assert_eq!(d.to_string(), want, "{input}");
            assert_eq!(d.itemsize(), size, "{input}");
            assert_eq!(d.swap_unit(), unit, "{input}");
            assert!(!d.is_numeric(), "{input}");
            assert_eq!(DType::parse_any(want).unwrap(), d, "{want}");
            assert_eq!(want.parse::<DType>().unwrap(), d, "{want}");
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(serde_json::from_str::<DType>(&json).unwrap(), d, "{json}");
            // Numeric codecs' dtype keys still refuse them.
            assert!(DType::parse(want).is_err(), "{want}");
        }
        assert_eq!(
            DType::parse_any(">c8").unwrap().to_native().to_string(),
            "<c8"
        );
        assert_eq!(
            DType::parse_any("|S4")
                .unwrap()
                .with_order(ByteOrder::Big)
                .to_string(),
            "|S4"
        );
        assert_eq!(DType::parse_any("<f8").unwrap().swap_unit(), 8);
        assert_eq!(DType::BOOL.swap_unit(), 1);
        for bad in [
            "<c32",
            "G",
            "c4",
            "S0",
            "S",
            "V0",
            "V",
            "M8[B]",
            "M8[0s]",
            "M8[2147483648s]",
            "M8ns",
            "M8[ns",
            "|O",
            "O",
            "datetime64[xs]",
        ] {
            let err = DType::parse_any(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
        assert!(DType::parse_any("|O")
            .unwrap_err()
            .to_string()
            .contains("object dtypes"));
    }

    #[test]
    fn properties() {
        let d = DType::parse(">i2").unwrap();
        assert_eq!(d.itemsize(), 2);
        assert_eq!(d.kind(), Kind::Int);
        assert_eq!(d.byte_order(), ByteOrder::Big);
        assert!(!d.is_native());
        assert_eq!(d.to_native().to_string(), "<i2");
        assert_eq!(<f32 as Element>::DTYPE, DType::F4);
        assert_eq!(<half::f16 as Element>::DTYPE, DType::F2);
    }
}
