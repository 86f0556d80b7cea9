//! Compressors.

pub mod blosc;

use crate::registry::Registry;

/// Registers every built-in compressor.
pub(crate) fn register_builtins(r: &mut Registry) {
    r.register(blosc::Blosc::ID, |c| {
        Ok(Box::new(blosc::Blosc::from_config(c)?))
    });
}
