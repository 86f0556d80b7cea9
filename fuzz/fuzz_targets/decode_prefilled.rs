//! Decoding into buffers pre-filled with different bytes gives identical results: no byte of
//! the output may come from the buffer's old contents (the check that caught lz4_flex's leak).
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
    let mut a = vec![0x00u8; limit];
    let mut b = vec![0xffu8; limit];
    let ra = s.codec.decode_into(bytes, &mut a).is_ok();
    let rb = s.codec.decode_into(bytes, &mut b).is_ok();
    assert_eq!(ra, rb);
    if ra {
        assert_eq!(a, b);
    }
});
