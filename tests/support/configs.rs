// Representative configs for every codec id the engine implements or plans, shared by the
// property tests (tests/properties.rs), the memory-bound tests and the fuzz targets (fuzz/, by
// `include!`). Ids that are not registered in this build are skipped by the callers, so the list
// can name codecs before they land; `tests/properties.rs` fails if a registered id is missing here.

/// What a round trip through the codec gives back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Roundtrip {
    /// decode(encode(x)) == x for every input.
    Lossless,
    /// Lossy (quantization, narrowing casts, bool/label mapping): decode(encode(x)) has the
    /// input's length but may differ.
    Lossy,
}

/// A codec config, the dtype of the inputs it is exercised with, and whether it is lossless.
pub struct Sample {
    pub config: &'static str,
    pub dtype: &'static str,
    pub roundtrip: Roundtrip,
}

const fn s(config: &'static str, dtype: &'static str, roundtrip: Roundtrip) -> Sample {
    Sample {
        config,
        dtype,
        roundtrip,
    }
}

use Roundtrip::{Lossless as L, Lossy as Y};

pub static SAMPLES: &[Sample] = &[
    // filters
    s(r#"{"id":"shuffle","elementsize":4}"#, "<i4", L),
    s(r#"{"id":"shuffle","elementsize":3}"#, "|u1", L),
    s(r#"{"id":"shuffle","elementsize":0}"#, "|u1", L),
    s(r#"{"id":"delta","dtype":"<i4","astype":"<i4"}"#, "<i4", L),
    s(r#"{"id":"delta","dtype":">i2","astype":">i2"}"#, ">i2", L),
    s(r#"{"id":"delta","dtype":"|u1","astype":"|u1"}"#, "|u1", L),
    s(r#"{"id":"delta","dtype":"<i8","astype":"<i2"}"#, "<i8", Y),
    s(r#"{"id":"delta","dtype":"<f8","astype":"<f8"}"#, "<f8", Y),
    s(r#"{"id":"delta","dtype":">c8","astype":"<c16"}"#, ">c8", Y),
    s(
        r#"{"id":"delta","dtype":"<m8[s]","astype":">m8[s]"}"#,
        "<m8[s]",
        Y,
    ),
    s(
        r#"{"id":"astype","encode_dtype":"<c16","decode_dtype":">c8"}"#,
        ">c8",
        Y, // signalling NaNs come back quiet, as in numpy
    ),
    s(
        r#"{"id":"astype","encode_dtype":">i8","decode_dtype":"<M8[ns]"}"#,
        "<M8[ns]",
        L,
    ),
    s(
        r#"{"id":"fixedscaleoffset","scale":10,"offset":1000,"dtype":"<f8","astype":"<u2"}"#,
        "<f8",
        Y,
    ),
    s(
        r#"{"id":"fixedscaleoffset","scale":3,"offset":10,"dtype":"<i4","astype":"<i2"}"#,
        "<i4",
        Y,
    ),
    s(
        r#"{"id":"quantize","digits":3,"dtype":"<f8","astype":"<f8"}"#,
        "<f8",
        Y,
    ),
    s(
        r#"{"id":"quantize","digits":1,"dtype":"<f4","astype":"<f2"}"#,
        "<f4",
        Y,
    ),
    s(r#"{"id":"bitround","keepbits":10}"#, "<f4", Y),
    s(r#"{"id":"bitround","keepbits":3}"#, ">f8", Y),
    s(r#"{"id":"bitround","keepbits":5}"#, "<f2", Y),
    s(r#"{"id":"packbits"}"#, "|b1", Y),
    s(
        r#"{"id":"astype","encode_dtype":"<f4","decode_dtype":"<f8"}"#,
        "<f8",
        Y,
    ),
    s(
        r#"{"id":"astype","encode_dtype":">i8","decode_dtype":"<i4"}"#,
        "<i4",
        L,
    ),
    s(
        r#"{"id":"categorize","labels":["a","\u00e9",""],"dtype":"<U1","astype":"|u1"}"#,
        "<U1",
        Y,
    ),
    s(
        r#"{"id":"categorize","labels":["ab","x"],"dtype":">U3","astype":">u2"}"#,
        ">U3",
        Y,
    ),
    // checksums
    s(r#"{"id":"crc32"}"#, "|u1", L),
    s(r#"{"id":"crc32","location":"end"}"#, "|u1", L),
    s(r#"{"id":"crc32c"}"#, "|u1", L),
    s(r#"{"id":"adler32"}"#, "|u1", L),
    s(r#"{"id":"fletcher32"}"#, "|u1", L),
    s(r#"{"id":"jenkins_lookup3","initval":7}"#, "|u1", L),
    // compressors
    s(r#"{"id":"zstd","level":1,"checksum":false}"#, "|u1", L),
    s(r#"{"id":"zstd","level":3,"checksum":true}"#, "<f8", L),
    s(r#"{"id":"lz4","acceleration":1}"#, "|u1", L),
    s(r#"{"id":"zlib","level":1}"#, "|u1", L),
    s(r#"{"id":"gzip","level":1}"#, "|u1", L),
    s(r#"{"id":"bz2","level":1}"#, "|u1", L),
    s(
        r#"{"id":"lzma","format":1,"check":-1,"preset":1,"filters":null}"#,
        "|u1",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}"#,
        "<f4",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"blosclz","clevel":9,"shuffle":2,"blocksize":0}"#,
        "<i8",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"zstd","clevel":1,"shuffle":0,"blocksize":256}"#,
        "|u1",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"zlib","clevel":3,"shuffle":-1,"blocksize":0}"#,
        "<i2",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}"#,
        "|S7",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"blosclz","clevel":5,"shuffle":2,"blocksize":0}"#,
        ">c16",
        L,
    ),
    s(
        r#"{"id":"blosc","cname":"lz4hc","clevel":4,"shuffle":1,"blocksize":0}"#,
        "|u1",
        L,
    ),
];
