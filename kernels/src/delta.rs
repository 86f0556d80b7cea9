//! Delta encode and decode (numcodecs' `Delta` filter arithmetic).
//!
//! * `encode`: `dst[0] = src[0]`, `dst[i] = src[i] - src[i-1]` (numpy `np.diff` with the
//!   first element kept). Integers wrap (two's complement); floats are one IEEE subtraction.
//! * `decode`: `dst[0] = src[0]`, `dst[i] = dst[i-1] + src[i]`: a running sum in the element
//!   type, wrapping for integers, and for floats a plain *sequential* add in that float type,
//!   so the result is bit-exact with numpy's `np.cumsum` (which adds in order).
//!
//! Entry points (all with `_with(isa, ...)` forms that run one ISA's path):
//! * typed slices: [`encode`] / [`decode`] for `i8 u8 i16 u16 i32 u32 i64 u64 f32 f64`
//!   (the [`DeltaElem`] trait), `src.len() == dst.len()`, no allocation; [`decode_in_place`];
//! * raw bytes in either byte order: [`encode_bytes`] / [`decode_bytes`] with a [`DeltaType`]
//!   and `big_endian` (the bytes are converted in 4 KiB blocks on the stack; alignment of the
//!   byte slices does not matter).
//!
//! Vector paths: integer encode is a vectorized subtract of the shifted slice on every ISA;
//! integer decode on AVX2 (and AVX-512, which runs the same 256-bit code) is an in-register
//! prefix scan (qword-local shifted adds, one in-lane merge, one cross-lane fix-up, and a
//! running carry of two adds per 32 bytes). Float decode is sequential by definition (it is bound by
//! the FP-add latency on every ISA). The narrowing `astype` forms are in [`narrow`].

use crate::dispatch::{self, Isa, Kernels};

pub mod narrow;

mod sealed {
    pub trait Sealed {}
}

/// Element types with delta kernels.
pub trait DeltaElem: Copy + sealed::Sealed {
    #[doc(hidden)]
    fn encode_k(k: &Kernels, prev: Self, src: &[Self], dst: &mut [Self]);
    #[doc(hidden)]
    fn decode_k(k: &Kernels, acc: Self, src: &[Self], dst: &mut [Self]);
}

/// Delta-encodes `src` into `dst` on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn encode<T: DeltaElem>(src: &[T], dst: &mut [T]) {
    encode_k(dispatch::active(), src, dst)
}

/// Delta-decodes (running sum) `src` into `dst` on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn decode<T: DeltaElem>(src: &[T], dst: &mut [T]) {
    decode_k(dispatch::active(), src, dst)
}

/// [`encode`] on the given ISA's path.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_with<T: DeltaElem>(isa: Isa, src: &[T], dst: &mut [T]) {
    encode_k(dispatch::table(isa), src, dst)
}

/// [`decode`] on the given ISA's path.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_with<T: DeltaElem>(isa: Isa, src: &[T], dst: &mut [T]) {
    decode_k(dispatch::table(isa), src, dst)
}

/// [`decode`] in place.
pub fn decode_in_place<T: DeltaElem>(buf: &mut [T]) {
    // Blocks through a stack copy keep the kernels' src/dst disjoint.
    let k = dispatch::active();
    let Some(&first) = buf.first() else { return };
    let mut acc = first;
    let mut start = 1;
    while start < buf.len() {
        let end = (start + 512).min(buf.len());
        let mut block = [first; 512];
        let n = end - start;
        block[..n].copy_from_slice(&buf[start..end]);
        T::decode_k(k, acc, &block[..n], &mut buf[start..end]);
        acc = buf[end - 1];
        start = end;
    }
}

fn encode_k<T: DeltaElem>(k: &Kernels, src: &[T], dst: &mut [T]) {
    assert_eq!(src.len(), dst.len(), "delta: src and dst lengths differ");
    let (Some(&first), Some(d0)) = (src.first(), dst.first_mut()) else {
        return;
    };
    *d0 = first;
    T::encode_k(k, first, &src[1..], &mut dst[1..]);
}

fn decode_k<T: DeltaElem>(k: &Kernels, src: &[T], dst: &mut [T]) {
    assert_eq!(src.len(), dst.len(), "delta: src and dst lengths differ");
    let (Some(&first), Some(d0)) = (src.first(), dst.first_mut()) else {
        return;
    };
    *d0 = first;
    T::decode_k(k, first, &src[1..], &mut dst[1..]);
}

/// Scalar reference: `dst[i] = src[i] - (i == 0 ? prev : src[i-1])`.
pub(crate) fn encode_scalar_int<T: Copy + WrapInt>(prev: T, src: &[T], dst: &mut [T]) {
    let mut p = prev;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = s.wsub(p);
        p = s;
    }
}

/// Scalar reference: running wrapping sum starting from `acc`.
pub(crate) fn decode_scalar_int<T: Copy + WrapInt>(acc: T, src: &[T], dst: &mut [T]) {
    let mut a = acc;
    for (d, &s) in dst.iter_mut().zip(src) {
        a = a.wadd(s);
        *d = a;
    }
}

/// Vectorizable encode (the same loop as the reference, written over windows so LLVM sees two
/// independent loads); instantiated per ISA under `#[target_feature]`.
#[inline(always)]
pub(crate) fn encode_vec_int<T: Copy + WrapInt>(prev: T, src: &[T], dst: &mut [T]) {
    let n = src.len().min(dst.len());
    let (Some(&s0), Some(d0)) = (src.first(), dst.first_mut()) else {
        return;
    };
    *d0 = s0.wsub(prev);
    // Equal-length slices, so LLVM drops the bounds checks and vectorizes.
    let (cur, prev, out) = (&src[1..n], &src[..n - 1], &mut dst[1..n]);
    for ((o, &c), &p) in out.iter_mut().zip(cur).zip(prev) {
        *o = c.wsub(p);
    }
}

/// Wrapping arithmetic of the unsigned integer types.
pub(crate) trait WrapInt {
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
}

macro_rules! wrap_int {
    ($($t:ty)*) => {$(
        impl WrapInt for $t {
            #[inline(always)]
            fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
        }
    )*};
}
wrap_int!(u8 u16 u32 u64);

/// Float encode, every ISA: `dst[i] = src[i] - src[i-1]` (independent IEEE subtractions).
#[inline(always)]
pub(crate) fn encode_float<T: Copy + core::ops::Sub<Output = T>>(
    prev: T,
    src: &[T],
    dst: &mut [T],
) {
    let n = src.len().min(dst.len());
    let (Some(&s0), Some(d0)) = (src.first(), dst.first_mut()) else {
        return;
    };
    *d0 = s0 - prev;
    let (cur, prev, out) = (&src[1..n], &src[..n - 1], &mut dst[1..n]);
    for ((o, &c), &p) in out.iter_mut().zip(cur).zip(prev) {
        *o = c - p;
    }
}

/// Float decode, every ISA: the sequential sum numpy's `cumsum` computes.
#[inline(always)]
pub(crate) fn decode_float<T: Copy + core::ops::Add<Output = T>>(acc: T, src: &[T], dst: &mut [T]) {
    let mut a = acc;
    for (d, &s) in dst.iter_mut().zip(src) {
        a = a + s;
        *d = a;
    }
}

/// Per-ISA delta entries of the kernel table (unsigned; signed types share them).
pub(crate) struct DeltaKernels {
    pub enc8: fn(u8, &[u8], &mut [u8]),
    pub enc16: fn(u16, &[u16], &mut [u16]),
    pub enc32: fn(u32, &[u32], &mut [u32]),
    pub enc64: fn(u64, &[u64], &mut [u64]),
    pub dec8: fn(u8, &[u8], &mut [u8]),
    pub dec16: fn(u16, &[u16], &mut [u16]),
    pub dec32: fn(u32, &[u32], &mut [u32]),
    pub dec64: fn(u64, &[u64], &mut [u64]),
    pub encf32: fn(f32, &[f32], &mut [f32]),
    pub encf64: fn(f64, &[f64], &mut [f64]),
}

pub(crate) static SCALAR: DeltaKernels = DeltaKernels {
    enc8: encode_scalar_int::<u8>,
    enc16: encode_scalar_int::<u16>,
    enc32: encode_scalar_int::<u32>,
    enc64: encode_scalar_int::<u64>,
    dec8: decode_scalar_int::<u8>,
    dec16: decode_scalar_int::<u16>,
    dec32: decode_scalar_int::<u32>,
    dec64: decode_scalar_int::<u64>,
    encf32: encode_float::<f32>,
    encf64: encode_float::<f64>,
};

macro_rules! unsigned_elem {
    ($t:ty, $enc:ident, $dec:ident) => {
        impl sealed::Sealed for $t {}
        impl DeltaElem for $t {
            fn encode_k(k: &Kernels, prev: Self, src: &[Self], dst: &mut [Self]) {
                (k.delta.$enc)(prev, src, dst)
            }
            fn decode_k(k: &Kernels, acc: Self, src: &[Self], dst: &mut [Self]) {
                (k.delta.$dec)(acc, src, dst)
            }
        }
    };
}
unsigned_elem!(u8, enc8, dec8);
unsigned_elem!(u16, enc16, dec16);
unsigned_elem!(u32, enc32, dec32);
unsigned_elem!(u64, enc64, dec64);

macro_rules! signed_elem {
    ($t:ty, $u:ty, $enc:ident, $dec:ident) => {
        impl sealed::Sealed for $t {}
        impl DeltaElem for $t {
            fn encode_k(k: &Kernels, prev: Self, src: &[Self], dst: &mut [Self]) {
                (k.delta.$enc)(prev as $u, as_unsigned(src), as_unsigned_mut(dst))
            }
            fn decode_k(k: &Kernels, acc: Self, src: &[Self], dst: &mut [Self]) {
                (k.delta.$dec)(acc as $u, as_unsigned(src), as_unsigned_mut(dst))
            }
        }
        impl SameBits for $t {
            type U = $u;
        }
    };
}

/// Signed integer types and their unsigned twins of the same size.
trait SameBits {
    type U;
}

fn as_unsigned<T: SameBits>(s: &[T]) -> &[T::U] {
    debug_assert_eq!(core::mem::size_of::<T>(), core::mem::size_of::<T::U>());
    // SAFETY: SameBits is only implemented (in this module) for iN -> uN pairs, which have the
    // same size and alignment and no invalid bit patterns; the new slice covers the same memory
    // with the same length and lifetime.
    unsafe { core::slice::from_raw_parts(s.as_ptr().cast(), s.len()) }
}

fn as_unsigned_mut<T: SameBits>(s: &mut [T]) -> &mut [T::U] {
    // SAFETY: as in `as_unsigned`; the mutable borrow is moved into the result.
    unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast(), s.len()) }
}

signed_elem!(i8, u8, enc8, dec8);
signed_elem!(i16, u16, enc16, dec16);
signed_elem!(i32, u32, enc32, dec32);
signed_elem!(i64, u64, enc64, dec64);

impl sealed::Sealed for f32 {}
impl DeltaElem for f32 {
    fn encode_k(k: &Kernels, prev: Self, src: &[Self], dst: &mut [Self]) {
        (k.delta.encf32)(prev, src, dst)
    }
    fn decode_k(_k: &Kernels, acc: Self, src: &[Self], dst: &mut [Self]) {
        decode_float(acc, src, dst)
    }
}
impl sealed::Sealed for f64 {}
impl DeltaElem for f64 {
    fn encode_k(k: &Kernels, prev: Self, src: &[Self], dst: &mut [Self]) {
        (k.delta.encf64)(prev, src, dst)
    }
    fn decode_k(_k: &Kernels, acc: Self, src: &[Self], dst: &mut [Self]) {
        decode_float(acc, src, dst)
    }
}

/// Element type of the byte-buffer entry points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeltaType {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl DeltaType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DeltaType::I8 | DeltaType::U8 => 1,
            DeltaType::I16 | DeltaType::U16 => 2,
            DeltaType::I32 | DeltaType::U32 | DeltaType::F32 => 4,
            DeltaType::I64 | DeltaType::U64 | DeltaType::F64 => 8,
        }
    }
}

/// Delta-encodes raw bytes holding `ty` elements in the given byte order.
///
/// # Panics
/// If the lengths differ or are not a multiple of the element size.
pub fn encode_bytes(ty: DeltaType, big_endian: bool, src: &[u8], dst: &mut [u8]) {
    bytes_k(dispatch::active(), true, ty, big_endian, src, dst)
}

/// Delta-decodes raw bytes holding `ty` elements in the given byte order.
///
/// # Panics
/// As [`encode_bytes`].
pub fn decode_bytes(ty: DeltaType, big_endian: bool, src: &[u8], dst: &mut [u8]) {
    bytes_k(dispatch::active(), false, ty, big_endian, src, dst)
}

/// [`encode_bytes`] into a new `Vec`, written once (no zero-fill of the output first: a zeroed
/// 8 MiB allocation is fresh pages the kernel must clear, about as costly as the delta itself).
///
/// # Panics
/// As [`encode_bytes`].
pub fn encode_bytes_to_vec(ty: DeltaType, big_endian: bool, src: &[u8]) -> Vec<u8> {
    // SAFETY: the delta kernels write every destination byte and read a destination byte only
    // after writing it (the decode's running sum); `every_isa_writes_every_byte` checks this
    // on every path against dirty destinations.
    unsafe { crate::copy::new_vec_with(src.len(), |dst| encode_bytes(ty, big_endian, src, dst)) }
}

/// [`decode_bytes`] into a new `Vec`, written once (see [`encode_bytes_to_vec`]).
///
/// # Panics
/// As [`encode_bytes`].
pub fn decode_bytes_to_vec(ty: DeltaType, big_endian: bool, src: &[u8]) -> Vec<u8> {
    // SAFETY: as in `encode_bytes_to_vec`.
    unsafe { crate::copy::new_vec_with(src.len(), |dst| decode_bytes(ty, big_endian, src, dst)) }
}

/// [`encode_bytes`] / [`decode_bytes`] on the given ISA (`encode` selects the direction).
///
/// # Panics
/// As [`encode_bytes`], and if `isa` is not available on this CPU.
pub fn bytes_with(
    isa: Isa,
    encode: bool,
    ty: DeltaType,
    big_endian: bool,
    src: &[u8],
    dst: &mut [u8],
) {
    bytes_k(dispatch::table(isa), encode, ty, big_endian, src, dst)
}

fn bytes_k(k: &Kernels, enc: bool, ty: DeltaType, be: bool, src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "delta: src and dst lengths differ");
    assert!(
        src.len().is_multiple_of(ty.size()),
        "delta: length {} is not a multiple of the element size {}",
        src.len(),
        ty.size()
    );
    macro_rules! go {
        ($t:ty) => {
            blocks::<$t, { core::mem::size_of::<$t>() }>(
                k,
                enc,
                be,
                src,
                dst,
                <$t>::from_le_bytes,
                <$t>::from_be_bytes,
                <$t>::to_le_bytes,
                <$t>::to_be_bytes,
            )
        };
    }
    match ty {
        DeltaType::I8 | DeltaType::U8 => go!(u8),
        DeltaType::I16 | DeltaType::U16 => go!(u16),
        DeltaType::I32 | DeltaType::U32 => go!(u32),
        DeltaType::I64 | DeltaType::U64 => go!(u64),
        DeltaType::F32 => go!(f32),
        DeltaType::F64 => go!(f64),
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn blocks<T: DeltaElem + Default, const N: usize>(
    k: &Kernels,
    enc: bool,
    be: bool,
    src: &[u8],
    dst: &mut [u8],
    from_le: fn([u8; N]) -> T,
    from_be: fn([u8; N]) -> T,
    to_le: fn(T) -> [u8; N],
    to_be: fn(T) -> [u8; N],
) {
    const B: usize = 512;
    if be == cfg!(target_endian = "big") {
        // Native order and aligned (the usual case: buffers from the allocator): no copies.
        if let (Some(s), Some(d)) = (cast_aligned::<T>(src), cast_aligned_mut::<T>(dst)) {
            if enc {
                encode_k(k, s, d);
            } else {
                decode_k(k, s, d);
            }
            return;
        }
    }
    let (from, to) = if be {
        (from_be, to_be)
    } else {
        (from_le, to_le)
    };
    let mut a = [T::default(); B];
    let mut b = [T::default(); B];
    let mut carry: Option<T> = None;
    for (sc, dc) in src.chunks(B * N).zip(dst.chunks_mut(B * N)) {
        let n = sc.len() / N;
        for (x, bytes) in a.iter_mut().zip(sc.chunks_exact(N)) {
            let mut arr = [0u8; N];
            arr.copy_from_slice(bytes);
            *x = from(arr);
        }
        match carry {
            None => {
                if enc {
                    encode_k(k, &a[..n], &mut b[..n]);
                } else {
                    decode_k(k, &a[..n], &mut b[..n]);
                }
            }
            Some(c) => {
                if enc {
                    T::encode_k(k, c, &a[..n], &mut b[..n]);
                } else {
                    T::decode_k(k, c, &a[..n], &mut b[..n]);
                }
            }
        }
        carry = if enc {
            a[..n].last().copied()
        } else {
            b[..n].last().copied()
        };
        for (bytes, &y) in dc.chunks_exact_mut(N).zip(b.iter()) {
            bytes.copy_from_slice(&to(y));
        }
    }
}

/// `b` as a slice of `T` when it is aligned for `T` and a whole number of elements.
/// Only instantiated (in `blocks`) for `u8 u16 u32 u64 f32 f64`.
fn cast_aligned<T: DeltaElem>(b: &[u8]) -> Option<&[T]> {
    // SAFETY: T is one of u8/u16/u32/u64/f32/f64 (the DeltaElem types `blocks` is called
    // with): every bit pattern is a valid value; align_to returns a correctly aligned middle
    // part covering only bytes of `b`.
    let (pre, mid, post) = unsafe { b.align_to::<T>() };
    (pre.is_empty() && post.is_empty()).then_some(mid)
}

/// The mutable twin of [`cast_aligned`].
fn cast_aligned_mut<T: DeltaElem>(b: &mut [u8]) -> Option<&mut [T]> {
    // SAFETY: as in `cast_aligned`; any value written through the result is a valid byte
    // pattern for `u8`.
    let (pre, mid, post) = unsafe { b.align_to_mut::<T>() };
    (pre.is_empty() && post.is_empty()).then_some(mid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numcodecs_examples() {
        let mut out = [0i32; 4];
        encode(&[10i32, 12, 15, 11], &mut out);
        assert_eq!(out, [10, 2, 3, -4]);
        let mut out = [0u8; 3];
        encode(&[250u8, 3, 10], &mut out);
        assert_eq!(out, [250, 9, 7]);
        let mut out = [0i16; 2];
        decode(&[32767i16, 1], &mut out);
        assert_eq!(out, [32767, -32768]);
        let mut out = [0f32; 3];
        decode(&[16777216f32, 1.0, 1.0], &mut out);
        assert_eq!(out, [16777216f32; 3]);
    }

    fn lcg(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x ^ (x >> 29)
        }
    }

    fn check_int<T: DeltaElem + WrapInt + PartialEq + core::fmt::Debug + Default>(
        make: impl Fn(u64) -> T,
    ) {
        for isa in Isa::available() {
            for len in (0..300).chain([1000, 4099]) {
                let mut r = lcg(len as u64 + 7);
                let src: Vec<T> = (0..len).map(|_| make(r())).collect();
                let mut want = vec![T::default(); len];
                if len > 0 {
                    want[0] = src[0];
                    encode_scalar_int(src[0], &src[1..], &mut want[1..]);
                }
                let mut got = vec![T::default(); len];
                encode_with(isa, &src, &mut got);
                assert_eq!(got, want, "encode {isa} len {len}");
                let mut back = vec![T::default(); len];
                decode_with(isa, &want, &mut back);
                assert_eq!(back, src, "decode {isa} len {len}");
                // Reference decode on the same input.
                let mut want_dec = vec![T::default(); len];
                if len > 0 {
                    want_dec[0] = src[0];
                    decode_scalar_int(src[0], &src[1..], &mut want_dec[1..]);
                }
                decode_with(isa, &src, &mut back);
                assert_eq!(back, want_dec, "decode-ref {isa} len {len}");
            }
        }
    }

    #[test]
    fn every_isa_matches_scalar_for_every_int_width() {
        check_int(|x| x as u8);
        check_int(|x| x as u16);
        check_int(|x| x as u32);
        check_int(|x| x);
        // Extreme values: wrapping at both ends.
        check_int(|x| {
            if x & 1 == 0 {
                u32::MAX - (x as u32 & 3)
            } else {
                x as u32 & 3
            }
        });
    }

    /// Every ISA on sub-slices at every element offset of src and dst within 16 bytes (the
    /// vector paths peel to a 16-byte aligned dst, so src/dst alignments differ), against the
    /// scalar reference, for lengths around the peel and vector boundaries.
    fn check_offsets<T: DeltaElem + WrapInt + PartialEq + core::fmt::Debug + Default>(
        make: impl Fn(u64) -> T,
    ) {
        let per = 16 / core::mem::size_of::<T>();
        let mut r = lcg(11);
        let pool: Vec<T> = (0..200).map(|_| make(r())).collect();
        for isa in Isa::available() {
            for so in 0..per {
                for dof in 0..per {
                    for len in (0..70).chain([127, 128, 129]) {
                        let src = &pool[so..so + len];
                        let mut want = vec![T::default(); len];
                        encode_with(Isa::Scalar, src, &mut want);
                        let mut buf = vec![T::default(); len + per];
                        encode_with(isa, src, &mut buf[dof..dof + len]);
                        assert_eq!(
                            &buf[dof..dof + len],
                            &want[..],
                            "enc {isa} {so} {dof} {len}"
                        );
                        decode_with(Isa::Scalar, src, &mut want);
                        decode_with(isa, src, &mut buf[dof..dof + len]);
                        assert_eq!(
                            &buf[dof..dof + len],
                            &want[..],
                            "dec {isa} {so} {dof} {len}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_isa_matches_scalar_at_every_alignment() {
        check_offsets(|x| x as u8);
        check_offsets(|x| x as u16);
        check_offsets(|x| x as u32);
        check_offsets(|x| x);
    }

    /// The 256-bit decode scans peel to a 32-byte aligned dst and then run 2x unrolled
    /// 32-byte vectors: every dst element offset within 32 bytes, a few src offsets, and every
    /// length up to past two unrolled blocks plus a peel and a tail, against the scalar
    /// reference, with a carry that wraps.
    fn check_decode_blocks<T: DeltaElem + WrapInt + PartialEq + core::fmt::Debug + Default>(
        make: impl Fn(u64) -> T,
    ) {
        let w = core::mem::size_of::<T>();
        let (per, maxlen) = (32 / w, 320 / w + 3);
        let mut r = lcg(23);
        let pool: Vec<T> = (0..maxlen + per).map(|_| make(r())).collect();
        for isa in Isa::available() {
            for so in [0, 1, per / 2 + 1] {
                for dof in 0..per {
                    for len in 0..=maxlen {
                        let src = &pool[so..so + len];
                        let mut want = vec![T::default(); len];
                        decode_with(Isa::Scalar, src, &mut want);
                        let mut buf = vec![T::default(); len + per];
                        decode_with(isa, src, &mut buf[dof..dof + len]);
                        assert_eq!(&buf[dof..dof + len], &want[..], "{isa} {so} {dof} {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn decode_matches_scalar_around_256_bit_blocks() {
        check_decode_blocks(|x| x as u8);
        check_decode_blocks(|x| x as u16);
        check_decode_blocks(|x| x as u32);
        check_decode_blocks(|x| x);
        // Large values so every lane add and the carry wrap.
        check_decode_blocks(|x| 0xf0u8 | x as u8);
        check_decode_blocks(|x| 0xfff0u16 | x as u16);
        check_decode_blocks(|x| 0xffff_fff0u32 | x as u32);
    }

    /// In-place decode (`decode_in_place`, on the active ISA) of every width, for lengths
    /// around the vector blocks and the in-place block size (512), from unaligned starts.
    #[test]
    fn in_place_decode_every_width_and_length() {
        fn one<T: DeltaElem + WrapInt + PartialEq + core::fmt::Debug + Default>(
            make: impl Fn(u64) -> T,
        ) {
            let mut r = lcg(31);
            let pool: Vec<T> = (0..1200).map(|_| make(r())).collect();
            for start in [0, 1, 3] {
                for len in (0..140).chain([511, 512, 513, 1024, 1025, 1100]) {
                    let src = &pool[start..start + len];
                    let mut want = vec![T::default(); len];
                    decode_with(Isa::Scalar, src, &mut want);
                    let mut buf = pool.clone();
                    decode_in_place(&mut buf[start..start + len]);
                    assert_eq!(&buf[start..start + len], &want[..], "{start} {len}");
                    assert_eq!(&buf[..start], &pool[..start]);
                    assert_eq!(&buf[start + len..], &pool[start + len..]);
                }
            }
        }
        one(|x| x as u8);
        one(|x| x as u16);
        one(|x| x as u32);
        one(|x| x);
    }

    #[test]
    fn float_encode_matches_scalar_at_every_alignment() {
        let mut r = lcg(5);
        let p64: Vec<f64> = (0..200).map(|_| (r() >> 11) as f64 * 1e-7 - 9.0).collect();
        let p32: Vec<f32> = p64.iter().map(|&x| x as f32).collect();
        for isa in Isa::available() {
            for so in 0..4 {
                for dof in 0..4 {
                    for len in (0..70).chain([127, 128, 129]) {
                        let s = &p32[so..so + len];
                        let mut w = vec![0f32; len];
                        encode_with(Isa::Scalar, s, &mut w);
                        let mut b = vec![0f32; len + 4];
                        encode_with(isa, s, &mut b[dof..dof + len]);
                        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&b[dof..dof + len]), bits(&w), "f32 {isa} {so} {dof}");
                        let s = &p64[so..so + len];
                        let mut w = vec![0f64; len];
                        encode_with(Isa::Scalar, s, &mut w);
                        let mut b = vec![0f64; len + 4];
                        encode_with(isa, s, &mut b[dof..dof + len]);
                        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&b[dof..dof + len]), bits(&w), "f64 {isa} {so} {dof}");
                    }
                }
            }
        }
    }

    #[test]
    fn signed_types_wrap_like_unsigned() {
        for isa in Isa::available() {
            let src: Vec<i64> = vec![i64::MAX, i64::MIN, 0, -1, i64::MAX, 5];
            let mut enc = vec![0i64; src.len()];
            encode_with(isa, &src, &mut enc);
            assert_eq!(enc[1], i64::MIN.wrapping_sub(i64::MAX));
            let mut back = vec![0i64; src.len()];
            decode_with(isa, &enc, &mut back);
            assert_eq!(back, src);
            let s8: Vec<i8> = (0..200).map(|i| (i * 37) as i8).collect();
            let mut e8 = vec![0i8; 200];
            encode_with(isa, &s8, &mut e8);
            let mut b8 = vec![0i8; 200];
            decode_with(isa, &e8, &mut b8);
            assert_eq!(b8, s8);
        }
    }

    #[test]
    fn floats_are_sequential_and_bit_exact() {
        for isa in Isa::available() {
            let mut r = lcg(3);
            let src: Vec<f64> = (0..1000)
                .map(|_| (r() >> 11) as f64 * 1e-10 - 3.0)
                .collect();
            let mut enc = vec![0f64; 1000];
            encode_with(isa, &src, &mut enc);
            for i in 1..1000 {
                assert_eq!(enc[i].to_bits(), (src[i] - src[i - 1]).to_bits());
            }
            let mut dec = vec![0f64; 1000];
            decode_with(isa, &enc, &mut dec);
            let mut acc = enc[0];
            assert_eq!(dec[0].to_bits(), acc.to_bits());
            for i in 1..1000 {
                acc += enc[i];
                assert_eq!(dec[i].to_bits(), acc.to_bits());
            }
            let s32: Vec<f32> = src.iter().map(|&x| x as f32).collect();
            let mut e32 = vec![0f32; 1000];
            encode_with(isa, &s32, &mut e32);
            let mut d32 = vec![0f32; 1000];
            decode_with(isa, &e32, &mut d32);
            let mut acc = e32[0];
            for i in 1..1000 {
                acc += e32[i];
                assert_eq!(d32[i].to_bits(), acc.to_bits());
            }
        }
    }

    #[test]
    fn bytes_api_both_orders_across_blocks() {
        for isa in Isa::available() {
            let vals: Vec<i32> = (0..1500i32).map(|i| i * i * 7 - 3000).collect();
            let mut want = vec![0i32; vals.len()];
            encode(&vals, &mut want);
            for be in [false, true] {
                let conv = |v: i32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
                let src: Vec<u8> = vals.iter().flat_map(|&v| conv(v)).collect();
                let w: Vec<u8> = want.iter().flat_map(|&v| conv(v)).collect();
                // Aligned (the no-copy path in native order) and misaligned slices.
                let mut al = vec![0u32; vals.len()];
                let al = as_bytes_mut(&mut al);
                bytes_with(isa, true, DeltaType::I32, be, &src, al);
                assert_eq!(&al[..], &w[..]);
                let mut al2 = vec![0u32; vals.len()];
                let al2 = as_bytes_mut(&mut al2);
                bytes_with(isa, false, DeltaType::I32, be, al, al2);
                assert_eq!(&al2[..], &src[..]);
                let mut buf = vec![0u8; src.len() + 1];
                bytes_with(isa, true, DeltaType::I32, be, &src, &mut buf[1..]);
                assert_eq!(&buf[1..], &w[..]);
                let mut back = vec![0u8; src.len()];
                bytes_with(isa, false, DeltaType::I32, be, &buf[1..], &mut back);
                assert_eq!(back, src);
            }
            let f: Vec<f64> = (0..1100).map(|i| i as f64 * 0.1).collect();
            let src: Vec<u8> = f.iter().flat_map(|v| v.to_be_bytes()).collect();
            let mut enc = vec![0u8; src.len()];
            bytes_with(isa, true, DeltaType::F64, true, &src, &mut enc);
            let mut back = vec![0u8; src.len()];
            bytes_with(isa, false, DeltaType::F64, true, &enc, &mut back);
            let mut fe = vec![0f64; f.len()];
            encode(&f, &mut fe);
            let mut fd = vec![0f64; f.len()];
            decode(&fe, &mut fd);
            let want: Vec<u8> = fd.iter().flat_map(|v| v.to_be_bytes()).collect();
            assert_eq!(back, want);
        }
    }

    /// Every path writes every destination byte (what `*_to_vec` relies on): the output into a
    /// destination filled with 0xA5 equals the output into one filled with 0x00, for every
    /// type, both byte orders, both directions, lengths across the block sizes, and offsets.
    #[test]
    fn every_isa_writes_every_byte() {
        use DeltaType::*;
        for isa in Isa::available() {
            for ty in [I8, U8, I16, U16, I32, U32, I64, U64, F32, F64] {
                for n in (0..70).chain([255, 256, 257, 1023, 1024, 1025, 4099]) {
                    let len = n * ty.size();
                    let src: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
                    for be in [false, true] {
                        for enc in [true, false] {
                            for off in [0, 1] {
                                let mut a = vec![0x00u8; len + off];
                                let mut b = vec![0xA5u8; len + off];
                                bytes_with(isa, enc, ty, be, &src, &mut a[off..]);
                                bytes_with(isa, enc, ty, be, &src, &mut b[off..]);
                                assert_eq!(
                                    a[off..],
                                    b[off..],
                                    "{isa:?} {ty:?} n {n} be {be} enc {enc} off {off}"
                                );
                            }
                        }
                    }
                }
            }
        }
        let src: Vec<u8> = (0..4000u32).flat_map(|v| (v * v).to_le_bytes()).collect();
        let mut want = vec![0u8; src.len()];
        encode_bytes(DeltaType::U32, false, &src, &mut want);
        assert_eq!(encode_bytes_to_vec(DeltaType::U32, false, &src), want);
        assert_eq!(decode_bytes_to_vec(DeltaType::U32, false, &want), src);
    }

    fn as_bytes_mut(v: &mut [u32]) -> &mut [u8] {
        // SAFETY: u32 has no padding; the byte view covers exactly the same memory.
        unsafe { core::slice::from_raw_parts_mut(v.as_mut_ptr().cast(), v.len() * 4) }
    }

    #[test]
    fn in_place_decode() {
        let src: Vec<u16> = (0..2000).map(|i| (i * 31) as u16).collect();
        let mut enc = vec![0u16; 2000];
        encode(&src, &mut enc);
        decode_in_place(&mut enc);
        assert_eq!(enc, src);
    }

    proptest! {
        #[test]
        fn random_i32_roundtrip_and_match(v in proptest::collection::vec(any::<i32>(), 0..700)) {
            for isa in Isa::available() {
                let mut e = vec![0i32; v.len()];
                encode_with(isa, &v, &mut e);
                let mut w = vec![0i32; v.len()];
                encode_with(Isa::Scalar, &v, &mut w);
                prop_assert_eq!(&e, &w);
                let mut d = vec![0i32; v.len()];
                decode_with(isa, &e, &mut d);
                prop_assert_eq!(&d, &v);
            }
        }
        #[test]
        fn random_i8_decode_matches(v in proptest::collection::vec(any::<i8>(), 0..700)) {
            for isa in Isa::available() {
                let mut d = vec![0i8; v.len()];
                decode_with(isa, &v, &mut d);
                let mut w = vec![0i8; v.len()];
                decode_with(Isa::Scalar, &v, &mut w);
                prop_assert_eq!(&d, &w);
            }
        }
    }
}
