//! The crate's one error type. Every variant names the codec (or file, or key) involved so a
//! message alone tells a user what was wrong and where.

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in chunkcodec.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A config names a codec id that is not registered.
    #[error("unknown codec id {id:?} (registered: {known})")]
    UnknownCodec { id: String, known: String },

    /// A codec config is malformed: missing id, unknown key, wrong JSON type, out-of-range value.
    #[error("codec {id:?}: config key {key:?}: {message}")]
    Config {
        id: String,
        key: String,
        message: String,
    },

    /// A config that is not a JSON object or list where one was required.
    #[error("invalid codec config: {0}")]
    ConfigShape(String),

    /// A dtype string that numpy would not accept, or one this engine does not handle.
    #[error("invalid dtype {dtype:?}: {message}")]
    DType { dtype: String, message: String },

    /// Input to `encode` that the codec cannot take (wrong length for the element size, a
    /// dtype the codec does not support, a value out of range, ...).
    #[error("codec {codec:?}: invalid input: {message}")]
    InvalidInput { codec: String, message: String },

    /// Encoded bytes that are truncated, inconsistent or otherwise not a valid encoding.
    #[error("codec {codec:?}: corrupt input: {message}")]
    Corrupt { codec: String, message: String },

    /// A stored checksum does not match the payload.
    #[error("codec {codec:?}: stored and computed checksum do not match (stored {stored:#010x}, computed {computed:#010x})")]
    ChecksumMismatch {
        codec: String,
        stored: u32,
        computed: u32,
    },

    /// `decode_into` was given a buffer of the wrong size.
    #[error(
        "codec {codec:?}: output buffer has {found} bytes but the decoded data has {expected}"
    )]
    OutputSize {
        codec: String,
        expected: usize,
        found: usize,
    },

    /// The encoded data claims (or would expand to) more bytes than the caller allows.
    #[error("codec {codec:?}: decoded size {claimed} exceeds the limit of {limit} bytes")]
    TooLarge {
        codec: String,
        claimed: u64,
        limit: usize,
    },

    /// Errors from the array layer (shapes, chunk grids, regions, metadata).
    #[error("array: {0}")]
    Array(String),

    /// Errors from a store (missing keys, bad paths, I/O with the path that failed).
    #[error("store: {0}")]
    Store(String),

    /// An I/O error with the path or stream it came from.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A config error for `key` of codec `id`.
    pub fn config(id: &str, key: &str, message: impl fmt::Display) -> Self {
        Error::Config {
            id: id.to_string(),
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    /// Invalid input handed to `codec`'s encoder (or a parameter it cannot apply).
    pub fn invalid_input(codec: &str, message: impl fmt::Display) -> Self {
        Error::InvalidInput {
            codec: codec.to_string(),
            message: message.to_string(),
        }
    }

    /// Encoded bytes that `codec` cannot decode.
    pub fn corrupt(codec: &str, message: impl fmt::Display) -> Self {
        Error::Corrupt {
            codec: codec.to_string(),
            message: message.to_string(),
        }
    }

    /// A `decode_into` buffer whose size is not the decoded size.
    pub fn output_size(codec: &str, expected: usize, found: usize) -> Self {
        Error::OutputSize {
            codec: codec.to_string(),
            expected,
            found,
        }
    }

    /// A decoded size over the caller's limit.
    pub fn too_large(codec: &str, claimed: u64, limit: usize) -> Self {
        Error::TooLarge {
            codec: codec.to_string(),
            claimed,
            limit,
        }
    }

    /// An I/O error with context (usually a path).
    pub fn io(context: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Io {
            context: context.to_string(),
            source,
        }
    }
}
