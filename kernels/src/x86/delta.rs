//! x86 delta kernels: `#[target_feature]` instantiations of the vectorizable encode loops, and
//! an AVX2 in-register prefix scan for integer decode.

use crate::delta::{decode_scalar_int, encode_float, encode_vec_int, DeltaKernels};
use core::arch::x86_64::*;

macro_rules! encoders {
    ($feat:literal, $modname:ident) => {
        // The AVX2 table takes only the float encoders from here (its integer encoders are
        // the hand-written `enc*_avx2`).
        #[allow(dead_code)]
        pub(crate) mod $modname {
            use super::*;
            #[target_feature(enable = $feat)]
            pub(crate) fn enc8(p: u8, s: &[u8], d: &mut [u8]) {
                encode_vec_int(p, s, d)
            }
            #[target_feature(enable = $feat)]
            pub(crate) fn enc16(p: u16, s: &[u16], d: &mut [u16]) {
                encode_vec_int(p, s, d)
            }
            #[target_feature(enable = $feat)]
            pub(crate) fn enc32(p: u32, s: &[u32], d: &mut [u32]) {
                encode_vec_int(p, s, d)
            }
            #[target_feature(enable = $feat)]
            pub(crate) fn enc64(p: u64, s: &[u64], d: &mut [u64]) {
                encode_vec_int(p, s, d)
            }
            #[target_feature(enable = $feat)]
            pub(crate) fn encf32(p: f32, s: &[f32], d: &mut [f32]) {
                encode_float(p, s, d)
            }
            #[target_feature(enable = $feat)]
            pub(crate) fn encf64(p: f64, s: &[f64], d: &mut [f64]) {
                encode_float(p, s, d)
            }
        }
    };
}
encoders!("sse2", sse2_enc);
encoders!("avx2", avx2_enc);
encoders!("avx512f,avx512bw", avx512_enc);

/// AVX2 integer encode: `dst[i] = src[i] - src[i-1]` as one unaligned load of `src` at `i`,
/// one at `i - 1`, and a single vector subtract, 4x unrolled.
macro_rules! enc_avx2 {
    ($name:ident, $ty:ty, $sub:ident, $feat:literal) => {
        #[target_feature(enable = $feat)]
        pub(crate) fn $name(prev: $ty, src: &[$ty], dst: &mut [$ty]) {
            let n = src.len().min(dst.len());
            let (Some(&s0), Some(d0)) = (src.first(), dst.first_mut()) else {
                return;
            };
            *d0 = s0.wrapping_sub(prev);
            let per = 32 / core::mem::size_of::<$ty>();
            let s = src.as_ptr();
            let d = dst.as_mut_ptr();
            let mut i = 1;
            macro_rules! one {
                ($k:expr) => {{
                    let j = i + $k * per;
                    // SAFETY: reads src[j-1..j+per] and writes dst[j..j+per]; the loop
                    // conditions keep j + per <= n <= min(src.len(), dst.len()) and j >= 1.
                    unsafe {
                        let a = _mm256_loadu_si256(s.add(j).cast());
                        let b = _mm256_loadu_si256(s.add(j - 1).cast());
                        _mm256_storeu_si256(d.add(j).cast(), $sub(a, b));
                    }
                }};
            }
            while i + 4 * per <= n {
                one!(0);
                one!(1);
                one!(2);
                one!(3);
                i += 4 * per;
            }
            while i + per <= n {
                one!(0);
                i += per;
            }
            let p = src[i - 1];
            crate::delta::encode_scalar_int(p, &src[i..n], &mut dst[i..n]);
        }
    };
}
enc_avx2!(enc8_avx2, u8, _mm256_sub_epi8, "avx2");
enc_avx2!(enc16_avx2, u16, _mm256_sub_epi16, "avx2");
enc_avx2!(enc32_avx2, u32, _mm256_sub_epi32, "avx2");
enc_avx2!(enc64_avx2, u64, _mm256_sub_epi64, "avx2");

/// Per-lane "broadcast the lane's last element" pshufb controls, for element widths 1/2/4/8.
const fn last_mask(w: usize) -> [u8; 32] {
    let mut m = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        m[i] = (16 - w + (i % 16) % w) as u8;
        i += 1;
    }
    m
}

/// In-register prefix scan of `src` into `dst` with initial carry `acc`, for one element width.
/// Per 32-byte vector: in-lane scan (shifted adds); lane 0 gets `carry`, lane 1 gets
/// `carry + total(lane 0)`; the next carry is `carry + total(lane 0) + total(lane 1)`, computed
/// from the carry-free sums so the loop-carried chain is one add.
macro_rules! scan {
    ($name:ident, $ty:ty, $w:literal, $add:ident, $add128:ident, [$($sh:literal)*], $feat:literal) => {
        #[target_feature(enable = $feat)]
        pub(crate) fn $name(acc: $ty, src: &[$ty], dst: &mut [$ty]) {
            let n = src.len().min(dst.len());
            let per = 32 / $w;
            let mut i = 0;
            if n >= per {
                let m = last_mask($w);
                // SAFETY: m is 32 readable bytes.
                let m = unsafe { _mm256_loadu_si256(m.as_ptr().cast()) };
                // Broadcast `acc` to every element: put it last and broadcast the last element.
                let mut tmp = [0 as $ty; 32 / $w];
                tmp[per - 1] = acc;
                // SAFETY: tmp is 32 readable bytes.
                let t = unsafe { _mm256_loadu_si256(tmp.as_ptr().cast()) };
                let mut carry = _mm256_extracti128_si256::<1>(_mm256_shuffle_epi8(t, m));
                let s = src.as_ptr();
                let d = dst.as_mut_ptr();
                while i + per <= n {
                    // SAFETY: reads src[i..i+per] (32 bytes), i + per <= n <= src.len().
                    let mut x = unsafe { _mm256_loadu_si256(s.add(i).cast()) };
                    $( x = $add(x, _mm256_slli_si256::<$sh>(x)); )*
                    // Per-lane totals, broadcast within each lane: [t0 | t1].
                    let t = _mm256_shuffle_epi8(x, m);
                    let t0 = _mm256_castsi256_si128(t);
                    let t1 = _mm256_extracti128_si256::<1>(t);
                    let lo = $add128(_mm256_castsi256_si128(x), carry);
                    let hi = $add128(_mm256_extracti128_si256::<1>(x), $add128(carry, t0));
                    // The loop-carried chain is this one add.
                    carry = $add128(carry, $add128(t0, t1));
                    let out = _mm256_inserti128_si256::<1>(_mm256_castsi128_si256(lo), hi);
                    // SAFETY: writes dst[i..i+per] (32 bytes), i + per <= n <= dst.len().
                    unsafe { _mm256_storeu_si256(d.add(i).cast(), out) };
                    i += per;
                }
            }
            let a = if i == 0 { acc } else { dst[i - 1] };
            decode_scalar_int(a, &src[i..n], &mut dst[i..n]);
        }
    };
}

scan!(dec8_avx2, u8, 1, _mm256_add_epi8, _mm_add_epi8, [1 2 4 8], "avx2");
scan!(dec16_avx2, u16, 2, _mm256_add_epi16, _mm_add_epi16, [2 4 8], "avx2");
scan!(dec32_avx2, u32, 4, _mm256_add_epi32, _mm_add_epi32, [4 8], "avx2");
scan!(
    dec64_avx2,
    u64,
    8,
    _mm256_add_epi64,
    _mm_add_epi64,
    [8],
    "avx2"
);
scan!(dec8_avx512, u8, 1, _mm256_add_epi8, _mm_add_epi8, [1 2 4 8], "avx2,avx512f,avx512bw");
scan!(dec16_avx512, u16, 2, _mm256_add_epi16, _mm_add_epi16, [2 4 8], "avx2,avx512f,avx512bw");
scan!(dec32_avx512, u32, 4, _mm256_add_epi32, _mm_add_epi32, [4 8], "avx2,avx512f,avx512bw");
scan!(
    dec64_avx512,
    u64,
    8,
    _mm256_add_epi64,
    _mm_add_epi64,
    [8],
    "avx2,avx512f,avx512bw"
);

pub(crate) static SSE2: DeltaKernels = DeltaKernels {
    enc8: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::enc8(p, s, d) }
    },
    enc16: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::enc16(p, s, d) }
    },
    enc32: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::enc32(p, s, d) }
    },
    enc64: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::enc64(p, s, d) }
    },
    dec8: decode_scalar_int::<u8>,
    dec16: decode_scalar_int::<u16>,
    dec32: decode_scalar_int::<u32>,
    dec64: decode_scalar_int::<u64>,
    encf32: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::encf32(p, s, d) }
    },
    encf64: |p, s, d| {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        unsafe { sse2_enc::encf64(p, s, d) }
    },
};

macro_rules! table {
    ($name:ident, $m:ident, $d8:ident, $d16:ident, $d32:ident, $d64:ident) => {
        pub(crate) static $name: DeltaKernels = DeltaKernels {
            enc8: |p, s, d| {
                // SAFETY: the table is only reachable after the ISA check in dispatch::table.
                unsafe { $m::enc8(p, s, d) }
            },
            enc16: |p, s, d| {
                // SAFETY: as above.
                unsafe { $m::enc16(p, s, d) }
            },
            enc32: |p, s, d| {
                // SAFETY: as above.
                unsafe { $m::enc32(p, s, d) }
            },
            enc64: |p, s, d| {
                // SAFETY: as above.
                unsafe { $m::enc64(p, s, d) }
            },
            dec8: |a, s, d| {
                // SAFETY: as above.
                unsafe { $d8(a, s, d) }
            },
            dec16: |a, s, d| {
                // SAFETY: as above.
                unsafe { $d16(a, s, d) }
            },
            dec32: |a, s, d| {
                // SAFETY: as above.
                unsafe { $d32(a, s, d) }
            },
            dec64: |a, s, d| {
                // SAFETY: as above.
                unsafe { $d64(a, s, d) }
            },
            encf32: |p, s, d| {
                // SAFETY: as above.
                unsafe { $m::encf32(p, s, d) }
            },
            encf64: |p, s, d| {
                // SAFETY: as above.
                unsafe { $m::encf64(p, s, d) }
            },
        };
    };
}
table!(AVX2, avx2_hand, dec8_avx2, dec16_avx2, dec32_avx2, dec64_avx2);

/// AVX2 with the hand-written integer encoders.
mod avx2_hand {
    pub(crate) use super::avx2_enc::{encf32, encf64};
    pub(crate) use super::{
        enc16_avx2 as enc16, enc32_avx2 as enc32, enc64_avx2 as enc64, enc8_avx2 as enc8,
    };
}
table!(
    AVX512,
    avx512_enc,
    dec8_avx512,
    dec16_avx512,
    dec32_avx512,
    dec64_avx512
);
