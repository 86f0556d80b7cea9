//! Checksum codecs: payload plus a 4-byte checksum, verified on decode.

use crate::registry::Registry;

/// Registers every built-in checksum codec.
pub(crate) fn register_builtins(r: &mut Registry) {
    let _ = r;
}
