//! Safe wrappers over C liblz4's block functions (`lz4-sys`, the same liblz4 1.10 the `lz4`
//! crate links, so the bytes are identical).
//!
//! Why this exists: the `lz4` crate's safe block API only writes into an initialised `&mut
//! [u8]`, so every call needs a zero-filled destination (a full memset, and page faults for a
//! fresh buffer). These wrappers let liblz4 write straight into a `Vec`'s spare capacity and
//! only mark as initialised the bytes liblz4 reports it wrote.

use lz4_sys::{c_char, c_int, LZ4_compress_HC, LZ4_compress_fast, LZ4_decompress_safe};

/// Largest size liblz4 takes (`LZ4_MAX_INPUT_SIZE`).
pub const MAX_INPUT_SIZE: usize = 0x7E00_0000;

/// `LZ4_COMPRESSBOUND(n)`: the most an LZ4 block of `n` input bytes can take.
pub fn compress_bound(n: usize) -> usize {
    n + n / 255 + 16
}

fn append_with(
    dst: &mut Vec<u8>,
    max_out: usize,
    f: impl FnOnce(*mut c_char, c_int) -> c_int,
) -> usize {
    let max_out = max_out.min(i32::MAX as usize);
    dst.reserve(max_out);
    let spare = dst.spare_capacity_mut();
    debug_assert!(spare.len() >= max_out);
    let n = f(spare.as_mut_ptr().cast::<c_char>(), max_out as c_int);
    let n = usize::try_from(n).unwrap_or(0);
    if n == 0 || n > max_out {
        return 0;
    }
    // SAFETY: `reserve(max_out)` made the spare capacity at least `max_out` bytes; liblz4 was
    // told that capacity, writes at most that many bytes and returns how many it wrote, and
    // `n` was checked to be in 1..=max_out, so the first `n` spare bytes are initialised.
    unsafe { dst.set_len(dst.len() + n) };
    n
}

/// `LZ4_compress_fast(src, acceleration)` appended to `dst`, using at most `max_out` bytes.
/// Returns the compressed size, or 0 (nothing appended) when it does not fit or `src` is too
/// large.
pub fn compress_fast_append(
    src: &[u8],
    dst: &mut Vec<u8>,
    max_out: usize,
    acceleration: i32,
) -> usize {
    if src.len() > MAX_INPUT_SIZE {
        return 0;
    }
    append_with(dst, max_out, |out, cap| {
        // SAFETY: `src` is a live slice of `src.len()` (<= LZ4_MAX_INPUT_SIZE) bytes that
        // liblz4 only reads; `out` points to at least `cap` writable bytes (see append_with)
        // and does not overlap `src` (it is spare capacity of a distinct Vec).
        unsafe {
            LZ4_compress_fast(
                src.as_ptr().cast::<c_char>(),
                out,
                src.len() as c_int,
                cap,
                acceleration,
            )
        }
    })
}

/// `LZ4_compress_HC(src, level)` appended to `dst`, as [`compress_fast_append`].
pub fn compress_hc_append(src: &[u8], dst: &mut Vec<u8>, max_out: usize, level: i32) -> usize {
    if src.len() > MAX_INPUT_SIZE {
        return 0;
    }
    append_with(dst, max_out, |out, cap| {
        // SAFETY: as in compress_fast_append: `src` is read-only and `src.len()` long, `out`
        // has `cap` writable bytes not overlapping `src`.
        unsafe {
            LZ4_compress_HC(
                src.as_ptr().cast::<c_char>(),
                out,
                src.len() as c_int,
                cap,
                level,
            )
        }
    })
}

/// `LZ4_decompress_safe(src)` into `dst`: the decoded size (at most `dst.len()`), or `None`
/// for a malformed block (or one that would not fit).
///
/// The codecs decode with our own decoder (`kernels::lz4`); this is the reference its
/// differential tests and benches compare with. It accepts match offset 0 (copying bytes of
/// `dst` that were never written), which the codecs must not.
pub fn decompress_safe(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    let (Ok(slen), Ok(dlen)) = (c_int::try_from(src.len()), c_int::try_from(dst.len())) else {
        return None;
    };
    // SAFETY: `src` is a live slice of `slen` bytes that liblz4 only reads; `dst` is a live,
    // distinct, initialised slice of `dlen` bytes; LZ4_decompress_safe never reads past
    // `compressedSize` nor writes past `maxDecompressedSize`, even on malformed input, and
    // returns the bytes written or a negative error.
    let n = unsafe {
        LZ4_decompress_safe(
            src.as_ptr().cast::<c_char>(),
            dst.as_mut_ptr().cast::<c_char>(),
            slen,
            dlen,
        )
    };
    usize::try_from(n).ok().filter(|&n| n <= dst.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_round_trip_and_bounds() {
        let src: Vec<u8> = (0..10_000u32).map(|i| (i / 9 % 7) as u8).collect();
        let mut v = vec![7u8, 8];
        let n = compress_fast_append(&src, &mut v, src.len(), 1);
        assert!(n > 0 && v.len() == 2 + n && v[..2] == [7, 8]);
        let mut out = vec![0u8; src.len()];
        assert_eq!(decompress_safe(&v[2..], &mut out), Some(src.len()));
        assert_eq!(out, src);
        // Same bytes as the lz4 crate's safe API (same liblz4).
        let mut refbuf = vec![0u8; src.len()];
        let m = lz4::block::compress_to_buffer(
            &src,
            Some(lz4::block::CompressionMode::FAST(1)),
            false,
            &mut refbuf,
        )
        .unwrap();
        assert_eq!(&v[2..], &refbuf[..m]);
        // Too small a budget appends nothing.
        let mut w = vec![1u8];
        assert_eq!(compress_fast_append(&src, &mut w, 4, 1), 0);
        assert_eq!(compress_hc_append(&src, &mut w, 4, 9), 0);
        assert_eq!(w, [1]);
        let h = compress_hc_append(&src, &mut w, src.len(), 9);
        assert!(h > 0);
        assert_eq!(decompress_safe(&w[1..], &mut out), Some(src.len()));
        assert_eq!(out, src);
        // Malformed and too-short-output blocks are None.
        assert_eq!(decompress_safe(&v[2..v.len() - 1], &mut out), None);
        assert_eq!(decompress_safe(&v[2..], &mut out[..src.len() - 1]), None);
    }
}
