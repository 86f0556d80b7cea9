//! Shared helpers for the fuzz targets: the sample configs (the same list the property tests
//! use) and a tiny input splitter.

#[path = "../../tests/support/configs.rs"]
pub mod configs;

use chunkcodec::{get_codec, Codec, DType};
use configs::{Roundtrip, SAMPLES};
use std::sync::OnceLock;

/// A registered codec from the sample list.
pub struct Sample {
    pub codec: Box<dyn Codec>,
    pub dtype: DType,
    pub lossless: bool,
    pub granule: usize,
}

/// The samples whose codec ids are registered in this build.
pub fn samples() -> &'static [Sample] {
    static S: OnceLock<Vec<Sample>> = OnceLock::new();
    S.get_or_init(|| {
        SAMPLES
            .iter()
            .filter_map(|s| {
                let v: serde_json::Value = serde_json::from_str(s.config).ok()?;
                let codec = get_codec(&v).ok()?;
                let dtype = DType::parse_any(s.dtype).ok()?;
                let es = v["elementsize"].as_u64().unwrap_or(1).max(1) as usize;
                Some(Sample {
                    codec,
                    dtype,
                    lossless: s.roundtrip == Roundtrip::Lossless,
                    granule: dtype.itemsize() * es,
                })
            })
            .collect()
    })
}

/// Splits fuzz input into (selector byte, a limit up to 64 KiB, the rest).
pub fn split(data: &[u8]) -> Option<(u8, usize, &[u8])> {
    let (&sel, rest) = data.split_first()?;
    let (lim, rest) = rest.split_first_chunk::<2>()?;
    Some((sel, u16::from_le_bytes(*lim) as usize, rest))
}
