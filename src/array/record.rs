//! Chunk records: a chunk's grid index, shape, dtype, order, the pipeline config that encoded
//! it and its bytes. The config travels with the chunk, so any chunk decodes alone.

use super::engine::{check_element, decode_region, encode_each, swap_bytes, Layout};
use super::meta::{ArrayMeta, Order};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use bytemuck::Pod;
use ndarray::{ArrayD, ArrayView, ArrayViewMut, Dimension, IxDyn, ShapeBuilder};
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

/// One encoded chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRecord {
    /// The chunk's position in the chunk grid.
    pub index: Vec<usize>,
    /// The chunk's (full-size) shape; edge chunks are padded with the fill value.
    pub shape: Vec<usize>,
    /// The stored element type (byte order included).
    pub dtype: DType,
    /// Element order inside the chunk.
    pub order: Order,
    /// The pipeline config (a JSON list of codec configs) that encoded `bytes`.
    pub config: Value,
    /// The encoded bytes.
    pub bytes: Vec<u8>,
}

impl ChunkRecord {
    /// Bytes of the decoded chunk.
    pub fn raw_len(&self) -> usize {
        self.shape.iter().product::<usize>() * self.dtype.itemsize()
    }

    /// Decodes into `out` (exactly [`ChunkRecord::raw_len`] bytes, stored byte order).
    pub fn decode_bytes_into(&self, out: &mut [u8]) -> Result<()> {
        Pipeline::from_config(&self.config)?.decode_into(&self.bytes, out)
    }

    /// Decodes the chunk alone into an array of `T` (native byte order).
    pub fn decode<T: Pod>(&self) -> Result<ArrayD<T>> {
        check_element::<T>(self.dtype)?;
        let mut buf = vec![T::zeroed(); self.shape.iter().product()];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut buf);
        self.decode_bytes_into(bytes)?;
        if !self.dtype.is_native() {
            swap_bytes(bytes, self.dtype.swap_unit());
        }
        let dim = IxDyn(&self.shape);
        match self.order {
            Order::C => ArrayD::from_shape_vec(dim, buf),
            Order::F => ArrayD::from_shape_vec(dim.f(), buf),
        }
        .map_err(|e| Error::Array(format!("chunk {:?}: {e}", self.index)))
    }
}

/// Encodes `data` (an owned array's view or any view, contiguous or not) into chunk records,
/// in parallel, with the layout and codecs of `meta`. Records come back in C order of their
/// grid index.
pub fn encode_chunks<T, D>(meta: &ArrayMeta, data: ArrayView<'_, T, D>) -> Result<Vec<ChunkRecord>>
where
    T: Pod + Send + Sync,
    D: Dimension,
{
    let out = Mutex::new(Vec::with_capacity(meta.grid().num_chunks()));
    encode_chunks_with(meta, data, &|r| {
        out.lock().unwrap_or_else(|p| p.into_inner()).push(r);
        Ok(())
    })?;
    let mut v = out.into_inner().unwrap_or_else(|p| p.into_inner());
    v.sort_by(|a, b| a.index.cmp(&b.index));
    Ok(v)
}

/// Encodes `data` chunk by chunk, handing each record to `sink` as soon as it is ready (from
/// many threads, in no particular order). Only about one chunk per thread is in memory at once.
pub fn encode_chunks_with<T, D>(
    meta: &ArrayMeta,
    data: ArrayView<'_, T, D>,
    sink: &(dyn Fn(ChunkRecord) -> Result<()> + Sync),
) -> Result<()>
where
    T: Pod + Send + Sync,
    D: Dimension,
{
    let pipeline = meta.pipeline()?;
    let config = pipeline.get_config();
    let data = data.into_dyn();
    encode_each(&Layout::typed(meta), &pipeline, &data, &|index, bytes| {
        sink(ChunkRecord {
            index,
            shape: meta.chunks().to_vec(),
            dtype: meta.dtype,
            order: meta.order,
            config: config.clone(),
            bytes,
        })
    })
}

/// Decodes `region` (a range per axis) from `records` into `out`, in parallel, decoding only
/// the records the region touches; a chunk with no record reads as the fill value. Each record
/// decodes with its own config.
pub fn decode_chunks_into<T, D>(
    meta: &ArrayMeta,
    records: &[ChunkRecord],
    region: &[Range<usize>],
    out: ArrayViewMut<'_, T, D>,
) -> Result<()>
where
    T: Pod + Send + Sync,
    D: Dimension,
{
    let by_index: HashMap<&[usize], &ChunkRecord> =
        records.iter().map(|r| (r.index.as_slice(), r)).collect();
    let raw = meta.grid().chunk_len() * meta.dtype.itemsize();
    decode_region(&Layout::typed(meta), region, out.into_dyn(), &|idx, buf| {
        let Some(r) = by_index.get(idx) else {
            return Ok(false);
        };
        if r.shape != meta.chunks() || r.dtype != meta.dtype || r.order != meta.order {
            return Err(Error::Array(format!(
                "chunk {idx:?}: record has shape {:?}, dtype {}, order {:?}; the array has {:?}, {}, {:?}",
                r.shape,
                r.dtype,
                r.order,
                meta.chunks(),
                meta.dtype,
                meta.order
            )));
        }
        debug_assert_eq!(buf.len(), raw);
        r.decode_bytes_into(buf)?;
        Ok(true)
    })
}
