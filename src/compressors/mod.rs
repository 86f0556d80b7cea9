//! Compressors.

use crate::registry::Registry;

/// Registers every built-in compressor.
pub(crate) fn register_builtins(r: &mut Registry) {
    let _ = r;
}
