//! Filters: codecs that transform typed data without compressing it.

pub mod shuffle;

pub use shuffle::Shuffle;

use crate::registry::Registry;

/// Registers every built-in filter.
pub(crate) fn register_builtins(r: &mut Registry) {
    r.register(Shuffle::ID, |c| Ok(Box::new(Shuffle::from_config(c)?)));
}
