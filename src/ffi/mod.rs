//! Thin safe wrappers over C functions the safe crate APIs do not expose well. The only place
//! outside `kernels/` with `unsafe`: each block names the invariant it relies on.

pub mod lz4;
pub mod zstd;
