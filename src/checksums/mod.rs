//! Checksum codecs: payload plus a 4-byte checksum, verified on decode.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod checksum32;
pub mod hdf5;

pub use checksum32::{Algorithm, Checksum32, Location};
pub use hdf5::{Fletcher32, JenkinsLookup3};

use crate::registry::Registry;

/// Registers every built-in checksum codec.
pub(crate) fn register_builtins(r: &mut Registry) {
    for alg in [Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Adler32] {
        let id = match alg {
            Algorithm::Crc32 => Checksum32::CRC32,
            Algorithm::Crc32c => Checksum32::CRC32C,
            Algorithm::Adler32 => Checksum32::ADLER32,
        };
        r.register(id, move |c| Ok(Box::new(Checksum32::from_config(alg, c)?)));
    }
    r.register(Fletcher32::ID, |c| {
        Ok(Box::new(Fletcher32::from_config(c)?))
    });
    r.register(JenkinsLookup3::ID, |c| {
        Ok(Box::new(JenkinsLookup3::from_config(c)?))
    });
}
