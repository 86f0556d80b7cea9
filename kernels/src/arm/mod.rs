//! aarch64 kernels. NEON (Advanced SIMD) is part of the aarch64 baseline (every
//! `aarch64-*-linux` target enables it); this module is compiled only when the target enables
//! it (`cfg(target_feature = "neon")`), so its safe entry points may call the
//! `#[target_feature(enable = "neon")]` kernels. Inside those, the value intrinsics are safe and
//! only the loads and stores are `unsafe` (each with its bounds argument).

pub(crate) mod neon;
