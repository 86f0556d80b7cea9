//! Arbitrary JSON configs: get_codec never panics; a codec it builds prints a config that builds
//! an equal codec.
#![no_main]
use chunkcodec::get_codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(c) = get_codec(&v) {
        let cfg = c.get_config();
        let again = get_codec(&cfg).expect("a codec's own config must build");
        assert_eq!(again.get_config(), cfg);
    }
});
