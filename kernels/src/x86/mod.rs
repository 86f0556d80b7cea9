//! x86-64 kernels: one generic algorithm per kernel, written over the [`Vector`] trait, and one
//! `#[target_feature]` instantiation per ISA (`sse2`, `avx2`, `avx512`).
//!
//! A [`Vector`] is `LANES` independent 16-byte lanes (1 for SSE2, 2 for AVX2, 4 for AVX-512).
//! Every byte permutation used here stays inside a lane (`unpack*`, `pshufb`), so one algorithm
//! handles `16 * LANES` elements at a time: lane `l` works on the elements `16 * l ..`, loaded
//! and stored with a stride (`load_rows` / `store_rows`), while stream (plane) data is
//! contiguous across lanes and moves with plain full-width loads and stores.
//!
//! The trait's methods are `#[inline(always)]` `unsafe fn`s without `#[target_feature]` (the
//! memchr pattern): they are inlined into the per-ISA `#[target_feature]` entry points, which
//! compiles the intrinsics with the right features. Calling them anywhere else is undefined
//! behaviour on CPUs without the ISA; that is their safety contract.

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod delta;
pub(crate) mod fso;
pub(crate) mod sse2;
pub(crate) mod vbmi;

use crate::shuffle::{shuffle_tail, unshuffle_tail_planes, Planes};

/// `LANES` independent 16-byte lanes. See the module docs.
///
/// # Safety
/// Every method requires the CPU to support the implementing type's ISA; pointer methods also
/// require the addressed bytes to be valid for the access.
pub(crate) trait Vector: Copy {
    /// Number of 16-byte lanes.
    const LANES: usize;
    unsafe fn zero() -> Self;
    /// Loads `16 * LANES` contiguous bytes.
    unsafe fn load(p: *const u8) -> Self;
    /// Stores `16 * LANES` contiguous bytes.
    unsafe fn store(self, p: *mut u8);
    /// Lane `l` from the 16 bytes at `p + l * stride`.
    unsafe fn load_rows(p: *const u8, stride: usize) -> Self;
    /// Lane `l` to the 16 bytes at `p + l * stride`, in increasing `l`.
    unsafe fn store_rows(self, p: *mut u8, stride: usize);
    /// Lane `l` alone to the 16 bytes at `p`.
    unsafe fn store_lane(self, l: usize, p: *mut u8);
    /// Lane `l` of `a` then lane `l` of `b` to the 32 bytes at `p + l * stride`, in increasing
    /// `l` (`a.store_rows(p, stride)` and `b.store_rows(p + 16, stride)`, as one 32-byte store
    /// per lane where the ISA has them).
    #[inline(always)]
    unsafe fn store_pair_rows(a: Self, b: Self, p: *mut u8, stride: usize) {
        // SAFETY: the caller's contract covers 32 bytes at p + l * stride for every lane l.
        unsafe {
            a.store_rows(p, stride);
            b.store_rows(p.add(16), stride);
        }
    }
    /// `store_pair_rows(a_k, b_k, p + 32 k, stride)` for every pair `k`; the ISA may order the
    /// stores by address instead (AVX2: lane 0 of every pair, then lane 1). With `stride` =
    /// `32 K` that writes increasing addresses: Intel cores commit two stores a cycle only to
    /// one cache line, and the pair-by-pair order (o, o + 64, o + 32, o + 96 for es 4) held
    /// AVX2 unshuffle at 256 KiB on a Xeon to 27.0 GB/s for es 4 and 25.7 for es 8 (now 39.6
    /// and 37.3; c-blosc2 39.7 and 29.6; memcpy 41).
    #[inline(always)]
    unsafe fn store_pairs_rows<const K: usize>(
        pairs: [(Self, Self); K],
        p: *mut u8,
        stride: usize,
    ) {
        for (k, (a, b)) in pairs.into_iter().enumerate() {
            // SAFETY: the caller's contract covers 32 bytes at p + 32 k + l * stride.
            unsafe { Self::store_pair_rows(a, b, p.add(32 * k), stride) };
        }
    }
    unsafe fn lo8(a: Self, b: Self) -> Self;
    unsafe fn hi8(a: Self, b: Self) -> Self;
    unsafe fn lo16(a: Self, b: Self) -> Self;
    unsafe fn hi16(a: Self, b: Self) -> Self;
    unsafe fn lo32(a: Self, b: Self) -> Self;
    unsafe fn hi32(a: Self, b: Self) -> Self;
    unsafe fn lo64(a: Self, b: Self) -> Self;
    unsafe fn hi64(a: Self, b: Self) -> Self;
}

/// In-lane byte shuffle (`pshufb`), SSSE3 and up.
pub(crate) trait Pshufb: Vector {
    /// The same 16-byte control in every lane.
    unsafe fn splat_lane(m: &[u8; 16]) -> Self;
    unsafe fn pshufb(self, m: Self) -> Self;
    unsafe fn or(self, b: Self) -> Self;
}

/// Transposes, in every lane, the 16x16 byte matrix whose row `k` is lane `l` of `r[k]`, and
/// hands row `k` of the result to `sink(k, row)` as soon as the last round produces it (so the
/// result never needs a 16-register array of its own, which AVX2's 16 registers cannot hold
/// beside the inputs).
///
/// Each round maps rows `(r_i, r_{i+8})` to `(lo8, hi8)` at `2i, 2i+1`, which rotates the 8-bit
/// (row, column) address left by one bit; four rounds swap row and column.
#[inline(always)]
unsafe fn transpose16<V: Vector>(mut r: [V; 16], mut sink: impl FnMut(usize, V)) {
    for _ in 0..3 {
        // SAFETY: caller guarantees V's ISA.
        let z = unsafe { V::zero() };
        let mut n = [z; 16];
        for i in 0..8 {
            // SAFETY: caller guarantees V's ISA.
            unsafe {
                n[2 * i] = V::lo8(r[i], r[i + 8]);
                n[2 * i + 1] = V::hi8(r[i], r[i + 8]);
            }
        }
        r = n;
    }
    for i in 0..8 {
        // SAFETY: caller guarantees V's ISA.
        let (lo, hi) = unsafe { (V::lo8(r[i], r[i + 8]), V::hi8(r[i], r[i + 8])) };
        sink(2 * i, lo);
        sink(2 * i + 1, hi);
    }
}

/// Column groups of the tiled kernels: 16-byte windows covering `0..es`; for `es > 16` the last
/// window is moved back to end at `es` (it overlaps the previous one, which is harmless).
#[inline(always)]
fn groups(es: usize) -> impl Iterator<Item = usize> {
    let full = if es <= 16 { 1 } else { es.div_ceil(16) };
    (0..full).map(move |g| if es <= 16 { 0 } else { (16 * g).min(es - 16) })
}

/// Checks the stream layout shared by the strided kernels: `src` holds `count` elements and
/// stream `j` of `dst` is `dst[j * stride..j * stride + count]`.
#[inline(always)]
fn check_streams(es: usize, count: usize, elems: usize, streams: usize, stride: usize) {
    assert!(es >= 2, "shuffle kernels: elementsize must be >= 2");
    assert!(
        stride >= count,
        "shuffle kernels: stream stride shorter than count"
    );
    assert!(
        elems >= count * es,
        "shuffle kernels: element buffer too short"
    );
    assert!(
        streams >= (es - 1) * stride + count,
        "shuffle kernels: stream buffer too short"
    );
}

/// Generic tiled shuffle of any element size (`16 * LANES` elements per step). `constant`
/// says `es` is a compile-time constant here (see [`tiled_sizes`]): the paired tiles pay off
/// only then (with a run-time `es` they measured slower: es 128 0.44 -> 0.37, so that path
/// keeps one tile at a time).
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn shuffle_tiled<V: Vector>(
    es: usize,
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
    constant: bool,
) {
    check_streams(es, count, src.len(), dst.len(), stride);
    let t = 16 * V::LANES;
    let body = count * es;
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    // When the stride is a multiple of 4 KiB (as in a power-of-two block), every output stream maps
    // to the same L1 set, and 16 streams written at once overflow its 8 ways: every store
    // misses. So a step of `chunk` tiles is transposed twice, first writing only streams
    // c..c+8 of each 16-column window, then c+8..c+16: the first unpack round already splits
    // the two halves, so each pass costs half the transpose plus that round's half (LLVM drops
    // the unused half), and the step's rows (at most 4 KiB) are re-read from L1.
    // With a stride that is a multiple of 2 KiB, 16 streams fall in at most 2 sets; otherwise
    // they spread out and one pass is cheaper on Zen 4. On Intel, AVX2, es 18-31 (constant
    // sizes, so the split also brings the paired tiles, and the 128-element step) the split
    // passes are faster whatever the stride: Xeon, 256 KiB, ratio to memcpy, medians of 31,
    // alternating runs: es 19 0.26-0.27 -> 0.31-0.32, 20 0.29-0.30 -> 0.31-0.34, 21 0.28 ->
    // 0.32-0.35, 22 0.30-0.32 -> 0.32-0.35, 18 level (0.31-0.32); in a sweep 23-31 gained
    // 0.03-0.07 too. Above 32 (paired already) it was level or slower (es 96 0.30 -> 0.23,
    // 192 0.22 -> 0.18), and es 17 level.
    let split = stride.is_multiple_of(2048) || (V::LANES == 2 && (18..32).contains(&es) && intel());
    // Paired tiles (see `shuffle_pass`): measured on Zen 4 at 256 KiB, ratio to memcpy, AVX2:
    // es 16 0.36 -> 0.45, 32 0.28 -> 0.43, 48 (stride not a multiple of 2 KiB) 0.28 -> 0.43,
    // 64 0.24 -> 0.38; SSE2 es 16 0.18 -> 0.32, 32 0.15 -> 0.29. Without the split they cost
    // es 17-31 a little (AVX2 0.40 -> 0.35 at es 17) and SSE2 es 48 (0.31 -> 0.29).
    let pairs = constant && (split || (es >= 32 && V::LANES > 1));
    let chunk = tiled_chunk(V::LANES, es, split);
    // (Skipping the columns of the last, overlapping window that the window before it already
    // stored, which LLVM turns into less transpose work, measured slower at es 17, 19, 21 and
    // 28 (AVX2 es 19: 23.2 -> 20.1 GB/s) and faster only at es 24 (21.3 -> 23.4), so every
    // window stores all 16 columns.)
    // For es 17 and 18 the second 16-column window would overlap the first in all but one or
    // two columns (for es 33 the third the second in all but one): those columns are copied
    // byte by byte after the loop instead (256 KiB on the Xeon, ratio to memcpy, alternating
    // runs: es 17 0.24-0.26 -> 0.31-0.33, es 18 0.26-0.27 -> 0.28-0.32, AVX2 and AVX-512
    // alike; SSE2 0.13 / 0.14 -> 0.24 / 0.21; es 33 0.26-0.30 -> 0.29-0.32). With three to
    // five columns the byte loop did not pay: es 19 level (0.26), 20 0.29-0.30 -> 0.24, 21
    // 0.27-0.29 -> 0.22; es 49, 65 and 97 were level or slower, and 34, 50, 66 (two columns
    // past two or more windows) slower (0.28-0.32 -> 0.25-0.28).
    let narrow_rest = matches!(es, 17 | 18 | 33);
    let windows = if narrow_rest { es / 16 } else { usize::MAX };
    for n in [chunk, 1] {
        let span = n * t;
        // Row reads span (i + span - 1) * es + c .. + 16; for es < 16 that can pass the step's
        // end.
        while i + span <= count && (i + span - 1) * es + 16 <= body {
            for c in groups(es).take(windows) {
                // SAFETY: V's ISA is guaranteed by the caller; c + 16 <= max(es, 16) and
                // i + span <= count with the row-read bound above: what shuffle_pass requires.
                unsafe {
                    if split {
                        shuffle_pass::<V>(es, c, 0, 8, i, n, s, d, stride, pairs);
                        shuffle_pass::<V>(es, c, 8, 16, i, n, s, d, stride, pairs);
                    } else {
                        shuffle_pass::<V>(es, c, 0, 16, i, n, s, d, stride, pairs);
                    }
                }
            }
            i += span;
        }
    }
    if narrow_rest {
        // The one or two columns past the full windows, element by element: cheaper than an
        // overlapping window that would transpose 16 columns for them.
        let first = es / 16 * 16;
        let rest = &mut dst[first * stride..];
        if es % 16 == 2 {
            let (c0, c1) = rest.split_at_mut(stride);
            for (e, (a, b)) in c0[..i].iter_mut().zip(&mut c1[..i]).enumerate() {
                let w = &src[e * es + first..e * es + first + 2];
                *a = w[0];
                *b = w[1];
            }
        } else {
            for (e, b) in rest[..i].iter_mut().enumerate() {
                *b = src[e * es + first];
            }
        }
    }
    shuffle_tail(es, count, i, src, dst, stride);
}

/// Tests: 0 = read the CPU, 1 = tune as on a non-Intel CPU, 2 = as on Intel. Tuning never
/// changes output, so a test that sets it cannot disturb tests running beside it.
#[cfg(test)]
pub(crate) static VENDOR_OVERRIDE: std::sync::atomic::AtomicU8 =
    std::sync::atomic::AtomicU8::new(0);

/// Whether the CPU's vendor is Intel (CPUID leaf 0 says "GenuineIntel"), read once. Used only
/// to pick between parameters that measured faster on one vendor; every path is correct on
/// every CPU.
pub(crate) fn intel() -> bool {
    #[cfg(test)]
    match VENDOR_OVERRIDE.load(std::sync::atomic::Ordering::Relaxed) {
        1 => return false,
        2 => return true,
        _ => {}
    }
    static INTEL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *INTEL.get_or_init(|| {
        let r = core::arch::x86_64::__cpuid(0);
        let mut v = [0u8; 12];
        v[..4].copy_from_slice(&r.ebx.to_le_bytes());
        v[4..8].copy_from_slice(&r.edx.to_le_bytes());
        v[8..].copy_from_slice(&r.ecx.to_le_bytes());
        &v == b"GenuineIntel"
    })
}

/// Tiles per step of [`shuffle_tiled`] (each window runs over a step's tiles before the next
/// window): 128 elements by default. On Intel CPUs with AVX2, 256 for element sizes from 20
/// whose streams do not share L1 sets: on this session's Xeon (256 KiB, GB/s, three or four
/// runs each) es 24 10.9-12.2 -> 12.3-12.7, 28 12.9-13.8 -> 14.2-14.9, 41 11.0-12.4 ->
/// 12.9-13.5, 48 8.9-11.2 -> 11.5-12.4, 96 8.9-9.8 -> 12.0-12.3, 192 6.4-7.5 -> 8.8-9.0,
/// 255 10.8-11.8 -> 13.9-14.4 (es 17: 9.5-10.6 -> 9.8-10.3, so it keeps 128; es 20-31 now
/// take the split passes, see [`shuffle_tiled`], with the 128-element step). Not applied
/// elsewhere: a bigger step had measured mixed on Zen 4 (es 255 faster, 127 and 200 slower).
fn tiled_chunk(lanes: usize, es: usize, split: bool) -> usize {
    let base = (8 / lanes).max(1);
    if lanes == 2 && es >= 20 && !split && intel() {
        2 * base
    } else {
        base
    }
}

/// One pass of [`shuffle_tiled`] over the `n` tiles of a step at element `i`: window `c`,
/// columns (streams `c + j`) `lo <= j < hi`.
///
/// With `pairs` (and `n` even) the tiles go two at a time: the first tile's columns wait in
/// registers (spilled to the stack as needed) until the second's are ready, and each stream
/// then gets both tiles' vectors back to back, 64 contiguous bytes on AVX2. Writing 32 bytes
/// per stream per tile let a stream's line be evicted between its two halves when the streams
/// share an L1 set.
///
/// # Safety
/// The CPU must support V's ISA; `(i + n*t - 1) * es + c + 16` bytes must be readable at `s`,
/// and `(c + j) * stride + i + n*t` writable at `d` for `lo <= j < min(hi, es)`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn shuffle_pass<V: Vector>(
    es: usize,
    c: usize,
    lo: usize,
    hi: usize,
    i: usize,
    n: usize,
    s: *const u8,
    d: *mut u8,
    stride: usize,
    pairs: bool,
) {
    if lo >= hi {
        return;
    }
    let t = 16 * V::LANES;
    let out = |sub: usize| d.wrapping_add(c * stride + i + sub * t);
    if pairs && n.is_multiple_of(2) {
        // SAFETY: V's ISA is guaranteed by the caller.
        let z = unsafe { V::zero() };
        let mut tmp = [z; 16];
        for sub in (0..n).step_by(2) {
            let o = out(sub);
            // SAFETY: tiles i + sub*t and i + (sub+1)*t end within i + n*t, inside the
            // caller's read bound; stream c+j's stores write dst[(c+j)*stride + i + sub*t ..
            // + 2t], inside the caller's write bound.
            unsafe {
                shuffle_tile::<V>(es, c, i + sub * t, lo, hi, s, |j, v| tmp[j] = v);
                shuffle_tile::<V>(es, c, i + (sub + 1) * t, lo, hi, s, |j, v| {
                    tmp[j].store(o.add(j * stride));
                    v.store(o.add(j * stride + t));
                });
            }
        }
    } else {
        for sub in 0..n {
            let o = out(sub);
            // SAFETY: as above, one tile: dst[(c+j)*stride + i + sub*t .. + t].
            unsafe {
                shuffle_tile::<V>(es, c, i + sub * t, lo, hi, s, |j, v| {
                    v.store(o.add(j * stride))
                })
            };
        }
    }
}

/// One transposed tile of [`shuffle_tiled`]: elements `i0..i0 + 16 * LANES`, element bytes
/// `c..c + 16`, handing column `j` to `sink(j, column)` for `lo <= j < min(hi, es)` (the
/// transpose of the others is dead code once this is inlined with constant `lo`, `hi` and
/// `es`).
///
/// # Safety
/// The CPU must support V's ISA; `(i0 + t - 1) * es + c + 16` bytes must be readable at `s`.
#[inline(always)]
unsafe fn shuffle_tile<V: Vector>(
    es: usize,
    c: usize,
    i0: usize,
    lo: usize,
    hi: usize,
    s: *const u8,
    mut sink: impl FnMut(usize, V),
) {
    let w = es.min(16);
    // SAFETY: V's ISA is guaranteed by the caller.
    let z = unsafe { V::zero() };
    let mut r = [z; 16];
    for (k, row) in r.iter_mut().enumerate() {
        // SAFETY: lane l reads src[(i0+k+16l)*es + c ..+16], within the caller's bound.
        *row = unsafe { V::load_rows(s.add((i0 + k) * es + c), 16 * es) };
    }
    // SAFETY: V's ISA is guaranteed by the caller.
    unsafe {
        transpose16(r, |j, col| {
            if j >= lo && j < hi && j < w {
                sink(j, col);
            }
        })
    };
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

/// Generic tiled unshuffle of any element size.
///
/// # Safety
/// The CPU must support V's ISA; each plane `j < es` of `p` must have `count` readable bytes.
#[inline(always)]
pub(crate) unsafe fn unshuffle_tiled<V: Vector, P: Planes>(
    es: usize,
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    check_elems(es, count, dst.len());
    let t = 16 * V::LANES;
    let body = count * es;
    let d = dst.as_mut_ptr();
    let mut i = 0;
    // The staged path beat the blocked direct loads for es 16, 32 and 64 with aliased planes
    // and lost at 128 (AVX2, 256 KiB: 14.7-19.7 vs 23.4-24.4 GB/s).
    if (16..=64).contains(&es) && p.aliased() {
        // SAFETY: forwarded caller contract; check_elems has checked dst.
        i = unsafe { unshuffle_staged::<V, P>(es, count, p, d) };
    }
    // For es = 17 the second window would overlap the first in all but one column: it is
    // skipped and that column is copied byte by byte after the loop, cheaper than a second
    // transpose (unshuffle 17 at 256 KiB on Zen 4: 0.30-0.31 -> 0.38-0.41 of memcpy). For
    // 33, 49, ... (with the blocked windows below) the byte pass lost to the full overlapping
    // window (33: 0.31-0.32 -> 0.34, 49: 0.33-0.34 -> 0.36), and with two leftover columns it
    // was slower at every size.
    let rest = es % 16;
    let narrow_rest = es == 17;
    let windows = if narrow_rest { es / 16 } else { usize::MAX };
    let i_start = i;
    // For es > 16 each 16-column window runs over a block of elements before the next
    // window: the window's 16 planes are then read 256 contiguous bytes at a time instead of
    // one tile's 32 bytes before switching to the next 16 planes. The plane reads were the
    // limit (a read-only probe of the es-48 access pattern from L2 on Zen 4: 25 GB/s with
    // 32-byte visits, 39 / 71 / 90 GB/s with 64 / 128 / 256). Unshuffle at 256 KiB, AVX2, ratio
    // to memcpy: es 40 0.37 -> 0.45, 48 0.38 -> 0.58, 96 0.33 -> 0.46 (blocks of 128 and 512
    // were slower than 256 at most sizes). A block's output is capped at 16 KiB so that the
    // lines each window writes a part of stay in L1 until the last window (es 255: 0.29 ->
    // 0.35, es 192 0.42 -> 0.45; 8 and 32 KiB caps were slower).
    const BLOCK_MAX: usize = 256;
    const BLOCK_BYTES: usize = 16384;
    let block = (BLOCK_BYTES / es).clamp(t, BLOCK_MAX) / t * t;
    if es > 16 {
        while i + block <= count {
            for c in groups(es).take(windows) {
                for q in (0..block).step_by(t) {
                    // SAFETY: i + q + t <= i + block <= count, and with es > 16 the last
                    // window ends at (i + q + t) * es <= body; forwarded caller contract.
                    unsafe { unshuffle_window::<V, P>(es, i + q, c, p, d) };
                }
            }
            i += block;
        }
    }
    while i + t <= count && (i + t - 1) * es + 16 <= body {
        for c in groups(es).take(windows) {
            // SAFETY: loop condition; forwarded caller contract.
            unsafe { unshuffle_window::<V, P>(es, i, c, p, d) };
        }
        i += t;
    }
    if es >= 16 && i < count && count >= t {
        // The last partial step: one more step ending at `count`, overlapping elements already
        // written (it writes them again with the same bytes), instead of the byte-by-byte
        // tail (es 192 at 256 KiB leaves 85 elements, 6% of the bytes, to the tail).
        let last = count - t;
        for c in groups(es).take(windows) {
            // SAFETY: last + t = count, and with es >= 16 the window ends at
            // count * es <= body; forwarded caller contract.
            unsafe { unshuffle_window::<V, P>(es, last, c, p, d) };
        }
        i = count;
    }
    if narrow_rest {
        for col in es - rest..es {
            // SAFETY: col < es and i <= count: bytes i_start..i of plane col (caller's
            // contract).
            let column =
                unsafe { core::slice::from_raw_parts(p.plane(col).add(i_start), i - i_start) };
            for (e, &b) in column.iter().enumerate() {
                dst[(i_start + e) * es + col] = b;
            }
        }
    }
    // SAFETY: forwarded caller contract; dst holds count * es bytes (check_elems).
    unsafe { unshuffle_tail_planes(es, count, i, p, dst) };
}

/// One step of [`unshuffle_tiled`]: the 16-column window at column `c` of the `16 * LANES`
/// elements at `i`.
///
/// # Safety
/// The CPU must support V's ISA; each plane `j < es` of `p` must have `i + 16 * LANES`
/// readable bytes; `d` must have `(i + 16 * LANES) * es` writable bytes when `es >= 16` and
/// `(i + 16 * LANES - 1) * es + 16` when `es < 16`; `c + min(es, 16) <= es`.
#[inline(always)]
unsafe fn unshuffle_window<V: Vector, P: Planes>(es: usize, i: usize, c: usize, p: P, d: *mut u8) {
    // SAFETY: V's ISA is guaranteed by the caller.
    let z = unsafe { V::zero() };
    let mut r = [z; 16];
    let w = es.min(16);
    for (j, col) in r.iter_mut().take(w).enumerate() {
        // SAFETY: reads plane c+j at i .. i + 16 * LANES: c + j < es, and the caller
        // guarantees those bytes.
        *col = unsafe { V::load(p.plane(c + j).add(i)) };
    }
    // SAFETY: V's ISA is guaranteed by the caller; row k's lane l goes to
    // dst[(i+k+16l)*es + c ..+16]. With es >= 16, c + 16 <= es, so the largest end is
    // (i + 16 * LANES) * es; with es < 16, c = 0 and the largest end is
    // (i + 16 * LANES - 1) * es + 16: both writable by the caller's contract.
    unsafe { store_tile_rows(r, d.add(i * es + c), es) };
}

/// Transposes the 16 columns `r` and stores row `k`'s lane `l` (element `k + 16 l` of the
/// tile, 16 bytes) at `o + (k + 16 l) * es`, lane by lane: all of lane 0's rows in increasing
/// address, then lane 1's. For `es < 16` each 16-byte store spills past its element into the
/// following ones, and this order lets the next element's store overwrite the spill. For
/// `es >= 16`, storing each row's lanes together (as this did before) alternated between two regions
/// `16 * es` bytes apart, and Intel cores commit two stores a cycle only when consecutive
/// stores fall in one cache line (Intel Xeon with AVX-512 under KVM, 256 KiB, AVX2 unshuffle,
/// GB/s: es 16 15.4 -> 22.6, 20 10.8 -> 16.2, 33 10.8 -> 15.8, 48 17.1 -> 20.3, 64 14.8 ->
/// 16.3; memcpy ~41).
///
/// # Safety
/// The CPU must support V's ISA; `o + (k + 16 l) * es .. + 16` must be writable for every
/// `k < 16` and lane `l`.
#[inline(always)]
unsafe fn store_tile_rows<V: Vector>(r: [V; 16], o: *mut u8, es: usize) {
    let mut out = r;
    // SAFETY: V's ISA is guaranteed by the caller.
    unsafe { transpose16(r, |k, row| out[k] = row) };
    for l in 0..V::LANES {
        for (k, row) in out.iter().enumerate() {
            // SAFETY: the caller's contract covers 16 bytes at o + (k + 16 l) * es.
            unsafe { row.store_lane(l, o.add((k + 16 * l) * es)) };
        }
    }
}

/// [`unshuffle_tiled`] for `es >= 16` when every plane starts at the same address modulo 2 KiB
/// (a stream stride that is a multiple of 2 KiB), in steps of `STAGE` elements; returns the
/// first element it did not do.
///
/// Such streams fall in one or two L1 sets, so the 16 streams a window reads (32 bytes each
/// per AVX2 tile) overflow the set's 8 ways and each line was fetched again for its other
/// half. Here each window's 16 streams are first copied, `STAGE` contiguous bytes per stream,
/// into a stack buffer whose rows are 64 bytes longer than `STAGE` (so they spread over
/// different sets), and the tiles are transposed from there. Measured on Zen 4 at 256 KiB,
/// AVX2, ratio to memcpy: es 32 0.23 -> 0.49, es 64 0.18 -> 0.43, es 16 0.40 -> 0.47 (with
/// 128-element stages: 0.44, 0.36, 0.42). Strides that spread over the sets lose by it (es 17:
/// 0.30 -> 0.24), so they keep the direct loads.
///
/// # Safety
/// The CPU must support V's ISA; each plane `j < es` of `p` must have `count` readable bytes,
/// `d` must be the buffer [`unshuffle_tiled`] checked with `check_elems`, and `es >= 16`.
#[inline(always)]
unsafe fn unshuffle_staged<V: Vector, P: Planes>(
    es: usize,
    count: usize,
    p: P,
    d: *mut u8,
) -> usize {
    const STAGE: usize = 256;
    const ROW: usize = STAGE + 64;
    let t = 16 * V::LANES;
    let n = STAGE / t;
    let mut buf = [0u8; 16 * ROW];
    let b = buf.as_mut_ptr();
    let mut i = 0;
    while i + STAGE <= count {
        for c in groups(es) {
            for j in 0..16 {
                for q in 0..n {
                    // SAFETY: reads plane c+j at i + q*t .. + t: c + j < es and
                    // i + STAGE <= count; writes buf[j*ROW + q*t .. + t], inside
                    // 15*ROW + STAGE < 16*ROW; V's ISA is guaranteed by the caller.
                    unsafe { V::load(p.plane(c + j).add(i + q * t)).store(b.add(j * ROW + q * t)) };
                }
            }
            for q in 0..n {
                // SAFETY: V's ISA is guaranteed by the caller.
                let z = unsafe { V::zero() };
                let mut r = [z; 16];
                for (j, col) in r.iter_mut().enumerate() {
                    // SAFETY: reads buf[j*ROW + q*t .. + t], written above.
                    *col = unsafe { V::load(b.add(j * ROW + q * t)) };
                }
                let e = i + q * t;
                // SAFETY: V's ISA is guaranteed by the caller; row k's lane l goes to
                // dst[(e+k+16l)*es + c ..+16] with c + 16 <= es, so the largest end is
                // (e+t)*es <= (i+STAGE)*es <= count*es.
                unsafe { store_tile_rows(r, d.add(e * es + c), es) };
            }
        }
        i += STAGE;
    }
    i
}

/// Element sizes the tiled kernels are compiled for with the size as a constant (row offsets
/// become immediates and the column windows unroll, and the shuffle pairs its tiles); every
/// other size runs the generic code. 96, 128 and 192 joined in session 12 (Zen 4, AVX2,
/// 256 KiB, ratio to memcpy, two runs each: shuffle 96 0.33-0.36 -> 0.41, 128 0.46-0.48 ->
/// 0.60-0.62, 192 0.24-0.27 -> 0.30; unshuffle level or better).
macro_rules! tiled_sizes {
    ($mac:ident) => {
        $mac!(9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 48 64 96 128 192)
    };
}

/// [`shuffle_tiled`] with a constant element size where [`tiled_sizes`] has one.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn shuffle_tiled_any<V: Vector>(
    es: usize,
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    macro_rules! go {
        ($($n:literal)*) => {
            match es {
                // SAFETY: forwarded caller contract.
                $($n => unsafe { shuffle_tiled::<V>($n, count, src, dst, stride, true) },)*
                // Sizes over 16 outside the list: `es.max(17)` (equal to `es` here) tells the
                // compiler that every 16-column window is full, which removes the per-column
                // bounds from the inlined tile code (unshuffle 33: 0.16 -> 0.39 of memcpy).
                // SAFETY: forwarded caller contract.
                _ if es > 16 => unsafe {
                    shuffle_tiled::<V>(es.max(17), count, src, dst, stride, false)
                },
                // SAFETY: forwarded caller contract.
                _ => unsafe { shuffle_tiled::<V>(es, count, src, dst, stride, false) },
            }
        };
    }
    tiled_sizes!(go)
}

/// [`unshuffle_tiled`] with a constant element size where [`tiled_sizes`] has one.
///
/// # Safety
/// As [`unshuffle_tiled`].
#[inline(always)]
pub(crate) unsafe fn unshuffle_tiled_any<V: Vector, P: Planes>(
    es: usize,
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    macro_rules! go {
        ($($n:literal)*) => {
            match es {
                // SAFETY: forwarded caller contract.
                $($n => unsafe { unshuffle_tiled::<V, P>($n, count, p, dst) },)*
                // As in `shuffle_tiled_any`: full windows for sizes over 16.
                // SAFETY: forwarded caller contract.
                _ if es > 16 => unsafe {
                    unshuffle_tiled::<V, P>(es.max(17), count, p, dst)
                },
                // SAFETY: forwarded caller contract.
                _ => unsafe { unshuffle_tiled::<V, P>(es, count, p, dst) },
            }
        };
    }
    tiled_sizes!(go)
}

/// Dedicated unshuffle for element sizes 2, 4 and 8 (unpack cascades; no `pshufb`).
///
/// # Safety
/// As [`unshuffle_tiled`].
#[inline(always)]
pub(crate) unsafe fn unshuffle_pow2<V: Vector, P: Planes>(
    es: usize,
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    match es {
        // SAFETY: forwarded caller contract.
        2 => unsafe { unshuffle_pow2_n::<V, P, 2>(count, p, dst) },
        // SAFETY: forwarded caller contract.
        4 => unsafe { unshuffle_pow2_n::<V, P, 4>(count, p, dst) },
        // SAFETY: forwarded caller contract.
        8 => unsafe { unshuffle_pow2_n::<V, P, 8>(count, p, dst) },
        _ => unreachable!("unshuffle_pow2: element size {es}"),
    }
}

/// [`unshuffle_pow2`] for one element size. The plane addresses are read once, before the
/// loop: with a run-time size and the addresses fetched per step, the loop re-tested the size
/// and (for planes at independent addresses) reloaded every address on each step (es 8 at
/// 256 KiB on Zen 4: 0.93 of memcpy strided, 0.91 from an address array).
#[inline(always)]
unsafe fn unshuffle_pow2_n<V: Vector, P: Planes, const ES: usize>(
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    check_elems(ES, count, dst.len());
    let t = 16 * V::LANES;
    let d = dst.as_mut_ptr();
    // SAFETY: j < ES, the number of planes.
    let base: [*const u8; ES] = core::array::from_fn(|j| unsafe { p.plane(j) });
    let mut i = 0;
    while i + t <= count {
        let o = d.wrapping_add(i * ES);
        let rs = 16 * ES;
        // SAFETY: plane loads read plane j at i .. i + t with j < ES and i + t <= count;
        // row stores write inside dst[i*ES .. (i+t)*ES] (lane l of a pair store at offset
        // o + 32q, q < ES/2, with stride 16*ES ends at o + 32q + 16*ES*(LANES-1) + 32 <=
        // (i+t)*ES);
        // V's ISA is guaranteed by the caller.
        unsafe {
            let ld = |j: usize| V::load(base[j].add(i));
            match ES {
                2 => {
                    let (s0, s1) = (ld(0), ld(1));
                    V::store_pair_rows(V::lo8(s0, s1), V::hi8(s0, s1), o, rs);
                }
                4 => {
                    let (s0, s1, s2, s3) = (ld(0), ld(1), ld(2), ld(3));
                    let a0 = V::lo8(s0, s1);
                    let a1 = V::hi8(s0, s1);
                    let a2 = V::lo8(s2, s3);
                    let a3 = V::hi8(s2, s3);
                    V::store_pairs_rows(
                        [
                            (V::lo16(a0, a2), V::hi16(a0, a2)),
                            (V::lo16(a1, a3), V::hi16(a1, a3)),
                        ],
                        o,
                        rs,
                    );
                }
                _ => {
                    let a0 = V::lo8(ld(0), ld(1));
                    let a1 = V::hi8(ld(0), ld(1));
                    let a2 = V::lo8(ld(2), ld(3));
                    let a3 = V::hi8(ld(2), ld(3));
                    let a4 = V::lo8(ld(4), ld(5));
                    let a5 = V::hi8(ld(4), ld(5));
                    let a6 = V::lo8(ld(6), ld(7));
                    let a7 = V::hi8(ld(6), ld(7));
                    let b0 = V::lo16(a0, a2);
                    let b1 = V::hi16(a0, a2);
                    let b2 = V::lo16(a1, a3);
                    let b3 = V::hi16(a1, a3);
                    let b4 = V::lo16(a4, a6);
                    let b5 = V::hi16(a4, a6);
                    let b6 = V::lo16(a5, a7);
                    let b7 = V::hi16(a5, a7);
                    V::store_pairs_rows(
                        [
                            (V::lo32(b0, b4), V::hi32(b0, b4)),
                            (V::lo32(b1, b5), V::hi32(b1, b5)),
                            (V::lo32(b2, b6), V::hi32(b2, b6)),
                            (V::lo32(b3, b7), V::hi32(b3, b7)),
                        ],
                        o,
                        rs,
                    );
                }
            }
        }
        i += t;
    }
    // SAFETY: forwarded caller contract; dst holds count * ES bytes (check_elems).
    unsafe { unshuffle_tail_planes(ES, count, i, p, dst) };
}

/// Dedicated shuffle for element sizes 2, 4 and 8: `pshufb` groups each lane's bytes by byte
/// index, then an unpack cascade gathers the groups across lanes-rows.
///
/// Two blocks of `16 * LANES` elements are transposed before any store, and each stream gets
/// both of its vectors back to back: with AVX2 that writes 64 contiguous bytes (a whole cache
/// line when the stream is line-aligned) per stream before moving on. When the stream stride
/// is a multiple of 4 KiB (the common power-of-two block) every stream maps to the same L1
/// set, and writing half a line per stream per block let the line be evicted between its two
/// halves: es 8 at 256 KiB went from 0.35 to 0.5 of memcpy on Zen 4.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn shuffle_pow2<V: Pshufb>(
    es: usize,
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    match es {
        // SAFETY: forwarded caller contract.
        2 => unsafe { shuffle_pow2_n::<V, 2>(count, src, dst, stride) },
        // SAFETY: forwarded caller contract.
        4 => unsafe { shuffle_pow2_n::<V, 4>(count, src, dst, stride) },
        // SAFETY: forwarded caller contract.
        8 => unsafe { shuffle_pow2_n::<V, 8>(count, src, dst, stride) },
        _ => unreachable!("shuffle_pow2: element size {es}"),
    }
}

/// One block of [`shuffle_pow2`]: the `16 * LANES` elements of `ES` bytes at `p` (lane `l`:
/// elements `16 * l ..`) as `ES` stream vectors. `m` is the in-lane byte grouping control.
///
/// # Safety
/// The CPU must support V's ISA; `16 * LANES * ES` bytes must be readable at `p`.
#[inline(always)]
unsafe fn shuffle_pow2_block<V: Pshufb, const ES: usize>(p: *const u8, m: V) -> [V; ES] {
    // SAFETY: lane l of load k reads p[16k + 16*ES*l ..+16] with k < ES: inside the caller's
    // 16 * LANES * ES bytes; V's ISA is guaranteed by the caller.
    unsafe {
        let x = |k: usize| V::load_rows(p.add(16 * k), 16 * ES).pshufb(m);
        let z = V::zero();
        let mut out = [z; ES];
        match ES {
            2 => {
                let (x0, x1) = (x(0), x(1));
                out[0] = V::lo64(x0, x1);
                out[1] = V::hi64(x0, x1);
            }
            4 => {
                let (x0, x1, x2, x3) = (x(0), x(1), x(2), x(3));
                let t0 = V::lo32(x0, x1);
                let t1 = V::hi32(x0, x1);
                let t2 = V::lo32(x2, x3);
                let t3 = V::hi32(x2, x3);
                out[0] = V::lo64(t0, t2);
                out[1] = V::hi64(t0, t2);
                out[2] = V::lo64(t1, t3);
                out[3] = V::hi64(t1, t3);
            }
            _ => {
                let s0 = V::lo16(x(0), x(1));
                let s1 = V::hi16(x(0), x(1));
                let s2 = V::lo16(x(2), x(3));
                let s3 = V::hi16(x(2), x(3));
                let s4 = V::lo16(x(4), x(5));
                let s5 = V::hi16(x(4), x(5));
                let s6 = V::lo16(x(6), x(7));
                let s7 = V::hi16(x(6), x(7));
                let t0 = V::lo32(s0, s2);
                let t1 = V::hi32(s0, s2);
                let t2 = V::lo32(s1, s3);
                let t3 = V::hi32(s1, s3);
                let t4 = V::lo32(s4, s6);
                let t5 = V::hi32(s4, s6);
                let t6 = V::lo32(s5, s7);
                let t7 = V::hi32(s5, s7);
                out[0] = V::lo64(t0, t4);
                out[1] = V::hi64(t0, t4);
                out[2] = V::lo64(t1, t5);
                out[3] = V::hi64(t1, t5);
                out[4] = V::lo64(t2, t6);
                out[5] = V::hi64(t2, t6);
                out[6] = V::lo64(t3, t7);
                out[7] = V::hi64(t3, t7);
            }
        }
        out
    }
}

/// [`shuffle_pow2`] for a constant element size.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
unsafe fn shuffle_pow2_n<V: Pshufb, const ES: usize>(
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    check_streams(ES, count, src.len(), dst.len(), stride);
    let t = 16 * V::LANES;
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    const M2: [u8; 16] = [0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15];
    const M4: [u8; 16] = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
    const M8: [u8; 16] = [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15];
    // SAFETY: V's ISA is guaranteed by the caller.
    let m = unsafe {
        V::splat_lane(match ES {
            2 => &M2,
            4 => &M4,
            _ => &M8,
        })
    };
    let mut i = 0;
    while i + 2 * t <= count {
        // SAFETY: the blocks read src[i*ES .. (i+2t)*ES], inside count*ES <= src.len(); stream
        // j's stores write dst[j*stride + i .. + 2t] with j < ES and i + 2t <= count, inside
        // (ES-1)*stride + count <= dst.len(); V's ISA is guaranteed by the caller.
        unsafe {
            let a = shuffle_pow2_block::<V, ES>(s.add(i * ES), m);
            let b = shuffle_pow2_block::<V, ES>(s.add((i + t) * ES), m);
            for j in 0..ES {
                a[j].store(d.add(j * stride + i));
                b[j].store(d.add(j * stride + i + t));
            }
        }
        i += 2 * t;
    }
    while i + t <= count {
        // SAFETY: as above with one block: src[i*ES .. (i+t)*ES] and dst[j*stride + i .. + t].
        unsafe {
            let a = shuffle_pow2_block::<V, ES>(s.add(i * ES), m);
            for (j, v) in a.iter().enumerate() {
                v.store(d.add(j * stride + i));
            }
        }
        i += t;
    }
    shuffle_tail(ES, count, i, src, dst, stride);
}

/// Byte-wise bit operations for the bitshuffle kernels.
pub(crate) trait Bits: Vector {
    /// `b` in every byte.
    unsafe fn splat8(b: u8) -> Self;
    unsafe fn and(self, b: Self) -> Self;
    unsafe fn xor(self, b: Self) -> Self;
    /// Logical shift right of every 16-bit lane by `S`.
    unsafe fn srl16<const S: i32>(self) -> Self;
    /// Shift left of every 16-bit lane by `S`.
    unsafe fn sll16<const S: i32>(self) -> Self;
}

/// Swaps bit `k + S` of every byte of `x[a]` with bit `k` of the same byte of `x[c]`, for every bit
/// `k` selected by `m` (the bits whose `S` bit is clear): one stage of [`bit_transpose8`].
#[inline(always)]
unsafe fn bit_swap<V: Bits, const S: i32>(x: &mut [V; 8], a: usize, c: usize, m: V) {
    // SAFETY: the caller guarantees V's ISA; no memory access. The 16-bit shifts only move bits
    // across a byte boundary at positions `m` clears (right) or never sets (left).
    unsafe {
        let t = x[a].srl16::<S>().xor(x[c]).and(m);
        x[c] = x[c].xor(t);
        x[a] = x[a].xor(t.sll16::<S>());
    }
}

/// Transposes, at every byte position, the 8x8 bit matrix whose row `r` is that byte of `x[r]`
/// (bit `c` = column `c`): afterwards bit `c` of `x[r]` is the old bit `r` of `x[c]`. Three
/// stages swap the off-diagonal 1x1, 2x2 and 4x4 blocks.
#[inline(always)]
unsafe fn bit_transpose8<V: Bits>(x: &mut [V; 8]) {
    // SAFETY: the caller guarantees V's ISA; no memory access.
    unsafe {
        let m = V::splat8(0x55);
        for a in [0, 2, 4, 6] {
            bit_swap::<V, 1>(x, a, a + 1, m);
        }
        let m = V::splat8(0x33);
        for a in [0, 1, 4, 5] {
            bit_swap::<V, 2>(x, a, a + 2, m);
        }
        let m = V::splat8(0x0f);
        for a in [0, 1, 2, 3] {
            bit_swap::<V, 4>(x, a, a + 4, m);
        }
    }
}

/// One round of the 8-register byte transpose: `(x_j, x_{j+4})` become `(lo8, hi8)` at
/// `2j, 2j + 1`, which rotates the 7-bit address (register, byte in lane) left by one bit.
#[inline(always)]
unsafe fn rotate8<V: Vector>(x: [V; 8]) -> [V; 8] {
    // SAFETY: the caller guarantees V's ISA; no memory access.
    unsafe {
        [
            V::lo8(x[0], x[4]),
            V::hi8(x[0], x[4]),
            V::lo8(x[1], x[5]),
            V::hi8(x[1], x[5]),
            V::lo8(x[2], x[6]),
            V::hi8(x[2], x[6]),
            V::lo8(x[3], x[7]),
            V::hi8(x[3], x[7]),
        ]
    }
}

/// Checks the row layout of the bit-row kernels: `plane` holds `w` words and row `b` of `rows`
/// is `rows[b * stride..b * stride + w]`.
#[inline(always)]
fn check_rows(w: usize, plane: usize, rows: usize, stride: usize) {
    assert!(stride >= w, "bit rows: row stride shorter than the row");
    assert!(plane >= 8 * w, "bit rows: plane too short");
    assert!(rows >= 7 * stride + w, "bit rows: row buffer too short");
}

/// Bit rows of one byte plane: `plane` holds `8 * w` bytes (byte `e` = a byte of element `e`);
/// row `b` (`rows[b * stride..][..w]`) gets bit `b` of every byte, LSB-first (element `8q + i`
/// at bit `i` of byte `q`).
///
/// Per `16 * LANES` words: 8 loads, a 4-round byte transpose (register `i`, byte `q` = plane
/// byte `8q + i`), a bit transpose across the 8 registers, and one store per row.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn bit_rows<V: Bits>(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
    check_rows(w, plane.len(), rows.len(), stride);
    let t = 16 * V::LANES;
    let s = plane.as_ptr();
    let d = rows.as_mut_ptr();
    let mut i = 0;
    while i + t <= w {
        // SAFETY: lane l of load k reads plane[8i + 16k + 128l ..+16], whose largest end is
        // 8(i + t) <= 8w <= plane.len(); register b's store writes rows[b*stride + i .. + t],
        // inside 7*stride + w; V's ISA is guaranteed by the caller.
        unsafe {
            let p = s.add(8 * i);
            let z = V::zero();
            let mut x = [z; 8];
            for (k, v) in x.iter_mut().enumerate() {
                *v = V::load_rows(p.add(16 * k), 128);
            }
            let mut x = rotate8(rotate8(rotate8(rotate8(x))));
            bit_transpose8(&mut x);
            for (b, v) in x.iter().enumerate() {
                v.store(d.add(b * stride + i));
            }
        }
        i += t;
    }
    for q in i..w {
        let mut word = [0u8; 8];
        word.copy_from_slice(&plane[8 * q..8 * q + 8]);
        let v = crate::bitshuffle::transpose8x8(u64::from_le_bytes(word)).to_le_bytes();
        for (b, &byte) in v.iter().enumerate() {
            rows[b * stride + q] = byte;
        }
    }
}

/// Inverse of [`bit_rows`]: rows `b * stride..` of `w` bytes back into the `8 * w`-byte plane.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn bit_unrows<V: Bits>(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
    check_rows(w, plane.len(), rows.len(), stride);
    let t = 16 * V::LANES;
    let s = rows.as_ptr();
    let d = plane.as_mut_ptr();
    let mut i = 0;
    while i + t <= w {
        // SAFETY: load b reads rows[b*stride + i .. + t], inside 7*stride + w; lane l of store
        // k writes plane[8i + 16k + 128l ..+16], whose largest end is 8(i + t) <= plane.len();
        // V's ISA is guaranteed by the caller.
        unsafe {
            let z = V::zero();
            let mut x = [z; 8];
            for (b, v) in x.iter_mut().enumerate() {
                *v = V::load(s.add(b * stride + i));
            }
            bit_transpose8(&mut x);
            let x = rotate8(rotate8(rotate8(x)));
            let p = d.add(8 * i);
            for (k, v) in x.iter().enumerate() {
                v.store_rows(p.add(16 * k), 128);
            }
        }
        i += t;
    }
    for q in i..w {
        let mut v = [0u8; 8];
        for (b, byte) in v.iter_mut().enumerate() {
            *byte = rows[b * stride + q];
        }
        let word = crate::bitshuffle::transpose8x8(u64::from_le_bytes(v)).to_le_bytes();
        plane[8 * q..8 * q + 8].copy_from_slice(&word);
    }
}

/// 8x8 bit-matrix transpose of every `u64` (byte `r`, bit `c` <-> byte `c`, bit `r`), written
/// as plain shifts and masks so that each ISA's instantiation auto-vectorizes it.
#[inline(always)]
pub(crate) fn bit_transpose_u64(words: &mut [u64]) {
    for w in words.iter_mut() {
        *w = crate::bitshuffle::transpose8x8(*w);
    }
}

/// Gather-shuffle for small odd element sizes (the per-ISA entry picks them; AVX2 uses it for
/// 3, 5, 6 and 7 only: from 9 up the `es * es` controls no longer fit in registers and the
/// constant-size 16x16 tile is faster): 16 elements of a lane are `es`
/// 16-byte vectors `X_v`; stream `j`'s 16 bytes are `OR_v pshufb(X_v, M[j][v])`, where
/// `M[j][v]` picks byte `i * es + j` when it lies in `X_v` and zeroes the rest.
///
/// # Safety
/// The CPU must support V's ISA.
#[inline(always)]
pub(crate) unsafe fn shuffle_gather<V: Pshufb>(
    es: usize,
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    macro_rules! go {
        ($($n:literal)*) => {
            match es {
                // SAFETY: forwarded caller contract.
                $($n => unsafe { shuffle_gather_n::<V, $n>(count, src, dst, stride) },)*
                _ => unreachable!("shuffle_gather: element size {es}"),
            }
        };
    }
    go!(3 5 6 7 9 10 11 12 13 14 15)
}

/// The `es x es` pshufb controls of the gather kernels; `forward` for shuffle (`[j][v]`: bytes of
/// stream `j` found in input vector `v`), otherwise for unshuffle (`[v][j]`: bytes of output
/// vector `v` found in stream `j`).
fn gather_masks<const ES: usize>(forward: bool) -> [[[u8; 16]; ES]; ES] {
    let mut m = [[[0x80u8; 16]; ES]; ES];
    for (a, row) in m.iter_mut().enumerate() {
        for (b, mask) in row.iter_mut().enumerate() {
            for (p, byte) in mask.iter_mut().enumerate() {
                if forward {
                    // Stream a, element p: input byte p*ES + a.
                    let pos = p * ES + a;
                    if pos / 16 == b {
                        *byte = (pos % 16) as u8;
                    }
                } else {
                    // Output vector a, byte p: element (16a+p)/ES, byte (16a+p)%ES.
                    let pos = 16 * a + p;
                    if pos % ES == b {
                        *byte = (pos / ES) as u8;
                    }
                }
            }
        }
    }
    m
}

#[inline(always)]
unsafe fn shuffle_gather_n<V: Pshufb, const ES: usize>(
    count: usize,
    src: &[u8],
    dst: &mut [u8],
    stride: usize,
) {
    check_streams(ES, count, src.len(), dst.len(), stride);
    let t = 16 * V::LANES;
    let raw = gather_masks::<ES>(true);
    // SAFETY: V's ISA is guaranteed by the caller.
    let z = unsafe { V::zero() };
    let mut m = [[z; ES]; ES];
    for (mr, rr) in m.iter_mut().zip(raw.iter()) {
        for (mv, rv) in mr.iter_mut().zip(rr.iter()) {
            // SAFETY: V's ISA is guaranteed by the caller.
            *mv = unsafe { V::splat_lane(rv) };
        }
    }
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + t <= count {
        let mut x = [z; ES];
        for (v, xv) in x.iter_mut().enumerate() {
            // SAFETY: lane l reads src[(i + 16l)*ES + 16v ..+16], 16v + 16 <= 16*ES, so the
            // largest end is (i+t)*ES <= src.len().
            *xv = unsafe { V::load_rows(s.add(i * ES + 16 * v), 16 * ES) };
        }
        for (j, mj) in m.iter().enumerate() {
            // Stream j draws from input vectors j/16 ..= (15*ES + j)/16 only.
            let hi = (15 * ES + j) / 16;
            // SAFETY: V's ISA is guaranteed by the caller.
            let mut acc = unsafe { x[0].pshufb(mj[0]) };
            for v in 1..=hi {
                // SAFETY: V's ISA is guaranteed by the caller.
                acc = unsafe { acc.or(x[v].pshufb(mj[v])) };
            }
            // SAFETY: writes dst[j*stride + i .. + t], j < ES, i + t <= count.
            unsafe { acc.store(d.add(j * stride + i)) };
        }
        i += t;
    }
    shuffle_tail(ES, count, i, src, dst, stride);
}

/// Inverse of [`shuffle_gather`].
///
/// # Safety
/// As [`unshuffle_tiled`].
#[inline(always)]
pub(crate) unsafe fn unshuffle_gather<V: Pshufb, P: Planes>(
    es: usize,
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    macro_rules! go {
        ($($n:literal)*) => {
            match es {
                // SAFETY: forwarded caller contract.
                $($n => unsafe { unshuffle_gather_n::<V, P, $n>(count, p, dst) },)*
                _ => unreachable!("unshuffle_gather: element size {es}"),
            }
        };
    }
    go!(3 5 6 7 9 10 11 12 13 14 15)
}

#[inline(always)]
unsafe fn unshuffle_gather_n<V: Pshufb, P: Planes, const ES: usize>(
    count: usize,
    p: P,
    dst: &mut [u8],
) {
    check_elems(ES, count, dst.len());
    let t = 16 * V::LANES;
    let raw = gather_masks::<ES>(false);
    // SAFETY: V's ISA is guaranteed by the caller.
    let z = unsafe { V::zero() };
    let mut m = [[z; ES]; ES];
    for (mr, rr) in m.iter_mut().zip(raw.iter()) {
        for (mv, rv) in mr.iter_mut().zip(rr.iter()) {
            // SAFETY: V's ISA is guaranteed by the caller.
            *mv = unsafe { V::splat_lane(rv) };
        }
    }
    let d = dst.as_mut_ptr();
    // SAFETY: j < ES, the number of planes.
    let base: [*const u8; ES] = core::array::from_fn(|j| unsafe { p.plane(j) });
    let mut i = 0;
    while i + t <= count {
        let mut x = [z; ES];
        for (j, xj) in x.iter_mut().enumerate() {
            // SAFETY: reads plane j at i .. i + t, j < ES, i + t <= count.
            *xj = unsafe { V::load(base[j].add(i)) };
        }
        for (v, mv) in m.iter().enumerate() {
            // SAFETY: V's ISA is guaranteed by the caller.
            let mut acc = unsafe { x[0].pshufb(mv[0]) };
            for j in 1..ES {
                // SAFETY: V's ISA is guaranteed by the caller.
                acc = unsafe { acc.or(x[j].pshufb(mv[j])) };
            }
            // SAFETY: lane l writes dst[(i + 16l)*ES + 16v ..+16]; the largest end is
            // (i+t)*ES <= dst.len().
            unsafe { acc.store_rows(d.add(i * ES + 16 * v), 16 * ES) };
        }
        i += t;
    }
    // SAFETY: forwarded caller contract; dst holds count * ES bytes (check_elems).
    unsafe { unshuffle_tail_planes(ES, count, i, p, dst) };
}

/// A 4-lane [`Vector`] built from four SSE registers: it runs the generic algorithms with the
/// lane structure of AVX-512 (`LANES = 4`) on any x86-64 CPU, so the AVX-512 instantiations'
/// logic is tested here even without AVX-512 hardware.
#[cfg(test)]
mod quad {
    use super::{Pshufb, Vector};
    use core::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub(super) struct Quad([__m128i; 4]);

    macro_rules! binop {
        ($name:ident, $intr:ident) => {
            #[inline(always)]
            unsafe fn $name(a: Self, b: Self) -> Self {
                // SAFETY: SSE2 is part of x86-64; no pointer arguments.
                unsafe {
                    Quad([
                        $intr(a.0[0], b.0[0]),
                        $intr(a.0[1], b.0[1]),
                        $intr(a.0[2], b.0[2]),
                        $intr(a.0[3], b.0[3]),
                    ])
                }
            }
        };
    }

    impl Vector for Quad {
        const LANES: usize = 4;
        unsafe fn zero() -> Self {
            // SAFETY: SSE2.
            unsafe { Quad([_mm_setzero_si128(); 4]) }
        }
        unsafe fn load(p: *const u8) -> Self {
            // SAFETY: the caller guarantees 64 readable bytes at p.
            unsafe { Self::load_rows(p, 16) }
        }
        unsafe fn store(self, p: *mut u8) {
            // SAFETY: the caller guarantees 64 writable bytes at p.
            unsafe { self.store_rows(p, 16) }
        }
        unsafe fn load_rows(p: *const u8, stride: usize) -> Self {
            // SAFETY: the caller guarantees 16 readable bytes at p + l * stride, l < 4.
            unsafe {
                Quad([
                    _mm_loadu_si128(p.cast()),
                    _mm_loadu_si128(p.add(stride).cast()),
                    _mm_loadu_si128(p.add(2 * stride).cast()),
                    _mm_loadu_si128(p.add(3 * stride).cast()),
                ])
            }
        }
        unsafe fn store_rows(self, p: *mut u8, stride: usize) {
            for l in 0..4 {
                // SAFETY: the caller guarantees 16 writable bytes at p + l * stride.
                unsafe { _mm_storeu_si128(p.add(l * stride).cast(), self.0[l]) };
            }
        }
        unsafe fn store_lane(self, l: usize, p: *mut u8) {
            // SAFETY: the caller guarantees 16 writable bytes at p.
            unsafe { _mm_storeu_si128(p.cast(), self.0[l]) };
        }
        binop!(lo8, _mm_unpacklo_epi8);
        binop!(hi8, _mm_unpackhi_epi8);
        binop!(lo16, _mm_unpacklo_epi16);
        binop!(hi16, _mm_unpackhi_epi16);
        binop!(lo32, _mm_unpacklo_epi32);
        binop!(hi32, _mm_unpackhi_epi32);
        binop!(lo64, _mm_unpacklo_epi64);
        binop!(hi64, _mm_unpackhi_epi64);
    }

    impl Pshufb for Quad {
        unsafe fn splat_lane(m: &[u8; 16]) -> Self {
            // SAFETY: m is 16 readable bytes.
            unsafe { Quad([_mm_loadu_si128(m.as_ptr().cast()); 4]) }
        }
        unsafe fn pshufb(self, m: Self) -> Self {
            // SAFETY: the caller (an ssse3 function, see the test) guarantees SSSE3.
            unsafe { binop_ssse3(self, m) }
        }
        unsafe fn or(self, b: Self) -> Self {
            // SAFETY: SSE2.
            unsafe {
                Quad([
                    _mm_or_si128(self.0[0], b.0[0]),
                    _mm_or_si128(self.0[1], b.0[1]),
                    _mm_or_si128(self.0[2], b.0[2]),
                    _mm_or_si128(self.0[3], b.0[3]),
                ])
            }
        }
    }

    macro_rules! shift {
        ($name:ident, $intr:ident) => {
            unsafe fn $name<const S: i32>(self) -> Self {
                // SAFETY: SSE2; no pointer arguments.
                unsafe {
                    Quad([
                        $intr::<S>(self.0[0]),
                        $intr::<S>(self.0[1]),
                        $intr::<S>(self.0[2]),
                        $intr::<S>(self.0[3]),
                    ])
                }
            }
        };
    }

    impl super::Bits for Quad {
        unsafe fn splat8(b: u8) -> Self {
            // SAFETY: SSE2.
            unsafe { Quad([_mm_set1_epi8(b as i8); 4]) }
        }
        unsafe fn and(self, b: Self) -> Self {
            // SAFETY: SSE2.
            unsafe {
                Quad([
                    _mm_and_si128(self.0[0], b.0[0]),
                    _mm_and_si128(self.0[1], b.0[1]),
                    _mm_and_si128(self.0[2], b.0[2]),
                    _mm_and_si128(self.0[3], b.0[3]),
                ])
            }
        }
        unsafe fn xor(self, b: Self) -> Self {
            // SAFETY: SSE2.
            unsafe {
                Quad([
                    _mm_xor_si128(self.0[0], b.0[0]),
                    _mm_xor_si128(self.0[1], b.0[1]),
                    _mm_xor_si128(self.0[2], b.0[2]),
                    _mm_xor_si128(self.0[3], b.0[3]),
                ])
            }
        }
        shift!(srl16, _mm_srli_epi16);
        shift!(sll16, _mm_slli_epi16);
    }

    #[test]
    fn four_lane_bit_rows_match_scalar() {
        // Plane lengths around the 64-word step, rows with slack between them.
        for w in (0..140).chain([255, 256, 257]) {
            let stride = w + 3;
            let plane: Vec<u8> = (0..8 * w).map(|i| (i * 29 + i / 97) as u8).collect();
            let mut want = vec![0u8; 8 * stride];
            for q in 0..w {
                let word = u64::from_le_bytes(plane[8 * q..8 * q + 8].try_into().unwrap());
                let t = crate::bitshuffle::transpose8x8(word).to_le_bytes();
                for b in 0..8 {
                    want[b * stride + q] = t[b];
                }
            }
            let mut got = vec![0u8; 8 * stride];
            // SAFETY: Quad needs SSE2 only.
            unsafe { super::bit_rows::<Quad>(w, &plane, &mut got, stride) };
            assert_eq!(got, want, "4-lane bit rows w {w}");
            let mut back = vec![0u8; 8 * w];
            // SAFETY: as above.
            unsafe { super::bit_unrows::<Quad>(w, &want, stride, &mut back) };
            assert_eq!(back, plane, "4-lane bit unrows w {w}");
        }
    }

    #[inline(always)]
    unsafe fn binop_ssse3(a: Quad, m: Quad) -> Quad {
        // SAFETY: only reached from `run_ssse3`, which runs with SSSE3 enabled.
        unsafe {
            Quad([
                _mm_shuffle_epi8(a.0[0], m.0[0]),
                _mm_shuffle_epi8(a.0[1], m.0[1]),
                _mm_shuffle_epi8(a.0[2], m.0[2]),
                _mm_shuffle_epi8(a.0[3], m.0[3]),
            ])
        }
    }

    #[target_feature(enable = "ssse3")]
    fn run_ssse3(es: usize, src: &[u8], dst: &mut [u8], back: &mut [u8]) {
        let count = src.len() / es;
        let n = count * es;
        // SAFETY: SSSE3 is enabled for this function (the test checks the CPU has it).
        unsafe {
            match es {
                2 | 4 | 8 => {
                    super::shuffle_pow2::<Quad>(es, count, &src[..n], &mut dst[..n], count)
                }
                3 | 5 | 6 | 7 | 9 => {
                    super::shuffle_gather::<Quad>(es, count, &src[..n], &mut dst[..n], count)
                }
                _ => super::shuffle_tiled::<Quad>(es, count, &src[..n], &mut dst[..n], count, true),
            }
            // Every plane has count readable bytes: dst holds es * count.
            let p = crate::shuffle::Strided {
                base: dst.as_ptr(),
                stride: count,
            };
            match es {
                2 | 4 | 8 => super::unshuffle_pow2::<Quad, _>(es, count, p, &mut back[..n]),
                3 | 5 | 6 | 7 | 9 | 10 | 11 => {
                    super::unshuffle_gather::<Quad, _>(es, count, p, &mut back[..n])
                }
                _ => super::unshuffle_tiled::<Quad, _>(es, count, p, &mut back[..n]),
            }
        }
    }

    #[test]
    fn four_lane_algorithms_match_scalar() {
        if !std::is_x86_feature_detected!("ssse3") {
            eprintln!("skipped: no SSSE3");
            return;
        }
        for es in (2..=33).chain([48, 64]) {
            for count in (0..200).chain([257, 300, 513, 2048]) {
                let len = count * es;
                let src: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
                let mut want = vec![0u8; len];
                crate::shuffle::shuffle_scalar(es, &src, &mut want);
                let mut got = vec![0u8; len];
                let mut back = vec![0u8; len];
                // SAFETY: SSSE3 was detected above.
                unsafe { run_ssse3(es, &src, &mut got, &mut back) };
                assert_eq!(got, want, "4-lane shuffle es {es} count {count}");
                assert_eq!(back, src, "4-lane unshuffle es {es} count {count}");
            }
        }
    }
}
