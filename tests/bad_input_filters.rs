//! Bad-input checklist rows for filters and checksums (reliability.md §3.4 D1-D4, Q1-Q5,
//! K1-K3). Each test names its row; where our behaviour differs from the row's suggestion on
//! purpose (numcodecs interop), the comment says so and the test pins what we do.

use chunkcodec::{get_codec, Codec, DType, Error};
use serde_json::json;

fn codec(v: serde_json::Value) -> Box<dyn Codec> {
    get_codec(&v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn config_err(v: serde_json::Value, key: &str) {
    match get_codec(&v) {
        Err(Error::Config { key: k, .. }) => assert_eq!(k, key, "{v}"),
        Err(e) => panic!("{v}: expected a config error on {key:?}, got {e}"),
        Ok(_) => panic!("{v}: accepted"),
    }
}

fn i4(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn f8(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

// D1: delta `dtype` itemsize does not divide the input length -> error, both ways.
#[test]
fn row_3_4_d1_delta_length_not_a_multiple_of_itemsize() {
    let c = codec(json!({"id": "delta", "dtype": "<i4"}));
    let e = c.encode(&[1, 2, 3, 4, 5, 6], DType::I4).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(e.to_string().contains('6'), "{e}");
    let e = c.decode(&[1, 2, 3, 4, 5, 6]).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
}

// D2: delta on empty input -> Ok(empty) (numcodecs raises IndexError).
#[test]
fn row_3_4_d2_delta_empty_input() {
    let c = codec(json!({"id": "delta", "dtype": "<f8"}));
    let enc = c.encode(&[], DType::F8).unwrap();
    assert!(enc.is_empty());
    assert!(c.decode(&enc).unwrap().is_empty());
    c.decode_into(&enc, &mut []).unwrap();
}

// D3: integer overflow in the running sum wraps, as numpy does; -128, 127, -128 as i8 round-trips.
#[test]
fn row_3_4_d3_delta_integer_overflow_wraps() {
    let c = codec(json!({"id": "delta", "dtype": "|i1"}));
    let data = [0x80u8, 0x7f, 0x80];
    let enc = c.encode(&data, DType::I1).unwrap();
    assert_eq!(enc, [0x80, 0xff, 0x01]);
    assert_eq!(c.decode(&enc).unwrap(), data);
}

// D4: `astype` narrower than `dtype` with unrepresentable values. The row suggests an error; we
// write numcodecs' bytes (wrapping), because an error would refuse data numcodecs encodes and
// zarr readers expect. Pinned: [100, 300, 301] -> 64 c8 01, decoding to [100, 44, 45].
#[test]
fn row_3_4_d4_delta_narrowing_astype_wraps_like_numcodecs() {
    let c = codec(json!({"id": "delta", "dtype": "<i4", "astype": "|i1"}));
    let enc = c.encode(&i4(&[100, 300, 301]), DType::I4).unwrap();
    assert_eq!(enc, [0x64, 0xc8, 0x01]);
    assert_eq!(c.decode(&enc).unwrap(), i4(&[100, 44, 45]));
}

// Q1: fixedscaleoffset parameters that are not finite numbers -> config errors naming the key.
#[test]
fn row_3_4_q1_fixedscaleoffset_bad_parameters() {
    config_err(
        json!({"id": "fixedscaleoffset", "scale": "10", "offset": 0, "dtype": "<f8"}),
        "scale",
    );
    config_err(
        json!({"id": "fixedscaleoffset", "scale": 10, "offset": [1], "dtype": "<f8"}),
        "offset",
    );
    config_err(
        json!({"id": "fixedscaleoffset", "scale": null, "offset": 0, "dtype": "<f8"}),
        "scale",
    );
    // JSON has no NaN or infinity literal, so those cannot reach the reader as numbers.
    assert!(serde_json::from_str::<serde_json::Value>(r#"{"scale": NaN}"#).is_err());
}

// Q2: NaN or +-inf input with an integer `astype` -> an error naming the element.
#[test]
fn row_3_4_q2_fixedscaleoffset_non_finite_input() {
    let c = codec(
        json!({"id": "fixedscaleoffset", "scale": 10, "offset": 1000,
                         "dtype": "<f8", "astype": "<u2"}),
    );
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = c.encode(&f8(&[1000.0, bad]), DType::F8).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
        assert!(e.to_string().contains("element 1"), "{e}");
    }
}

// Q3: a scaled value outside the `astype` range -> an error naming the element and value.
#[test]
fn row_3_4_q3_fixedscaleoffset_out_of_range() {
    let c = codec(
        json!({"id": "fixedscaleoffset", "scale": 10, "offset": 1000,
                         "dtype": "<f8", "astype": "|u1"}),
    );
    let e = c.encode(&f8(&[1000.0, 1025.6]), DType::F8).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("element 1") && msg.contains("1025.6"), "{msg}");
}

// Q4: decode producing a non-finite value. Policy (documented in fixedscaleoffset.rs: "decoding
// never fails on values"): numpy's result, so the bytes match numcodecs: float64 -> float32
// overflow saturates to +-inf, never an error and never a wrapped or garbage value.
#[test]
fn row_3_4_q4_fixedscaleoffset_decode_overflows_to_inf() {
    let c = codec(
        json!({"id": "fixedscaleoffset", "scale": 1e-30, "offset": 0,
                         "dtype": "<f4", "astype": "<i4"}),
    );
    let dec = c.decode(&i4(&[2_000_000_000, -2_000_000_000, 0])).unwrap();
    let vals: Vec<f32> = dec
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(vals, [f32::INFINITY, f32::NEG_INFINITY, 0.0]);
}

// Q5: unsupported or unparsable dtypes -> config errors naming the key.
#[test]
fn row_3_4_q5_unsupported_dtypes() {
    for dt in ["|O", "<c8", "<q9", "<U4", "|b1"] {
        config_err(
            json!({"id": "fixedscaleoffset", "scale": 1, "offset": 0, "dtype": dt}),
            "dtype",
        );
    }
    config_err(json!({"id": "delta", "dtype": "<M8[ns]"}), "dtype");
    config_err(
        json!({"id": "quantize", "digits": 3, "dtype": "<i4"}),
        "dtype",
    );
    config_err(
        json!({"id": "astype", "encode_dtype": "<f4", "decode_dtype": "|S3"}),
        "decode_dtype",
    );
}

// K1: checksum input shorter than the 4-byte checksum -> Corrupt, for every checksum codec.
#[test]
fn row_3_4_k1_checksum_input_too_short() {
    for id in [
        "crc32",
        "crc32c",
        "adler32",
        "fletcher32",
        "jenkins_lookup3",
    ] {
        let c = codec(json!({"id": id}));
        for n in 0..4 {
            let e = c.decode(&vec![0u8; n]).unwrap_err();
            assert!(
                matches!(e, Error::Corrupt { .. }),
                "{id} with {n} bytes: {e}"
            );
        }
    }
}

// K2: a checksum mismatch -> ChecksumMismatch with both values, and decode_into writes nothing
// that could be mistaken for a result (it errors).
#[test]
fn row_3_4_k2_checksum_mismatch() {
    for id in [
        "crc32",
        "crc32c",
        "adler32",
        "fletcher32",
        "jenkins_lookup3",
    ] {
        let c = codec(json!({"id": id}));
        let mut enc = c.encode(b"some payload bytes", DType::U1).unwrap();
        let last = enc.len() - 1;
        enc[last / 2] ^= 0x40;
        let e = c.decode(&enc).unwrap_err();
        match e {
            Error::ChecksumMismatch {
                stored, computed, ..
            } => assert_ne!(stored, computed, "{id}"),
            other => panic!("{id}: expected ChecksumMismatch, got {other}"),
        }
        let mut out = vec![0u8; 18];
        assert!(c.decode_into(&enc, &mut out).is_err(), "{id}");
    }
}

// K3: checksum location and algorithm come from the config; numcodecs' vectors for "abc", and a
// frame written with one location or algorithm does not verify under another.
#[test]
fn row_3_4_k3_checksum_location_and_algorithm() {
    let crc32 = codec(json!({"id": "crc32"}));
    let crc32_end = codec(json!({"id": "crc32", "location": "end"}));
    let crc32c = codec(json!({"id": "crc32c"}));
    let adler = codec(json!({"id": "adler32"}));
    let start = crc32.encode(b"abc", DType::U1).unwrap();
    assert_eq!(start, [0xc2, 0x41, 0x24, 0x35, 0x61, 0x62, 0x63]);
    let end = crc32_end.encode(b"abc", DType::U1).unwrap();
    assert_eq!(end, [0x61, 0x62, 0x63, 0xc2, 0x41, 0x24, 0x35]);
    let c = crc32c.encode(b"abc", DType::U1).unwrap();
    assert_eq!(c, [0x61, 0x62, 0x63, 0xb7, 0x3f, 0x4b, 0x36]);
    assert_eq!(
        adler.encode(b"abc", DType::U1).unwrap(),
        [0x27, 0x01, 0x4d, 0x02, 0x61, 0x62, 0x63]
    );
    assert!(matches!(
        crc32_end.decode(&start),
        Err(Error::ChecksumMismatch { .. })
    ));
    assert!(matches!(
        crc32c.decode(&end),
        Err(Error::ChecksumMismatch { .. })
    ));
    config_err(json!({"id": "crc32", "location": "middle"}), "location");
}

// Q1 (scale 0): numcodecs accepts `scale` 0, encodes every value to 0 and decodes 0/0 to NaN.
// Deliberate difference: a config error naming `scale` (also for -0.0 and 0.0).
#[test]
fn row_3_4_q1_fixedscaleoffset_scale_zero_is_a_config_error() {
    for scale in [json!(0), json!(0.0), json!(-0.0)] {
        config_err(
            json!({"id": "fixedscaleoffset", "scale": scale, "offset": 0, "dtype": "<f8"}),
            "scale",
        );
    }
    // A tiny but nonzero scale is accepted.
    codec(json!({"id": "fixedscaleoffset", "scale": 1e-300, "offset": 0, "dtype": "<f8"}));
}

// Q4: decode overflowing `dtype` gives ±inf, as numpy does (numcodecs 0.16.6 with numpy 2.4:
// `<i4` [2e9, -2e9, 1] at scale 1e-30 into `<f4` -> 0000807f 000080ff caf24971; `<f2` at scale
// 1e-3: [100000, -70] -> 007c 00fc). Pinned rather than an error: these are numpy's values.
#[test]
fn row_3_4_q4_fixedscaleoffset_decode_overflow_is_numpy_inf() {
    let c = codec(
        json!({"id": "fixedscaleoffset", "scale": 1e-30, "offset": 0,
                         "dtype": "<f4", "astype": "<i4"}),
    );
    let dec = c.decode(&i4(&[2_000_000_000, -2_000_000_000, 1])).unwrap();
    assert_eq!(
        dec,
        [0x00, 0x00, 0x80, 0x7f, 0x00, 0x00, 0x80, 0xff, 0xca, 0xf2, 0x49, 0x71]
    );
    let c = codec(json!({"id": "fixedscaleoffset", "scale": 1e-3, "offset": 0,
                         "dtype": "<f2", "astype": "<i4"}));
    assert_eq!(
        c.decode(&i4(&[100_000, -70])).unwrap(),
        [0x00, 0x7c, 0x00, 0xfc]
    );
}

fn ucs4(items: &[&str], chars: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for s in items {
        let mut cs: Vec<u32> = s.chars().map(u32::from).collect();
        cs.resize(chars, 0);
        v.extend(cs.iter().flat_map(|c| c.to_le_bytes()));
    }
    v
}

// Categorize: a code that is not a label index -> Corrupt naming the code and the element
// (numcodecs decodes it to ""), for every kind of astype.
#[test]
fn categorize_code_out_of_range() {
    let c = codec(json!({"id": "categorize", "labels": ["a", "b"], "dtype": "<U2"}));
    let e = c.decode(&[0, 1, 2, 3]).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("code 3 at element 3") && msg.contains("0..=2"),
        "{msg}"
    );
    assert!(c.decode_into(&[255], &mut [0u8; 8]).is_err());
    let c = codec(json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "<i4"}));
    let e = c.decode(&i4(&[1, -1])).unwrap_err().to_string();
    assert!(e.contains("code -1 at element 1"), "{e}");
    let c = codec(json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "<f8"}));
    for bad in [0.5, f64::NAN, 2.0, -1.0] {
        assert!(matches!(
            c.decode(&f8(&[bad])).unwrap_err(),
            Error::Corrupt { .. }
        ));
    }
    assert_eq!(c.decode(&f8(&[1.0, 0.0])).unwrap(), ucs4(&["a", ""], 2));
}

// Categorize: encoded length not a multiple of the astype size -> Corrupt; encode input not a
// multiple of the unicode item size -> InvalidInput.
#[test]
fn categorize_length_not_a_multiple() {
    let c = codec(json!({"id": "categorize", "labels": ["a"], "dtype": "<U3", "astype": "<u2"}));
    let e = c.decode(&[1, 0, 1]).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("3 bytes"), "{e}");
    assert!(matches!(
        c.decode_into(&[1, 0, 1], &mut [0u8; 12]).unwrap_err(),
        Error::Corrupt { .. }
    ));
    let dt = DType::parse_any("<U3").unwrap();
    let e = c.encode(&[0u8; 13], dt).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(e.to_string().contains("13 bytes"), "{e}");
}

// Categorize: wrong key types and values -> config errors naming the key.
#[test]
fn categorize_bad_config() {
    let ok = json!({"id": "categorize", "labels": ["a"], "dtype": "<U1"});
    codec(ok.clone());
    let with = |k: &str, v: serde_json::Value| {
        let mut c = ok.clone();
        c[k] = v;
        c
    };
    for labels in [json!("a"), json!([1]), json!(["a", null]), json!({"a": 1})] {
        config_err(with("labels", labels), "labels");
    }
    for dtype in [
        json!(4),
        json!("<i4"),
        json!("|O"),
        json!("<U0"),
        json!("<U"),
    ] {
        config_err(with("dtype", dtype), "dtype");
    }
    for astype in [json!("|O"), json!("<U3"), json!(1), json!("<q9")] {
        config_err(with("astype", astype), "astype");
    }
    config_err(json!({"id": "categorize", "dtype": "<U1"}), "labels");
    config_err(json!({"id": "categorize", "labels": []}), "dtype");
    config_err(with("extra", json!(1)), "extra");
}

// Categorize: decode_into needs exactly the decoded size; nothing is written past `out`.
#[test]
fn categorize_out_buffer_size() {
    let c = codec(json!({"id": "categorize", "labels": ["xy"], "dtype": ">U2"}));
    for n in [0usize, 15, 17, 32] {
        let mut out = vec![0u8; n];
        let e = c.decode_into(&[1, 0], &mut out).unwrap_err();
        assert!(
            matches!(e, Error::OutputSize { expected: 16, found, .. } if found == n),
            "{e}"
        );
    }
    let mut out = [0xa5u8; 16];
    c.decode_into(&[1, 0], &mut out).unwrap();
    assert_eq!(out, [0, 0, 0, b'x', 0, 0, 0, b'y', 0, 0, 0, 0, 0, 0, 0, 0]);
    let e = c.decode_limited(&[1, 0], 15).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
}
