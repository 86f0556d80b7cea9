//! A plain vector copy loop: the second memcpy baseline of `chunkcodec bench`.
//!
//! Benchmarks state kernel speed as a ratio to memcpy of the same bytes. glibc's memcpy uses
//! `rep movsb` for mid-sized copies, and on AMD Zen 4 that instruction's speed depends on where
//! the buffers sit (measured here at 256 KiB: ~38 or ~57 GB/s on the same machine, from one
//! allocation to the next, while a 32-byte load/store loop ran ~56 GB/s on both). The bench
//! therefore takes the faster of the two as its baseline, so a ratio is never flattered by an
//! unlucky `rep movsb`.

/// Copies `src` into `dst` with 32-byte vector loads and stores where the CPU has AVX2 (else
/// `copy_from_slice`). Unlike a copy loop the compiler sees, this is never turned into a call to
/// memcpy.
///
/// # Panics
/// If the lengths differ.
pub fn vector_copy(src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "vector_copy: lengths differ");
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected just above.
        return unsafe { avx2_copy(src, dst) };
    }
    dst.copy_from_slice(src);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2_copy(src: &[u8], dst: &mut [u8]) {
    use core::arch::x86_64::*;
    let n = src.len();
    let body = n / 128 * 128;
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + 128 <= body <= n = src.len() = dst.len(), so the four 32-byte loads and
        // stores stay inside the slices; loadu/storeu accept any alignment; src and dst are
        // distinct borrows, so they do not overlap.
        unsafe {
            let a = _mm256_loadu_si256(s.add(i).cast());
            let b = _mm256_loadu_si256(s.add(i + 32).cast());
            let c = _mm256_loadu_si256(s.add(i + 64).cast());
            let e = _mm256_loadu_si256(s.add(i + 96).cast());
            _mm256_storeu_si256(d.add(i).cast(), a);
            _mm256_storeu_si256(d.add(i + 32).cast(), b);
            _mm256_storeu_si256(d.add(i + 64).cast(), c);
            _mm256_storeu_si256(d.add(i + 96).cast(), e);
        }
        i += 128;
    }
    dst[body..].copy_from_slice(&src[body..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_every_length_and_offset() {
        let src: Vec<u8> = (0..700u32).map(|i| (i * 7 + 3) as u8).collect();
        for off in 0..4 {
            for len in 0..=600 {
                let mut dst = vec![0u8; len + off];
                vector_copy(&src[off..off + len], &mut dst[off..]);
                assert_eq!(&dst[off..], &src[off..off + len], "len {len} off {off}");
                assert!(dst[..off].iter().all(|&b| b == 0));
            }
        }
    }
}
