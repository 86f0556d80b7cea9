//! Bit shuffle: Blosc's BITSHUFFLE layout (the bitshuffle library's `trans_bit_elem`).
//!
//! For `n` elements of `es` bytes (`n` a multiple of 8), the output has `8 * es` rows of `n / 8`
//! bytes. Row `k = 8 * byte + bit` holds bit `bit` (LSB = 0) of byte `byte` of every element,
//! packed LSB-first: element `j` goes to bit `j % 8` of byte `j / 8` of the row.
//!
//! The kernels take whole groups of 8 elements only; what to do with a remainder is the
//! caller's policy (c-blosc 1.x copies the whole block unchanged when the element count is not a
//! multiple of 8).

use crate::dispatch::{self, Isa, Kernels};

/// Bit-shuffles `src` into `dst` on the active ISA.
///
/// # Panics
/// If the lengths differ or are not a multiple of `8 * elementsize`, or `elementsize == 0`.
pub fn bitshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run(dispatch::active(), true, elementsize, src, dst);
}

/// Inverse of [`bitshuffle`].
///
/// # Panics
/// As [`bitshuffle`].
pub fn bitunshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run(dispatch::active(), false, elementsize, src, dst);
}

/// [`bitshuffle`] on the given ISA's path.
///
/// # Panics
/// As [`bitshuffle`], and if `isa` is not available on this CPU.
pub fn bitshuffle_with(isa: Isa, elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run(dispatch::table(isa), true, elementsize, src, dst);
}

/// [`bitunshuffle`] on the given ISA's path.
///
/// # Panics
/// As [`bitshuffle_with`].
pub fn bitunshuffle_with(isa: Isa, elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run(dispatch::table(isa), false, elementsize, src, dst);
}

/// Scratch words (32 KiB on the stack: L1-resident, no allocation per call).
const SCRATCH_WORDS: usize = 4096;

/// Scratch words for element sizes over [`BIG_ES`] (128 KiB on the stack): with 32 KiB, a
/// chunk of such elements is under 512 elements, so each of its `es` planes is a few dozen
/// words and the `8 * es` rows take a few bytes per chunk each. On Zen 4 (AVX2, 256 KiB,
/// ratio to memcpy, two runs) bitunshuffle es 72 went 0.10 -> 0.17-0.18, 160 0.08 -> 0.15-0.16,
/// 200 0.06 -> 0.16 (0.48-0.50x -> 1.33-1.36x c-blosc2's), while es 16 went 0.22 -> 0.15 with
/// the larger scratch: so only the big sizes take it.
const BIG_SCRATCH_WORDS: usize = 4 * SCRATCH_WORDS;

/// Element sizes above this use [`BIG_SCRATCH_WORDS`].
const BIG_ES: usize = 64;

/// The vector algorithm, per chunk of `c` elements (`c * es <= 32 KiB`):
/// 1. byte-shuffle the chunk into `es` planes of `c` bytes (scratch);
/// 2. per plane, transpose the 8x8 bit matrix of every 8 bytes (8 elements), so byte `t` of
///    each word holds bit `t` of 8 elements, LSB-first;
/// 3. byte-shuffle each plane's words with element size 8 straight into rows `8j..8j+8` of
///    `dst` (stream stride = the row length `n / 8`).
///
/// Unshuffle runs the inverse steps in reverse order. All three steps are the dispatched
/// kernels, so every ISA's byte shuffle and bit transpose is exercised. An ISA with a
/// `bit_rows` kernel fuses steps 2 and 3 into one pass over each plane (and skips the plane
/// copy for element size 1).
fn run(k: &Kernels, forward: bool, es: usize, src: &[u8], dst: &mut [u8]) {
    if es > BIG_ES {
        run_big(k, forward, es, src, dst);
    } else {
        run_with(k, forward, es, src, dst, &mut [0u64; SCRATCH_WORDS]);
    }
}

/// [`run`] with the big scratch, in its own frame so that small element sizes do not reserve
/// (or zero) it.
#[inline(never)]
fn run_big(k: &Kernels, forward: bool, es: usize, src: &[u8], dst: &mut [u8]) {
    run_with(k, forward, es, src, dst, &mut [0u64; BIG_SCRATCH_WORDS]);
}

fn run_with(
    k: &Kernels,
    forward: bool,
    es: usize,
    src: &[u8],
    dst: &mut [u8],
    scratch: &mut [u64],
) {
    let n = check(es, src, dst);
    if n == 0 {
        return;
    }
    if es > scratch.len() {
        // A chunk of 8 elements would not fit the scratch: the reference is fine for such
        // rare, huge element sizes.
        return if forward {
            bitshuffle_scalar(es, src, dst)
        } else {
            bitunshuffle_scalar(es, src, dst)
        };
    }
    let rows = n / 8;
    let mut c_max = (scratch.len() * 8 / es) / 8 * 8;
    if c_max >= 512 {
        c_max = c_max / 512 * 512;
    }
    let mut start = 0;
    while start < n {
        let c = c_max.min(n - start);
        let w = c / 8;
        let chunk = start * es..(start + c) * es;
        match (&k.bit_rows, forward) {
            (Some(b), true) => {
                // Planes straight to rows: one pass over the planes, none for es 1.
                let planes: &[u8] = if es == 1 {
                    &src[chunk]
                } else {
                    let planes = &mut as_bytes_mut(scratch)[..c * es];
                    (k.shuffle)(es, c, &src[chunk], planes, c);
                    planes
                };
                for (j, plane) in planes.chunks_exact(c).enumerate() {
                    (b.rows)(w, plane, &mut dst[8 * j * rows + start / 8..], rows);
                }
            }
            (Some(b), false) => {
                if es == 1 {
                    (b.unrows)(w, &src[start / 8..], rows, &mut dst[chunk]);
                } else {
                    let planes = &mut as_bytes_mut(scratch)[..c * es];
                    for (j, plane) in planes.chunks_exact_mut(c).enumerate() {
                        (b.unrows)(w, &src[8 * j * rows + start / 8..], rows, plane);
                    }
                    (k.unshuffle)(es, c, planes, c, &mut dst[chunk]);
                }
            }
            (None, true) => {
                let planes = &mut as_bytes_mut(scratch)[..c * es];
                if es == 1 {
                    planes.copy_from_slice(&src[chunk]);
                } else {
                    (k.shuffle)(es, c, &src[chunk], planes, c);
                }
                for j in 0..es {
                    let plane = &mut scratch[j * w..(j + 1) * w];
                    (k.bit_transpose)(plane);
                    let rows_j = &mut dst[8 * j * rows + start / 8..];
                    (k.shuffle)(8, w, as_bytes_mut(plane), rows_j, rows);
                }
            }
            (None, false) => {
                for j in 0..es {
                    let plane = &mut scratch[j * w..(j + 1) * w];
                    let rows_j = &src[8 * j * rows + start / 8..];
                    (k.unshuffle)(8, w, rows_j, rows, as_bytes_mut(plane));
                    (k.bit_transpose)(plane);
                }
                let planes = &as_bytes_mut(scratch)[..c * es];
                if es == 1 {
                    dst[chunk].copy_from_slice(planes);
                } else {
                    (k.unshuffle)(es, c, planes, c, &mut dst[chunk]);
                }
            }
        }
        start += c;
    }
}

fn as_bytes_mut(words: &mut [u64]) -> &mut [u8] {
    let len = words.len() * 8;
    // SAFETY: u64 has no padding and every byte pattern is a valid u8; the byte slice covers
    // exactly the words' memory and borrows it mutably for its lifetime.
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), len) }
}

/// Transposes the 8x8 bit matrix held in `x` (byte `r` = row `r`, bit `c` of it = column `c`,
/// little-endian byte order): bit `8r + c` moves to `8c + r`. Three delta swaps exchange the
/// off-diagonal 1x1, 2x2 and 4x4 blocks. The transpose is its own inverse.
#[inline(always)]
pub(crate) fn transpose8x8(x: u64) -> u64 {
    let mut x = u64::from_le(x);
    let t = (x ^ (x >> 7)) & 0x00aa_00aa_00aa_00aa;
    x ^= t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_cccc_0000_cccc;
    x ^= t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_f0f0_f0f0;
    x ^= t ^ (t << 28);
    x.to_le()
}

/// The portable bit transpose (the scalar table's entry).
pub(crate) fn bit_transpose_scalar(words: &mut [u64]) {
    for w in words.iter_mut() {
        *w = transpose8x8(*w);
    }
}

fn check(elementsize: usize, src: &[u8], dst: &[u8]) -> usize {
    assert!(elementsize > 0, "bitshuffle: elementsize must be > 0");
    assert_eq!(
        src.len(),
        dst.len(),
        "bitshuffle: src and dst lengths differ"
    );
    assert!(
        src.len().is_multiple_of(8 * elementsize),
        "bitshuffle: length {} is not a multiple of 8 * elementsize {}",
        src.len(),
        elementsize
    );
    src.len() / elementsize
}

/// Scalar reference for [`bitshuffle`].
pub fn bitshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    let n = check(elementsize, src, dst);
    let row_len = n / 8;
    dst.fill(0);
    for (j, elem) in src.chunks_exact(elementsize).enumerate() {
        for (byte, &v) in elem.iter().enumerate() {
            for bit in 0..8 {
                let row = 8 * byte + bit;
                dst[row * row_len + j / 8] |= ((v >> bit) & 1) << (j % 8);
            }
        }
    }
}

/// Scalar reference for [`bitunshuffle`].
pub fn bitunshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    let n = check(elementsize, src, dst);
    let row_len = n / 8;
    for (j, elem) in dst.chunks_exact_mut(elementsize).enumerate() {
        for (byte, out) in elem.iter_mut().enumerate() {
            let mut v = 0u8;
            for bit in 0..8 {
                let row = 8 * byte + bit;
                v |= ((src[row * row_len + j / 8] >> (j % 8)) & 1) << bit;
            }
            *out = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_of_one_byte_elements() {
        // Eight 1-byte elements: row k collects bit k of each element.
        let src = [1u8, 0, 0, 0, 0, 0, 0, 0x80];
        let mut dst = [0u8; 8];
        bitshuffle(1, &src, &mut dst);
        assert_eq!(dst, [0x01, 0, 0, 0, 0, 0, 0, 0x80]);
        let src = [0xffu8, 0, 0xff, 0, 0, 0, 0, 0];
        bitshuffle(1, &src, &mut dst);
        assert_eq!(dst, [0x05; 8]);
    }

    #[test]
    fn transpose8x8_moves_each_bit() {
        for r in 0..8 {
            for c in 0..8 {
                assert_eq!(transpose8x8(1u64 << (8 * r + c)), 1u64 << (8 * c + r));
            }
        }
    }

    fn pattern(len: usize, seed: u32) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2654435761).wrapping_add(1);
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 7) as u8
            })
            .collect()
    }

    fn check(isa: Isa, es: usize, len: usize, off: usize) {
        let big = pattern(off + len + 16, (es * 31 + len) as u32);
        let src = &big[off..off + len];
        let mut want = vec![0u8; len];
        bitshuffle_scalar(es, src, &mut want);
        let mut got = vec![0xa5u8; off + len + 16];
        bitshuffle_with(isa, es, src, &mut got[off..off + len]);
        assert_eq!(
            &got[off..off + len],
            &want[..],
            "bitshuffle {isa} es {es} len {len} off {off}"
        );
        assert!(got[..off]
            .iter()
            .chain(&got[off + len..])
            .all(|&b| b == 0xa5));
        let mut back = vec![0x5au8; off + len + 16];
        bitunshuffle_with(isa, es, &want, &mut back[off..off + len]);
        assert_eq!(
            &back[off..off + len],
            src,
            "bitunshuffle {isa} es {es} len {len} off {off}"
        );
        assert!(back[..off]
            .iter()
            .chain(&back[off + len..])
            .all(|&b| b == 0x5a));
    }

    #[test]
    fn every_isa_matches_scalar_at_every_length() {
        for isa in Isa::available() {
            for es in (1..=33).chain([64, 65, 128, 200]) {
                // Element counts 0, 8, 16, ... past a few vector tiles (and the scratch chunk
                // boundary for the larger sizes).
                let max_n = if es <= 8 { 8 * 80 } else { 8 * 40 };
                for n in (0..=max_n).step_by(8) {
                    check(isa, es, n * es, 0);
                }
            }
        }
    }

    #[test]
    fn every_isa_matches_scalar_across_chunks_and_misalignment() {
        for isa in Isa::available() {
            for es in [1, 2, 3, 4, 7, 8, 16, 24, 64] {
                // More than one 32 KiB scratch chunk, with a partial last chunk.
                let n = (40_000 / es + 3) / 8 * 8 + 8;
                check(isa, es, n * es, 0);
            }
            for es in [65, 128, 200, 5000, 16_384, 16_385] {
                // Over BIG_ES: more than one 128 KiB chunk; 16 385 is past the big scratch
                // (the scalar reference runs it).
                let n = (140_000 / es + 3) / 8 * 8 + 8;
                check(isa, es, n * es, 0);
            }
            for es in [1, 2, 4, 8, 16, 3] {
                for off in 0..64 {
                    check(isa, es, 8 * es * 37, off);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn random_data_matches_scalar(
            es in 1usize..40,
            groups in 0usize..60,
            seed in proptest::prelude::any::<u32>(),
        ) {
            let src = pattern(8 * es * groups, seed);
            for isa in Isa::available() {
                let mut want = vec![0u8; src.len()];
                bitshuffle_scalar(es, &src, &mut want);
                let mut got = vec![0u8; src.len()];
                bitshuffle_with(isa, es, &src, &mut got);
                proptest::prop_assert_eq!(&got, &want);
                let mut back = vec![0u8; src.len()];
                bitunshuffle_with(isa, es, &want, &mut back);
                proptest::prop_assert_eq!(&back, &src);
            }
        }
    }

    #[test]
    fn roundtrip() {
        for es in [1, 2, 3, 4, 8, 16] {
            let src: Vec<u8> = (0..es * 64).map(|i| (i * 37 + 11) as u8).collect();
            let mut s = vec![0; src.len()];
            let mut u = vec![0; src.len()];
            bitshuffle(es, &src, &mut s);
            bitunshuffle(es, &s, &mut u);
            assert_eq!(u, src, "es {es}");
        }
    }
}
