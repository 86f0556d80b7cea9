//! The Blosc frame parser on arbitrary bytes, with a valid header prefix half the time so the
//! fuzzer reaches the block and stream checks quickly.
#![no_main]
use chunkcodec::get_codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(codec) = get_codec(&serde_json::json!({"id": "blosc"})) else {
        return;
    };
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut frame = Vec::with_capacity(rest.len() + 16);
    if sel & 1 == 1 && rest.len() >= 12 {
        // version 2, versionlz 1, then fuzzed flags/typesize/sizes; cbytes = real length.
        frame.extend_from_slice(&[2, 1]);
        frame.extend_from_slice(&rest[..10]);
        let total = (rest.len() + 6) as u32;
        frame.extend_from_slice(&total.to_le_bytes());
        frame.extend_from_slice(&rest[12..]);
    } else {
        frame.extend_from_slice(rest);
    }
    let limit = 1 << 16;
    if let Ok(out) = codec.decode_limited(&frame, limit) {
        assert!(out.len() <= limit);
    }
});
