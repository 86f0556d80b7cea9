//! Bounded memory: a decoder never allocates much more than the caller's limit, whatever the
//! encoded bytes claim. Measured with a counting global allocator (Rust-side allocations; C
//! libraries' internal buffers are bounded separately by their own settings).

#[path = "support/configs.rs"]
mod configs;

use chunkcodec::{get_codec, registered_ids, DType};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Tests measure one at a time.
static MEASURE: Mutex<()> = Mutex::new(());

// SAFETY: forwards every call to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: ptr was allocated by System with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak bytes allocated (above what was live before) while `f` runs.
fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// Headroom allowed above the limit: per-block scratch buffers and the like.
const SLACK: usize = 4 << 20;

#[test]
fn decoders_stay_within_the_limit() {
    let _g = MEASURE.lock().unwrap_or_else(|p| p.into_inner());
    let ids = registered_ids();
    // 8 MiB of compressible data: small encodings that claim a large decoded size.
    // 8 MiB less 8 bytes: a multiple of every element size the samples use (1, 2, 3, 4, 8).
    let data: Vec<u8> = (0..(2u32 << 20) - 2)
        .flat_map(|i| (i / 64).to_le_bytes())
        .collect();
    let mut checked = 0;
    for s in configs::SAMPLES {
        let cfg: serde_json::Value = serde_json::from_str(s.config).unwrap();
        if !ids.iter().any(|id| cfg["id"] == id.as_str()) {
            continue;
        }
        let codec = get_codec(&cfg).unwrap();
        let dtype = DType::parse_any(s.dtype).unwrap();
        let enc = match codec.encode(&data, dtype) {
            Ok(e) => e,
            // Lossy filters may refuse values they cannot represent (fixedscaleoffset: NaN and
            // out-of-range values are errors, not numpy's platform garbage).
            Err(chunkcodec::Error::InvalidInput { .. })
                if s.roundtrip == configs::Roundtrip::Lossy =>
            {
                continue
            }
            Err(e) => panic!("{}: {e}", s.config),
        };
        for limit in [0usize, 1000, 1 << 20] {
            let (r, peak) = peak_during(|| codec.decode_limited(&enc, limit));
            assert!(
                r.is_err(),
                "{}: decoded 8 MiB under a limit of {limit}",
                s.config
            );
            assert!(
                peak <= limit + SLACK,
                "{}: allocated {peak} bytes for a limit of {limit}",
                s.config
            );
            let mut out = vec![0u8; limit];
            let (r, peak) = peak_during(|| codec.decode_into(&enc, &mut out));
            assert!(r.is_err());
            assert!(
                peak <= limit + SLACK,
                "{}: decode_into allocated {peak} bytes for an out of {limit}",
                s.config
            );
        }
        // The exact size: one output buffer plus scratch.
        let (r, peak) = peak_during(|| codec.decode_limited(&enc, data.len()));
        assert_eq!(r.unwrap().len(), data.len(), "{}", s.config);
        assert!(
            peak <= data.len() + SLACK,
            "{}: allocated {peak} bytes to decode {} bytes",
            s.config,
            data.len()
        );
        let mut out = vec![0u8; data.len()];
        let (r, peak) = peak_during(|| codec.decode_into(&enc, &mut out));
        r.unwrap();
        assert!(
            peak <= SLACK,
            "{}: decode_into allocated {peak} bytes besides the caller's buffer",
            s.config
        );
        checked += 1;
    }
    assert!(checked > 0);
}
