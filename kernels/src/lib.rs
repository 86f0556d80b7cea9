//! SIMD kernels for chunkcodec: byte shuffle and friends, each with a scalar reference.
//!
//! Every kernel is a safe function over slices. The scalar reference of each kernel is public
//! (`*_scalar`) because it is the test oracle for every SIMD path.

pub mod bitshuffle;
pub mod shuffle;
