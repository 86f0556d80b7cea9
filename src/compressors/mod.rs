//! Compressors.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod blosc;
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
    r.register(blosc::Blosc::ID, |c| {
        Ok(Box::new(blosc::Blosc::from_config(c)?))
    });
}

#[cfg(test)]
mod tests {
    use crate::{get_codec, DType, Error};
    use serde_json::json;

    /// Mutated and truncated encodings never panic, never produce more than the limit, and
    /// `decode_into` either fills `out` exactly or fails without writing past its end.
    #[test]
    fn mutated_inputs_are_errors_or_bounded_output() {
        let input: Vec<u8> = (0..4000u32)
            .flat_map(|v| ((v / 3) ^ (v % 7)).to_le_bytes())
            .collect();
        let configs = [
            json!({"id": "zstd", "level": 3, "checksum": true}),
            json!({"id": "zstd", "level": -1}),
            json!({"id": "lz4"}),
            json!({"id": "zlib", "level": 6}),
            json!({"id": "gzip"}),
            json!({"id": "bz2", "level": 1}),
            json!({"id": "lzma", "preset": 1}),
            json!({"id": "lzma", "format": 2, "preset": 1}),
            json!({"id": "lzma", "format": 3, "filters": [{"id": 33, "preset": 1}]}),
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for cfg in configs {
            let c = get_codec(&cfg).unwrap();
            let enc = c.encode(&input, DType::U1).unwrap();
            for round in 0..150 {
                let mut bad = enc.clone();
                match round % 3 {
                    0 => {
                        let i = (next() as usize) % bad.len();
                        bad[i] ^= 1 << (next() % 8);
                    }
                    1 => bad.truncate((next() as usize) % bad.len()),
                    _ => {
                        let i = (next() as usize) % bad.len();
                        bad[i] = next() as u8;
                        bad.extend_from_slice(&next().to_le_bytes()[..(next() % 9) as usize]);
                    }
                }
                match c.decode_limited(&bad, input.len()) {
                    Ok(d) => assert!(d.len() <= input.len(), "{cfg}"),
                    Err(
                        Error::Corrupt { .. }
                        | Error::TooLarge { .. }
                        | Error::ChecksumMismatch { .. },
                    ) => {}
                    Err(e) => panic!("{cfg}: unexpected error kind {e}"),
                }
                let mut out = vec![0xeeu8; input.len() + 16];
                let r = c.decode_into(&bad, &mut out[..input.len()]);
                assert!(
                    out[input.len()..].iter().all(|&b| b == 0xee),
                    "{cfg}: wrote past out"
                );
                if let Err(e) = r {
                    assert!(
                        matches!(
                            e,
                            Error::Corrupt { .. }
                                | Error::OutputSize { .. }
                                | Error::ChecksumMismatch { .. }
                        ),
                        "{cfg}: unexpected error kind {e}"
                    );
                }
            }
        }
    }
}
