//! Decode arbitrary bytes with every registered codec: never a panic, never more than the limit.
#![no_main]
use chunkcodec_fuzz::{samples, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sel, limit, bytes)) = split(data) else {
        return;
    };
    let all = samples();
    if all.is_empty() {
        return;
    }
    let s = &all[sel as usize % all.len()];
    if let Ok(out) = s.codec.decode_limited(bytes, limit) {
        assert!(out.len() <= limit);
    }
    let mut out = vec![0u8; limit];
    let _ = s.codec.decode_into(bytes, &mut out);
});
