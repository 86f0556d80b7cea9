//! `chunkcodec compress | decompress | info`: `.npy` files to and from Zarr v2 directory stores.
//!
//! Contract (README "Array CLI"):
//! - `compress IN.npy STORE [--chunks A,B,...] [--compressor JSON|none] [--filters JSON-LIST]
//!   [--fill-value JSON] [--separator .|/] [--order C|F] [--threads N] [--no-fsync]`; default compressor zarr's
//!   `{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`; a chunk length of
//!   `-1` means the whole axis; without `--chunks`, chunks of about 1 MiB along the first axes.
//! - `decompress STORE OUT.npy [--threads N]`; `info STORE`.
//! - A progress bar on stderr only when stderr is a terminal; one summary line on stdout.

use crate::array::{swap_bytes, ArrayMeta, Order, Separator, ZarrArray};
use crate::error::{Error, Result};
use crate::npy::Npy;
use crate::store::DirectoryStore;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::{ArrayViewD, ArrayViewMutD, IxDyn, ShapeBuilder};
use serde_json::Value;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// zarr-python 2's default compressor.
pub const DEFAULT_COMPRESSOR: &str =
    r#"{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}"#;

#[derive(Debug, Args)]
pub struct CompressArgs {
    /// Input .npy file.
    pub input: PathBuf,
    /// Output directory store (must not exist or be empty).
    pub store: PathBuf,
    /// Chunk shape, e.g. 256,256 (-1: the whole axis). Default: about 1 MiB per chunk.
    #[arg(long, allow_hyphen_values = true)]
    pub chunks: Option<String>,
    /// Compressor codec config (JSON object) or "none". Default: Blosc lz4 clevel 5 + shuffle.
    #[arg(long)]
    pub compressor: Option<String>,
    /// Filters: a JSON list of codec configs, applied before the compressor.
    #[arg(long)]
    pub filters: Option<String>,
    /// Fill value (JSON: a number, "NaN", "Infinity", "-Infinity", true/false or null).
    #[arg(long, allow_hyphen_values = true)]
    pub fill_value: Option<String>,
    /// Chunk key separator: "." (default) or "/".
    #[arg(long, default_value = ".")]
    pub separator: String,
    /// Element order inside each chunk: "C" (default) or "F".
    #[arg(long, default_value = "C")]
    pub order: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Skip the fsync before each chunk's rename (still atomic for readers, as zarr-python's
    /// DirectoryStore, which never fsyncs; a power loss may lose recent chunks).
    #[arg(long)]
    pub no_fsync: bool,
    /// Benchmark mode (for scripts/bench_zarr.py): with the .npy already in memory, write the
    /// store N times (removing it first) and read it back N times into a new in-memory array,
    /// printing the times as one JSON line. The .npy load is not timed.
    #[arg(long, hide = true)]
    pub time_repeat: Option<usize>,
}

#[derive(Debug, Args)]
pub struct DecompressArgs {
    /// Input directory store.
    pub store: PathBuf,
    /// Output .npy file.
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Directory store holding a Zarr v2 array at its root.
    pub store: PathBuf,
}

/// Runs `f` on a pool of `threads` threads, or on the global pool.
pub fn with_pool<R: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> Result<R> + Send,
) -> Result<R> {
    match threads {
        None => f(),
        Some(0) => Err(Error::Array("--threads must be at least 1".into())),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Array(format!("building a pool of {n} threads: {e}")))?
            .install(f),
    }
}

/// A byte-count progress bar on stderr, hidden unless stderr is a terminal.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

fn parse_json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text)
        .map_err(|e| Error::ConfigShape(format!("{what} is not valid JSON ({e}): {text}")))
}

/// Parses `--chunks` against `shape`.
pub fn parse_chunks(text: Option<&str>, shape: &[usize], itemsize: usize) -> Result<Vec<usize>> {
    let Some(text) = text else {
        return Ok(auto_chunks(shape, itemsize, 1 << 20));
    };
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.len() != shape.len() {
        return Err(Error::Array(format!(
            "--chunks {text:?} has {} lengths but the array has {} dimensions (shape {shape:?})",
            parts.len(),
            shape.len()
        )));
    }
    parts
        .iter()
        .zip(shape)
        .map(|(p, &s)| match p.parse::<i64>() {
            Ok(-1) => Ok(s.max(1)),
            Ok(n) if n >= 1 => Ok(n as usize),
            _ => Err(Error::Array(format!(
                "--chunks {text:?}: {p:?} is not a positive integer or -1"
            ))),
        })
        .collect()
}

/// Chunks of about `target` bytes: trailing axes whole, the first axes cut.
pub fn auto_chunks(shape: &[usize], itemsize: usize, target: usize) -> Vec<usize> {
    let mut chunks: Vec<usize> = shape.iter().map(|&s| s.max(1)).collect();
    let bytes = |c: &[usize]| c.iter().product::<usize>().saturating_mul(itemsize);
    for axis in 0..chunks.len() {
        let b = bytes(&chunks);
        if b <= target {
            break;
        }
        let rest = b / chunks[axis];
        chunks[axis] = (target / rest.max(1)).max(1).min(chunks[axis]);
    }
    chunks
}

/// `chunkcodec compress`.
pub fn compress(args: &CompressArgs) -> Result<()> {
    let mut npy = Npy::read_file(&args.input)?;
    // The engine takes elements in native byte order and writes the dtype's order.
    if !npy.dtype.is_native() {
        swap_bytes(&mut npy.data, npy.dtype.swap_unit());
    }
    let chunks = parse_chunks(args.chunks.as_deref(), &npy.shape, npy.dtype.itemsize())?;
    let compressor = match args.compressor.as_deref() {
        Some("none") | Some("null") => None,
        Some(t) => Some(parse_json(t, "--compressor")?),
        None => Some(parse_json(DEFAULT_COMPRESSOR, "default compressor")?),
    };
    let filters = match args.filters.as_deref() {
        None => Vec::new(),
        Some(t) => match parse_json(t, "--filters")? {
            Value::Array(v) => v,
            Value::Null => Vec::new(),
            other => {
                return Err(Error::ConfigShape(format!(
                    "--filters must be a JSON list of codec configs, got {other}"
                )))
            }
        },
    };
    let separator = match args.separator.as_str() {
        "." => Separator::Dot,
        "/" => Separator::Slash,
        s => {
            return Err(Error::Array(format!(
                "--separator must be \".\" or \"/\", got {s:?}"
            )))
        }
    };
    let order = match args.order.as_str() {
        "C" | "c" => Order::C,
        "F" | "f" => Order::F,
        o => {
            return Err(Error::Array(format!(
                "--order must be \"C\" or \"F\", got {o:?}"
            )))
        }
    };
    let mut meta = ArrayMeta::new(&npy.shape, &chunks, npy.dtype)?
        .with_order(order)
        .with_compressor(compressor)
        .with_filters(filters)
        .with_separator(separator);
    if let Some(f) = &args.fill_value {
        meta = meta.with_fill_value(&parse_json(f, "--fill-value")?)?;
    }
    meta.normalize_codecs().map_err(|e| match e {
        Error::UnknownCodec { id, known } => Error::UnknownCodec {
            id,
            known: format!("{known}; choose another with --compressor / --filters"),
        },
        other => other,
    })?;
    if args.store.exists()
        && std::fs::read_dir(&args.store)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::Store(format!(
            "{} already exists and is not an empty directory",
            args.store.display()
        )));
    }
    if let Some(reps) = args.time_repeat {
        return time_store(args, &npy, meta, reps);
    }
    let store = DirectoryStore::create(&args.store)?.with_fsync(!args.no_fsync);
    let arr = ZarrArray::create(store, "", meta)?;
    let pb = progress_bar(npy.data.len() as u64, "compress");
    let t = Instant::now();
    with_pool(args.threads, || write_dispatch(&arr, &npy, &pb))?;
    pb.finish_and_clear();
    let secs = t.elapsed().as_secs_f64();
    let stats = arr.stats()?;
    println!(
        "{}: shape {:?} {} chunks {:?}: {} chunks, {} -> {} bytes (ratio {:.2}), {:.2} s",
        args.store.display(),
        npy.shape,
        npy.dtype,
        arr.meta().chunks(),
        stats.chunks_stored,
        stats.raw_bytes,
        stats.stored_bytes,
        ratio(stats.raw_bytes, stats.stored_bytes),
        secs
    );
    Ok(())
}

/// `compress --time-repeat N`: times writing `npy` (already in memory) to the store and
/// reading it back into a fresh in-memory array, `reps` times each; prints one JSON line.
fn time_store(args: &CompressArgs, npy: &Npy, meta: ArrayMeta, reps: usize) -> Result<()> {
    let mut write_s = Vec::new();
    let mut read_s = Vec::new();
    let mut stored = 0u64;
    with_pool(args.threads, || {
        for _ in 0..reps.max(1) {
            let _ = std::fs::remove_dir_all(&args.store);
            let t = Instant::now();
            let store = DirectoryStore::create(&args.store)?.with_fsync(!args.no_fsync);
            let arr = ZarrArray::create(store, "", meta.clone())?;
            write_dispatch(&arr, npy, &ProgressBar::hidden())?;
            write_s.push(t.elapsed().as_secs_f64());
            stored = arr.stats()?.stored_bytes;
        }
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            let arr = ZarrArray::open(DirectoryStore::open(&args.store)?, "")?;
            // A fresh (lazily zeroed) allocation each time, as zarr-python's `z[...]`.
            let mut data = vec![0u8; npy.data.len()];
            read_dispatch(&arr, &mut data, &ProgressBar::hidden())?;
            read_s.push(t.elapsed().as_secs_f64());
            // Both in native order (the engine swaps); a Fortran-order .npy is not compared.
            if !npy.fortran_order && data != npy.data {
                return Err(Error::Array("read back differs from the input".into()));
            }
        }
        Ok(())
    })?;
    println!(
        "{}",
        serde_json::json!({"write_s": write_s, "read_s": read_s, "stored_bytes": stored,
                           "fsync": !args.no_fsync})
    );
    Ok(())
}

fn ratio(raw: u64, stored: u64) -> f64 {
    if stored == 0 {
        0.0
    } else {
        raw as f64 / stored as f64
    }
}

/// Writes the `.npy`'s elements: as one Rust value each for item sizes 1, 2, 4 and 8, as
/// their bytes for any other (`|S7`, `<c16`, `<U3`, ...).
fn write_dispatch(arr: &ZarrArray<DirectoryStore>, npy: &Npy, pb: &ProgressBar) -> Result<()> {
    match npy.dtype.itemsize() {
        1 => write_typed::<[u8; 1]>(arr, npy, pb),
        2 => write_typed::<[u8; 2]>(arr, npy, pb),
        4 => write_typed::<[u8; 4]>(arr, npy, pb),
        8 => write_typed::<[u8; 8]>(arr, npy, pb),
        n => {
            // The element bytes as one more axis, last. A Fortran-order file is F order over
            // [n, shape...] (each element's bytes stay together), that axis then moved last.
            let view = if npy.fortran_order {
                let dims: Vec<usize> = std::iter::once(n)
                    .chain(npy.shape.iter().copied())
                    .collect();
                let bytes_last: Vec<usize> = (1..dims.len()).chain([0]).collect();
                ArrayViewD::from_shape(IxDyn(&dims).f(), &npy.data)
                    .map(|v| v.permuted_axes(IxDyn(&bytes_last)))
            } else {
                let dims: Vec<usize> = npy.shape.iter().copied().chain([n]).collect();
                ArrayViewD::from_shape(IxDyn(&dims), &npy.data)
            }
            .map_err(|e| Error::Array(format!("npy data: {e}")))?;
            arr.write_bytes_with_progress(view, &|b| pb.inc(b))
        }
    }
}

/// Reads the whole array into `data` (C order, native byte order), by item size as
/// [`write_dispatch`] writes.
fn read_dispatch(arr: &ZarrArray<DirectoryStore>, data: &mut [u8], pb: &ProgressBar) -> Result<()> {
    match arr.meta().dtype.itemsize() {
        1 => read_typed::<[u8; 1]>(arr, data, pb),
        2 => read_typed::<[u8; 2]>(arr, data, pb),
        4 => read_typed::<[u8; 4]>(arr, data, pb),
        8 => read_typed::<[u8; 8]>(arr, data, pb),
        n => {
            let mut shape = arr.meta().shape().to_vec();
            shape.push(n);
            let view = ArrayViewMutD::from_shape(IxDyn(&shape), data)
                .map_err(|e| Error::Array(format!("output buffer: {e}")))?;
            let region = arr.meta().grid().full_region();
            arr.read_region_bytes_with_progress(&region, view, &|b| pb.inc(b))
        }
    }
}

fn write_typed<T: bytemuck::Pod + Send + Sync>(
    arr: &ZarrArray<DirectoryStore>,
    npy: &Npy,
    pb: &ProgressBar,
) -> Result<()> {
    let elems: &[T] =
        bytemuck::try_cast_slice(&npy.data).map_err(|e| Error::Array(format!("npy data: {e}")))?;
    let dim = IxDyn(&npy.shape);
    let view = if npy.fortran_order {
        ArrayViewD::from_shape(dim.f(), elems)
    } else {
        ArrayViewD::from_shape(dim, elems)
    }
    .map_err(|e| Error::Array(format!("npy data: {e}")))?;
    arr.write_with_progress(view, &|b| pb.inc(b))
}

fn read_typed<T: bytemuck::Pod + Send + Sync>(
    arr: &ZarrArray<DirectoryStore>,
    data: &mut [u8],
    pb: &ProgressBar,
) -> Result<()> {
    let elems: &mut [T] = bytemuck::try_cast_slice_mut(data)
        .map_err(|e| Error::Array(format!("output buffer: {e}")))?;
    let view = ArrayViewMutD::from_shape(IxDyn(arr.meta().shape()), elems)
        .map_err(|e| Error::Array(format!("output buffer: {e}")))?;
    let region = arr.meta().grid().full_region();
    arr.read_region_with_progress(&region, view, &|b| pb.inc(b))
}

/// `chunkcodec decompress`.
pub fn decompress(args: &DecompressArgs) -> Result<()> {
    let arr = ZarrArray::open(DirectoryStore::open(&args.store)?, "")?;
    let meta = arr.meta();
    let too_big = || {
        Error::Array(format!(
            "cannot allocate the decompressed array: shape {:?} of {} ({} bytes)",
            meta.shape(),
            meta.dtype,
            (meta.grid().len() as u128) * meta.dtype.itemsize() as u128
        ))
    };
    let len = meta
        .grid()
        .len()
        .checked_mul(meta.dtype.itemsize())
        .filter(|&n| crate::array::memory_bytes().is_none_or(|m| n as u64 <= m))
        .ok_or_else(too_big)?;
    // Zeroed by the allocator (pages mapped on first write), not by a pass over the memory.
    let mut data = vec![0u8; len];
    let pb = progress_bar(len as u64, "decompress");
    let t = Instant::now();
    with_pool(args.threads, || read_dispatch(&arr, &mut data, &pb))?;
    pb.finish_and_clear();
    if !meta.dtype.is_native() {
        swap_bytes(&mut data, meta.dtype.swap_unit());
    }
    let npy = Npy {
        dtype: meta.dtype,
        shape: meta.shape().to_vec(),
        fortran_order: false,
        data,
    };
    npy.write_file(&args.output)?;
    println!(
        "{}: shape {:?} {} ({} bytes), {:.2} s",
        args.output.display(),
        npy.shape,
        npy.dtype,
        len,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `chunkcodec info`.
pub fn info(args: &InfoArgs) -> Result<()> {
    let arr = ZarrArray::open(DirectoryStore::open(&args.store)?, "")?;
    let m = arr.meta();
    let s = arr.stats()?;
    let codecs = |v: Option<Value>| v.map_or("none".to_string(), |v| v.to_string());
    println!("shape:       {:?}", m.shape());
    println!("dtype:       {}", m.dtype);
    println!(
        "chunks:      {:?} (grid {:?})",
        m.chunks(),
        m.grid().grid_shape()
    );
    println!("order:       {:?}", m.order);
    println!("fill_value:  {}", m.fill_value.json());
    println!(
        "filters:     {}",
        codecs(m.filters.clone().map(Value::Array))
    );
    println!("compressor:  {}", codecs(m.compressor.clone()));
    println!(
        "chunk count: {} stored of {}",
        s.chunks_stored, s.chunks_total
    );
    println!("raw size:    {} bytes", s.raw_bytes);
    println!("stored size: {} bytes", s.stored_bytes);
    println!("ratio:       {:.2}", ratio(s.raw_bytes, s.stored_bytes));
    let attrs = arr.attrs()?;
    if !attrs.is_empty() {
        println!("attributes:  {}", Value::Object(attrs));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_parsing() {
        assert_eq!(parse_chunks(Some("2,-1"), &[10, 7], 4).unwrap(), [2, 7]);
        assert!(parse_chunks(Some("2"), &[10, 7], 4).is_err());
        assert!(parse_chunks(Some("0,1"), &[10, 7], 4).is_err());
        assert_eq!(parse_chunks(None, &[], 4).unwrap(), Vec::<usize>::new());
        assert_eq!(auto_chunks(&[1024, 1024], 4, 1 << 20), [256, 1024]);
        assert_eq!(auto_chunks(&[10, 10], 4, 1 << 20), [10, 10]);
        assert_eq!(auto_chunks(&[0, 3], 4, 1 << 20), [1, 3]);
        assert_eq!(auto_chunks(&[4, 1 << 20], 8, 1 << 20), [1, 1 << 17]);
    }
}
