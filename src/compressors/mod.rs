//! Compressors.

pub mod bz2;
pub mod gzip;
pub mod lz4;
pub mod lzma;
pub(crate) mod stream;
pub mod zlib;
pub mod zstd;

use crate::registry::Registry;

/// Registers every built-in compressor.
pub(crate) fn register_builtins(r: &mut Registry) {
    r.register(zstd::Zstd::ID, |c| {
        Ok(Box::new(zstd::Zstd::from_config(c)?))
    });
    r.register(lz4::Lz4::ID, |c| Ok(Box::new(lz4::Lz4::from_config(c)?)));
    r.register(zlib::Zlib::ID, |c| {
        Ok(Box::new(zlib::Zlib::from_config(c)?))
    });
    r.register(gzip::GZip::ID, |c| {
        Ok(Box::new(gzip::GZip::from_config(c)?))
    });
    r.register(bz2::Bz2::ID, |c| Ok(Box::new(bz2::Bz2::from_config(c)?)));
    r.register(lzma::Lzma::ID, |c| {
        Ok(Box::new(lzma::Lzma::from_config(c)?))
    });
}
