//! The typed-array layer: a regular chunk grid over `ndarray` arrays of any rank (0 to 32) and
//! any fixed-size numpy dtype (numeric, complex, datetime64 / timedelta64, bytes, void,
//! unicode; both byte orders), parallel chunk encode/decode, and Zarr v2 metadata. Elements
//! move as a Rust type of the item size, or as their bytes for any item size.
//!
//! - [`ArrayMeta`] is the layout (`.zarray`): shape, chunks, dtype, filters, compressor, fill
//!   value, order and key separator.
//! - [`encode_chunks`] / [`decode_chunks_into`] turn a view into [`ChunkRecord`]s (index,
//!   shape, dtype, pipeline config, bytes) and back, with no store.
//! - [`ZarrArray`] reads and writes the Zarr v2 layout through any [`crate::store::Store`]:
//!   whole arrays or regions, straight into the caller's `ArrayViewMut`.
//!
//! Element types: any `bytemuck::Pod` type whose size is the dtype's item size, holding the
//! element in this machine's byte order (`f32` for `<f4` and `>f4`; `u8` for `|b1`). The
//! engine swaps bytes for big-endian dtypes.
//!
//! ```
//! use chunkcodec::array::{ArrayMeta, ZarrArray};
//! use chunkcodec::store::MemoryStore;
//! use chunkcodec::DType;
//! use ndarray::{s, Array2};
//!
//! let data = Array2::from_shape_fn((100, 60), |(i, j)| (i * 60 + j) as f32);
//! let meta = ArrayMeta::new(&[100, 60], &[32, 32], DType::F4)?
//!     .with_filters(vec![serde_json::json!({"id": "shuffle", "elementsize": 4})]);
//! let arr = ZarrArray::create(MemoryStore::new(), "", meta)?;
//! arr.write(data.view())?;
//! let region = arr.read_region::<f32>(&[10..50, 5..45])?;
//! assert_eq!(region, data.slice(s![10..50, 5..45]).into_dyn());
//! # Ok::<(), chunkcodec::Error>(())
//! ```

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod engine;
mod fill;
mod grid;
mod meta;
mod record;
mod zarr;

pub use engine::memory_bytes;
pub(crate) use engine::swap_bytes;
pub use fill::FillValue;
pub use grid::{ChunkGrid, MAX_NDIM};
pub use meta::{ArrayMeta, Order, Separator};
pub use record::{decode_chunks_into, encode_chunks, encode_chunks_with, ChunkRecord};
pub use zarr::{ArrayStats, ZarrArray};
