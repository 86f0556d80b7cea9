//! The parallel chunk engine: cut an array view into chunk buffers and encode them, or decode
//! chunks and scatter them into a caller's view. Storage-agnostic: the store-backed array
//! ([`super::ZarrArray`]) and the chunk records ([`super::ChunkRecord`]) both run on it.
//!
//! Parallelism runs on the current rayon pool (the caller's, inside `pool.install`, or the
//! global one). Across chunks when there are at least as many chunks as threads; with fewer,
//! the copies into and out of chunk buffers are split across threads too, and codecs that
//! split their own work (Blosc blocks) do so in the same pool. Each task holds one chunk
//! buffer, so memory in flight is about one raw plus one encoded chunk per thread.

use super::grid::ChunkGrid;
use super::meta::{ArrayMeta, Order};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use bytemuck::Pod;
use ndarray::{ArrayViewD, ArrayViewMutD, Axis, IxDyn, ShapeBuilder, Slice, Zip};
use rayon::prelude::*;
use std::ops::Range;

/// Checks that `T` has the dtype's item size (its bytes are the element's native-order bytes).
pub(crate) fn check_element<T>(dtype: DType) -> Result<()> {
    if std::mem::size_of::<T>() != dtype.itemsize() {
        return Err(Error::Array(format!(
            "element type of {} bytes does not match dtype {dtype} ({} bytes)",
            std::mem::size_of::<T>(),
            dtype.itemsize()
        )));
    }
    Ok(())
}

/// How the engine sees an array: its chunk grid, order, dtype (for the codecs and the byte
/// order) and fill value, and how the caller's elements map onto the grid.
///
/// Typed (`byte_axis` `None`): one `T` per element, `T` of the dtype's item size. Bytes
/// (`byte_axis` `Some(axis)`): `T` is one byte and the grid has one more axis, of the item
/// size, holding each element's bytes, last for C order and first for F order, so a chunk's
/// bytes are laid out exactly as the typed form's. Any dtype works that way, whatever its
/// item size (`|S7`, `<c16`, `<U3`, ...). Chunk indices handed to the store callbacks never
/// include the byte axis.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub grid: ChunkGrid,
    pub order: Order,
    pub dtype: DType,
    /// One element's bytes, native order.
    pub fill: Vec<u8>,
    pub byte_axis: Option<usize>,
}

impl Layout {
    /// One `T` of the dtype's item size per element.
    pub fn typed(meta: &ArrayMeta) -> Self {
        Layout {
            grid: meta.grid().clone(),
            order: meta.order,
            dtype: meta.dtype,
            fill: meta.fill_value.native_bytes().to_vec(),
            byte_axis: None,
        }
    }

    /// Elements as their bytes along one more axis (see the type's docs).
    pub fn bytes(meta: &ArrayMeta) -> Result<Self> {
        let k = meta.dtype.itemsize();
        let (mut shape, mut chunks) = (meta.shape().to_vec(), meta.chunks().to_vec());
        let axis = match meta.order {
            Order::C => shape.len(),
            Order::F => 0,
        };
        shape.insert(axis, k);
        chunks.insert(axis, k);
        Ok(Layout {
            grid: ChunkGrid::new(&shape, &chunks)?,
            order: meta.order,
            dtype: meta.dtype,
            fill: meta.fill_value.native_bytes().to_vec(),
            byte_axis: Some(axis),
        })
    }

    /// `T` must be one element (typed) or one byte (bytes).
    fn check<T>(&self) -> Result<()> {
        match self.byte_axis {
            None => check_element::<T>(self.dtype),
            Some(_) if std::mem::size_of::<T>() == 1 => Ok(()),
            Some(_) => Err(Error::Array(format!(
                "byte-wise access to dtype {} takes one-byte elements, not {}",
                self.dtype,
                std::mem::size_of::<T>()
            ))),
        }
    }

    /// A grid index without the byte axis (the index itself, no copy, when typed).
    fn outer<'a>(&self, idx: &'a [usize]) -> std::borrow::Cow<'a, [usize]> {
        match self.byte_axis {
            Some(a) if a < idx.len() => {
                let mut v = idx.to_vec();
                v.remove(a);
                std::borrow::Cow::Owned(v)
            }
            _ => std::borrow::Cow::Borrowed(idx),
        }
    }

    /// Fills `dst` with the fill value.
    fn fill_view<T: Pod>(&self, dst: &mut ArrayViewMutD<'_, T>) -> Result<()> {
        match self.byte_axis {
            None => {
                let v: T = bytemuck::try_pod_read_unaligned(&self.fill)
                    .map_err(|e| Error::Array(format!("fill value: {e}")))?;
                dst.fill(v);
            }
            Some(a) => {
                for mut lane in dst.lanes_mut(Axis(a)) {
                    for (d, p) in lane.iter_mut().zip(&self.fill) {
                        bytemuck::bytes_of_mut(d).fill(*p);
                    }
                }
            }
        }
        Ok(())
    }
}

/// This machine's memory and swap in bytes (Linux `/proc/meminfo`, read once), `None` where
/// unknown: a buffer larger than that cannot be filled, and asking the allocator for it would
/// only succeed on paper (overcommit) and fail while writing.
pub fn memory_bytes() -> Option<u64> {
    static MEM: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *MEM.get_or_init(|| {
        let info = std::fs::read_to_string("/proc/meminfo").ok()?;
        let kib = |key: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        };
        let total = kib("MemTotal:")?.checked_add(kib("SwapTotal:").unwrap_or(0))?;
        total.checked_mul(1024)
    })
}

/// Makes `buf` one chunk of elements holding `fill` (one element's bytes; its length divides
/// the chunk's bytes), or an error naming the size when that memory cannot be had (a
/// `.zarray` or `--chunks` asking for chunks of exabytes must not abort the process).
pub(crate) fn chunk_buffer<T: Pod>(buf: &mut Vec<T>, grid: &ChunkGrid, fill: &[u8]) -> Result<()> {
    let n = grid.chunk_len();
    let bytes = (n as u128) * std::mem::size_of::<T>() as u128;
    let cannot = || {
        Error::Array(format!(
            "cannot allocate a chunk of {:?} elements ({bytes} bytes)",
            grid.chunks(),
        ))
    };
    if memory_bytes().is_some_and(|m| bytes > u128::from(m)) {
        return Err(cannot());
    }
    buf.clear();
    buf.try_reserve_exact(n).map_err(|_| cannot())?;
    buf.resize(n, T::zeroed());
    if fill.iter().any(|&b| b != 0) {
        fill_bytes(bytemuck::cast_slice_mut(buf), fill);
    }
    Ok(())
}

/// Writes `pattern` over and over into `bytes`.
fn fill_bytes(bytes: &mut [u8], pattern: &[u8]) {
    match pattern {
        [] => {}
        [b] => bytes.fill(*b),
        _ if pattern.iter().all(|&b| b == 0) => bytes.fill(0),
        _ => {
            for c in bytes.chunks_mut(pattern.len()) {
                c.copy_from_slice(pattern.get(..c.len()).unwrap_or(pattern));
            }
        }
    }
}

/// The fill value as a `T` (native order).
pub(crate) fn fill_of<T: Pod>(meta: &ArrayMeta) -> Result<T> {
    check_element::<T>(meta.dtype)?;
    bytemuck::try_pod_read_unaligned(meta.fill_value.native_bytes())
        .map_err(|e| Error::Array(format!("fill value: {e}")))
}

fn needs_swap(dtype: DType) -> bool {
    dtype.swap_unit() > 1 && !dtype.is_native()
}

/// Reverses the bytes of each `unit`-byte part in place (see [`DType::swap_unit`]: the item
/// size for numbers, half of it for complex, 4 for unicode).
pub(crate) fn swap_bytes(bytes: &mut [u8], unit: usize) {
    if unit > 1 {
        for e in bytes.chunks_exact_mut(unit) {
            e.reverse();
        }
    }
}

fn view_of<'a, T>(buf: &'a [T], shape: &[usize], order: Order) -> Result<ArrayViewD<'a, T>> {
    let dim = IxDyn(shape);
    match order {
        Order::C => ArrayViewD::from_shape(dim, buf),
        Order::F => ArrayViewD::from_shape(dim.f(), buf),
    }
    .map_err(|e| Error::Array(format!("chunk buffer: {e}")))
}

fn view_of_mut<'a, T>(
    buf: &'a mut [T],
    shape: &[usize],
    order: Order,
) -> Result<ArrayViewMutD<'a, T>> {
    let dim = IxDyn(shape);
    match order {
        Order::C => ArrayViewMutD::from_shape(dim, buf),
        Order::F => ArrayViewMutD::from_shape(dim.f(), buf),
    }
    .map_err(|e| Error::Array(format!("chunk buffer: {e}")))
}

fn copy_into<T: Pod + Send + Sync>(
    dst: &mut ArrayViewMutD<'_, T>,
    src: &ArrayViewD<'_, T>,
    parallel: bool,
) {
    if parallel && dst.len() >= 1 << 16 {
        Zip::from(dst).and(src).par_for_each(|d, s| *d = *s);
    } else {
        dst.assign(src);
    }
}

/// True when the chunk's elements can be read straight from the view's memory (or written
/// straight into it): the chunk is whole, and C order matches the memory order.
fn is_whole(grid: &ChunkGrid, ext: &[Range<usize>]) -> bool {
    ext.iter().zip(grid.chunks()).all(|(r, &c)| r.len() == c)
}

/// Encodes every chunk of `data` with `pipeline` in parallel, handing each chunk's grid index
/// and encoded bytes to `sink` (called from many threads; order is not defined).
pub(crate) fn encode_each<T: Pod + Send + Sync>(
    layout: &Layout,
    pipeline: &Pipeline,
    data: &ArrayViewD<'_, T>,
    sink: &(dyn Fn(Vec<usize>, Vec<u8>) -> Result<()> + Sync),
) -> Result<()> {
    layout.check::<T>()?;
    let grid = &layout.grid;
    let fill = layout.fill.as_slice();
    if data.shape() != grid.shape() {
        return Err(Error::Array(format!(
            "data of shape {:?} does not match the array's shape {:?}",
            data.shape(),
            grid.shape()
        )));
    }
    let dtype = layout.dtype;
    let swap = needs_swap(dtype);
    let c_like = layout.order == Order::C || grid.ndim() <= 1;
    let n = grid.num_chunks();
    let few = n < rayon::current_num_threads();
    // Many chunks: one chunk per thread, codecs serial inside; few: codecs split chunks.
    let encode = |bytes: &[u8]| {
        if few {
            pipeline.encode(bytes, dtype)
        } else {
            crate::parallel::serial_inside(|| pipeline.encode(bytes, dtype))
        }
    };
    (0..n)
        .into_par_iter()
        .try_for_each_init(Vec::<T>::new, |buf, i| {
            let idx = grid.index_of(i);
            let ext = grid.chunk_extent(&idx);
            // `ext` has one range per axis of `data` (grid and array share the rank, checked
            // when the grid was built), and ndarray only passes axes below that rank.
            #[allow(clippy::indexing_slicing)]
            let src = data.slice_each_axis(|ax| Slice::from(ext[ax.axis.index()].clone()));
            let direct = if is_whole(grid, &ext) && c_like && !swap {
                src.as_slice()
            } else {
                None
            };
            let encoded = match direct {
                Some(s) => encode(bytemuck::cast_slice(s))?,
                None => {
                    // A whole chunk is overwritten by the copy below: only a partial (edge)
                    // chunk needs its padding set to the fill value.
                    if !is_whole(grid, &ext) || buf.len() != grid.chunk_len() {
                        chunk_buffer(buf, grid, fill)?;
                    }
                    {
                        let mut whole = view_of_mut(buf, grid.chunks(), layout.order)?;
                        let mut dst =
                            whole.slice_each_axis_mut(|ax| Slice::from(0..src.len_of(ax.axis)));
                        copy_into(&mut dst, &src, few);
                    }
                    let bytes: &mut [u8] = bytemuck::cast_slice_mut(buf);
                    if swap {
                        swap_bytes(bytes, dtype.swap_unit());
                    }
                    encode(bytes)?
                }
            };
            let idx = match layout.outer(&idx) {
                std::borrow::Cow::Owned(v) => v,
                std::borrow::Cow::Borrowed(_) => idx,
            };
            sink(idx, encoded)
        })
}

/// Cuts `view` (the region's shape) into one sub-view per chunk the region touches.
fn split_tasks<'a, T>(
    view: ArrayViewMutD<'a, T>,
    axis: usize,
    region: &[Range<usize>],
    chunks: &[usize],
    prefix: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, ArrayViewMutD<'a, T>)>,
) {
    let (Some(r), Some(&c)) = (region.get(axis), chunks.get(axis)) else {
        out.push((prefix.clone(), view));
        return;
    };
    let mut rest = view;
    let mut pos = r.start;
    while pos < r.end {
        let next = ((pos / c + 1) * c).min(r.end);
        let (left, right) = rest.split_at(Axis(axis), next - pos);
        prefix.push(pos / c);
        split_tasks(left, axis + 1, region, chunks, prefix, out);
        prefix.pop();
        rest = right;
        pos = next;
    }
}

/// Loads chunk `index` decoded into the given buffer (exactly one chunk's bytes, stored byte
/// order); returns `false` when the chunk does not exist (it reads as the fill value).
pub(crate) type ChunkLoader<'a> = dyn Fn(&[usize], &mut [u8]) -> Result<bool> + Sync + 'a;

/// Decodes `region` of the array into `out` (the region's shape), in parallel, loading only
/// the chunks the region touches.
pub(crate) fn decode_region<T: Pod + Send + Sync>(
    layout: &Layout,
    region: &[Range<usize>],
    out: ArrayViewMutD<'_, T>,
    load: &ChunkLoader<'_>,
) -> Result<()> {
    layout.check::<T>()?;
    let grid = &layout.grid;
    grid.check_region(region)?;
    let want: Vec<usize> = region.iter().map(|r| r.len()).collect();
    if out.shape() != want.as_slice() {
        return Err(Error::Array(format!(
            "output of shape {:?} does not match the region's shape {want:?}",
            out.shape()
        )));
    }
    let mut tasks = Vec::new();
    split_tasks(out, 0, region, grid.chunks(), &mut Vec::new(), &mut tasks);
    let dtype = layout.dtype;
    let swap = needs_swap(dtype);
    let c_like = layout.order == Order::C || grid.ndim() <= 1;
    let few = tasks.len() < rayon::current_num_threads();
    let load = |idx: &[usize], bytes: &mut [u8]| {
        let idx = layout.outer(idx);
        if few {
            load(&idx, bytes)
        } else {
            crate::parallel::serial_inside(|| load(&idx, bytes))
        }
    };
    tasks
        .into_par_iter()
        .try_for_each_init(Vec::<T>::new, |buf, (idx, mut dst)| {
            let ext = grid.chunk_extent(&idx);
            let inter: Vec<Range<usize>> = ext
                .iter()
                .zip(region)
                .map(|(e, r)| e.start.max(r.start)..e.end.min(r.end))
                .collect();
            let whole = is_whole(grid, &inter);
            if whole && c_like {
                if let Some(s) = dst.as_slice_mut() {
                    let bytes: &mut [u8] = bytemuck::cast_slice_mut(s);
                    if load(&idx, bytes)? {
                        if swap {
                            swap_bytes(bytes, dtype.swap_unit());
                        }
                    } else {
                        fill_bytes(bytes, &layout.fill);
                    }
                    return Ok(());
                }
            }
            // `load` overwrites every byte when it returns true (and the buffer is not read
            // otherwise), so a buffer of the right length is reused as it is.
            if buf.len() != grid.chunk_len() {
                chunk_buffer(buf, grid, &[0])?;
            }
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(buf);
            if !load(&idx, bytes)? {
                return layout.fill_view(&mut dst);
            }
            if swap {
                swap_bytes(bytes, dtype.swap_unit());
            }
            let chunk = view_of(buf, grid.chunks(), layout.order)?;
            // `ext` and `inter` have one range per axis of the chunk (same rank as the grid),
            // and ndarray only passes axes below that rank.
            #[allow(clippy::indexing_slicing)]
            let src = chunk.slice_each_axis(|ax| {
                let a = ax.axis.index();
                let start = ext[a].start;
                Slice::from(inter[a].start - start..inter[a].end - start)
            });
            copy_into(&mut dst, &src, few);
            Ok(())
        })
}
