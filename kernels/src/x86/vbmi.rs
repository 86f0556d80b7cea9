//! AVX-512 VBMI byte shuffle of 2-, 4- and 8-byte elements, 64 elements per step.
//!
//! `vpermt2b` picks each of its 64 output bytes from any of the 128 bytes of two vectors, so
//! one instruction gathers a whole 64-byte stream vector (es 2), two 32-byte stream halves (es 4)
//! or four 16-byte stream quarters (es 8) from two loaded vectors; a 128-bit lane shuffle
//! (`vshufi64x2`) round joins the parts for es 4 and 8. The AVX2 and 512-bit `pshufb` kernels
//! need cross-row loads (a 16-byte load and an insert per lane), an in-lane `pshufb` and an
//! unpack cascade for the same work. Every load and store is a full 64-byte vector, and each
//! stream gets one whole 64-byte vector per step; the last partial step uses masked loads and
//! stores (masked-off bytes are neither read nor written), so there is no scalar tail.
//!
//! Measured on this project's Intel Xeon (AVX-512 with VBMI, KVM), 256 KiB, ratio to memcpy,
//! three alternating runs against the previous kernels: es 2 0.91-0.92 -> 0.97-0.98, es 4
//! 0.88-0.90 -> 0.92-0.96, es 8 0.76-0.77 -> 0.79-0.81. Used only on Intel CPUs with VBMI (see
//! `usable`); other CPUs keep the kernels measured on them (on Zen 4, which splits 512-bit
//! operations in two, the 512-bit forms of es 2 and 4 had lost to AVX2). The inverse (unshuffle
//! with the same permutes) measured level with or slower than the AVX2 unshuffle here (es 4 at
//! 256 KiB: 38.5-38.9 vs 39.2-39.6 GB/s), so it is not kept.

use core::arch::x86_64::*;

/// Whether the VBMI kernels run here: the CPU has AVX-512 VBMI (with F and BW, which the
/// caller's AVX-512 table already requires) and is an Intel one.
#[inline]
pub(crate) fn usable() -> bool {
    std::is_x86_feature_detected!("avx512vbmi") && super::intel()
}

/// `vpermt2b` control: output byte `k` is input byte `f(k)` of the 128-byte pair (`0..64` the
/// first vector, `64..128` the second).
type Table = [u8; 64];

const fn table(es: usize, half: usize) -> Table {
    let mut t = [0u8; 64];
    let mut k = 0;
    // One call covers the `per = 128 / es` elements of the loaded pair for the `es / 2`
    // streams `half * es / 2 ..` (`per` bytes each): output byte `k` is byte
    // `half * es / 2 + k / per` of element `k % per`.
    let per = 128 / es;
    while k < 64 {
        t[k] = (es * (k % per) + half * es / 2 + k / per) as u8;
        k += 1;
    }
    t
}

const SHUF2: [Table; 2] = [table(2, 0), table(2, 1)];
const SHUF4: [Table; 2] = [table(4, 0), table(4, 1)];
const SHUF8: [Table; 2] = [table(8, 0), table(8, 1)];

/// Mask of the first `n` of 64 bytes (all for `n >= 64`).
#[inline(always)]
fn mask(n: usize) -> u64 {
    if n >= 64 {
        !0
    } else {
        (1u64 << n) - 1
    }
}

/// The 64 bytes at `p` under `mask(n)`: a plain load when `FULL` (then `n >= 64`), a zero
/// vector when `n == 0`.
///
/// # Safety
/// AVX-512 F+BW; the first `min(n, 64)` bytes at `p` readable.
#[inline(always)]
unsafe fn load<const FULL: bool>(p: *const u8, n: usize) -> __m512i {
    // SAFETY: the caller's contract; a masked load reads only the bytes its mask selects.
    unsafe {
        if FULL {
            _mm512_loadu_si512(p.cast())
        } else if n == 0 {
            _mm512_setzero_si512()
        } else {
            _mm512_maskz_loadu_epi8(mask(n), p.cast())
        }
    }
}

/// Stores the first `min(n, 64)` bytes of `v` at `p` (all 64 when `FULL`).
///
/// # Safety
/// AVX-512 F+BW; the first `min(n, 64)` bytes at `p` writable.
#[inline(always)]
unsafe fn store<const FULL: bool>(p: *mut u8, n: usize, v: __m512i) {
    // SAFETY: the caller's contract; a masked store writes only the bytes its mask selects.
    unsafe {
        if FULL {
            _mm512_storeu_si512(p.cast(), v)
        } else if n != 0 {
            _mm512_mask_storeu_epi8(p.cast(), mask(n), v)
        }
    }
}

/// `vpermt2b` of `a` and `b` under table `t`.
///
/// # Safety
/// AVX-512 VBMI.
#[inline(always)]
unsafe fn perm(a: __m512i, t: &Table, b: __m512i) -> __m512i {
    // SAFETY: the caller guarantees VBMI; `t` is 64 readable bytes.
    unsafe { _mm512_permutex2var_epi8(a, _mm512_loadu_si512(t.as_ptr().cast()), b) }
}

/// Shuffle of `count` elements of `es` (2, 4 or 8) bytes into streams `stride` apart.
///
/// # Safety
/// The CPU must support AVX-512 F, BW and VBMI.
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
pub(crate) unsafe fn shuffle(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    super::check_streams(es, count, src.len(), dst.len(), stride);
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 64 <= count {
        // SAFETY: VBMI is enabled here; elements i .. i + 64 are inside src and every stream
        // (check_streams).
        unsafe { shuffle_step::<true>(es, s, d, stride, i, 64) };
        i += 64;
    }
    if i < count {
        // SAFETY: as above for the count - i < 64 elements left; the masked loads and stores
        // touch only those.
        unsafe { shuffle_step::<false>(es, s, d, stride, i, count - i) };
    }
}

/// Elements `i .. i + n` (`n <= 64`, `n == 64` when `FULL`) of [`shuffle`].
///
/// # Safety
/// VBMI; `src[i*es .. (i+n)*es]` readable at `s`, `j*stride + i .. + n` writable at `d` for
/// `j < es`.
#[inline(always)]
unsafe fn shuffle_step<const FULL: bool>(
    es: usize,
    s: *const u8,
    d: *mut u8,
    stride: usize,
    i: usize,
    n: usize,
) {
    let p = s.wrapping_add(i * es);
    let bytes = n * es;
    // Load k covers input bytes 64k .. 64k + 64 of the step.
    let ld = |k: usize| {
        // SAFETY: the caller's contract covers bytes .. bytes of the step, and `load` reads
        // only the first bytes - 64k of them (none when that is 0 or less).
        unsafe { load::<FULL>(p.wrapping_add(64 * k), bytes.saturating_sub(64 * k)) }
    };
    // SAFETY: stream j's store writes j*stride + i .. + n, inside the caller's bound; VBMI is
    // guaranteed by the caller.
    let st = |j: usize, v: __m512i| unsafe { store::<FULL>(d.add(j * stride + i), n, v) };
    // SAFETY: VBMI is guaranteed by the caller; no memory access beyond ld / st.
    unsafe {
        if es == 2 {
            let (x0, x1) = (ld(0), ld(1));
            st(0, perm(x0, &SHUF2[0], x1));
            st(1, perm(x0, &SHUF2[1], x1));
        } else if es == 4 {
            // Round one: streams (0, 1) and (2, 3) of 32 elements each; round two joins the
            // two 32-element halves of every stream.
            let (x0, x1, x2, x3) = (ld(0), ld(1), ld(2), ld(3));
            let a01 = perm(x0, &SHUF4[0], x1);
            let a23 = perm(x0, &SHUF4[1], x1);
            let b01 = perm(x2, &SHUF4[0], x3);
            let b23 = perm(x2, &SHUF4[1], x3);
            st(0, _mm512_shuffle_i64x2::<0x44>(a01, b01));
            st(1, _mm512_shuffle_i64x2::<0xee>(a01, b01));
            st(2, _mm512_shuffle_i64x2::<0x44>(a23, b23));
            st(3, _mm512_shuffle_i64x2::<0xee>(a23, b23));
        } else {
            // Round one: y[h][q] holds streams 4h .. 4h + 4 of the 16 elements 16q .. (16
            // bytes each); round two is a 4x4 transpose of 16-byte lanes per h.
            let x: [__m512i; 8] = core::array::from_fn(ld);
            for (h, table) in SHUF8.iter().enumerate() {
                let y: [__m512i; 4] = core::array::from_fn(|q| perm(x[2 * q], table, x[2 * q + 1]));
                let t0 = _mm512_shuffle_i64x2::<0x44>(y[0], y[1]);
                let t1 = _mm512_shuffle_i64x2::<0xee>(y[0], y[1]);
                let t2 = _mm512_shuffle_i64x2::<0x44>(y[2], y[3]);
                let t3 = _mm512_shuffle_i64x2::<0xee>(y[2], y[3]);
                st(4 * h, _mm512_shuffle_i64x2::<0x88>(t0, t2));
                st(4 * h + 1, _mm512_shuffle_i64x2::<0xdd>(t0, t2));
                st(4 * h + 2, _mm512_shuffle_i64x2::<0x88>(t1, t3));
                st(4 * h + 3, _mm512_shuffle_i64x2::<0xdd>(t1, t3));
            }
        }
    }
}
