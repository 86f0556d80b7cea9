//! numcodecs `LZMA` (Python's `lzma` module on liblzma, here the `liblzma` crate, static).
//! Config `{"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null}`:
//! - `format`: 1 XZ, 2 ALONE (.lzma), 3 RAW (needs `filters`), 0 AUTO (decode only: XZ or ALONE);
//! - `check`: -1 (XZ: CRC64), 0 none, 1 CRC32, 4 CRC64, 10 SHA-256 (only -1/0 for ALONE/RAW);
//! - `preset`: null (6) or 0..=9, optionally with the extreme flag `0x80000000`;
//! - `filters`: null or Python's filter dicts, up to 4: LZMA1 (`id` 0x4000000000000001) and
//!   LZMA2 (33) with `preset`, `dict_size`, `lc`, `lp`, `pb`, `mode`, `nice_len`, `mf`, `depth`;
//!   delta (3) with `dist`; BCJ x86/PowerPC/IA-64/ARM/ARM-Thumb/SPARC (4..=9) with `start_offset`.
//!
//! Combinations Python refuses when encoding (preset and filters together, a check other than
//! -1/0 outside XZ, RAW without filters, ALONE filters other than one LZMA1) are config errors.
//!
//! Decode follows Python's `lzma.decompress`: streams one after another; once one stream has
//! been decoded, bytes that are not a valid stream are ignored (with what that broken stream
//! produced); a stream that is cut short is an error; empty input is an error. XZ and ALONE
//! headers name their dictionary size: the decoder may use at most `max(2 * limit + 1 MiB,
//! 128 MiB)` of memory (numcodecs: unlimited), which covers every preset.
//! XZ with `filters` decodes here although numcodecs' decoder refuses it (the filters are in
//! the XZ headers).

use super::stream::{self, run_concatenated, Sink, Space, Step};
use crate::codec::{Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use liblzma::stream::{Action, Check, Filters, LzmaOptions, MatchFinder, Mode, Status, Stream};
use serde_json::{json, Map, Value};

const FORMAT_AUTO: i64 = 0;
const FORMAT_XZ: i64 = 1;
const FORMAT_ALONE: i64 = 2;
const FORMAT_RAW: i64 = 3;
const PRESET_EXTREME: i64 = 0x8000_0000;
const FILTER_LZMA1: u64 = 0x4000_0000_0000_0001;
const FILTER_LZMA2: u64 = 0x21;
const FILTER_DELTA: u64 = 3;

/// One filter of a chain, parsed from Python's filter dict.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FilterSpec {
    Lzma {
        v1: bool,
        preset: u32,
        dict_size: Option<u32>,
        lc: Option<u32>,
        lp: Option<u32>,
        pb: Option<u32>,
        mode: Option<u32>,
        nice_len: Option<u32>,
        mf: Option<u32>,
        depth: Option<u32>,
    },
    Delta {
        dist: u32,
    },
    Bcj {
        id: u64,
        start_offset: u32,
    },
}

/// numcodecs' `LZMA(format, check, preset, filters)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lzma {
    format: i64,
    check: i64,
    preset: Option<i64>,
    /// The filters exactly as configured (for `get_config`) and parsed.
    filters: Option<(Value, Vec<FilterSpec>)>,
}

fn filter_key_err(i: usize, key: &str, msg: impl std::fmt::Display) -> Error {
    Error::config(Lzma::ID, &format!("filters[{i}].{key}"), msg)
}

fn filter_u32(
    obj: &Map<String, Value>,
    i: usize,
    key: &str,
    min: u64,
    max: u64,
) -> Result<Option<u32>> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => match v.as_u64() {
            Some(x) if (min..=max).contains(&x) => Ok(Some(x as u32)),
            Some(x) => Err(filter_key_err(
                i,
                key,
                format!("{x} is out of range {min}..={max}"),
            )),
            None => Err(filter_key_err(
                i,
                key,
                format!("expected a non-negative integer, got {v}"),
            )),
        },
    }
}

fn check_preset(p: i64, key: &str) -> Result<u32> {
    if (0..=9).contains(&(p & !PRESET_EXTREME)) && (p & !(PRESET_EXTREME | 0xf)) == 0 && p >= 0 {
        Ok(p as u32)
    } else {
        Err(Error::config(
            Lzma::ID,
            key,
            format!("{p} is not a preset (0..=9, optionally | 0x80000000)"),
        ))
    }
}

fn parse_filter(i: usize, v: &Value) -> Result<FilterSpec> {
    let obj = v.as_object().ok_or_else(|| {
        filter_key_err(i, "id", format!("a filter must be a JSON object, got {v}"))
    })?;
    let id = obj
        .get("id")
        .ok_or_else(|| filter_key_err(i, "id", "missing required key"))?;
    let id = id.as_u64().ok_or_else(|| {
        filter_key_err(i, "id", format!("expected an integer filter id, got {id}"))
    })?;
    let allowed: &[&str] = match id {
        FILTER_LZMA1 | FILTER_LZMA2 => &["id", "preset", "dict_size", "lc", "lp", "pb", "mode", "nice_len", "mf", "depth"],
        FILTER_DELTA => &["id", "dist"],
        4..=9 => &["id", "start_offset"],
        _ => {
            return Err(filter_key_err(
                i,
                "id",
                format!("unknown filter id {id} (known: LZMA1 {FILTER_LZMA1}, LZMA2 33, delta 3, BCJ 4..=9)"),
            ))
        }
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(filter_key_err(
            i,
            k,
            format!("unknown key for filter id {id}"),
        ));
    }
    Ok(match id {
        FILTER_LZMA1 | FILTER_LZMA2 => {
            let preset = match obj.get("preset") {
                None => 6,
                Some(p) => {
                    let p = p.as_i64().ok_or_else(|| {
                        filter_key_err(i, "preset", format!("expected an integer, got {p}"))
                    })?;
                    check_preset(p, &format!("filters[{i}].preset"))?
                }
            };
            let mode = filter_u32(obj, i, "mode", 1, 2)?;
            let mf = filter_u32(obj, i, "mf", 3, 0x14)?;
            if let Some(m) = mf {
                if ![3, 4, 0x12, 0x13, 0x14].contains(&m) {
                    return Err(filter_key_err(
                        i,
                        "mf",
                        format!("{m} is not a match finder (3, 4, 18, 19, 20)"),
                    ));
                }
            }
            FilterSpec::Lzma {
                v1: id == FILTER_LZMA1,
                preset,
                dict_size: filter_u32(obj, i, "dict_size", 4096, 0xffff_ffff)?,
                lc: filter_u32(obj, i, "lc", 0, 4)?,
                lp: filter_u32(obj, i, "lp", 0, 4)?,
                pb: filter_u32(obj, i, "pb", 0, 4)?,
                mode,
                nice_len: filter_u32(obj, i, "nice_len", 2, 273)?,
                mf,
                depth: filter_u32(obj, i, "depth", 0, 0xffff_ffff)?,
            }
        }
        FILTER_DELTA => FilterSpec::Delta {
            dist: filter_u32(obj, i, "dist", 1, 256)?.unwrap_or(1),
        },
        _ => FilterSpec::Bcj {
            id,
            start_offset: filter_u32(obj, i, "start_offset", 0, 0xffff_ffff)?.unwrap_or(0),
        },
    })
}

fn lzma_options(spec: &FilterSpec) -> Result<LzmaOptions> {
    let FilterSpec::Lzma {
        preset,
        dict_size,
        lc,
        lp,
        pb,
        mode,
        nice_len,
        mf,
        depth,
        ..
    } = spec
    else {
        return Err(Error::config(
            Lzma::ID,
            "filters",
            "expected an LZMA filter",
        ));
    };
    let mut o = LzmaOptions::new_preset(*preset)
        .map_err(|e| Error::config(Lzma::ID, "preset", format!("{e:?}")))?;
    if let Some(x) = dict_size {
        o.dict_size(*x);
    }
    if let Some(x) = lc {
        o.literal_context_bits(*x);
    }
    if let Some(x) = lp {
        o.literal_position_bits(*x);
    }
    if let Some(x) = pb {
        o.position_bits(*x);
    }
    if let Some(x) = mode {
        o.mode(if *x == 1 { Mode::Fast } else { Mode::Normal });
    }
    if let Some(x) = nice_len {
        o.nice_len(*x);
    }
    if let Some(x) = mf {
        o.match_finder(match x {
            3 => MatchFinder::HashChain3,
            4 => MatchFinder::HashChain4,
            0x12 => MatchFinder::BinaryTree2,
            0x13 => MatchFinder::BinaryTree3,
            _ => MatchFinder::BinaryTree4,
        });
    }
    if let Some(x) = depth {
        o.depth(*x);
    }
    Ok(o)
}

fn build_filters(specs: &[FilterSpec]) -> Result<Filters> {
    let mut f = Filters::new();
    for (i, s) in specs.iter().enumerate() {
        let bad = |e: liblzma::stream::Error| {
            filter_key_err(i, "id", format!("invalid filter options: {e:?}"))
        };
        match s {
            FilterSpec::Lzma { v1: true, .. } => {
                f.lzma1(&lzma_options(s)?);
            }
            FilterSpec::Lzma { v1: false, .. } => {
                f.lzma2(&lzma_options(s)?);
            }
            FilterSpec::Delta { dist } => {
                f.delta_properties(&[(*dist - 1) as u8]).map_err(bad)?;
            }
            FilterSpec::Bcj { id, start_offset } => {
                let p = start_offset.to_le_bytes();
                match id {
                    4 => f.x86_properties(&p),
                    5 => f.powerpc_properties(&p),
                    6 => f.ia64_properties(&p),
                    7 => f.arm_properties(&p),
                    8 => f.arm_thumb_properties(&p),
                    _ => f.sparc_properties(&p),
                }
                .map_err(bad)?;
            }
        }
    }
    Ok(f)
}

impl Lzma {
    pub const ID: &'static str = "lzma";

    /// Builds from numcodecs' config (see the module docs for the keys and what is checked).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let format = r.optional_int_in("format", 0, 3)?.unwrap_or(FORMAT_XZ);
        let check = r.optional_int("check")?.unwrap_or(-1);
        if ![-1, 0, 1, 4, 10].contains(&check) {
            return Err(r.error("check", format!("{check} is not a check (-1, 0, 1, 4, 10)")));
        }
        let preset = r.optional_int("preset")?;
        if let Some(p) = preset {
            check_preset(p, "preset")?;
        }
        let filters = match r.raw("filters") {
            None => None,
            Some(v) => {
                let list = v.as_array().ok_or_else(|| {
                    r.error(
                        "filters",
                        format!("expected null or a list of filter dicts, got {v}"),
                    )
                })?;
                if list.is_empty() || list.len() > 4 {
                    return Err(r.error(
                        "filters",
                        format!("a chain has 1 to 4 filters, got {}", list.len()),
                    ));
                }
                let specs = list
                    .iter()
                    .enumerate()
                    .map(|(i, f)| parse_filter(i, f))
                    .collect::<Result<Vec<_>>>()?;
                Some((v.clone(), specs))
            }
        };
        r.finish()?;
        if preset.is_some() && filters.is_some() {
            return Err(Error::config(
                Self::ID,
                "preset",
                "cannot give both a preset and a filter chain",
            ));
        }
        if format != FORMAT_XZ && ![-1, 0].contains(&check) {
            return Err(Error::config(
                Self::ID,
                "check",
                "integrity checks are only supported by format 1 (XZ)",
            ));
        }
        match (format, &filters) {
            (FORMAT_RAW, None) => {
                return Err(Error::config(
                    Self::ID,
                    "filters",
                    "format 3 (RAW) needs a filter chain",
                ))
            }
            (FORMAT_AUTO, Some(_)) => {
                return Err(Error::config(
                    Self::ID,
                    "filters",
                    "filters cannot be given with format 0 (AUTO)",
                ))
            }
            (FORMAT_ALONE, Some((_, specs)))
                if !matches!(specs.as_slice(), [FilterSpec::Lzma { v1: true, .. }]) =>
            {
                return Err(Error::config(
                    Self::ID,
                    "filters",
                    "format 2 (ALONE) takes exactly one LZMA1 filter",
                ))
            }
            _ => {}
        }
        let codec = Lzma {
            format,
            check,
            preset,
            filters,
        };
        // Let liblzma validate the chain (order, option ranges) now rather than at first use.
        if codec.filters.is_some() && format != FORMAT_AUTO {
            codec.encoder().map_err(|e| {
                Error::config(
                    Self::ID,
                    "filters",
                    format!("liblzma rejects this filter chain: {e}"),
                )
            })?;
        }
        Ok(codec)
    }

    fn check(&self) -> Check {
        match self.check {
            0 => Check::None,
            1 => Check::Crc32,
            10 => Check::Sha256,
            _ => Check::Crc64,
        }
    }

    fn specs(&self) -> &[FilterSpec] {
        self.filters
            .as_ref()
            .map(|(_, s)| s.as_slice())
            .unwrap_or_default()
    }

    fn preset(&self) -> u32 {
        self.preset.map(|p| p as u32).unwrap_or(6)
    }

    fn encoder(&self) -> Result<Stream> {
        let fail = |e: liblzma::stream::Error| {
            Error::invalid_input(Self::ID, format!("liblzma encoder: {e:?}"))
        };
        match self.format {
            FORMAT_XZ => match &self.filters {
                Some((_, specs)) => {
                    Stream::new_stream_encoder(&build_filters(specs)?, self.check()).map_err(fail)
                }
                None => Stream::new_easy_encoder(self.preset(), self.check()).map_err(fail),
            },
            FORMAT_ALONE => {
                let opts = match self.specs().first() {
                    Some(s) => lzma_options(s)?,
                    None => LzmaOptions::new_preset(self.preset()).map_err(fail)?,
                };
                Stream::new_lzma_encoder(&opts).map_err(fail)
            }
            FORMAT_RAW => Stream::new_raw_encoder(&build_filters(self.specs())?).map_err(fail),
            _ => Err(Error::invalid_input(
                Self::ID,
                "format 0 (AUTO) can only decode",
            )),
        }
    }

    fn decoder(&self, memlimit: u64) -> Result<Stream> {
        let fail =
            |e: liblzma::stream::Error| Error::corrupt(Self::ID, format!("liblzma decoder: {e:?}"));
        match self.format {
            FORMAT_AUTO => Stream::new_auto_decoder(memlimit, 0).map_err(fail),
            FORMAT_XZ => Stream::new_stream_decoder(memlimit, 0).map_err(fail),
            FORMAT_ALONE => Stream::new_lzma_decoder(memlimit).map_err(fail),
            _ => Stream::new_raw_decoder(&build_filters(self.specs())?).map_err(fail),
        }
    }

    fn decode_to(&self, input: &[u8], sink: &mut Sink<'_>, limit: usize) -> Result<()> {
        let memlimit = (limit as u64)
            .saturating_mul(2)
            .saturating_add(1 << 20)
            .max(128 << 20);
        let new = || self.decoder(memlimit);
        run_concatenated(Self::ID, input, sink, new, |d, i, o| {
            let (in0, out0) = (d.total_in(), d.total_out());
            let status = match o {
                Space::Slice(o) => d.process(i, o, Action::Run),
                Space::Vec(v) => d.process_vec(i, v, Action::Run),
            }
            .map_err(|e| match e {
                liblzma::stream::Error::MemLimit => Error::corrupt(
                    Self::ID,
                    format!("the stream needs more than {memlimit} bytes of decoder memory (its dictionary is too large for the expected size)"),
                ),
                e => Error::corrupt(Self::ID, format!("invalid {} data: {e:?}", self.format_name())),
            })?;
            Ok(Step {
                consumed: (d.total_in() - in0) as usize,
                produced: (d.total_out() - out0) as usize,
                done: status == Status::StreamEnd,
            })
        })
    }

    fn format_name(&self) -> &'static str {
        match self.format {
            FORMAT_XZ => "xz",
            FORMAT_ALONE => "lzma (alone)",
            FORMAT_RAW => "raw lzma",
            _ => "xz/lzma",
        }
    }
}

impl Codec for Lzma {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({
            "id": Self::ID,
            "format": self.format,
            "check": self.check,
            "preset": self.preset,
            "filters": self.filters.as_ref().map(|(v, _)| v.clone()),
        })
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let mut s = self.encoder()?;
        let mut out = Vec::with_capacity(input.len() + input.len() / 16 + 1024);
        loop {
            let rest = input.get(s.total_in() as usize..).unwrap_or_default();
            let status = s
                .process_vec(rest, &mut out, Action::Finish)
                .map_err(|e| Error::invalid_input(Self::ID, format!("liblzma encoder: {e:?}")))?;
            if status == Status::StreamEnd {
                return Ok(out);
            }
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(1024));
            }
        }
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        stream::decode_limited(Self::ID, input, limit, |s| self.decode_to(input, s, limit))
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let limit = out.len();
        stream::decode_into(Self::ID, out, |s| self.decode_to(input, s, limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<u8> {
        (0..10_000u32).flat_map(|v| (v / 7).to_le_bytes()).collect()
    }

    fn lz(cfg: Value) -> Lzma {
        Lzma::from_config(&cfg).unwrap()
    }

    #[test]
    fn numcodecs_examples() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = lz(json!({"id": "lzma"})).encode(&input, DType::I4).unwrap();
        assert_eq!(enc.len(), 80);
        assert_eq!(
            enc[..12],
            [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4, 0xe6, 0xd6, 0xb4, 0x46]
        );
        let raw = lz(json!({"format": 3, "filters": [{"id": 33, "preset": 1}]}));
        let enc = raw.encode(&input, DType::I4).unwrap();
        assert_eq!(enc.len(), 34);
        assert_eq!(enc[..6], [0xe0, 0, 0x1f, 0, 0x1a, 0x5d]);
    }

    #[test]
    fn round_trips_every_format_and_filter() {
        let d = data();
        let configs = [
            json!({}),
            json!({"preset": 1, "check": 0}),
            json!({"preset": 9 | 0x8000_0000i64, "check": 10}),
            json!({"check": 1}),
            json!({"format": 2}),
            json!({"format": 2, "preset": 3, "check": 0}),
            json!({"format": 2, "filters": [{"id": FILTER_LZMA1, "dict_size": 65536, "lc": 0, "lp": 2, "pb": 2}]}),
            json!({"format": 3, "filters": [{"id": 3, "dist": 4}, {"id": 33, "preset": 1, "mode": 1, "mf": 4, "nice_len": 32, "depth": 0}]}),
            json!({"format": 3, "filters": [{"id": FILTER_LZMA1, "preset": 2}]}),
            json!({"format": 3, "filters": [{"id": 4, "start_offset": 16}, {"id": 33}]}),
            json!({"format": 1, "filters": [{"id": 3}, {"id": 33, "dict_size": 1048576}]}),
        ];
        for cfg in configs {
            let c = lz(cfg.clone());
            let enc = c.encode(&d, DType::U1).unwrap();
            assert_eq!(c.decode(&enc).unwrap(), d, "{cfg}");
            let mut out = vec![0u8; d.len()];
            c.decode_into(&enc, &mut out).unwrap();
            assert_eq!(out, d, "{cfg}");
            let e = c.encode(b"", DType::U1).unwrap();
            assert!(c.decode(&e).unwrap().is_empty(), "{cfg}");
        }
        // AUTO decodes XZ and ALONE.
        let auto = lz(json!({"format": 0}));
        for f in [1, 2] {
            let enc = lz(json!({"format": f})).encode(&d, DType::U1).unwrap();
            assert_eq!(auto.decode(&enc).unwrap(), d);
        }
        assert!(auto.encode(&d, DType::U1).is_err());
    }

    #[test]
    fn multi_stream_trailing_empty_and_truncated() {
        let c = lz(json!({}));
        let d = data();
        let mut two = c.encode(&d, DType::U1).unwrap();
        two.extend(c.encode(b"tail", DType::U1).unwrap());
        let mut want = d.clone();
        want.extend_from_slice(b"tail");
        assert_eq!(c.decode(&two).unwrap(), want);
        // As in Python (format XZ): trailing bytes that liblzma rejects are ignored, trailing
        // bytes too short for a stream header are a truncated stream.
        let mut padded = two.clone();
        padded.extend_from_slice(&[0; 12]);
        assert_eq!(
            c.decode(&padded).unwrap(),
            want,
            "trailing junk after a stream is ignored"
        );
        let mut short = two.clone();
        short.extend_from_slice(&[0, 0, 0, 0, b'x']);
        assert!(matches!(
            c.decode(&short).unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(c.decode(b"").unwrap_err(), Error::Corrupt { .. }));
        let enc = c.encode(&d, DType::U1).unwrap();
        for cut in [1, 6, 12, enc.len() / 2, enc.len() - 1] {
            assert!(
                matches!(c.decode(&enc[..cut]).unwrap_err(), Error::Corrupt { .. }),
                "cut {cut}"
            );
        }
        let mut flipped = enc.clone();
        let n = flipped.len();
        flipped[n / 2] ^= 0x01;
        assert!(c.decode(&flipped).is_err());
        assert!(matches!(
            c.decode(b"garbage data").unwrap_err(),
            Error::Corrupt { .. }
        ));
    }

    #[test]
    fn bomb_and_out_size() {
        for cfg in [
            json!({"preset": 1}),
            json!({"format": 3, "filters": [{"id": 33, "preset": 1}]}),
        ] {
            let c = lz(cfg);
            let bomb = c.encode(&vec![0u8; 32 << 20], DType::U1).unwrap();
            assert!(bomb.len() < 10_000);
            assert!(matches!(
                c.decode_limited(&bomb, 1 << 20).unwrap_err(),
                Error::TooLarge { .. }
            ));
            let d = data();
            let enc = c.encode(&d, DType::U1).unwrap();
            let mut buf = vec![0x42u8; d.len() + 1];
            let e = c.decode_into(&enc, &mut buf[..d.len() - 1]).unwrap_err();
            assert!(matches!(e, Error::OutputSize { .. }), "{e}");
            assert_eq!(buf[d.len() - 1..], [0x42, 0x42]);
            assert!(matches!(
                c.decode_into(&enc, &mut buf).unwrap_err(),
                Error::OutputSize { .. }
            ));
        }
        // An ALONE header claiming a 4 GiB dictionary is refused by the memory limit.
        let mut hdr = vec![0x5d, 0xff, 0xff, 0xff, 0xff];
        hdr.extend_from_slice(&[0xff; 8]);
        hdr.extend_from_slice(&[0; 16]);
        let e = lz(json!({"format": 2}))
            .decode_limited(&hdr, 4096)
            .unwrap_err();
        assert!(e.to_string().contains("memory"), "{e}");
    }

    #[test]
    fn config_errors_name_the_key() {
        let cases = [
            (json!({"format": 4}), "format"),
            (json!({"check": 2}), "check"),
            (json!({"preset": 10}), "preset"),
            (json!({"preset": -1}), "preset"),
            (json!({"format": 3}), "filters"),
            (json!({"format": 2, "check": 4}), "check"),
            (json!({"preset": 1, "filters": [{"id": 33}]}), "preset"),
            (json!({"filters": [{"id": 99}]}), "filters[0].id"),
            (
                json!({"filters": [{"id": 33, "dict": 1}]}),
                "filters[0].dict",
            ),
            (json!({"filters": [{"id": 33, "lc": 9}]}), "filters[0].lc"),
            (
                json!({"filters": [{"id": 3, "dist": 0}]}),
                "filters[0].dist",
            ),
            (json!({"filters": [{"preset": 1}]}), "filters[0].id"),
            (json!({"filters": []}), "filters"),
            (json!({"filters": {"id": 33}}), "filters"),
            (json!({"format": 2, "filters": [{"id": 33}]}), "filters"),
            (
                json!({"format": 3, "filters": [{"id": 33}, {"id": 3}]}),
                "filters",
            ),
            (json!({"level": 1}), "level"),
        ];
        for (cfg, key) in cases {
            let e = Lzma::from_config(&cfg).unwrap_err().to_string();
            assert!(e.contains(&format!("\"{key}\"")), "{cfg}: {e}");
        }
        let c = lz(json!({"id": "lzma", "format": 3, "filters": [{"id": 33, "preset": 1}]}));
        assert_eq!(
            c.get_config(),
            json!({"id": "lzma", "format": 3, "check": -1, "preset": null, "filters": [{"id": 33, "preset": 1}]})
        );
        assert_eq!(
            lz(json!({})).get_config(),
            json!({"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null})
        );
    }
}
