//! Property tests over every registered codec (the stable-toolchain mirror of the fuzz targets in
//! fuzz/): round trips, decoding arbitrary and mutated bytes without panics and within the
//! caller's limit, truncation detection, decode_into independent of the buffer's old contents,
//! and identical results from many threads.

#[path = "support/configs.rs"]
mod configs;

use chunkcodec::{get_codec, registered_ids, Codec, DType, Error};
use configs::{Roundtrip, SAMPLES};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Codec ids that are filters: their encoded form has no framing, so a truncated encoding can
/// be a valid shorter one.
const FILTER_IDS: &[&str] = &[
    "shuffle",
    "delta",
    "fixedscaleoffset",
    "quantize",
    "bitround",
    "packbits",
    "astype",
    "categorize",
];

struct Loaded {
    codec: Box<dyn Codec>,
    dtype: DType,
    roundtrip: Roundtrip,
    config: &'static str,
}

fn loaded() -> Vec<Loaded> {
    let ids: BTreeSet<String> = registered_ids().into_iter().collect();
    SAMPLES
        .iter()
        .filter_map(|s| {
            let v: serde_json::Value = serde_json::from_str(s.config).unwrap();
            let id = v["id"].as_str().unwrap();
            if !ids.contains(id) {
                return None;
            }
            let codec = get_codec(&v).unwrap_or_else(|e| panic!("{}: {e}", s.config));
            Some(Loaded {
                codec,
                dtype: DType::parse_any(s.dtype).unwrap(),
                roundtrip: s.roundtrip,
                config: s.config,
            })
        })
        .collect()
}

/// Inputs that exercise both literal and match paths of compressors.
fn data_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..3000),
        // f64 values in the range the fixedscaleoffset sample can represent.
        proptest::collection::vec(1000.0f64..7000.0, 0..400)
            .prop_map(|v| v.iter().flat_map(|x| x.to_le_bytes()).collect()),
        (proptest::collection::vec(any::<u8>(), 1..16), 0usize..4000).prop_map(|(pat, n)| pat
            .iter()
            .cycle()
            .take(n)
            .copied()
            .collect()),
        (any::<u32>(), 0usize..1500).prop_map(|(seed, n)| {
            // A smooth ramp of i16 with a little noise.
            (0..n)
                .flat_map(|i| {
                    let v = ((i as u32).wrapping_mul(3) ^ ((seed >> (i % 7)) & 3)) as u16;
                    v.to_le_bytes()
                })
                .collect()
        }),
    ]
}

/// Truncates to whole elements of the dtype and, for shuffle, of its element size.
/// Encodes, allowing lossy codecs to reject values they cannot represent (fixedscaleoffset
/// refuses NaN and out-of-range values instead of writing numpy's platform garbage).
fn encode(l: &Loaded, data: &[u8]) -> Option<Vec<u8>> {
    match l.codec.encode(data, l.dtype) {
        Ok(e) => Some(e),
        Err(Error::InvalidInput { .. }) if l.roundtrip == Roundtrip::Lossy => None,
        Err(e) => panic!("{}: encode of {} bytes: {e}", l.config, data.len()),
    }
}

fn whole_elements(mut data: Vec<u8>, dtype: DType, config: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(config).unwrap();
    let es = v["elementsize"].as_u64().unwrap_or(1).max(1) as usize;
    let unit = dtype.itemsize() * es / gcd(dtype.itemsize(), es);
    let n = data.len() - data.len() % unit;
    data.truncate(n);
    data
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[test]
fn every_registered_codec_has_a_sample() {
    let sampled: BTreeSet<&str> = SAMPLES
        .iter()
        .map(|s| {
            let v: serde_json::Value = serde_json::from_str(s.config).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            &*Box::leak(id.into_boxed_str())
        })
        .collect();
    let missing: Vec<String> = registered_ids()
        .into_iter()
        .filter(|id| !sampled.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add samples to tests/support/configs.rs for {missing:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn roundtrip_and_decode_into(data in data_strategy()) {
        for l in loaded() {
            let data = whole_elements(data.clone(), l.dtype, l.config);
            let Some(enc) = encode(&l, &data) else { continue };
            let dec = l.codec.decode_limited(&enc, data.len())
                .unwrap_or_else(|e| panic!("{}: decode: {e}", l.config));
            prop_assert_eq!(dec.len(), data.len(), "{}", l.config);
            if l.roundtrip == Roundtrip::Lossless {
                prop_assert!(dec == data, "{}: round trip changed the data", l.config);
            }
            // decode_into must not depend on what the buffer held before.
            let mut a = vec![0x00u8; data.len()];
            let mut b = vec![0xffu8; data.len()];
            l.codec.decode_into(&enc, &mut a).unwrap_or_else(|e| panic!("{}: {e}", l.config));
            l.codec.decode_into(&enc, &mut b).unwrap_or_else(|e| panic!("{}: {e}", l.config));
            prop_assert!(a == b && a == dec, "{}: decode_into differs", l.config);
            // A wrong-size buffer is an error, never a partial write past its end.
            let mut short = vec![0u8; data.len() + 1];
            let r = l.codec.decode_into(&enc, &mut short);
            prop_assert!(r.is_err(), "{}: decode_into accepted a buffer one byte too long", l.config);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_respect_the_limit(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        limit in 0usize..5000,
    ) {
        for l in loaded() {
            if let Ok(out) = l.codec.decode_limited(&bytes, limit) {
                prop_assert!(out.len() <= limit, "{}: {} bytes over limit {limit}", l.config, out.len());
            }
            let mut out = vec![0u8; limit];
            let _ = l.codec.decode_into(&bytes, &mut out);
        }
    }

    #[test]
    fn mutated_and_truncated_encodings(
        data in data_strategy(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        for l in loaded() {
            let data = whole_elements(data.clone(), l.dtype, l.config);
            let Some(enc) = encode(&l, &data) else { continue };
            if enc.is_empty() {
                continue;
            }
            let mut bad = enc.clone();
            for (i, x) in &flips {
                let i = i.index(bad.len());
                bad[i] ^= x | 1;
            }
            if let Ok(out) = l.codec.decode_limited(&bad, data.len()) {
                prop_assert!(out.len() <= data.len());
            }
            let id = l.codec.codec_id();
            let cut = cut.index(enc.len());
            let truncated = &enc[..cut];
            let r = l.codec.decode_limited(truncated, data.len().max(1) * 2);
            // An empty gzip/bz2 stream is valid (numcodecs decodes b"" to b""); any other
            // truncation of a framed codec's output must be detected.
            // A prefix that is itself a valid encoding (re-encoding what it decoded to gives the
            // same bytes: e.g. fletcher32 of zeros is zeros, so 9 zero bytes are a valid encoding
            // of 5 zero bytes, in numcodecs too) cannot be told apart from real input.
            let valid_encoding = r
                .as_ref()
                .ok()
                .and_then(|o| l.codec.encode(o, l.dtype).ok())
                .is_some_and(|e| e == truncated);
            if !FILTER_IDS.contains(&id) && !data.is_empty() && !valid_encoding && (cut > 0 || r.as_ref().map_or(true, |o| !o.is_empty())) {
                prop_assert!(r.is_err(), "{}: truncated to {cut} of {} bytes and still decoded", l.config, enc.len());
            }
        }
    }
}

#[test]
fn too_small_limit_is_too_large_error() {
    let data: Vec<u8> = (0..20_000u32).flat_map(|i| (i / 7).to_le_bytes()).collect();
    for l in loaded() {
        let data = whole_elements(data.clone(), l.dtype, l.config);
        let Some(enc) = encode(&l, &data) else {
            continue;
        };
        let err = l.codec.decode_limited(&enc, 1000).expect_err(l.config);
        assert!(
            matches!(err, Error::TooLarge { .. }) || matches!(err, Error::Corrupt { .. }),
            "{}: {err}",
            l.config
        );
    }
}

#[test]
fn codecs_are_thread_safe_and_deterministic() {
    let data: Vec<u8> = (0..50_000u32)
        .flat_map(|i| ((i as f32).sin() * 1000.0).to_le_bytes())
        .collect();
    for l in loaded() {
        let data = whole_elements(data.clone(), l.dtype, l.config);
        let Some(enc) = encode(&l, &data) else {
            continue;
        };
        let dec = l.codec.decode(&enc).unwrap();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..3)
                            .map(|_| {
                                let e = l.codec.encode(&data, l.dtype).unwrap();
                                let d = l.codec.decode(&e).unwrap();
                                (e, d)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (e, d) in h.join().unwrap() {
                    // gzip embeds the time; everything else must be byte-identical.
                    if l.codec.codec_id() != "gzip" {
                        assert!(e == enc, "{}: encode differs across threads", l.config);
                    }
                    assert!(d == dec, "{}: decode differs across threads", l.config);
                }
            }
        });
    }
}

#[test]
fn codecs_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<dyn Codec>();
    assert_send_sync::<chunkcodec::Pipeline>();
}

/// The case proptest found: a truncated fletcher32 encoding of zeros is a valid encoding of fewer
/// zeros (numcodecs decodes it too); the relaxation above must not hide real truncations.
#[test]
fn truncated_checksum_of_zeros_is_a_valid_encoding_but_other_truncations_are_errors() {
    let codec = get_codec(&serde_json::json!({"id": "fletcher32"})).unwrap();
    let zeros = codec.encode(&[0u8; 64], DType::U1).unwrap();
    let prefix = &zeros[..9];
    assert_eq!(codec.decode(prefix).unwrap(), vec![0u8; 5]);
    let data: Vec<u8> = (1..=64).collect();
    let enc = codec.encode(&data, DType::U1).unwrap();
    for cut in 0..enc.len() {
        assert!(codec.decode(&enc[..cut]).is_err(), "cut {cut}");
    }
}
