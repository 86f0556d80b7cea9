//! Encode then decode equals the input, for every lossless codec; lossy ones keep the length.
#![no_main]
use chunkcodec_fuzz::{samples, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sel, _, bytes)) = split(data) else {
        return;
    };
    let all = samples();
    if all.is_empty() {
        return;
    }
    let s = &all[sel as usize % all.len()];
    let bytes = &bytes[..bytes.len() - bytes.len() % s.granule];
    let enc = match s.codec.encode(bytes, s.dtype) {
        Ok(e) => e,
        // Lossy filters may refuse values they cannot represent (fixedscaleoffset: NaN and
        // out-of-range values are errors instead of numpy's platform garbage).
        Err(chunkcodec::Error::InvalidInput { .. }) if !s.lossless => return,
        Err(e) => panic!("encode of valid input failed: {e}"),
    };
    let dec = s
        .codec
        .decode_limited(&enc, bytes.len())
        .expect("decode of own encoding failed");
    assert_eq!(dec.len(), bytes.len());
    if s.lossless {
        assert_eq!(dec, bytes);
    }
    let mut out = vec![0u8; bytes.len()];
    s.codec
        .decode_into(&enc, &mut out)
        .expect("decode_into of own encoding failed");
    assert_eq!(out, dec);
});
