//! # chunkcodec
//!
//! numcodecs-compatible chunk codecs on hand-written SIMD kernels. Same ids, same JSON configs,
//! same bytes as numcodecs (the Python reference zarr uses), and a decoder that returns the right
//! bytes or a clear error on any input.
//!
//! ```
//! use chunkcodec::{DType, Pipeline};
//! let pipeline = Pipeline::from_json(r#"[{"id": "shuffle", "elementsize": 4}]"#).unwrap();
//! let data: Vec<u8> = [1i32, 2, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
//! let encoded = pipeline.encode(&data, DType::I4).unwrap();
//! assert_eq!(encoded, [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
//! let mut decoded = vec![0u8; data.len()];
//! pipeline.decode_into(&encoded, &mut decoded).unwrap();
//! assert_eq!(decoded, data);
//! ```

pub mod array;
pub mod checksums;
pub mod cli;
pub mod codec;
pub mod compressors;
pub mod dtype;
pub mod error;
pub mod ffi;
pub mod filters;
pub mod npy;
pub mod parallel;
pub mod pipeline;
pub mod registry;
pub mod store;

pub use chunkcodec_kernels as kernels;
pub use codec::{Codec, DEFAULT_DECODE_LIMIT};
pub use dtype::{ByteOrder, DType, Element, Kind};
pub use error::{Error, Result};
pub use pipeline::Pipeline;
pub use registry::{get_codec, register_codec, registered_ids, Registry};
