//! Crash safety of the directory store: a writer killed with SIGKILL in the middle of writing
//! chunks leaves every chunk either old or new, never torn, and the store readable.
//!
//! The test re-runs its own binary as the writer (`child_writer`, active only when
//! CHUNKCODEC_CRASH_DIR is set), kills it at several points, and checks every chunk.

use chunkcodec::array::{ArrayMeta, ZarrArray};
use chunkcodec::store::DirectoryStore;
use chunkcodec::DType;
use ndarray::Array2;
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::Duration;

const N: usize = 384;
const C: usize = 64;

/// Element (i, j) of version v: distinct per element and per version, so a chunk mixing
/// versions or holding garbage is caught.
fn value(v: u32, i: usize, j: usize) -> f64 {
    v as f64 * 1e6 + (i * N + j) as f64
}

fn full(v: u32) -> Array2<f64> {
    Array2::from_shape_fn((N, N), |(i, j)| value(v, i, j))
}

fn meta() -> ArrayMeta {
    ArrayMeta::new(&[N, N], &[C, C], DType::F8)
        .unwrap()
        .with_filters(vec![json!({"id": "shuffle", "elementsize": 8})])
        .with_compressor(Some(json!({"id": "zlib", "level": 1})))
}

#[test]
fn child_writer() {
    let Ok(dir) = std::env::var("CHUNKCODEC_CRASH_DIR") else {
        return; // only active as the child of `killed_writer_never_tears_a_chunk`
    };
    let store = DirectoryStore::open(&dir).unwrap();
    let arr = ZarrArray::open(store, "").unwrap();
    for v in 2u32.. {
        arr.write(full(v).view()).unwrap();
    }
}

#[test]
fn killed_writer_never_tears_a_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let arr = ZarrArray::create(DirectoryStore::create(dir.path()).unwrap(), "", meta()).unwrap();
    arr.write(full(1).view()).unwrap();
    let chunks = (N / C) * (N / C);
    let mut versions_seen = std::collections::BTreeSet::new();
    for (round, delay_ms) in [40u64, 90, 150, 230, 330, 470].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
            .env("CHUNKCODEC_CRASH_DIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let arr = ZarrArray::open(DirectoryStore::open(dir.path()).unwrap(), "").unwrap();
        for ci in 0..N / C {
            for cj in 0..N / C {
                let (r, c) = (ci * C..(ci + 1) * C, cj * C..(cj + 1) * C);
                let got = arr
                    .read_region::<f64>(&[r.clone(), c.clone()])
                    .unwrap_or_else(|e| panic!("round {round}: chunk ({ci},{cj}) unreadable: {e}"));
                let v = ((got[[0, 0]] - value(0, r.start, c.start)) / 1e6).round() as u32;
                for (k, x) in got.iter().enumerate() {
                    let (i, j) = (r.start + k / C, c.start + k % C);
                    assert_eq!(
                        *x,
                        value(v, i, j),
                        "round {round}: chunk ({ci},{cj}) is torn or mixed at ({i},{j})"
                    );
                }
                versions_seen.insert(v);
            }
        }
        assert_eq!(arr.stats().unwrap().chunks_stored, chunks, "round {round}");
    }
    // The kills must have landed mid-run at least once (more than one version on disk overall).
    assert!(
        versions_seen.len() > 1,
        "the writer never got to write: {versions_seen:?}"
    );
}
