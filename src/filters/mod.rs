//! Filters: codecs that transform typed data without compressing it.

pub mod astype;
pub mod bitround;
pub mod categorize;
pub mod delta;
pub mod fixedscaleoffset;
pub(crate) mod num;
pub mod packbits;
pub mod quantize;
pub mod shuffle;

pub use astype::AsType;
pub use bitround::BitRound;
pub use categorize::Categorize;
pub use delta::Delta;
pub use fixedscaleoffset::FixedScaleOffset;
pub use packbits::PackBits;
pub use quantize::Quantize;
pub use shuffle::Shuffle;

use crate::registry::Registry;

/// Registers every built-in filter.
pub(crate) fn register_builtins(r: &mut Registry) {
    r.register(Shuffle::ID, |c| Ok(Box::new(Shuffle::from_config(c)?)));
    r.register(Delta::ID, |c| Ok(Box::new(Delta::from_config(c)?)));
    r.register(FixedScaleOffset::ID, |c| {
        Ok(Box::new(FixedScaleOffset::from_config(c)?))
    });
    r.register(Quantize::ID, |c| Ok(Box::new(Quantize::from_config(c)?)));
    r.register(BitRound::ID, |c| Ok(Box::new(BitRound::from_config(c)?)));
    r.register(PackBits::ID, |c| Ok(Box::new(PackBits::from_config(c)?)));
    r.register(AsType::ID, |c| Ok(Box::new(AsType::from_config(c)?)));
    r.register(Categorize::ID, |c| {
        Ok(Box::new(Categorize::from_config(c)?))
    });
}
