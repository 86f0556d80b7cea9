//! Quantize (numcodecs' `Quantize`) and bit rounding (numcodecs' `BitRound`) encode.
//!
//! * [`quantize_f64`] / [`quantize_f32`]: `round_half_even(scale * x) / scale` in the input
//!   float type; `scale` is the power of two numcodecs derives from `digits` (so the multiply
//!   and divide are exact barring overflow). Decode is a no-op view.
//! * [`bitround`]: on the same-width integer view of f16/f32/f64 values, with
//!   `m = mantissa_bits - keepbits`: `b += ((b >> m) & 1) + ((1 << (m-1)) - 1)` (wrapping),
//!   then `b &= !0 << m` -- IEEE round-half-to-even of the mantissa, with the carry allowed to
//!   ripple into the exponent (and, as numcodecs does, a NaN may turn into -0.0 with
//!   keepbits 0). `m == 0` (keepbits == mantissa bits) is the identity.
//!
//! Loops are plain Rust compiled per ISA ([`crate::dispatch`]'s multiversioning), except the
//! AVX2 bit rounding, which is hand-written (`x86/fso.rs`).

use crate::dispatch::{self, Isa};

/// `round_half_even(scale * x) / scale` for f64, on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn quantize_f64(src: &[f64], scale: f64, dst: &mut [f64]) {
    quantize_f64_with(Isa::active(), src, scale, dst)
}

/// [`quantize_f64`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn quantize_f64_with(isa: Isa, src: &[f64], scale: f64, dst: &mut [f64]) {
    assert_eq!(src.len(), dst.len(), "quantize: src and dst lengths differ");
    if let Some(inv) = exact_inverse_f64(scale) {
        // x / 2^k and x * 2^-k are the same correctly rounded value (the exact quotient is
        // the same number), so the divide becomes a multiply.
        return dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                for (d, &x) in dst.iter_mut().zip(src) {
                    *d = (scale * x).round_ties_even() * inv;
                }
            },
        );
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            for (d, &x) in dst.iter_mut().zip(src) {
                *d = (scale * x).round_ties_even() / scale;
            }
        },
    )
}

/// `round_half_even(scale * x) / scale` for f32 (computed in f32), on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn quantize_f32(src: &[f32], scale: f32, dst: &mut [f32]) {
    quantize_f32_with(Isa::active(), src, scale, dst)
}

/// [`quantize_f32`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn quantize_f32_with(isa: Isa, src: &[f32], scale: f32, dst: &mut [f32]) {
    assert_eq!(src.len(), dst.len(), "quantize: src and dst lengths differ");
    if let Some(inv) = exact_inverse_f32(scale) {
        return dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                for (d, &x) in dst.iter_mut().zip(src) {
                    *d = (scale * x).round_ties_even() * inv;
                }
            },
        );
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            for (d, &x) in dst.iter_mut().zip(src) {
                *d = (scale * x).round_ties_even() / scale;
            }
        },
    )
}

/// `1 / scale` when `scale` is a power of two whose inverse is a normal number (then
/// multiplying by it is exactly dividing by `scale`).
fn exact_inverse_f64(scale: f64) -> Option<f64> {
    let inv = 1.0 / scale;
    let pow2 = |v: f64| v.is_normal() && v.to_bits() & ((1u64 << 52) - 1) == 0;
    (pow2(scale) && pow2(inv)).then_some(inv)
}

/// The f32 twin of [`exact_inverse_f64`].
fn exact_inverse_f32(scale: f32) -> Option<f32> {
    let inv = 1.0 / scale;
    let pow2 = |v: f32| v.is_normal() && v.to_bits() & ((1u32 << 23) - 1) == 0;
    (pow2(scale) && pow2(inv)).then_some(inv)
}

mod sealed {
    pub trait Sealed {}
}

/// Bit patterns of f16 (`u16`), f32 (`u32`) and f64 (`u64`).
pub trait FloatBits: Copy + sealed::Sealed {
    /// Explicit mantissa bits: 10, 23, 52.
    const MANTISSA: u32;
    #[doc(hidden)]
    fn round(self, m: u32) -> Self;
    /// The loop form of `round`: `(bit, half, mask)` precomputed for `m`, and no shift by a
    /// run-time amount inside the loop (LLVM otherwise emits per-lane variable shifts).
    #[doc(hidden)]
    fn consts(m: u32) -> (Self, Self, Self);
    #[doc(hidden)]
    fn round_with(self, c: (Self, Self, Self)) -> Self;
    /// The hand-written AVX2 loop (`1 <= m < MANTISSA`); false when there is none.
    #[doc(hidden)]
    fn round_avx2(isa: Isa, m: u32, src: &[Self], dst: &mut [Self]) -> bool;
}

macro_rules! bits {
    ($($t:ty: $m:literal, $avx2:ident)*) => {$(
        impl sealed::Sealed for $t {}
        impl FloatBits for $t {
            const MANTISSA: u32 = $m;
            #[inline(always)]
            fn round(self, m: u32) -> Self {
                // m is in 1..=MANTISSA (checked by the caller).
                let half = ((1 as $t) << (m - 1)) - 1;
                let b = self.wrapping_add(((self >> m) & 1).wrapping_add(half));
                b & (!0 << m)
            }
            #[inline(always)]
            fn consts(m: u32) -> (Self, Self, Self) {
                (1 << m, ((1 as $t) << (m - 1)) - 1, !0 << m)
            }
            #[inline(always)]
            fn round_with(self, (bit, half, mask): (Self, Self, Self)) -> Self {
                // ((b >> m) & 1) is 1 exactly when bit m is set.
                let odd = ((self & bit) != 0) as $t;
                self.wrapping_add(odd.wrapping_add(half)) & mask
            }
            #[inline(always)]
            #[allow(unused_variables)]
            fn round_avx2(isa: Isa, m: u32, src: &[Self], dst: &mut [Self]) -> bool {
                #[cfg(target_arch = "x86_64")]
                if matches!(isa, Isa::Avx2 | Isa::Avx512) && isa.is_available() {
                    // SAFETY: AVX2 (implied by the AVX-512 level) was checked just above.
                    unsafe { crate::x86::fso::$avx2(m, src, dst) };
                    return true;
                }
                false
            }
        }
    )*};
}
bits!(u16: 10, bitround16 u32: 23, bitround32 u64: 52, bitround64);

/// Bit-rounds float bit patterns to `keepbits` mantissa bits, on the active ISA.
///
/// # Panics
/// If the lengths differ or `keepbits > T::MANTISSA` (numcodecs: "Keepbits too large").
pub fn bitround<T: FloatBits>(keepbits: u32, src: &[T], dst: &mut [T]) {
    bitround_with(Isa::active(), keepbits, src, dst)
}

/// [`bitround`] on the given ISA.
///
/// # Panics
/// As [`bitround`], and if `isa` is not available on this CPU.
pub fn bitround_with<T: FloatBits>(isa: Isa, keepbits: u32, src: &[T], dst: &mut [T]) {
    assert_eq!(src.len(), dst.len(), "bitround: src and dst lengths differ");
    assert!(
        keepbits <= T::MANTISSA,
        "bitround: keepbits {keepbits} > {}",
        T::MANTISSA
    );
    let m = T::MANTISSA - keepbits;
    if m == 0 {
        dst.copy_from_slice(src);
        return;
    }
    if T::round_avx2(isa, m, src, dst) {
        return;
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            let c = T::consts(m);
            for (d, &b) in dst.iter_mut().zip(src) {
                *d = b.round_with(c);
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_quantize_vectors() {
        for isa in Isa::available() {
            // Quantize(3, '<f8') on [0.1, 1/3, 2.0005]: bits = 10, scale = 1024.
            let mut out = [0f64; 3];
            quantize_f64_with(isa, &[0.1, 1.0 / 3.0, 2.0005], 1024.0, &mut out);
            assert_eq!(out, [0.099609375, 0.3330078125, 2.0009765625]);
            let mut o32 = [0f32; 4];
            quantize_f32_with(
                isa,
                &[0.5 / 16.0, 1.5 / 16.0, 2.5 / 16.0, -2.5 / 16.0],
                16.0,
                &mut o32,
            );
            assert_eq!(o32, [0.0, 2.0 / 16.0, 2.0 / 16.0, -2.0 / 16.0]);
        }
    }

    #[test]
    fn multiply_path_equals_division_including_subnormals() {
        let xs: Vec<f64> = (0..2000)
            .map(|i| (i as f64 - 1000.0) * 1.37e-300 + 1e-310)
            .collect();
        for isa in Isa::available() {
            for scale in [2f64.powi(-9), 1.0, 1024.0, 2f64.powi(54), 3.0, 1e3] {
                let mut out = vec![0f64; xs.len()];
                quantize_f64_with(isa, &xs, scale, &mut out);
                for (o, &x) in out.iter().zip(&xs) {
                    assert_eq!(
                        o.to_bits(),
                        ((scale * x).round_ties_even() / scale).to_bits()
                    );
                }
            }
            let xs32: Vec<f32> = (0..2000).map(|i| (i as f32 - 1000.0) * 0.0137).collect();
            for scale in [0.125f32, 16.0, 3.0] {
                let mut out = vec![0f32; xs32.len()];
                quantize_f32_with(isa, &xs32, scale, &mut out);
                for (o, &x) in out.iter().zip(&xs32) {
                    assert_eq!(
                        o.to_bits(),
                        ((scale * x).round_ties_even() / scale).to_bits()
                    );
                }
            }
        }
    }

    #[test]
    fn numcodecs_bitround_vectors() {
        let f = |v: &[f32], k: u32, isa: Isa| -> Vec<u32> {
            let bits: Vec<u32> = v.iter().map(|x| x.to_bits()).collect();
            let mut out = vec![0u32; bits.len()];
            bitround_with(isa, k, &bits, &mut out);
            out
        };
        for isa in Isa::available() {
            // BitRound(10) on f4 [pi, 1.0, -0.0025] -> 00004940 0000803f 00e023bb (LE).
            assert_eq!(
                f(&[std::f32::consts::PI, 1.0, -0.0025], 10, isa),
                [0x40490000, 0x3f800000, 0xbb23e000]
            );
            // BitRound(0) on [pi, 1.5, nan, inf] -> 4.0, 2.0, -0.0, inf.
            assert_eq!(
                f(
                    &[std::f32::consts::PI, 1.5, f32::NAN, f32::INFINITY],
                    0,
                    isa
                ),
                [0x40800000, 0x40000000, 0x80000000, 0x7f800000]
            );
            // keepbits 1: 1.25 -> 1.0, 1.75 -> 2.0, 1.375 -> 1.5.
            assert_eq!(
                f(&[1.25, 1.75, 1.375], 1, isa),
                [1.0f32.to_bits(), 2.0f32.to_bits(), 1.5f32.to_bits()]
            );
            // keepbits == 23 is the identity.
            assert_eq!(
                f(&[f32::NAN, 0.1], 23, isa),
                [f32::NAN.to_bits(), 0.1f32.to_bits()]
            );
        }
    }

    #[test]
    fn bitround_lengths_and_misalignments() {
        let v: Vec<u64> = (0..200u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        for isa in Isa::available() {
            for len in 0..120 {
                for off in 0..4 {
                    let s = &v[off..off + len];
                    let mut o = vec![0u64; len + 4];
                    bitround_with(isa, 7, s, &mut o[off..off + len]);
                    let want: Vec<u64> = s.iter().map(|b| b.round(45)).collect();
                    assert_eq!(&o[off..off + len], &want[..], "{isa} {len} {off}");
                    let s16: Vec<u16> = s.iter().map(|&b| b as u16).collect();
                    let mut o16 = vec![0u16; len];
                    bitround_with(isa, 3, &s16, &mut o16);
                    assert!(o16.iter().zip(&s16).all(|(a, b)| *a == b.round(7)));
                }
            }
        }
    }

    #[test]
    fn every_isa_matches_the_reference() {
        let mut x = 99u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x
        };
        let v64: Vec<u64> = (0..3000).map(|_| next()).collect();
        let v32: Vec<u32> = v64.iter().map(|&v| (v >> 17) as u32).collect();
        let v16: Vec<u16> = v64.iter().map(|&v| (v >> 40) as u16).collect();
        for isa in Isa::available() {
            for k in 0..=52 {
                let mut o = vec![0u64; v64.len()];
                bitround_with(isa, k, &v64, &mut o);
                for (a, &b) in o.iter().zip(&v64) {
                    assert_eq!(*a, if k == 52 { b } else { b.round(52 - k) });
                }
            }
            for k in 0..=23 {
                let mut o = vec![0u32; v32.len()];
                bitround_with(isa, k, &v32, &mut o);
                for (a, &b) in o.iter().zip(&v32) {
                    assert_eq!(*a, if k == 23 { b } else { b.round(23 - k) });
                }
            }
            for k in 0..=10 {
                let mut o = vec![0u16; v16.len()];
                bitround_with(isa, k, &v16, &mut o);
                for (a, &b) in o.iter().zip(&v16) {
                    assert_eq!(*a, if k == 10 { b } else { b.round(10 - k) });
                }
            }
            let f: Vec<f64> = v64
                .iter()
                .map(|&b| f64::from_bits(b >> 2) * 1e-300)
                .collect();
            let mut q = vec![0f64; f.len()];
            quantize_f64_with(isa, &f, 2f64.powi(20), &mut q);
            for (a, &b) in q.iter().zip(&f) {
                let want = (2f64.powi(20) * b).round_ties_even() / 2f64.powi(20);
                assert_eq!(a.to_bits(), want.to_bits());
            }
        }
    }
}
