//! The Zarr v2 `.zarray` parser on arbitrary bytes; metadata it accepts must print and parse back
//! to the same thing, and reading a small region of such an array from a store holding fuzzed
//! chunk bytes must not panic.
#![no_main]
use chunkcodec::array::{ArrayMeta, ZarrArray};
use chunkcodec::store::{MemoryStore, Store};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (json, chunk) = data.split_at(split);
    let Ok(meta) = ArrayMeta::from_bytes(json, ".zarray") else {
        return;
    };
    let again = ArrayMeta::from_bytes(&meta.to_bytes(), ".zarray").expect("own .zarray must parse");
    assert_eq!(again.to_json(), meta.to_json());
    // Keep the read small: at most 4096 elements in the region and the first chunk.
    let elems: usize = meta.chunks().iter().product();
    let itemsize = meta.dtype.itemsize();
    if elems == 0
        || elems.saturating_mul(itemsize) > 1 << 20
        || meta.shape().iter().product::<usize>() > 1 << 20
    {
        return;
    }
    let store = MemoryStore::new();
    let _ = store.set(".zarray", &meta.to_bytes());
    let first = meta.chunk_key(&vec![0; meta.shape().len()]);
    let _ = store.set(&first, chunk.get(1..).unwrap_or(&[]));
    let Ok(arr) = ZarrArray::open(store, "") else {
        return;
    };
    let region: Vec<_> = meta
        .shape()
        .iter()
        .zip(meta.chunks())
        .map(|(&s, &c)| 0..s.min(c))
        .collect();
    let _ = match itemsize {
        1 => arr.read_region::<u8>(&region).map(drop),
        2 => arr.read_region::<u16>(&region).map(drop),
        4 => arr.read_region::<u32>(&region).map(drop),
        8 => arr.read_region::<u64>(&region).map(drop),
        // Any other item size (|S7, <c16, <U3, ...): the elements' bytes.
        _ => {
            let mut shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
            shape.push(itemsize);
            let mut out = ndarray::ArrayD::<u8>::zeros(ndarray::IxDyn(&shape));
            arr.read_region_bytes_with_progress(&region, out.view_mut(), &|_| {})
        }
    };
});
