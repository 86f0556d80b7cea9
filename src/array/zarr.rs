//! A Zarr v2 array in a [`Store`]: `.zarray`, `.zattrs` and one key per chunk.

use super::engine::{decode_region, encode_each, fill_of, Layout};
use super::meta::{ArrayMeta, Order};
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use crate::store::Store;
use bytemuck::Pod;
use ndarray::{ArrayD, ArrayView, ArrayViewD, ArrayViewMut, ArrayViewMutD, Dimension, IxDyn};
use serde_json::{Map, Value};
use std::ops::Range;

/// Sizes of a stored array, for `chunkcodec info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayStats {
    /// Chunks present in the store.
    pub chunks_stored: usize,
    /// Chunks in the grid.
    pub chunks_total: usize,
    /// Bytes of the stored chunks.
    pub stored_bytes: u64,
    /// Bytes of the array's elements (`prod(shape) * itemsize`).
    pub raw_bytes: u64,
}

/// A Zarr v2 array at `path` inside a store (`""` for the store's root).
///
/// Reads and writes run in parallel on the current rayon pool: call them inside
/// `pool.install(...)` to use your own pool.
#[derive(Debug)]
pub struct ZarrArray<S: Store> {
    store: S,
    path: String,
    meta: ArrayMeta,
    pipeline: Pipeline,
}

impl<S: Store> ZarrArray<S> {
    /// Creates the array: writes `.zarray` (codec configs normalized to each codec's full
    /// config, so zarr-python rebuilds the same codecs). Existing chunks under `path` are left
    /// alone.
    pub fn create(store: S, path: &str, mut meta: ArrayMeta) -> Result<Self> {
        meta.normalize_codecs()?;
        let pipeline = meta.pipeline()?;
        let arr = ZarrArray {
            store,
            path: path.trim_matches('/').to_string(),
            meta,
            pipeline,
        };
        arr.store.set(&arr.key(".zarray"), &arr.meta.to_bytes())?;
        Ok(arr)
    }

    /// Opens the array at `path`: reads and checks `.zarray`, builds its codecs.
    pub fn open(store: S, path: &str) -> Result<Self> {
        let path = path.trim_matches('/').to_string();
        let key = join(&path, ".zarray");
        let bytes = store
            .get(&key)?
            .ok_or_else(|| Error::Array(format!("no array at {path:?}: key {key:?} is missing")))?;
        let meta = ArrayMeta::from_bytes(&bytes, &key)?;
        let pipeline = meta
            .pipeline()
            .map_err(|e| Error::Array(format!("metadata {key:?}: codecs: {e}")))?;
        Ok(ZarrArray {
            store,
            path,
            meta,
            pipeline,
        })
    }

    /// The metadata.
    pub fn meta(&self) -> &ArrayMeta {
        &self.meta
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The pipeline (filters then compressor).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    fn key(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// The store key of chunk `index`.
    pub fn chunk_key(&self, index: &[usize]) -> String {
        self.key(&self.meta.chunk_key(index))
    }

    /// The user attributes (`.zattrs`), `{}` when there are none.
    pub fn attrs(&self) -> Result<Map<String, Value>> {
        let key = self.key(".zattrs");
        match self.store.get(&key)? {
            None => Ok(Map::new()),
            Some(b) => match serde_json::from_slice(&b) {
                Ok(Value::Object(m)) => Ok(m),
                Ok(_) => Err(Error::Array(format!("{key:?} is not a JSON object"))),
                Err(e) => Err(Error::Array(format!("{key:?} is not valid JSON ({e})"))),
            },
        }
    }

    /// Replaces the user attributes.
    pub fn set_attrs(&self, attrs: &Map<String, Value>) -> Result<()> {
        let mut out = serde_json::to_vec_pretty(attrs)
            .map_err(|e| Error::Array(format!("attributes: {e}")))?;
        out.push(b'\n');
        self.store.set(&self.key(".zattrs"), &out)
    }

    /// Writes the whole array from `data` (an owned array's view or any view, also
    /// non-contiguous), encoding chunks in parallel and writing each as soon as it is encoded.
    pub fn write<T, D>(&self, data: ArrayView<'_, T, D>) -> Result<()>
    where
        T: Pod + Send + Sync,
        D: Dimension,
    {
        self.write_with_progress(data, &|_| {})
    }

    /// [`ZarrArray::write`], calling `progress(raw_bytes)` after each chunk is stored.
    pub fn write_with_progress<T, D>(
        &self,
        data: ArrayView<'_, T, D>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()>
    where
        T: Pod + Send + Sync,
        D: Dimension,
    {
        // The engine checks that `T` has the item size (Layout::check).
        self.write_layout(&Layout::typed(&self.meta), &data.into_dyn(), progress)
    }

    /// Writes the whole array from its elements' bytes: `data` has the array's shape plus one
    /// last axis of the item size, holding each element's bytes in this machine's byte order
    /// (the store gets the dtype's order). This takes every dtype, whatever its item size
    /// (`|S7`, `<c16`, `<U3`, ...), where [`ZarrArray::write`] needs a Rust type of that size.
    pub fn write_bytes_with_progress(
        &self,
        data: ArrayViewD<'_, u8>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        let layout = Layout::bytes(&self.meta)?;
        let mut want = self.meta.shape().to_vec();
        want.push(self.meta.dtype.itemsize());
        if data.shape() != want.as_slice() {
            return Err(Error::Array(format!(
                "element bytes of shape {:?} do not match the array's shape plus its item size {want:?}",
                data.shape()
            )));
        }
        let n = data.ndim();
        let data = match self.meta.order {
            Order::C => data,
            Order::F => data.permuted_axes(IxDyn(&byte_axis_first(n))),
        };
        self.write_layout(&layout, &data, progress)
    }

    fn write_layout<T: Pod + Send + Sync>(
        &self,
        layout: &Layout,
        data: &ArrayViewD<'_, T>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        let raw =
            (self.meta.grid().chunk_len() as u64).saturating_mul(self.meta.dtype.itemsize() as u64);
        encode_each(layout, &self.pipeline, data, &|idx, bytes| {
            self.store.set(&self.chunk_key(&idx), &bytes)?;
            progress(raw);
            Ok(())
        })
    }

    /// Reads the whole array.
    pub fn read<T: Pod + Send + Sync>(&self) -> Result<ArrayD<T>> {
        self.read_region(&self.meta.grid().full_region())
    }

    /// Reads `region` (a range per axis) into a new array.
    pub fn read_region<T: Pod + Send + Sync>(&self, region: &[Range<usize>]) -> Result<ArrayD<T>> {
        let fill: T = fill_of(&self.meta)?;
        self.meta.grid().check_region(region)?;
        let shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
        let mut out = ArrayD::from_elem(IxDyn(&shape), fill);
        self.read_region_into(region, out.view_mut())?;
        Ok(out)
    }

    /// Reads the whole array into `out` (the array's shape).
    pub fn read_into<T, D>(&self, out: ArrayViewMut<'_, T, D>) -> Result<()>
    where
        T: Pod + Send + Sync,
        D: Dimension,
    {
        self.read_region_into(&self.meta.grid().full_region(), out)
    }

    /// Reads `region` straight into `out` (the region's shape; any layout), reading only the
    /// chunks the region touches. Missing chunks read as the fill value.
    pub fn read_region_into<T, D>(
        &self,
        region: &[Range<usize>],
        out: ArrayViewMut<'_, T, D>,
    ) -> Result<()>
    where
        T: Pod + Send + Sync,
        D: Dimension,
    {
        self.read_region_with_progress(region, out, &|_| {})
    }

    /// [`ZarrArray::read_region_into`], calling `progress(raw_bytes)` after each chunk.
    pub fn read_region_with_progress<T, D>(
        &self,
        region: &[Range<usize>],
        out: ArrayViewMut<'_, T, D>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()>
    where
        T: Pod + Send + Sync,
        D: Dimension,
    {
        // The engine checks that `T` has the item size (Layout::check).
        self.read_layout(&Layout::typed(&self.meta), region, out.into_dyn(), progress)
    }

    /// Reads `region` into `out` as the elements' bytes: `out` has the region's shape plus
    /// one last axis of the item size, and gets each element's bytes in this machine's byte
    /// order. The byte-wise twin of [`ZarrArray::read_region_with_progress`] for any dtype.
    pub fn read_region_bytes_with_progress(
        &self,
        region: &[Range<usize>],
        out: ArrayViewMutD<'_, u8>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        self.meta.grid().check_region(region)?;
        let layout = Layout::bytes(&self.meta)?;
        let k = self.meta.dtype.itemsize();
        let mut want: Vec<usize> = region.iter().map(|r| r.len()).collect();
        want.push(k);
        if out.shape() != want.as_slice() {
            return Err(Error::Array(format!(
                "output bytes of shape {:?} do not match the region's shape plus the item size {want:?}",
                out.shape()
            )));
        }
        let mut region = region.to_vec();
        let out = match self.meta.order {
            Order::C => {
                region.push(0..k);
                out
            }
            Order::F => {
                region.insert(0, 0..k);
                let n = out.ndim();
                out.permuted_axes(IxDyn(&byte_axis_first(n)))
            }
        };
        self.read_layout(&layout, &region, out, progress)
    }

    fn read_layout<T: Pod + Send + Sync>(
        &self,
        layout: &Layout,
        region: &[Range<usize>],
        out: ArrayViewMutD<'_, T>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        decode_region(layout, region, out, &|idx, buf| {
            let key = self.chunk_key(idx);
            let found = with_scratch(|bytes| {
                if !self.store.get_into(&key, bytes)? {
                    return Ok(false);
                }
                self.pipeline
                    .decode_into(bytes, buf)
                    .map_err(|e| Error::Array(format!("chunk {key:?}: {e}")))?;
                Ok(true)
            })?;
            progress(buf.len() as u64);
            Ok(found)
        })
    }

    /// Chunk counts and stored / raw sizes.
    pub fn stats(&self) -> Result<ArrayStats> {
        let grid = self.meta.grid();
        let mut stored = 0usize;
        let mut bytes = 0u64;
        // From the store's listing, not chunk key by chunk key: a sparse array of 10^10
        // possible chunks with a few stored is counted as fast as zarr-python counts it.
        let prefix = join(&self.path, "");
        for key in self.store.list_prefix(&prefix)? {
            let is_chunk = key
                .strip_prefix(&prefix)
                .is_some_and(|rel| self.is_chunk_key(rel));
            if is_chunk {
                if let Some(n) = self.store.size(&key)? {
                    stored += 1;
                    bytes += n;
                }
            }
        }
        Ok(ArrayStats {
            chunks_stored: stored,
            chunks_total: grid.num_chunks(),
            stored_bytes: bytes,
            raw_bytes: (grid.len() as u64).saturating_mul(self.meta.dtype.itemsize() as u64),
        })
    }

    /// Whether `rel` (a key relative to the array) is the key of one of its chunks, spelled
    /// as this array writes it.
    fn is_chunk_key(&self, rel: &str) -> bool {
        let grid = self.meta.grid();
        let idx: Option<Vec<usize>> = if grid.ndim() == 0 {
            Some(Vec::new())
        } else {
            rel.split(['.', '/']).map(|p| p.parse().ok()).collect()
        };
        idx.is_some_and(|idx| {
            idx.len() == grid.ndim()
                && idx.iter().zip(grid.grid_shape()).all(|(i, n)| i < n)
                && self.meta.chunk_key(&idx) == rel
        })
    }
}

/// The axis order that moves the last of `n` axes (the element bytes) to the front.
fn byte_axis_first(n: usize) -> Vec<usize> {
    let last = n.saturating_sub(1);
    std::iter::once(last).chain(0..last).collect()
}

thread_local! {
    /// Per-thread buffer for a chunk's stored bytes (grown, never shrunk below its use).
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` on this thread's stored-bytes buffer. Taken out while in use, so a nested use on
/// the same thread (rayon work stealing inside a codec) gets a fresh one.
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buf = SCRATCH.take();
    let r = f(&mut buf);
    // Do not keep a buffer far larger than chunks need (one odd huge value).
    if buf.capacity() <= 64 << 20 {
        SCRATCH.set(buf);
    }
    r
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}/{name}")
    }
}
