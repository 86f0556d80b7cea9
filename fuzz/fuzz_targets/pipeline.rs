//! Arbitrary pipeline JSON, then a round trip of a small buffer and a decode of fuzz bytes.
#![no_main]
use chunkcodec::{DType, Pipeline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (json, rest) = data.split_at(split);
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let Ok(p) = Pipeline::from_json(text) else {
        return;
    };
    let payload = rest.get(1..).unwrap_or(&[]);
    if let Ok(out) = p.decode_limited(payload, 1 << 16) {
        assert!(out.len() <= 1 << 16);
    }
    let input: Vec<u8> = (0..256u32).map(|i| (i * 7) as u8).collect();
    if let Ok(enc) = p.encode(&input, DType::U1) {
        let _ = p.decode_limited(&enc, input.len());
    }
});
