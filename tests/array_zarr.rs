//! Zarr v2 layout through the stores: metadata errors, F order, separators, attributes,
//! missing chunks, atomic directory writes and concurrent readers/writers.

use chunkcodec::array::{ArrayMeta, Order, Separator, ZarrArray};
use chunkcodec::store::{DirectoryStore, MemoryStore, Store};
use chunkcodec::{DType, Error};
use ndarray::{ArrayD, IxDyn};
use serde_json::json;
use std::sync::Arc;

fn good_zarray() -> serde_json::Value {
    json!({
        "chunks": [2, 3], "compressor": null, "dtype": "<i4", "fill_value": 0,
        "filters": null, "order": "C", "shape": [4, 5], "zarr_format": 2
    })
}

#[test]
fn corrupt_zarray_is_a_typed_error_naming_the_key() {
    let mut cases: Vec<(String, &str)> = vec![
        ("{not json".into(), "not valid JSON"),
        ("[1, 2]".into(), "not a JSON object"),
    ];
    let mutate = |k: &str, v: serde_json::Value| {
        let mut z = good_zarray();
        if v.is_null() && k != "fill_value" {
            z.as_object_mut().unwrap().remove(k);
        } else {
            z[k] = v;
        }
        z.to_string()
    };
    cases.push((mutate("zarr_format", json!(3)), "zarr_format"));
    cases.push((
        mutate("shape", serde_json::Value::Null),
        "missing \"shape\"",
    ));
    cases.push((mutate("shape", json!([4, -5])), "\"shape\""));
    cases.push((mutate("chunks", json!([2])), "dimensions"));
    cases.push((mutate("chunks", json!([0, 3])), "at least 1"));
    cases.push((mutate("dtype", json!("<c32")), "dtype"));
    cases.push((mutate("dtype", json!([["a", "<i4"]])), "dtype"));
    cases.push((mutate("fill_value", json!("NaN")), "fill_value"));
    cases.push((mutate("order", json!("K")), "order"));
    cases.push((mutate("compressor", json!("zlib")), "compressor"));
    cases.push((mutate("filters", json!({"id": "x"})), "filters"));
    cases.push((
        mutate("dimension_separator", json!("-")),
        "dimension_separator",
    ));
    cases.push((
        mutate("compressor", json!({"id": "no_such_codec"})),
        "no_such_codec",
    ));
    cases.push((
        mutate("filters", json!([{"id": "shuffle", "elementsize": "4"}])),
        "elementsize",
    ));
    for (text, needle) in cases {
        let store = MemoryStore::new();
        store.set("grp/arr/.zarray", text.as_bytes()).unwrap();
        let e = ZarrArray::open(&store, "grp/arr").unwrap_err();
        assert!(matches!(e, Error::Array(_)), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("\"grp/arr/.zarray\""), "{msg}");
        assert!(msg.contains(needle), "{msg} lacks {needle:?}");
    }
    let e = ZarrArray::open(MemoryStore::new(), "nothing")
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing/.zarray"), "{e}");
}

#[test]
fn reads_fortran_order_chunks_and_slash_keys_and_missing_chunks() {
    // A 4x5 <i4 array, chunks 2x3, order F, "/" keys, fill 9, chunk (1, 1) missing, written by
    // hand the way zarr-python lays it out.
    let store = MemoryStore::new();
    let mut z = good_zarray();
    z["order"] = json!("F");
    z["dimension_separator"] = json!("/");
    z["fill_value"] = json!(9);
    store.set(".zarray", z.to_string().as_bytes()).unwrap();
    let full = ArrayD::from_shape_fn(IxDyn(&[4, 5]), |ix| (ix[0] * 10 + ix[1]) as i32);
    for (ci, cj) in [(0, 0), (0, 1), (1, 0)] {
        // Chunk values in F order, padded with the fill value.
        let mut bytes = Vec::new();
        for j in 0..3 {
            for i in 0..2 {
                let (gi, gj) = (ci * 2 + i, cj * 3 + j);
                let v = if gi < 4 && gj < 5 { full[[gi, gj]] } else { 9 };
                bytes.extend(v.to_le_bytes());
            }
        }
        store.set(&format!("{ci}/{cj}"), &bytes).unwrap();
    }
    let arr = ZarrArray::open(&store, "").unwrap();
    assert_eq!(arr.meta().order, Order::F);
    assert_eq!(arr.meta().dimension_separator, Separator::Slash);
    let got = arr.read::<i32>().unwrap();
    for i in 0..4 {
        for j in 0..5 {
            let want = if i >= 2 && j >= 3 { 9 } else { full[[i, j]] };
            assert_eq!(got[[i, j]], want, "({i}, {j})");
        }
    }
    // A chunk of the wrong size is an error naming its key, not garbage.
    store.set("0/0", &[0u8; 8]).unwrap();
    let e = arr.read::<i32>().unwrap_err().to_string();
    assert!(e.contains("\"0/0\""), "{e}");
}

#[test]
fn attributes_are_kept() {
    let store = MemoryStore::new();
    let meta = ArrayMeta::new(&[2], &[2], DType::U1).unwrap();
    let arr = ZarrArray::create(&store, "a", meta).unwrap();
    assert!(arr.attrs().unwrap().is_empty());
    let attrs = json!({"units": "K", "scale": [1, 2]});
    arr.set_attrs(attrs.as_object().unwrap()).unwrap();
    let again = ZarrArray::open(&store, "a").unwrap();
    assert_eq!(serde_json::Value::Object(again.attrs().unwrap()), attrs);
    store.set("a/.zattrs", b"[1]").unwrap();
    assert!(again.attrs().unwrap_err().to_string().contains(".zattrs"));
}

#[test]
fn directory_store_writes_atomically_under_concurrent_readers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        DirectoryStore::create(dir.path())
            .unwrap()
            .with_fsync(false),
    );
    let a = vec![b'a'; 1 << 16];
    let b = vec![b'b'; 1 << 16];
    store.set("k", &a).unwrap();
    std::thread::scope(|s| {
        for t in 0..2 {
            let store = &store;
            let (a, b) = (&a, &b);
            s.spawn(move || {
                for i in 0..200 {
                    store
                        .set("k", if (i + t) % 2 == 0 { a } else { b })
                        .unwrap();
                }
            });
        }
        let (store, a, b) = (&store, &a, &b);
        s.spawn(move || {
            for _ in 0..400 {
                let v = store.get("k").unwrap().unwrap();
                assert!(v == *a || v == *b, "torn read of {} bytes", v.len());
            }
        });
    });
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(leftovers, ["k"], "temporary files left behind");
}

#[test]
fn parallel_array_writes_to_a_directory_store_on_a_caller_pool() {
    let dir = tempfile::tempdir().unwrap();
    let store = DirectoryStore::create(dir.path().join("z")).unwrap();
    let data = ArrayD::from_shape_fn(IxDyn(&[64, 33]), |ix| (ix[0] * 33 + ix[1]) as u16);
    let meta = ArrayMeta::new(&[64, 33], &[5, 8], DType::U2)
        .unwrap()
        .with_separator(Separator::Slash)
        .with_filters(vec![json!({"id": "shuffle", "elementsize": 2})]);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let arr = ZarrArray::create(store, "", meta).unwrap();
    pool.install(|| arr.write(data.view())).unwrap();
    let stats = arr.stats().unwrap();
    assert_eq!(stats.chunks_stored, 13 * 5);
    assert_eq!(stats.raw_bytes, 64 * 33 * 2);
    let again = ZarrArray::open(DirectoryStore::open(dir.path().join("z")).unwrap(), "").unwrap();
    assert_eq!(pool.install(|| again.read::<u16>()).unwrap(), data);
    assert!(dir.path().join("z/12/4").is_file());
    let mut n = 0;
    for e in walk(dir.path()) {
        assert!(!e.contains("tmp"), "{e}");
        n += 1;
    }
    assert!(n > 65);
}

fn walk(p: &std::path::Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap();
        v.push(e.file_name().to_string_lossy().into_owned());
        if e.file_type().unwrap().is_dir() {
            v.extend(walk(&e.path()));
        }
    }
    v
}
