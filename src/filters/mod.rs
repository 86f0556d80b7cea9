//! Filters: codecs that transform typed data without compressing it.

pub mod delta;
pub mod fixedscaleoffset;
pub(crate) mod num;
pub mod shuffle;

pub use delta::Delta;
pub use fixedscaleoffset::FixedScaleOffset;
pub use shuffle::Shuffle;

use crate::registry::Registry;

/// Registers every built-in filter.
pub(crate) fn register_builtins(r: &mut Registry) {
    r.register(Shuffle::ID, |c| Ok(Box::new(Shuffle::from_config(c)?)));
    r.register(Delta::ID, |c| Ok(Box::new(Delta::from_config(c)?)));
    r.register(FixedScaleOffset::ID, |c| {
        Ok(Box::new(FixedScaleOffset::from_config(c)?))
    });
}
