//! Byte shuffle (the transpose numcodecs' `Shuffle` and Blosc's SHUFFLE filter apply).
//!
//! `shuffle(n, src, dst)` treats the first `len - len % n` bytes of `src` as `count` elements of
//! `n` bytes and writes byte `j` of element `i` to `dst[j * count + i]`; the trailing
//! `len % n` bytes are copied unchanged to the end of `dst` (Blosc's rule; numcodecs never has
//! a remainder). `unshuffle` is the inverse. An element size of 0 or 1 is a plain copy.
//!
//! [`shuffle`] / [`unshuffle`] run the active ISA's kernel (see [`crate::dispatch`]);
//! [`shuffle_with`] / [`unshuffle_with`] run a given ISA's. Every path writes exactly the
//! bytes of [`shuffle_scalar`] / [`unshuffle_scalar`], the reference. Vector paths: dedicated
//! kernels for element sizes 2, 4 and 8, a 16x16 byte-transpose tile for 16 and every other
//! size (sizes over 16 are covered by 16-byte column windows).

use crate::dispatch::{self, Isa};

/// Inputs shorter than this go straight to the scalar loop (one AVX2 tile of 2-byte elements).
const SMALL: usize = 64;

/// Shuffles `src` into `dst` (see the module docs).
///
/// # Panics
/// If `src.len() != dst.len()`.
pub fn shuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    if src.len() < SMALL {
        return shuffle_scalar(elementsize, src, dst);
    }
    run_shuffle(dispatch::active().shuffle, elementsize, src, dst);
}

/// Inverse of [`shuffle`].
///
/// # Panics
/// If `src.len() != dst.len()`.
pub fn unshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    if src.len() < SMALL {
        return unshuffle_scalar(elementsize, src, dst);
    }
    run_unshuffle(dispatch::active().unshuffle, elementsize, src, dst);
}

/// [`shuffle`] of `src` into a new `Vec`, written once (no zero-fill of the output first).
pub fn shuffle_to_vec(elementsize: usize, src: &[u8]) -> Vec<u8> {
    // SAFETY: `shuffle` writes every byte of its destination (the transposed body and the
    // copied tail; `check` below verifies this for every path on a dirty destination) and never
    // reads it.
    unsafe { crate::copy::new_vec_with(src.len(), |dst| shuffle(elementsize, src, dst)) }
}

/// [`unshuffle`] of `src` into a new `Vec`, written once (no zero-fill of the output first).
pub fn unshuffle_to_vec(elementsize: usize, src: &[u8]) -> Vec<u8> {
    // SAFETY: as in `shuffle_to_vec`: `unshuffle` writes every destination byte and never
    // reads one.
    unsafe { crate::copy::new_vec_with(src.len(), |dst| unshuffle(elementsize, src, dst)) }
}

/// [`shuffle`] on the given ISA's path (no small-input shortcut, so tests reach the vector
/// code at every length).
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn shuffle_with(isa: Isa, elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run_shuffle(dispatch::table(isa).shuffle, elementsize, src, dst);
}

/// [`unshuffle`] on the given ISA's path.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn unshuffle_with(isa: Isa, elementsize: usize, src: &[u8], dst: &mut [u8]) {
    run_unshuffle(dispatch::table(isa).unshuffle, elementsize, src, dst);
}

type ShuffleFn = fn(usize, usize, &[u8], &mut [u8], usize);
type UnshuffleFn = fn(usize, usize, &[u8], usize, &mut [u8]);

fn run_shuffle(f: ShuffleFn, es: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "shuffle: src and dst lengths differ");
    if es <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / es;
    let body = count * es;
    f(es, count, &src[..body], &mut dst[..body], count);
    dst[body..].copy_from_slice(&src[body..]);
}

fn run_unshuffle(f: UnshuffleFn, es: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(
        src.len(),
        dst.len(),
        "unshuffle: src and dst lengths differ"
    );
    if es <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / es;
    let body = count * es;
    f(es, count, &src[..body], count, &mut dst[..body]);
    dst[body..].copy_from_slice(&src[body..]);
}

/// Scalar reference for [`shuffle`].
pub fn shuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "shuffle: src and dst lengths differ");
    if elementsize <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / elementsize;
    let body = count * elementsize;
    for (i, elem) in src[..body].chunks_exact(elementsize).enumerate() {
        for (j, &b) in elem.iter().enumerate() {
            dst[j * count + i] = b;
        }
    }
    dst[body..].copy_from_slice(&src[body..]);
}

/// Scalar reference for [`unshuffle`].
pub fn unshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(
        src.len(),
        dst.len(),
        "unshuffle: src and dst lengths differ"
    );
    if elementsize <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / elementsize;
    let body = count * elementsize;
    for (i, elem) in dst[..body].chunks_exact_mut(elementsize).enumerate() {
        for (j, b) in elem.iter_mut().enumerate() {
            *b = src[j * count + i];
        }
    }
    dst[body..].copy_from_slice(&src[body..]);
}

/// Scalar shuffle of elements `from..count` into streams `stride` apart (the vector kernels'
/// tail, and the scalar table's kernel with `from = 0`).
pub(crate) fn shuffle_tail(
    es: usize,
    count: usize,
    from: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    if from >= count {
        return;
    }
    let elems = &src[from * es..count * es];
    for (i, elem) in elems.chunks_exact(es).enumerate() {
        for (j, &b) in elem.iter().enumerate() {
            dst[j * stride + from + i] = b;
        }
    }
}

/// Scalar unshuffle of elements `from..count` from streams `stride` apart.
pub(crate) fn unshuffle_tail(
    es: usize,
    count: usize,
    from: usize,
    src: &[u8],
    stride: usize,
    dst: &mut [u8],
) {
    if from >= count {
        return;
    }
    let elems = &mut dst[from * es..count * es];
    for (i, elem) in elems.chunks_exact_mut(es).enumerate() {
        for (j, b) in elem.iter_mut().enumerate() {
            *b = src[j * stride + from + i];
        }
    }
}

pub(crate) fn shuffle_tail_from0(
    es: usize,
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    shuffle_tail(es, count, 0, src, dst, stride)
}

pub(crate) fn unshuffle_tail_from0(
    es: usize,
    count: usize,
    src: &[u8],
    stride: usize,
    dst: &mut [u8],
) {
    unshuffle_tail(es, count, 0, src, stride, dst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numcodecs_examples() {
        let mut out = [0u8; 6];
        shuffle(3, b"abcdef", &mut out);
        assert_eq!(&out, b"adbecf");
        let src: Vec<u8> = [1i32, 2, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = vec![0u8; 12];
        shuffle(4, &src, &mut out);
        assert_eq!(out, [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        // Shuffle(8) on <u8 [0x0102030405060708, 0x1112131415161718] (numcodecs.md).
        let src: Vec<u8> = [0x0102030405060708u64, 0x1112131415161718]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut out = vec![0u8; 16];
        for isa in Isa::available() {
            shuffle_with(isa, 8, &src, &mut out);
            assert_eq!(
                out,
                [8, 0x18, 7, 0x17, 6, 0x16, 5, 0x15, 4, 0x14, 3, 0x13, 2, 0x12, 1, 0x11]
            );
        }
    }

    #[test]
    fn leftover_is_copied_and_roundtrips() {
        let src: Vec<u8> = (0..23).collect();
        let mut s = vec![0; 23];
        let mut u = vec![0; 23];
        shuffle(4, &src, &mut s);
        assert_eq!(&s[20..], &src[20..]);
        unshuffle(4, &s, &mut u);
        assert_eq!(u, src);
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

    /// Every available ISA against the scalar reference at `src[off..off+len]` of a larger
    /// buffer (so every misalignment is seen), writing into a dirty destination at the same
    /// offset and checking that nothing outside the range changed.
    fn check(isa: Isa, es: usize, len: usize, off: usize) {
        let big = pattern(off + len + 64, (es * 7919 + len) as u32);
        let src = &big[off..off + len];
        let mut want = vec![0u8; len];
        shuffle_scalar(es, src, &mut want);
        let mut got = vec![0xa5u8; off + len + 64];
        shuffle_with(isa, es, src, &mut got[off..off + len]);
        assert_eq!(
            &got[off..off + len],
            &want[..],
            "shuffle {isa} es {es} len {len} off {off}"
        );
        assert!(
            got[..off].iter().all(|&b| b == 0xa5) && got[off + len..].iter().all(|&b| b == 0xa5)
        );
        let mut back = vec![0x5au8; off + len + 64];
        unshuffle_with(isa, es, &want, &mut back[off..off + len]);
        assert_eq!(
            &back[off..off + len],
            src,
            "unshuffle {isa} es {es} len {len} off {off}"
        );
        assert!(
            back[..off].iter().all(|&b| b == 0x5a) && back[off + len..].iter().all(|&b| b == 0x5a)
        );
    }

    #[test]
    fn to_vec_forms_match_the_slice_forms() {
        for es in sizes() {
            for len in [0, 1, 63, 64, 65, es * 97 + 3, 70_000] {
                let src = pattern(len, (es + len) as u32);
                let mut want = vec![0u8; len];
                shuffle(es, &src, &mut want);
                let got = shuffle_to_vec(es, &src);
                assert_eq!(got, want, "shuffle_to_vec es {es} len {len}");
                assert_eq!(
                    unshuffle_to_vec(es, &got),
                    src,
                    "unshuffle_to_vec es {es} len {len}"
                );
            }
        }
    }

    fn sizes() -> impl Iterator<Item = usize> {
        (1..=33).chain([48, 64, 128])
    }

    #[test]
    fn every_isa_matches_scalar_at_every_length() {
        for isa in Isa::available() {
            for es in sizes() {
                // Every length up to a few 64-element tiles past the first boundary.
                let max = es * (64 * 3 + 5) + 3;
                let step = if es > 16 { 7 } else { 1 };
                let mut len = 0;
                while len <= max {
                    check(isa, es, len, 0);
                    len += step;
                }
            }
        }
    }

    /// Stream strides that are multiples of 2 KiB (counts of 2048 and 6144 elements, plus a
    /// byte remainder): the tiled kernels switch to split / paired / staged passes there.
    #[test]
    fn every_isa_matches_scalar_with_2k_multiple_streams() {
        for isa in Isa::available() {
            for es in sizes() {
                for count in [2048, 6144] {
                    check(isa, es, es * count + es / 2, 0);
                }
            }
        }
    }

    #[test]
    fn every_isa_matches_scalar_at_every_misalignment() {
        for isa in Isa::available() {
            for es in sizes() {
                for off in 0..64 {
                    check(isa, es, es * 131 + 5, off);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn random_data_matches_scalar(
            es in 1usize..70,
            data in proptest::collection::vec(any::<u8>(), 0..5000),
        ) {
            for isa in Isa::available() {
                let mut want = vec![0u8; data.len()];
                shuffle_scalar(es, &data, &mut want);
                let mut got = vec![0u8; data.len()];
                shuffle_with(isa, es, &data, &mut got);
                prop_assert_eq!(&got, &want);
                let mut back = vec![0u8; data.len()];
                unshuffle_with(isa, es, &want, &mut back);
                prop_assert_eq!(&back, &data);
            }
        }
    }
}
