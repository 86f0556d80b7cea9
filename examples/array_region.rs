//! Encode an `ndarray` into a Zarr v2 store in parallel, then read a region back straight into
//! your own memory. Run: `cargo run --release --example array_region`.

use chunkcodec::array::{ArrayMeta, ZarrArray};
use chunkcodec::store::DirectoryStore;
use chunkcodec::DType;
use ndarray::{s, Array2, Array3, Axis};
use serde_json::json;

fn main() -> chunkcodec::Result<()> {
    // A smooth 3-D float32 field: 64 x 256 x 256 (16 MiB).
    let data = Array3::from_shape_fn((64, 256, 256), |(t, y, x)| {
        (t as f32 * 0.1).sin() + (y as f32 * 0.05).cos() * (x as f32 * 0.02).sin()
    });

    // zarr's default compressor when this build has Blosc; otherwise the shuffle filter alone.
    let blosc = json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0});
    let have_blosc = chunkcodec::registered_ids().iter().any(|id| id == "blosc");
    let meta = ArrayMeta::new(&[64, 256, 256], &[16, 64, 256], DType::F4)?;
    let meta = if have_blosc {
        meta.with_compressor(Some(blosc))
    } else {
        meta.with_filters(vec![json!({"id": "shuffle", "elementsize": 4})])
    };

    let dir = std::env::temp_dir().join(format!("chunkcodec-example-{}", std::process::id()));
    let arr = ZarrArray::create(DirectoryStore::create(&dir)?, "temperature", meta)?;
    arr.write(data.view())?; // chunks encoded in parallel on the global rayon pool

    // Read time steps 10..12, rows 100..132, every column, into a buffer we own. Only the
    // chunks this region touches are read and decoded.
    let mut out = Array3::<f32>::zeros((2, 32, 256));
    arr.read_region_into(&[10..12, 100..132, 0..256], out.view_mut())?;
    assert_eq!(out, data.slice(s![10..12, 100..132, ..]));

    // Or into a strided view of a bigger buffer: no intermediate full-size copy.
    let mut host = Array2::<f32>::zeros((256, 512));
    let window = host.slice_mut(s![.., ..;2]).insert_axis(Axis(0));
    arr.read_region_into(&[5..6, 0..256, 0..256], window)?;
    assert_eq!(host.slice(s![.., ..;2]), data.slice(s![5, .., ..]));

    let stats = arr.stats()?;
    println!(
        "stored {} chunks in {}: {} -> {} bytes (ratio {:.2}); region read back equal",
        stats.chunks_stored,
        dir.display(),
        stats.raw_bytes,
        stats.stored_bytes,
        stats.raw_bytes as f64 / stats.stored_bytes as f64
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
