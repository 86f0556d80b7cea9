//! SIMD kernels for chunkcodec: byte shuffle and friends, each with a scalar reference.
//!
//! Every kernel is a safe function over slices. The scalar reference of each kernel is public
//! (`*_scalar`) because it is the test oracle for every SIMD path. The ISA is picked once at
//! run time (see [`dispatch`]); `*_with(isa, ...)` runs a given ISA's path.

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
mod arm;
pub mod bitshuffle;
pub mod checksum;
pub mod copy;
pub mod delta;
pub mod dispatch;
pub mod fixedscaleoffset;
pub mod lz4;
#[cfg(feature = "blosc2-peer")]
pub mod peer;
pub mod quantize;
pub mod shuffle;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use dispatch::{set_isa, Isa};
