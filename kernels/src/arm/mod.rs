//! aarch64 kernels. NEON (Advanced SIMD) is part of the aarch64 baseline (every
//! `aarch64-*-linux` target enables it), so the kernels are plain safe functions: the value
//! intrinsics are safe to call where the feature is enabled, and only the loads and stores are
//! `unsafe` (each with its bounds argument).

pub(crate) mod neon;
