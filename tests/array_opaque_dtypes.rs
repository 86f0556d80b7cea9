//! Arrays of dtypes the engine moves as bytes: complex, datetime64 / timedelta64, fixed bytes,
//! void and unicode, through `ZarrArray::write_bytes_with_progress` /
//! `read_region_bytes_with_progress` (any item size) and the typed API (item sizes 1/2/4/8).
//! Stored chunk bytes are checked against a layout built by hand here: elements in C or F
//! order, each in the dtype's byte order (complex halves and unicode code points swapped
//! part by part), edge padding holding the fill value.

use chunkcodec::array::{ArrayMeta, Order, ZarrArray};
use chunkcodec::store::{MemoryStore, Store};
use chunkcodec::DType;
use ndarray::{ArrayD, IxDyn};
use serde_json::{json, Value};
use std::sync::Arc;

/// Element `i`'s native bytes for a dtype of `k` bytes: distinct, non-palindromic.
fn elem(i: usize, k: usize) -> Vec<u8> {
    (0..k).map(|b| (i * 31 + b * 7 + 1) as u8).collect()
}

/// Native bytes -> stored bytes (`unit`-byte parts reversed when the dtype is big-endian).
fn stored(native: &[u8], unit: usize, big: bool) -> Vec<u8> {
    let mut v = native.to_vec();
    if big && unit > 1 {
        for p in v.chunks_mut(unit) {
            p.reverse();
        }
    }
    v
}

/// Writes a 2-d array of `dtype` (shape 5 x 7, chunks 2 x 3, `order`) through the byte API,
/// checks every stored chunk byte against the hand-built layout, and reads regions back.
fn check(dtype: &str, order: Order, fill: Value, fill_native: &[u8], unit: usize) {
    let dt = DType::parse_any(dtype).unwrap();
    let k = dt.itemsize();
    let big = dtype.starts_with('>');
    let (rows, cols, cr, cc) = (5usize, 7usize, 2usize, 3usize);
    let meta = ArrayMeta::new(&[rows, cols], &[cr, cc], dt)
        .unwrap()
        .with_order(order)
        .with_fill_value(&fill)
        .unwrap();
    let arr = ZarrArray::create(Arc::new(MemoryStore::new()), "", meta).unwrap();
    let mut data = ArrayD::<u8>::zeros(IxDyn(&[rows, cols, k]));
    for r in 0..rows {
        for c in 0..cols {
            for (b, v) in elem(r * cols + c, k).into_iter().enumerate() {
                data[[r, c, b]] = v;
            }
        }
    }
    arr.write_bytes_with_progress(data.view(), &|_| {}).unwrap();
    for gr in 0..rows.div_ceil(cr) {
        for gc in 0..cols.div_ceil(cc) {
            let key = arr.chunk_key(&[gr, gc]);
            let got = arr.store().get(&key).unwrap().unwrap();
            let mut want = Vec::new();
            let mut push = |r: usize, c: usize| {
                let (ar, ac) = (gr * cr + r, gc * cc + c);
                let native = if ar < rows && ac < cols {
                    elem(ar * cols + ac, k)
                } else {
                    fill_native.to_vec()
                };
                want.extend(stored(&native, unit, big));
            };
            match order {
                Order::C => (0..cr).for_each(|r| (0..cc).for_each(|c| push(r, c))),
                Order::F => (0..cc).for_each(|c| (0..cr).for_each(|r| push(r, c))),
            }
            assert_eq!(got, want, "{dtype} {order:?} chunk {gr}.{gc}");
        }
    }
    // Whole array and an unaligned region, from a freshly opened array.
    let arr = ZarrArray::open(arr.store().clone(), "").unwrap();
    assert_eq!(arr.meta().dtype.to_string(), dtype);
    let mut back = ArrayD::<u8>::zeros(IxDyn(&[rows, cols, k]));
    let full = arr.meta().grid().full_region();
    arr.read_region_bytes_with_progress(&full, back.view_mut(), &|_| {})
        .unwrap();
    assert_eq!(back, data, "{dtype} {order:?}");
    let region = [1..4, 2..7];
    let mut part = ArrayD::<u8>::zeros(IxDyn(&[3, 5, k]));
    arr.read_region_bytes_with_progress(&region, part.view_mut(), &|_| {})
        .unwrap();
    for r in 0..3 {
        for c in 0..5 {
            for b in 0..k {
                assert_eq!(part[[r, c, b]], data[[r + 1, c + 2, b]]);
            }
        }
    }
    // A missing chunk reads as the fill value, in a partial region too.
    arr.store().delete(&arr.chunk_key(&[0, 0])).unwrap();
    let mut part = ArrayD::<u8>::zeros(IxDyn(&[2, 2, k]));
    arr.read_region_bytes_with_progress(&[1..3, 1..3], part.view_mut(), &|_| {})
        .unwrap();
    assert_eq!(part.slice(ndarray::s![0, 0, ..]).to_vec(), fill_native);
    assert_eq!(part.slice(ndarray::s![0, 1, ..]).to_vec(), fill_native);
    assert_eq!(
        part.slice(ndarray::s![1, 0, ..]).to_vec(),
        data.slice(ndarray::s![2, 1, ..]).to_vec()
    );
}

fn f32s(re: f32, im: f32) -> Vec<u8> {
    [re.to_le_bytes(), im.to_le_bytes()].concat()
}

#[test]
fn complex_both_orders_and_byte_orders() {
    let fill = f32s(1.5, -2.0);
    for dtype in ["<c8", ">c8"] {
        for order in [Order::C, Order::F] {
            check(dtype, order, json!([1.5, -2.0]), &fill, 4);
        }
    }
    let fill16: Vec<u8> = [0.25f64.to_le_bytes(), 3.0f64.to_le_bytes()].concat();
    for dtype in ["<c16", ">c16"] {
        for order in [Order::C, Order::F] {
            check(dtype, order, json!([0.25, 3.0]), &fill16, 8);
        }
    }
}

#[test]
fn datetimes_bytes_void_unicode() {
    let nat = i64::MIN.to_le_bytes().to_vec();
    for order in [Order::C, Order::F] {
        check(">M8[ns]", order, json!("NaT"), &nat, 8);
        check("<m8[10s]", order, json!(-5), &(-5i64).to_le_bytes(), 8);
        // "YWI=" is base64 of b"ab": NUL-padded to the item size.
        check("|S5", order, json!("YWI="), b"ab\0\0\0", 1);
        check("|S1", order, json!("YWI="), b"a", 1);
        check("|V3", order, json!("AQID"), &[1, 2, 3], 1);
        let u: Vec<u8> = ['q', 'é', '\0']
            .iter()
            .flat_map(|c| u32::from(*c).to_le_bytes())
            .collect();
        check(">U3", order, json!("qé"), &u, 4);
        check("<U3", order, json!("qé"), &u, 4);
    }
}

#[test]
fn typed_api_matches_byte_api_for_8_byte_complex() {
    // <c8 has item size 8: the typed path ([u8; 8]) and the byte path must store the same.
    let dt = DType::parse_any(">c8").unwrap();
    let meta = ArrayMeta::new(&[6], &[4], dt).unwrap();
    let a = ZarrArray::create(MemoryStore::new(), "", meta.clone()).unwrap();
    let b = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let elems: Vec<[u8; 8]> = (0..6).map(|i| elem(i, 8).try_into().unwrap()).collect();
    a.write(ndarray::ArrayView1::from(&elems)).unwrap();
    let flat: Vec<u8> = elems.iter().flatten().copied().collect();
    let bytes = ndarray::ArrayView::from_shape(IxDyn(&[6, 8]), &flat).unwrap();
    b.write_bytes_with_progress(bytes, &|_| {}).unwrap();
    for i in 0..2 {
        let key = a.chunk_key(&[i]);
        assert_eq!(a.store().get(&key).unwrap(), b.store().get(&key).unwrap());
    }
    // Each 4-byte half reversed on its own, not the whole 8 bytes.
    let c0 = a.store().get(&a.chunk_key(&[0])).unwrap().unwrap();
    assert_eq!(&c0[..8], stored(&elem(0, 8), 4, true).as_slice());
    let back: ArrayD<[u8; 8]> = a.read().unwrap();
    assert_eq!(back.as_slice().unwrap(), elems.as_slice());
}

#[test]
fn refusals_name_the_problem() {
    let e = ArrayMeta::new(&[3], &[2], DType::parse_any("<M8").unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("need a unit"), "{e}");
    let dt = DType::parse_any("|S5").unwrap();
    let arr = ZarrArray::create(
        MemoryStore::new(),
        "",
        ArrayMeta::new(&[3], &[2], dt).unwrap(),
    )
    .unwrap();
    let wrong = ArrayD::<u8>::zeros(IxDyn(&[3, 4]));
    let e = arr
        .write_bytes_with_progress(wrong.view(), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("item size"), "{e}");
    for (dtype, fill) in [
        ("<c8", json!(1.5)),
        ("<c8", json!([1.0])),
        ("|V3", json!("not base64!")),
        ("<M8[s]", json!(1.5)),
        ("|S3", json!("é")),
    ] {
        let meta = ArrayMeta::new(&[3], &[2], DType::parse_any(dtype).unwrap()).unwrap();
        let e = meta.with_fill_value(&fill).unwrap_err().to_string();
        assert!(e.contains("fill_value"), "{dtype} {fill}: {e}");
    }
    for bad in ["<c32", "|O", "|S0", "<M8[B]", "<M8[0s]", "V"] {
        let zarray = format!(
            r#"{{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":"{bad}","compressor":null,"fill_value":null,"filters":null,"order":"C"}}"#
        );
        let e = ArrayMeta::from_bytes(zarray.as_bytes(), ".zarray")
            .unwrap_err()
            .to_string();
        assert!(e.contains(bad), "{bad}: {e}");
    }
}
