//! The narrowing `astype` forms of delta (numcodecs `Delta(dtype='<i8', astype='<i2')` etc.).
//!
//! * Encode: the difference is computed in the wide type `W` (wrapping) and its low bits are
//!   stored as the narrow type `N`: `dst[i] = N(src[i] - src[i-1])`, `dst[0] = N(src[0])`.
//! * Decode: numpy's `cumsum(enc, out=dec)` with `dec` of the wide type: each narrow element is
//!   extended to `W` (sign-extended when `N` is signed, zero-extended when unsigned) and summed
//!   in `W` (wrapping).
//!
//! Wide types are the unsigned `u16 u32 u64` (a signed wide type has the same bits); narrow
//! types are every narrower `iN`/`uN` (the [`NarrowOf`] trait).
//!
//! Paths: the scalar references ([`encode_scalar`], [`decode_scalar`]) are the oracle. The
//! SSE2/AVX2/AVX-512 encode is one fused subtract-and-truncate loop compiled per ISA (the
//! multiversioning of [`crate::dispatch`]; LLVM emits the vector subtract and a pack/shuffle
//! per vector). Decode widens a 1024-element block into an L1-resident buffer (a vectorized
//! extend loop compiled per ISA) and runs that ISA's integer prefix-scan kernel over it.

use super::DeltaElem;
use crate::dispatch::{self, Isa};

mod sealed {
    pub trait Sealed {}
}

/// Wide element types of the narrowing forms: `u16`, `u32`, `u64`.
pub trait Wide: DeltaElem + Default + PartialEq + core::fmt::Debug + sealed::Sealed {
    #[doc(hidden)]
    fn wsub(self, o: Self) -> Self;
    #[doc(hidden)]
    fn wadd(self, o: Self) -> Self;
}

macro_rules! wide {
    ($($t:ty)*) => {$(
        impl sealed::Sealed for $t {}
        impl Wide for $t {
            #[inline(always)]
            fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)]
            fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
        }
    )*};
}
wide!(u16 u32 u64);

/// A narrow integer type stored for wide type `W`.
pub trait NarrowOf<W: Wide>: Copy + Default + PartialEq + core::fmt::Debug {
    /// The low bits of `w`.
    fn trunc(w: W) -> Self;
    /// Sign- or zero-extension (by this type's signedness) to `W`.
    fn ext(self) -> W;
}

macro_rules! narrow {
    ($w:ty: $($n:ty)*) => {$(
        impl NarrowOf<$w> for $n {
            #[inline(always)]
            fn trunc(w: $w) -> Self { w as $n }
            #[inline(always)]
            fn ext(self) -> $w { self as $w }
        }
    )*};
}
narrow!(u16: u8 i8);
narrow!(u32: u8 i8 u16 i16);
narrow!(u64: u8 i8 u16 i16 u32 i32);

/// Scalar reference encode, continuing from the previous wide element `prev` (0 at the start).
pub fn encode_scalar<W: Wide, N: NarrowOf<W>>(prev: W, src: &[W], dst: &mut [N]) {
    let mut p = prev;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = N::trunc(s.wsub(p));
        p = s;
    }
}

/// Scalar reference decode, continuing from the running sum `acc` (0 at the start).
pub fn decode_scalar<W: Wide, N: NarrowOf<W>>(acc: W, src: &[N], dst: &mut [W]) {
    let mut a = acc;
    for (d, &s) in dst.iter_mut().zip(src) {
        a = a.wadd(s.ext());
        *d = a;
    }
}

/// Narrowing delta encode on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn encode<W: Wide, N: NarrowOf<W>>(src: &[W], dst: &mut [N]) {
    encode_with(Isa::active(), src, dst)
}

/// Widening delta decode (running sum in `W`) on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn decode<W: Wide, N: NarrowOf<W>>(src: &[N], dst: &mut [W]) {
    decode_with(Isa::active(), src, dst)
}

/// [`encode`] on the given ISA's path.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_with<W: Wide, N: NarrowOf<W>>(isa: Isa, src: &[W], dst: &mut [N]) {
    assert_eq!(src.len(), dst.len(), "delta: src and dst lengths differ");
    if isa == Isa::Scalar {
        return encode_scalar(W::default(), src, dst);
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            let (Some(&s0), Some(d0)) = (src.first(), dst.first_mut()) else {
                return;
            };
            *d0 = N::trunc(s0);
            let n = src.len();
            // Three equal-length slices: no bounds checks, one vector subtract + pack each.
            let (cur, prev, out) = (&src[1..n], &src[..n - 1], &mut dst[1..n]);
            for ((o, &c), &p) in out.iter_mut().zip(cur).zip(prev) {
                *o = N::trunc(c.wsub(p));
            }
        },
    )
}

/// [`decode`] on the given ISA's path.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_with<W: Wide, N: NarrowOf<W>>(isa: Isa, src: &[N], dst: &mut [W]) {
    assert_eq!(src.len(), dst.len(), "delta: src and dst lengths differ");
    if isa == Isa::Scalar {
        return decode_scalar(W::default(), src, dst);
    }
    let k = dispatch::table(isa);
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            const B: usize = 1024;
            let mut tmp = [W::default(); B];
            let mut acc = W::default();
            for (s, d) in src.chunks(B).zip(dst.chunks_mut(B)) {
                let t = &mut tmp[..s.len()];
                for (x, &y) in t.iter_mut().zip(s) {
                    *x = y.ext();
                }
                W::decode_k(k, acc, t, d);
                if let Some(&last) = d.last() {
                    acc = last;
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x ^ (x >> 29)
        }
    }

    /// Every ISA against the scalar reference: every length 0..300 (past the vector and block
    /// boundaries of every width), longer ones across the 1024-element decode blocks, and
    /// every misalignment of src and dst (offsets 0..8 elements into a larger buffer).
    fn check<W: Wide, N: NarrowOf<W>>(make: impl Fn(u64) -> W, make_n: impl Fn(u64) -> N) {
        for isa in Isa::available() {
            for len in (0..300).chain([1023, 1024, 1025, 2049, 5000]) {
                let mut r = lcg(len as u64 * 31 + 1);
                let src: Vec<W> = (0..len + 8).map(|_| make(r())).collect();
                let nsrc: Vec<N> = (0..len + 8).map(|_| make_n(r())).collect();
                for off in [0usize, 1, 3, 7] {
                    if len > 300 && off != 0 && off != 3 {
                        continue;
                    }
                    let s = &src[off..off + len];
                    let mut want = vec![N::default(); len];
                    encode_scalar(W::default(), s, &mut want);
                    let mut got = vec![N::default(); len + 8];
                    encode_with(isa, s, &mut got[off..off + len]);
                    assert_eq!(&got[off..off + len], &want[..], "encode {isa} len {len}");

                    let ns = &nsrc[off..off + len];
                    let mut want = vec![W::default(); len];
                    decode_scalar(W::default(), ns, &mut want);
                    let mut got = vec![W::default(); len + 8];
                    decode_with(isa, ns, &mut got[off..off + len]);
                    assert_eq!(&got[off..off + len], &want[..], "decode {isa} len {len}");
                }
            }
        }
    }

    #[test]
    fn every_isa_matches_scalar_for_every_pair() {
        check::<u16, u8>(|x| x as u16, |x| x as u8);
        check::<u16, i8>(|x| x as u16, |x| x as i8);
        check::<u32, u8>(|x| x as u32, |x| x as u8);
        check::<u32, i8>(|x| x as u32, |x| x as i8);
        check::<u32, u16>(|x| x as u32, |x| x as u16);
        check::<u32, i16>(|x| x as u32, |x| x as i16);
        check::<u64, u8>(|x| x, |x| x as u8);
        check::<u64, i8>(|x| x, |x| x as i8);
        check::<u64, u16>(|x| x, |x| x as u16);
        check::<u64, i16>(|x| x, |x| x as i16);
        check::<u64, u32>(|x| x, |x| x as u32);
        check::<u64, i32>(|x| x, |x| x as i32);
        // Extreme values: both ends of the wide range.
        check::<u64, i16>(
            |x| {
                if x & 1 == 0 {
                    u64::MAX - (x & 3)
                } else {
                    x & 3
                }
            },
            |x| if x & 1 == 0 { i16::MIN } else { i16::MAX },
        );
    }

    #[test]
    fn numcodecs_examples() {
        // Delta('<i4', astype='<i1') on [100, 300, 301] -> 64 c8 01; decodes to [100, 44, 45].
        let src = [100u32, 300, 301];
        for isa in Isa::available() {
            let mut e = [0i8; 3];
            encode_with(isa, &src, &mut e);
            assert_eq!(e, [0x64u8 as i8, 0xc8u8 as i8, 1]);
            let mut d = [0u32; 3];
            decode_with(isa, &e, &mut d);
            assert_eq!(d, [100, 44, 45]);
            // Sign vs zero extension: i2 -1 steps go down, u2 0xffff steps go up.
            let mut d = [0u64; 3];
            decode_with(isa, &[5i16, -1, -1], &mut d);
            assert_eq!(d, [5, 4, 3]);
            decode_with(isa, &[5u16, 0xffff, 0xffff], &mut d);
            assert_eq!(d, [5, 5 + 0xffff, 5 + 2 * 0xffff]);
        }
    }

    #[test]
    fn roundtrips_when_steps_fit() {
        let mut r = lcg(5);
        let mut acc = 0u64;
        let v: Vec<u64> = (0..3000)
            .map(|_| {
                acc = acc.wrapping_add((r() % 60001).wrapping_sub(30000));
                acc
            })
            .collect();
        for isa in Isa::available() {
            let mut e = vec![0i16; v.len()];
            encode_with(isa, &v, &mut e);
            let mut d = vec![0u64; v.len()];
            decode_with(isa, &e, &mut d);
            // The first element is truncated too, so compare after restoring it.
            let fix = v[0].wrapping_sub(e[0] as i64 as u64);
            assert!(d.iter().zip(&v).all(|(a, b)| a.wrapping_add(fix) == *b));
        }
    }
}
