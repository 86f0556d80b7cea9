//! NEON kernels: byte shuffle / unshuffle, the 8x8 bit transpose of bitshuffle, and delta
//! encode / decode.
//!
//! Byte shuffle (16 elements per step; leftover elements go to the scalar tail, exactly as the
//! reference):
//! * element sizes 2, 3, 4: `vld2q` / `vld3q` / `vld4q` de-interleave the elements straight into
//!   the byte planes (`vst2q` / `vst3q` / `vst4q` interleave them back);
//! * 8: two `vld4q` (bytes `k` and `k + 4` of 8 elements per register), then `vuzp1q` / `vuzp2q`
//!   separate the two; 16: four `vld4q` and two `vuzp` rounds. The inverses use `vzip` + `vst4q`;
//! * 5 to 15 (other than 8): table lookups (`vqtbl` / `vqtbx` over up to four 64-byte
//!   windows): the 16 elements are `es` registers, and stream `j` is one lookup of the bytes
//!   `p * es + j`;
//! * over 16: 16x16 byte transposes (four `vzip` rounds) of 16-byte column windows, the last
//!   window moved back to end at `es` (it overlaps the previous one and rewrites equal bytes).

use crate::bitshuffle::transpose8x8;
use crate::delta::{decode_scalar_int, encode_float, encode_vec_int, DeltaKernels};
use crate::shuffle::{shuffle_tail, unshuffle_tail_planes, with_plane_ptrs, Planes, Strided};
use core::arch::aarch64::*;

/// Checks the stream layout of the strided kernels: `elems` holds `count` elements of `es`
/// bytes and stream `j` of `streams` is `streams[j * stride..j * stride + count]`. Every pointer
/// argument below rests on these checks.
#[inline(always)]
fn check_streams(es: usize, count: usize, elems: usize, streams: usize, stride: usize) {
    assert!(es >= 2, "shuffle kernels: elementsize must be >= 2");
    assert!(
        stride >= count,
        "shuffle kernels: stream stride shorter than count"
    );
    // Checked arithmetic: a wrapped product must not pass the length checks.
    let need = count.checked_mul(es);
    assert!(
        need.is_some_and(|n| elems >= n),
        "shuffle kernels: element buffer too short"
    );
    let need = (es - 1)
        .checked_mul(stride)
        .and_then(|n| n.checked_add(count));
    assert!(
        need.is_some_and(|n| streams >= n),
        "shuffle kernels: stream buffer too short"
    );
}

/// Checks the element side of the unshuffle kernels: `dst` holds `count` elements of `es`
/// bytes (the plane side is the [`Planes`] value's contract).
#[inline(always)]
fn check_elems(es: usize, count: usize, elems: usize) {
    assert!(es >= 2, "shuffle kernels: elementsize must be >= 2");
    assert!(
        count.checked_mul(es).is_some_and(|n| elems >= n),
        "shuffle kernels: element buffer too short"
    );
}

/// NEON shuffle of `count` elements of `es` bytes into streams `stride` apart (the table
/// entry).
pub(crate) fn shuffle_strided(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    // SAFETY: this module is only compiled with NEON in the target baseline (lib.rs: cfg
    // target_feature = "neon"), so every CPU running this code has it.
    unsafe { shuffle_neon(es, count, src, dst, stride) }
}

/// NEON unshuffle of `count` elements of `es` bytes from streams `stride` apart (the table
/// entry).
pub(crate) fn unshuffle_strided(
    es: usize,
    count: usize,
    src: &[u8],
    stride: usize,
    dst: &mut [u8],
) {
    check_streams(es, count, dst.len(), src.len(), stride);
    let pl = Strided {
        base: src.as_ptr(),
        stride,
    };
    // SAFETY: this module is only compiled with NEON in the target baseline (lib.rs: cfg
    // target_feature = "neon"), so every CPU running this code has it; check_streams has
    // checked that stream j < es, src[j * stride..][..count], lies inside src.
    unsafe { unshuffle_neon(es, count, pl, dst) }
}

/// NEON unshuffle of `count` elements from byte planes at independent addresses (the table
/// entry).
pub(crate) fn unshuffle_planes(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
    with_plane_ptrs(count, planes, |pl| {
        // SAFETY: NEON is in the target baseline (as above); with_plane_ptrs has checked that
        // every plane has count bytes.
        unsafe { unshuffle_neon(planes.len(), count, pl, dst) }
    })
}

/// 8x8 bit transpose of every word (the table entry; see [`bit_transpose_neon`]).
pub(crate) fn bit_transpose(words: &mut [u64]) {
    // SAFETY: this module is only compiled with NEON in the target baseline (lib.rs: cfg
    // target_feature = "neon"), so every CPU running this code has it.
    unsafe { bit_transpose_neon(words) }
}

#[target_feature(enable = "neon")]
fn shuffle_neon(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    macro_rules! tbl {
        ($($n:literal)*) => {
            match es {
                2 => shuffle2(count, src, dst, stride),
                3 => shuffle3(count, src, dst, stride),
                4 => shuffle4(count, src, dst, stride),
                8 => shuffle8(count, src, dst, stride),
                16 => shuffle16(count, src, dst, stride),
                $($n => shuffle_tbl::<$n>(count, src, dst, stride),)*
                _ => shuffle_tiles(es, count, src, dst, stride),
            }
        };
    }
    let done = tbl!(5 6 7 9 10 11 12 13 14 15);
    shuffle_tail(es, count, done, src, dst, stride);
}

/// # Safety
/// Each plane `j < es` of `pl` must have `count` readable bytes.
#[target_feature(enable = "neon")]
unsafe fn unshuffle_neon<P: Planes>(es: usize, count: usize, pl: P, dst: &mut [u8]) {
    macro_rules! tbl {
        ($($n:literal)*) => {
            // SAFETY: the plane contract is forwarded to each kernel.
            unsafe {
                match es {
                    2 => unshuffle2(count, pl, dst),
                    3 => unshuffle3(count, pl, dst),
                    4 => unshuffle4(count, pl, dst),
                    8 => unshuffle8(count, pl, dst),
                    16 => unshuffle16(count, pl, dst),
                    $($n => unshuffle_tbl::<P, $n>(count, pl, dst),)*
                    _ => unshuffle_tiles(es, count, pl, dst),
                }
            }
        };
    }
    let done = tbl!(5 6 7 9 10 11 12 13 14 15);
    // SAFETY: as above; the kernels checked that dst holds count * es bytes.
    unsafe { unshuffle_tail_planes(es, count, done, pl, dst) };
}

// Every kernel below checks its arguments with `check_streams` (shuffle) or `check_elems`
// (unshuffle, whose planes come with the `Planes` contract: `count` readable bytes each) first,
// then handles elements `i..i + 16` per step with `i + 16 <= count`: reading or writing those
// elements touches bytes below `(i + 16) * es <= count * es <= elems.len()`, and stream
// `j < es` at `j * stride + i .. + 16` (or plane `j` at `i .. i + 16`) ends by
// `(es - 1) * stride + count <= streams.len()` (or `count`). The kernels return the number of
// elements done; the caller runs the scalar tail. The unshuffle kernels are `unsafe`: their
// caller guarantees the plane contract.

#[target_feature(enable = "neon")]
fn shuffle2(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(2, count, src.len(), dst.len(), stride);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads src[2i .. 2(i+16)], writes streams 0 and 1 at i .. i+16 (see above).
        unsafe {
            let v = vld2q_u8(s.add(2 * i));
            vst1q_u8(d.add(i), v.0);
            vst1q_u8(d.add(stride + i), v.1);
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
unsafe fn unshuffle2<P: Planes>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(2, count, dst.len());
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads streams 0 and 1 at i .. i+16, writes dst[2i .. 2(i+16)] (see above).
        unsafe {
            let v = uint8x16x2_t(vld1q_u8(pl.plane(0).add(i)), vld1q_u8(pl.plane(1).add(i)));
            vst2q_u8(d.add(2 * i), v);
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
fn shuffle3(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(3, count, src.len(), dst.len(), stride);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads src[3i .. 3(i+16)], writes streams 0..3 at i .. i+16 (see above).
        unsafe {
            let v = vld3q_u8(s.add(3 * i));
            vst1q_u8(d.add(i), v.0);
            vst1q_u8(d.add(stride + i), v.1);
            vst1q_u8(d.add(2 * stride + i), v.2);
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
unsafe fn unshuffle3<P: Planes>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(3, count, dst.len());
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads streams 0..3 at i .. i+16, writes dst[3i .. 3(i+16)] (see above).
        unsafe {
            let v = uint8x16x3_t(
                vld1q_u8(pl.plane(0).add(i)),
                vld1q_u8(pl.plane(1).add(i)),
                vld1q_u8(pl.plane(2).add(i)),
            );
            vst3q_u8(d.add(3 * i), v);
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
fn shuffle4(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(4, count, src.len(), dst.len(), stride);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads src[4i .. 4(i+16)], writes streams 0..4 at i .. i+16 (see above).
        unsafe {
            let v = vld4q_u8(s.add(4 * i));
            vst1q_u8(d.add(i), v.0);
            vst1q_u8(d.add(stride + i), v.1);
            vst1q_u8(d.add(2 * stride + i), v.2);
            vst1q_u8(d.add(3 * stride + i), v.3);
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
unsafe fn unshuffle4<P: Planes>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(4, count, dst.len());
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads streams 0..4 at i .. i+16, writes dst[4i .. 4(i+16)] (see above).
        unsafe {
            let v = uint8x16x4_t(
                vld1q_u8(pl.plane(0).add(i)),
                vld1q_u8(pl.plane(1).add(i)),
                vld1q_u8(pl.plane(2).add(i)),
                vld1q_u8(pl.plane(3).add(i)),
            );
            vst4q_u8(d.add(4 * i), v);
        }
        i += 16;
    }
    i
}

/// The eight byte planes of 16 elements of 8 bytes at `p` (128 bytes): `vld4q` puts bytes `k`
/// and `k + 4` of 8 elements, alternating, in register `k`; `vuzp1q` / `vuzp2q` of the two
/// halves' registers `k` separate them.
///
/// # Safety
/// 128 readable bytes at `p`.
#[inline]
#[target_feature(enable = "neon")]
unsafe fn planes8(p: *const u8) -> [uint8x16_t; 8] {
    // SAFETY: the caller guarantees 128 readable bytes at p.
    let (a, b) = unsafe { (vld4q_u8(p), vld4q_u8(p.add(64))) };
    [
        vuzp1q_u8(a.0, b.0),
        vuzp1q_u8(a.1, b.1),
        vuzp1q_u8(a.2, b.2),
        vuzp1q_u8(a.3, b.3),
        vuzp2q_u8(a.0, b.0),
        vuzp2q_u8(a.1, b.1),
        vuzp2q_u8(a.2, b.2),
        vuzp2q_u8(a.3, b.3),
    ]
}

/// Inverse of [`planes8`]: writes the 16 elements of the planes `r` to `p`.
///
/// # Safety
/// 128 writable bytes at `p`.
#[inline]
#[target_feature(enable = "neon")]
unsafe fn store_planes8(r: &[uint8x16_t; 8], p: *mut u8) {
    let a = uint8x16x4_t(
        vzip1q_u8(r[0], r[4]),
        vzip1q_u8(r[1], r[5]),
        vzip1q_u8(r[2], r[6]),
        vzip1q_u8(r[3], r[7]),
    );
    let b = uint8x16x4_t(
        vzip2q_u8(r[0], r[4]),
        vzip2q_u8(r[1], r[5]),
        vzip2q_u8(r[2], r[6]),
        vzip2q_u8(r[3], r[7]),
    );
    // SAFETY: the caller guarantees 128 writable bytes at p.
    unsafe {
        vst4q_u8(p, a);
        vst4q_u8(p.add(64), b);
    }
}

#[target_feature(enable = "neon")]
fn shuffle8(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(8, count, src.len(), dst.len(), stride);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads src[8i .. 8(i+16)], writes streams 0..8 at i .. i+16 (see above).
        unsafe {
            let r = planes8(s.add(8 * i));
            for (j, v) in r.iter().enumerate() {
                vst1q_u8(d.add(j * stride + i), *v);
            }
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
unsafe fn unshuffle8<P: Planes>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(8, count, dst.len());
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads streams 0..8 at i .. i+16, writes dst[8i .. 8(i+16)] (see above).
        unsafe {
            let r: [uint8x16_t; 8] = core::array::from_fn(|j| vld1q_u8(pl.plane(j).add(i)));
            store_planes8(&r, d.add(8 * i));
        }
        i += 16;
    }
    i
}

/// 16 elements of 16 bytes: `vld4q` of 4 elements puts bytes `4m + k` (m = 0..4) of each
/// element in register `k`; two `vuzp` rounds over the four loads sort them by `m`.
#[target_feature(enable = "neon")]
fn shuffle16(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(16, count, src.len(), dst.len(), stride);
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        let p = s.wrapping_add(16 * i);
        // SAFETY: reads src[16i .. 16(i+16)] (the four 64-byte loads).
        let (a, b, c, e) = unsafe {
            (
                vld4q_u8(p),
                vld4q_u8(p.add(64)),
                vld4q_u8(p.add(128)),
                vld4q_u8(p.add(192)),
            )
        };
        let (a, b, c, e) = (
            [a.0, a.1, a.2, a.3],
            [b.0, b.1, b.2, b.3],
            [c.0, c.1, c.2, c.3],
            [e.0, e.1, e.2, e.3],
        );
        for k in 0..4 {
            let x1 = vuzp1q_u8(a[k], b[k]);
            let x2 = vuzp2q_u8(a[k], b[k]);
            let y1 = vuzp1q_u8(c[k], e[k]);
            let y2 = vuzp2q_u8(c[k], e[k]);
            // SAFETY: writes streams k, 4+k, 8+k, 12+k (all < 16) at i .. i+16 (see above).
            unsafe {
                vst1q_u8(d.add(k * stride + i), vuzp1q_u8(x1, y1));
                vst1q_u8(d.add((4 + k) * stride + i), vuzp1q_u8(x2, y2));
                vst1q_u8(d.add((8 + k) * stride + i), vuzp2q_u8(x1, y1));
                vst1q_u8(d.add((12 + k) * stride + i), vuzp2q_u8(x2, y2));
            }
        }
        i += 16;
    }
    i
}

#[target_feature(enable = "neon")]
unsafe fn unshuffle16<P: Planes>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(16, count, dst.len());
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        let z = vdupq_n_u8(0);
        let (mut a, mut b, mut c, mut e) = ([z; 4], [z; 4], [z; 4], [z; 4]);
        for k in 0..4 {
            // SAFETY: reads streams k, 4+k, 8+k, 12+k (all < 16) at i .. i+16 (see above).
            let (p, q, r, t) = unsafe {
                (
                    vld1q_u8(pl.plane(k).add(i)),
                    vld1q_u8(pl.plane(4 + k).add(i)),
                    vld1q_u8(pl.plane(8 + k).add(i)),
                    vld1q_u8(pl.plane(12 + k).add(i)),
                )
            };
            let x1 = vzip1q_u8(p, r);
            let y1 = vzip2q_u8(p, r);
            let x2 = vzip1q_u8(q, t);
            let y2 = vzip2q_u8(q, t);
            a[k] = vzip1q_u8(x1, x2);
            b[k] = vzip2q_u8(x1, x2);
            c[k] = vzip1q_u8(y1, y2);
            e[k] = vzip2q_u8(y1, y2);
        }
        let o = d.wrapping_add(16 * i);
        // SAFETY: writes dst[16i .. 16(i+16)] (the four 64-byte stores).
        unsafe {
            vst4q_u8(o, uint8x16x4_t(a[0], a[1], a[2], a[3]));
            vst4q_u8(o.add(64), uint8x16x4_t(b[0], b[1], b[2], b[3]));
            vst4q_u8(o.add(128), uint8x16x4_t(c[0], c[1], c[2], c[3]));
            vst4q_u8(o.add(192), uint8x16x4_t(e[0], e[1], e[2], e[3]));
        }
        i += 16;
    }
    i
}

/// Byte `idx[p]` of the concatenation of `x` (at most 16 registers = 256 bytes) in lane `p`:
/// one `vqtbx` per 64-byte window, with the index moved down by the window's start. Indices of
/// other windows are out of the window's range (those below it wrap to >= 192), so `vqtbx`
/// keeps the lane; a last window of fewer than four registers uses the narrower `vqtbx`.
#[inline]
#[target_feature(enable = "neon")]
fn lookup(x: &[uint8x16_t], idx: uint8x16_t) -> uint8x16_t {
    debug_assert!(!x.is_empty() && x.len() <= 16);
    let mut acc = vdupq_n_u8(0);
    let mut base = 0u8;
    for w in x.chunks(4) {
        let k = vsubq_u8(idx, vdupq_n_u8(base));
        acc = match *w {
            [a] => vqtbx1q_u8(acc, a, k),
            [a, b] => vqtbx2q_u8(acc, uint8x16x2_t(a, b), k),
            [a, b, c] => vqtbx3q_u8(acc, uint8x16x3_t(a, b, c), k),
            [a, b, c, e] => vqtbx4q_u8(acc, uint8x16x4_t(a, b, c, e), k),
            _ => acc,
        };
        base = base.wrapping_add(64);
    }
    acc
}

/// 16 index bytes `f(0), ..., f(15)` in a register.
#[inline]
#[target_feature(enable = "neon")]
fn indices(f: impl Fn(usize) -> usize) -> uint8x16_t {
    let a: [u8; 16] = core::array::from_fn(|p| f(p) as u8);
    // SAFETY: a is 16 readable bytes.
    unsafe { vld1q_u8(a.as_ptr()) }
}

/// Shuffle by table lookups for `5 <= ES <= 15`: the 16 elements are `ES` registers; stream
/// `j` is the bytes `p * ES + j` (all < 16 * ES <= 240, so they fit the u8 indices).
#[inline]
#[target_feature(enable = "neon")]
fn shuffle_tbl<const ES: usize>(count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(ES, count, src.len(), dst.len(), stride);
    let idx: [uint8x16_t; ES] = core::array::from_fn(|j| indices(|p| p * ES + j));
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads src[ES*i .. ES*(i+16)] (register v is bytes 16v .. 16v+16 of it).
        let x: [uint8x16_t; ES] =
            core::array::from_fn(|v| unsafe { vld1q_u8(s.add(ES * i + 16 * v)) });
        for (j, ix) in idx.iter().enumerate() {
            // SAFETY: writes stream j < ES at i .. i+16 (see above).
            unsafe { vst1q_u8(d.add(j * stride + i), lookup(&x, *ix)) };
        }
        i += 16;
    }
    i
}

/// Inverse of [`shuffle_tbl`]: the table is the `ES` streams' 16 bytes (stream `j` at
/// `16 j`); byte `q = 16 v + p` of the output is element `q / ES`, byte `q % ES`.
#[inline]
#[target_feature(enable = "neon")]
unsafe fn unshuffle_tbl<P: Planes, const ES: usize>(count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(ES, count, dst.len());
    let idx: [uint8x16_t; ES] = core::array::from_fn(|v| {
        indices(|p| {
            let q = 16 * v + p;
            16 * (q % ES) + q / ES
        })
    });
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        // SAFETY: reads plane j < ES at i .. i+16 (see above).
        let x: [uint8x16_t; ES] = core::array::from_fn(|j| unsafe { vld1q_u8(pl.plane(j).add(i)) });
        for (v, ix) in idx.iter().enumerate() {
            // SAFETY: writes dst[ES*i + 16v ..+16], inside dst[ES*i .. ES*(i+16)].
            unsafe { vst1q_u8(d.add(ES * i + 16 * v), lookup(&x, *ix)) };
        }
        i += 16;
    }
    i
}

/// Transposes the 16x16 byte matrix whose row `k` is `r[k]`. Each round maps rows
/// `(r_i, r_{i+8})` to `(zip1, zip2)` at `2i, 2i+1`, which rotates the 8-bit (row, column)
/// address by one bit; four rounds swap row and column.
#[inline]
#[target_feature(enable = "neon")]
fn transpose16(r: &mut [uint8x16_t; 16]) {
    for _ in 0..4 {
        let n: [uint8x16_t; 16] = core::array::from_fn(|k| {
            let (a, b) = (r[k / 2], r[k / 2 + 8]);
            if k % 2 == 0 {
                vzip1q_u8(a, b)
            } else {
                vzip2q_u8(a, b)
            }
        });
        *r = n;
    }
}

/// Column windows of 16 bytes covering `0..es` (`es > 16`), the last one ending at `es`.
#[inline(always)]
fn windows(es: usize) -> impl Iterator<Item = usize> {
    (0..es.div_ceil(16)).map(move |g| (16 * g).min(es - 16))
}

/// Shuffle of elements over 16 bytes: per column window `c`, a 16x16 transpose of 16
/// elements' bytes `c .. c+16` gives 16 elements of streams `c .. c+16`.
#[target_feature(enable = "neon")]
fn shuffle_tiles(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) -> usize {
    check_streams(es, count, src.len(), dst.len(), stride);
    assert!(
        es >= 16,
        "column windows need elements of at least 16 bytes"
    );
    let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i + 16 <= count {
        for c in windows(es) {
            // SAFETY: reads src[(i+k)*es + c ..+16]; c + 16 <= es, so it ends by (i+16)*es.
            let mut r: [uint8x16_t; 16] =
                core::array::from_fn(|k| unsafe { vld1q_u8(s.add((i + k) * es + c)) });
            transpose16(&mut r);
            for (j, v) in r.iter().enumerate() {
                // SAFETY: writes stream c + j < es at i .. i+16 (see above).
                unsafe { vst1q_u8(d.add((c + j) * stride + i), *v) };
            }
        }
        i += 16;
    }
    i
}

/// Inverse of [`shuffle_tiles`].
#[target_feature(enable = "neon")]
unsafe fn unshuffle_tiles<P: Planes>(es: usize, count: usize, pl: P, dst: &mut [u8]) -> usize {
    check_elems(es, count, dst.len());
    assert!(
        es >= 16,
        "column windows need elements of at least 16 bytes"
    );
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        for c in windows(es) {
            // SAFETY: reads stream c + j < es at i .. i+16 (see above).
            let mut r: [uint8x16_t; 16] =
                core::array::from_fn(|j| unsafe { vld1q_u8(pl.plane(c + j).add(i)) });
            transpose16(&mut r);
            for (k, v) in r.iter().enumerate() {
                // SAFETY: writes dst[(i+k)*es + c ..+16]; c + 16 <= es, so it ends by
                // (i+16)*es <= count*es.
                unsafe { vst1q_u8(d.add((i + k) * es + c), *v) };
            }
        }
        i += 16;
    }
    i
}

/// Swaps the off-diagonal `S x S` bit blocks between rows `a` and `b` (row `b` is `S` rows
/// below `a`); `M` marks the bits that stay in `a` (low halves of each 2S-bit group).
#[inline]
#[target_feature(enable = "neon")]
fn swap_bits<const S: i32>(r: &mut [uint8x16_t; 8], a: usize, b: usize, m: u8) {
    let m = vdupq_n_u8(m);
    let (x, y) = (r[a], r[b]);
    r[a] = vbslq_u8(m, x, vshlq_n_u8::<S>(y));
    r[b] = vbslq_u8(m, vshrq_n_u8::<S>(x), y);
}

/// 8x8 bit transpose of every word (bit `c` of byte `r` <-> bit `r` of byte `c`, in memory
/// byte order, as [`transpose8x8`]). 16 words per step: [`planes8`] makes register `r` the
/// byte `r` (row `r`) of the 16 words, three rounds of masked shift-and-select swap the 1x1,
/// 2x2 and 4x4 blocks of all 16 matrices at once, and [`store_planes8`] puts the rows back.
#[target_feature(enable = "neon")]
fn bit_transpose_neon(words: &mut [u64]) {
    let mut chunks = words.chunks_exact_mut(16);
    for c in &mut chunks {
        let p = c.as_mut_ptr().cast::<u8>();
        // SAFETY: the chunk is 16 words = 128 readable bytes at p.
        let mut r = unsafe { planes8(p) };
        for k in [0, 2, 4, 6] {
            swap_bits::<1>(&mut r, k, k + 1, 0x55);
        }
        for k in [0, 1, 4, 5] {
            swap_bits::<2>(&mut r, k, k + 2, 0x33);
        }
        for k in 0..4 {
            swap_bits::<4>(&mut r, k, k + 4, 0x0f);
        }
        // SAFETY: the same 128 bytes, borrowed mutably through `c`.
        unsafe { store_planes8(&r, p) };
    }
    for w in chunks.into_remainder() {
        *w = transpose8x8(*w);
    }
}

/// Integer delta encode: `dst[i] = src[i] - src[i-1]` as one vector subtract of two
/// overlapping loads (two vectors per step), the scalar reference for the tail.
macro_rules! encode_int {
    ($name:ident, $t:ty, $lanes:literal, $ld:ident, $st:ident, $sub:ident, $tail:ident) => {
        #[target_feature(enable = "neon")]
        fn $name(prev: $t, src: &[$t], dst: &mut [$t]) {
            let n = src.len().min(dst.len());
            if n == 0 {
                return;
            }
            // The first element against `prev`, as the reference computes it.
            $tail(prev, &src[..1], &mut dst[..1]);
            let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
            let mut i = 1;
            while i + 2 * $lanes <= n {
                // SAFETY: reads src[i-1 .. i+2L] and writes dst[i .. i+2L], with i >= 1 and
                // i + 2L <= n, inside both slices.
                unsafe {
                    let c0 = $ld(s.add(i));
                    let c1 = $ld(s.add(i + $lanes));
                    let p0 = $ld(s.add(i - 1));
                    let p1 = $ld(s.add(i - 1 + $lanes));
                    $st(d.add(i), $sub(c0, p0));
                    $st(d.add(i + $lanes), $sub(c1, p1));
                }
                i += 2 * $lanes;
            }
            $tail(src[i - 1], &src[i..n], &mut dst[i..n]);
        }
    };
}

encode_int!(enc8, u8, 16, vld1q_u8, vst1q_u8, vsubq_u8, encode_vec_int);
encode_int!(
    enc16,
    u16,
    8,
    vld1q_u16,
    vst1q_u16,
    vsubq_u16,
    encode_vec_int
);
encode_int!(
    enc32,
    u32,
    4,
    vld1q_u32,
    vst1q_u32,
    vsubq_u32,
    encode_vec_int
);
encode_int!(
    enc64,
    u64,
    2,
    vld1q_u64,
    vst1q_u64,
    vsubq_u64,
    encode_vec_int
);
encode_int!(
    encf32,
    f32,
    4,
    vld1q_f32,
    vst1q_f32,
    vsubq_f32,
    encode_float
);
encode_int!(
    encf64,
    f64,
    2,
    vld1q_f64,
    vst1q_f64,
    vsubq_f64,
    encode_float
);

/// Integer delta decode (running wrapping sum): an in-register prefix scan of each vector
/// (log2(lanes) rounds of `x += x shifted up by 2^r lanes`, the shift a `vext` with zeros),
/// two vectors per step. The carry (the running sum, broadcast) is added to both scans; the
/// next carry is `carry + (total(x) + total(y))`, so the loop-carried chain is a single add.
macro_rules! decode_int {
    ($name:ident, $t:ty, $lanes:literal, $ld:ident, $st:ident, $add:ident, $dup:ident,
     $ext:ident, $last:ident, [$($sh:literal)*]) => {
        #[target_feature(enable = "neon")]
        fn $name(acc: $t, src: &[$t], dst: &mut [$t]) {
            let n = src.len().min(dst.len());
            let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
            let zero = $dup(0);
            let scan = |mut x| {
                $( x = $add(x, $ext::<$sh>(zero, x)); )*
                x
            };
            let mut carry = $dup(acc);
            let mut i = 0;
            while i + 2 * $lanes <= n {
                // SAFETY: reads src[i .. i+2L], i + 2L <= n <= src.len().
                let (x, y) = unsafe { ($ld(s.add(i)), $ld(s.add(i + $lanes))) };
                let (x, y) = (scan(x), scan(y));
                let tx = $last::<{ $lanes - 1 }>(x);
                let ty = $last::<{ $lanes - 1 }>(y);
                // SAFETY: writes dst[i .. i+2L], i + 2L <= n <= dst.len().
                unsafe {
                    $st(d.add(i), $add(x, carry));
                    $st(d.add(i + $lanes), $add(y, $add(carry, tx)));
                }
                carry = $add(carry, $add(tx, ty));
                i += 2 * $lanes;
            }
            let a = if i == 0 { acc } else { dst[i - 1] };
            decode_scalar_int(a, &src[i..n], &mut dst[i..n]);
        }
    };
}

decode_int!(dec8, u8, 16, vld1q_u8, vst1q_u8, vaddq_u8, vdupq_n_u8, vextq_u8, vdupq_laneq_u8,
    [15 14 12 8]);
decode_int!(dec16, u16, 8, vld1q_u16, vst1q_u16, vaddq_u16, vdupq_n_u16, vextq_u16,
    vdupq_laneq_u16, [7 6 4]);
decode_int!(dec32, u32, 4, vld1q_u32, vst1q_u32, vaddq_u32, vdupq_n_u32, vextq_u32,
    vdupq_laneq_u32, [3 2]);
decode_int!(
    dec64,
    u64,
    2,
    vld1q_u64,
    vst1q_u64,
    vaddq_u64,
    vdupq_n_u64,
    vextq_u64,
    vdupq_laneq_u64,
    [1]
);

/// The NEON delta entries of the kernel table (float decode is sequential on every ISA).
/// Every entry wraps a `#[target_feature(enable = "neon")]` kernel; NEON is in the target
/// baseline wherever this module is compiled (see `shuffle_strided`).
pub(crate) static DELTA: DeltaKernels = DeltaKernels {
    enc8: |p, s, d| {
        // SAFETY: NEON is in the target baseline (this module's cfg).
        unsafe { enc8(p, s, d) }
    },
    enc16: |p, s, d| {
        // SAFETY: as above.
        unsafe { enc16(p, s, d) }
    },
    enc32: |p, s, d| {
        // SAFETY: as above.
        unsafe { enc32(p, s, d) }
    },
    enc64: |p, s, d| {
        // SAFETY: as above.
        unsafe { enc64(p, s, d) }
    },
    dec8: |a, s, d| {
        // SAFETY: as above.
        unsafe { dec8(a, s, d) }
    },
    dec16: |a, s, d| {
        // SAFETY: as above.
        unsafe { dec16(a, s, d) }
    },
    dec32: |a, s, d| {
        // SAFETY: as above.
        unsafe { dec32(a, s, d) }
    },
    dec64: |a, s, d| {
        // SAFETY: as above.
        unsafe { dec64(a, s, d) }
    },
    encf32: |p, s, d| {
        // SAFETY: as above.
        unsafe { encf32(p, s, d) }
    },
    encf64: |p, s, d| {
        // SAFETY: as above.
        unsafe { encf64(p, s, d) }
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::{self, Isa};
    use crate::shuffle::{shuffle_tail, unshuffle_tail};

    #[test]
    fn neon_is_detected_and_its_table_is_these_kernels() {
        assert!(Isa::Neon.is_available());
        assert_eq!(Isa::detected(), Isa::Neon);
        assert!(Isa::available().contains(&Isa::Neon));
        let k = dispatch::table(Isa::Neon);
        let scalar = dispatch::table(Isa::Scalar);
        assert!(
            !core::ptr::eq(k, scalar),
            "the NEON table is the scalar one"
        );
        assert!(core::ptr::eq(k.delta, &DELTA));
        assert!(!core::ptr::eq(k.delta, scalar.delta));
        assert_eq!(
            k.shuffle as *const () as usize,
            shuffle_strided as *const () as usize
        );
        assert_eq!(
            k.unshuffle as *const () as usize,
            unshuffle_strided as *const () as usize
        );
        assert_eq!(
            k.bit_transpose as *const () as usize,
            bit_transpose as *const () as usize
        );
        assert_eq!(
            k.unshuffle_planes as *const () as usize,
            unshuffle_planes as *const () as usize
        );
        assert_ne!(
            k.shuffle as *const () as usize,
            scalar.shuffle as *const () as usize
        );
        assert_ne!(
            k.unshuffle as *const () as usize,
            scalar.unshuffle as *const () as usize
        );
        assert_ne!(
            k.bit_transpose as *const () as usize,
            scalar.bit_transpose as *const () as usize
        );
    }

    fn bytes(len: usize, seed: usize) -> Vec<u8> {
        let mut x = (seed as u32).wrapping_mul(2654435761) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 11) as u8
            })
            .collect()
    }

    /// The strided entries with `stride > count` (as bitshuffle calls them) against the scalar
    /// tail loops over all elements, into dirty buffers whose gaps must stay untouched.
    #[test]
    fn strided_kernels_match_scalar_with_gaps_between_streams() {
        for es in (2..=40).chain([64, 100]) {
            for count in [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100] {
                let stride = count + 5;
                let src = bytes(count * es, es * 1000 + count);
                let size = (es - 1) * stride + count;
                let mut want = vec![0xa5u8; size];
                shuffle_tail(es, count, 0, &src, &mut want, stride);
                let mut got = vec![0xa5u8; size];
                shuffle_strided(es, count, &src, &mut got, stride);
                assert_eq!(got, want, "shuffle es {es} count {count}");
                let mut back_want = vec![0x5au8; count * es];
                unshuffle_tail(es, count, 0, &want, stride, &mut back_want);
                let mut back = vec![0x5au8; count * es];
                unshuffle_strided(es, count, &want, stride, &mut back);
                assert_eq!(back, back_want, "unshuffle es {es} count {count}");
                assert_eq!(back, src, "roundtrip es {es} count {count}");
            }
        }
    }

    #[test]
    fn bit_transpose_matches_scalar_at_every_length() {
        for len in 0..=70 {
            let b = bytes(8 * len, len);
            let words: Vec<u64> = b
                .chunks_exact(8)
                .map(|c| u64::from_ne_bytes(c.try_into().unwrap()))
                .collect();
            let mut want = words.clone();
            crate::bitshuffle::bit_transpose_scalar(&mut want);
            let mut got = words.clone();
            bit_transpose(&mut got);
            assert_eq!(got, want, "len {len}");
            bit_transpose(&mut got);
            assert_eq!(got, words, "involution, len {len}");
        }
        // Single bits, in a full 16-word block.
        for bit in 0..64 {
            let mut w = [0u64; 16];
            w[bit % 16] = 1u64 << bit;
            let mut want = w;
            crate::bitshuffle::bit_transpose_scalar(&mut want);
            bit_transpose(&mut w);
            assert_eq!(w, want, "bit {bit}");
        }
    }

    #[test]
    fn delta_entries_match_scalar_at_extremes() {
        for len in 0..80usize {
            let v: Vec<u64> = (0..len)
                .map(|i| match i % 4 {
                    0 => u64::MAX,
                    1 => 0,
                    2 => 1 << 63,
                    _ => i as u64,
                })
                .collect();
            let prev = u64::MAX - 1;
            macro_rules! check {
                ($t:ty, $enc:ident, $dec:ident) => {{
                    let s: Vec<$t> = v.iter().map(|&x| x as $t).collect();
                    let p = prev as $t;
                    let mut want = vec![0 as $t; len];
                    crate::delta::encode_scalar_int(p, &s, &mut want);
                    let mut got = vec![0 as $t; len];
                    (DELTA.$enc)(p, &s, &mut got);
                    assert_eq!(got, want, "{} len {len}", stringify!($enc));
                    crate::delta::decode_scalar_int(p, &s, &mut want);
                    (DELTA.$dec)(p, &s, &mut got);
                    assert_eq!(got, want, "{} len {len}", stringify!($dec));
                }};
            }
            check!(u8, enc8, dec8);
            check!(u16, enc16, dec16);
            check!(u32, enc32, dec32);
            check!(u64, enc64, dec64);
            let f: Vec<f64> = (0..len).map(|i| (i as f64).sin() * 1e300).collect();
            let mut want = vec![0f64; len];
            crate::delta::encode_float(0.5, &f, &mut want);
            let mut got = vec![0f64; len];
            (DELTA.encf64)(0.5, &f, &mut got);
            assert_eq!(
                got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let f: Vec<f32> = f.iter().map(|&x| (x * 1e-280) as f32).collect();
            let mut want = vec![0f32; len];
            crate::delta::encode_float(0.5, &f, &mut want);
            let mut got = vec![0f32; len];
            (DELTA.encf32)(0.5, &f, &mut got);
            assert_eq!(
                got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
