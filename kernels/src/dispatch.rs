//! Run-time ISA selection: detection once, a cached table of kernel function pointers per ISA,
//! and an override for tests and benchmarks.
//!
//! * [`Isa::detected`] is the best ISA this CPU runs; [`Isa::available`] lists every ISA it runs.
//! * The active ISA starts as the env var `CHUNKCODEC_ISA` (`scalar`, `sse2`, `avx2`, `avx512`,
//!   `neon`) when it names an available ISA, otherwise [`Isa::detected`]. [`set_isa`] changes it
//!   for the whole process; [`Isa::active`] reads it.
//! * Every kernel also has an explicit `*_with(isa, ...)` entry point that runs one ISA's path
//!   regardless of the active one (tests and benches use those).
//!
//! The active ISA lives in one atomic byte; a call loads it and indexes a static table of safe
//! function pointers, so the per-call cost is one load and one indirect call.

use std::sync::atomic::{AtomicU8, Ordering};

/// An instruction-set level with its own kernel table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Isa {
    /// Portable Rust (the reference; compiled for the target's baseline).
    Scalar,
    /// x86-64 baseline SSE2.
    Sse2,
    /// x86-64 AVX2.
    Avx2,
    /// x86-64 AVX-512 F + BW.
    Avx512,
    /// aarch64 NEON (baseline on aarch64): hand-written kernels in `arm::neon`.
    Neon,
}

const ALL: [Isa; 5] = [Isa::Scalar, Isa::Sse2, Isa::Avx2, Isa::Avx512, Isa::Neon];

impl Isa {
    /// Every ISA, available or not, in order.
    pub const ALL: [Isa; 5] = ALL;

    /// The lower-case name used by `CHUNKCODEC_ISA` and the bench output.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Sse2 => "sse2",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
            Isa::Neon => "neon",
        }
    }

    /// Parses a name as [`Isa::name`] prints it (case-insensitive).
    pub fn parse(s: &str) -> Option<Isa> {
        ALL.into_iter()
            .find(|i| i.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Whether this CPU runs the ISA's kernels.
    pub fn is_available(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Sse2 => true,
            #[cfg(target_arch = "x86_64")]
            // Every feature `vectorize` enables for the level must be checked here: a CPU with
            // AVX2 but no FMA (some emulators, VIA) must not get the AVX2 table.
            Isa::Avx2 => {
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                Isa::Avx2.is_available()
                    && std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512vl")
                    && std::is_x86_feature_detected!("avx512dq")
            }
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The best available ISA.
    pub fn detected() -> Isa {
        ALL.into_iter()
            .rev()
            .find(|i| i.is_available())
            .unwrap_or(Isa::Scalar)
    }

    /// Every available ISA, from `Scalar` up.
    pub fn available() -> Vec<Isa> {
        ALL.into_iter().filter(|i| i.is_available()).collect()
    }

    /// The ISA the plain (non-`_with`) kernel entry points use now.
    pub fn active() -> Isa {
        let v = ACTIVE.load(Ordering::Relaxed);
        if (v as usize) < ALL.len() {
            ALL[v as usize]
        } else {
            init()
        }
    }
}

impl std::fmt::Display for Isa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An ISA that this CPU does not run was requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnavailableIsa(pub Isa);

impl std::fmt::Display for UnavailableIsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ISA {} is not available on this CPU", self.0)
    }
}

impl std::error::Error for UnavailableIsa {}

const UNSET: u8 = u8::MAX;
static ACTIVE: AtomicU8 = AtomicU8::new(UNSET);

#[cold]
fn init() -> Isa {
    let isa = std::env::var("CHUNKCODEC_ISA")
        .ok()
        .and_then(|s| Isa::parse(&s))
        .filter(|i| i.is_available())
        .unwrap_or_else(Isa::detected);
    ACTIVE.store(isa as u8, Ordering::Relaxed);
    isa
}

/// Makes `isa` the active ISA for the whole process.
pub fn set_isa(isa: Isa) -> Result<(), UnavailableIsa> {
    if !isa.is_available() {
        return Err(UnavailableIsa(isa));
    }
    ACTIVE.store(isa as u8, Ordering::Relaxed);
    Ok(())
}

/// The bit-row kernels of one ISA: forward and inverse.
#[doc(hidden)]
pub struct BitRows {
    pub(crate) rows: fn(usize, &[u8], &mut [u8], usize),
    pub(crate) unrows: fn(usize, &[u8], usize, &mut [u8]),
}

/// One ISA's kernels. Every entry is a safe function: entries of an ISA the CPU lacks are only
/// reachable through [`table`], which checks availability.
#[doc(hidden)]
pub struct Kernels {
    /// `(es, count, src, dst, stride)`: byte planes of `count` elements, `stride` apart in dst.
    pub(crate) shuffle: fn(usize, usize, &[u8], &mut [u8], usize),
    /// `(es, count, src, stride, dst)`: the inverse.
    pub(crate) unshuffle: fn(usize, usize, &[u8], usize, &mut [u8]),
    /// `(count, planes, dst)`: the inverse from `planes.len()` planes of at least `count` bytes
    /// each, at independent addresses (at most 256 planes).
    pub(crate) unshuffle_planes: fn(usize, &[&[u8]], &mut [u8]),
    /// 8x8 bit transpose of every word.
    pub(crate) bit_transpose: fn(&mut [u64]),
    /// `(w, plane, rows, stride)`: bit rows of a byte plane of `8 * w` bytes, and
    /// `(w, rows, stride, plane)`: the inverse (see `x86::bit_rows`); `None` composes them from
    /// `bit_transpose` and the element-size-8 shuffle.
    pub(crate) bit_rows: Option<BitRows>,
    /// Delta encode/decode.
    pub(crate) delta: &'static crate::delta::DeltaKernels,
}

static SCALAR: Kernels = Kernels {
    shuffle: crate::shuffle::shuffle_tail_from0,
    unshuffle: crate::shuffle::unshuffle_tail_from0,
    unshuffle_planes: crate::shuffle::unshuffle_planes_tail_from0,
    bit_transpose: crate::bitshuffle::bit_transpose_scalar,
    bit_rows: None,
    delta: &crate::delta::SCALAR,
};

#[cfg(target_arch = "x86_64")]
mod x86_tables {
    use super::{BitRows, Kernels};
    use crate::x86::{avx2, avx512, sse2};

    pub(super) static SSE2: Kernels = Kernels {
        shuffle: sse2::shuffle_strided,
        unshuffle: sse2::unshuffle_strided,
        unshuffle_planes: sse2::unshuffle_planes,
        bit_transpose: sse2::bit_transpose,
        bit_rows: Some(BitRows {
            rows: sse2::bit_rows,
            unrows: sse2::bit_unrows,
        }),
        delta: &crate::x86::delta::SSE2,
    };

    fn shuffle_avx2(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::shuffle_strided(es, count, src, dst, stride) }
    }
    fn unshuffle_avx2(es: usize, count: usize, src: &[u8], stride: usize, dst: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::unshuffle_strided(es, count, src, stride, dst) }
    }
    fn unshuffle_planes_avx2(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::unshuffle_planes(count, planes, dst) }
    }
    fn bit_transpose_avx2(w: &mut [u64]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::bit_transpose(w) }
    }
    fn bit_rows_avx2(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::bit_rows(w, plane, rows, stride) }
    }
    fn bit_unrows_avx2(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx2.is_available().
        unsafe { avx2::bit_unrows(w, rows, stride, plane) }
    }
    pub(super) static AVX2: Kernels = Kernels {
        shuffle: shuffle_avx2,
        unshuffle: unshuffle_avx2,
        unshuffle_planes: unshuffle_planes_avx2,
        bit_transpose: bit_transpose_avx2,
        bit_rows: Some(BitRows {
            rows: bit_rows_avx2,
            unrows: bit_unrows_avx2,
        }),
        delta: &crate::x86::delta::AVX2,
    };

    fn shuffle_avx512(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::shuffle_strided(es, count, src, dst, stride) }
    }
    fn unshuffle_avx512(es: usize, count: usize, src: &[u8], stride: usize, dst: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::unshuffle_strided(es, count, src, stride, dst) }
    }
    fn unshuffle_planes_avx512(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::unshuffle_planes(count, planes, dst) }
    }
    fn bit_transpose_avx512(w: &mut [u64]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::bit_transpose(w) }
    }
    fn bit_rows_avx512(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::bit_rows(w, plane, rows, stride) }
    }
    fn bit_unrows_avx512(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
        // SAFETY: this table is only returned by `table` after Isa::Avx512.is_available().
        unsafe { avx512::bit_unrows(w, rows, stride, plane) }
    }
    pub(super) static AVX512: Kernels = Kernels {
        shuffle: shuffle_avx512,
        unshuffle: unshuffle_avx512,
        unshuffle_planes: unshuffle_planes_avx512,
        bit_transpose: bit_transpose_avx512,
        bit_rows: Some(BitRows {
            rows: bit_rows_avx512,
            unrows: bit_unrows_avx512,
        }),
        delta: &crate::x86::delta::AVX512,
    };
}

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
mod arm_tables {
    use super::Kernels;
    use crate::arm::neon;

    pub(super) static NEON: Kernels = Kernels {
        shuffle: neon::shuffle_strided,
        unshuffle: neon::unshuffle_strided,
        unshuffle_planes: neon::unshuffle_planes,
        bit_transpose: neon::bit_transpose,
        bit_rows: None,
        delta: &neon::DELTA,
    };
}

/// The kernel table of `isa`.
///
/// # Panics
/// If `isa` is not available on this CPU (running it would be undefined behaviour).
pub(crate) fn table(isa: Isa) -> &'static Kernels {
    assert!(isa.is_available(), "{}", UnavailableIsa(isa));
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Sse2 => &x86_tables::SSE2,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => &x86_tables::AVX2,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => &x86_tables::AVX512,
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        Isa::Neon => &arm_tables::NEON,
        _ => &SCALAR,
    }
}

/// The active ISA's table (availability was checked when it became active).
#[inline]
pub(crate) fn active() -> &'static Kernels {
    let isa = Isa::active();
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Sse2 => &x86_tables::SSE2,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => &x86_tables::AVX2,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => &x86_tables::AVX512,
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        Isa::Neon => &arm_tables::NEON,
        _ => &SCALAR,
    }
}

#[cfg(test)]
// `vectorize` follows; on aarch64 (no x86 `mv` module after it) clippy would flag it.
#[allow(clippy::items_after_test_module)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip_and_detection_is_consistent() {
        for isa in Isa::ALL {
            assert_eq!(Isa::parse(isa.name()), Some(isa));
        }
        assert_eq!(Isa::parse("AVX2"), Some(Isa::Avx2));
        assert_eq!(Isa::parse("avx3"), None);
        let avail = Isa::available();
        assert!(avail.contains(&Isa::Scalar));
        assert!(avail.contains(&Isa::detected()));
        assert_eq!(*avail.last().unwrap(), Isa::detected());
        #[cfg(target_arch = "x86_64")]
        assert!(avail.contains(&Isa::Sse2));
    }

    #[test]
    fn unavailable_isa_is_refused() {
        for isa in Isa::ALL {
            assert_eq!(set_isa(isa).is_ok(), isa.is_available());
        }
        set_isa(Isa::detected()).unwrap();
        assert_eq!(Isa::active(), Isa::detected());
    }
}

/// Runs `f` compiled for `isa`: `f` (an `#[inline(always)]` closure over `#[inline(always)]`
/// loops) is inlined into a `#[target_feature]` function of that ISA, so LLVM vectorizes its
/// loops with that ISA's instructions (the multiversioning trick, used here for the float
/// kernels whose loops LLVM vectorizes well: scale-offset, quantize, bitround).
///
/// # Panics
/// If `isa` is not available on this CPU.
#[inline(always)]
pub(crate) fn vectorize<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    assert!(isa.is_available(), "{}", UnavailableIsa(isa));
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: availability was asserted above.
        Isa::Avx2 => unsafe { mv::avx2(f) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: availability was asserted above.
        Isa::Avx512 => unsafe { mv::avx512(f) },
        _ => f(),
    }
}

#[cfg(target_arch = "x86_64")]
mod mv {
    #[target_feature(enable = "avx2,fma,sse4.1")]
    pub(super) fn avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
    #[target_feature(enable = "avx2,fma,sse4.1,avx512f,avx512bw,avx512vl,avx512dq")]
    pub(super) fn avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}
