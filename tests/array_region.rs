//! Region reads against ndarray slicing, over random shapes, chunk shapes and regions; writes
//! from non-contiguous views; reads into non-contiguous output views; chunk records.

use chunkcodec::array::{decode_chunks_into, encode_chunks, ArrayMeta, Order, ZarrArray};
use chunkcodec::store::MemoryStore;
use chunkcodec::DType;
use ndarray::{ArrayD, IxDyn, Slice};
use proptest::prelude::*;
use serde_json::json;
use std::ops::Range;

fn data(shape: &[usize]) -> ArrayD<i16> {
    let mut n = 0i16;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        n = n.wrapping_mul(31).wrapping_add(7);
        n
    })
}

fn case() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<Range<usize>>, bool)> {
    (0usize..=4)
        .prop_flat_map(|nd| {
            (
                proptest::collection::vec(0usize..7, nd),
                proptest::collection::vec(1usize..5, nd),
                any::<bool>(),
            )
        })
        .prop_flat_map(|(shape, chunks, f)| {
            let region: Vec<_> = shape
                .iter()
                .map(|&s| (0..=s).prop_flat_map(move |a| (Just(a), a..=s)))
                .collect();
            (Just(shape), Just(chunks), region, Just(f))
        })
        .prop_map(|(shape, chunks, region, f)| {
            let region = region.into_iter().map(|(a, b)| a..b).collect();
            (shape, chunks, region, f)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn region_reads_match_ndarray_slicing((shape, chunks, region, forder) in case()) {
        let want = data(&shape);
        let order = if forder { Order::F } else { Order::C };
        let meta = ArrayMeta::new(&shape, &chunks, DType::I2.with_order(chunkcodec::ByteOrder::Big))
            .unwrap()
            .with_filters(vec![json!({"id": "shuffle", "elementsize": 2})])
            .with_fill_value(&json!(-7))
            .unwrap()
            .with_order(order);
        let arr = ZarrArray::create(MemoryStore::new(), "a", meta.clone()).unwrap();
        arr.write(want.view()).unwrap();
        let got = arr.read_region::<i16>(&region).unwrap();
        let expect = want.slice_each_axis(|ax| Slice::from(region[ax.axis.index()].clone()));
        prop_assert_eq!(&got, &expect);
        prop_assert_eq!(arr.read::<i16>().unwrap(), want.clone());

        // The same through chunk records, with no store.
        let records = encode_chunks(&meta, want.view()).unwrap();
        prop_assert_eq!(records.len(), meta.grid().num_chunks());
        let mut out = ArrayD::from_elem(IxDyn(got.shape()), 0i16);
        decode_chunks_into(&meta, &records, &region, out.view_mut()).unwrap();
        prop_assert_eq!(&out, &expect);
    }
}

#[test]
fn writes_from_non_contiguous_views_and_reads_into_strided_outputs() {
    let big = ArrayD::from_shape_fn(IxDyn(&[20, 30]), |ix| (ix[0] * 100 + ix[1]) as f64);
    // Every other column, transposed: a non-contiguous view with negative-free strides.
    let view = big.slice_each_axis(|ax| {
        if ax.axis.index() == 1 {
            Slice::new(0, None, 2)
        } else {
            Slice::from(..)
        }
    });
    let view = view.reversed_axes();
    assert!(!view.is_standard_layout());
    let want = view.to_owned();
    let meta = ArrayMeta::new(&[15, 20], &[4, 6], DType::F8).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    arr.write(view.view()).unwrap();
    // Read into a strided window of a larger buffer.
    let mut host = ArrayD::from_elem(IxDyn(&[15, 40]), -1.0f64);
    {
        let out = host.slice_each_axis_mut(|ax| {
            if ax.axis.index() == 1 {
                Slice::new(0, None, 2)
            } else {
                Slice::from(..)
            }
        });
        arr.read_into(out).unwrap();
    }
    let got = host.slice_each_axis(|ax| {
        if ax.axis.index() == 1 {
            Slice::new(0, None, 2)
        } else {
            Slice::from(..)
        }
    });
    assert_eq!(got, want);
    // Untouched elements are untouched.
    assert!(host
        .slice_each_axis(|ax| if ax.axis.index() == 1 {
            Slice::new(1, None, 2)
        } else {
            Slice::from(..)
        })
        .iter()
        .all(|&v| v == -1.0));
}

#[test]
fn region_errors() {
    let meta = ArrayMeta::new(&[4, 4], &[2, 2], DType::U1).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let e = arr
        .read_region::<u8>(&[0..5, 0..1])
        .unwrap_err()
        .to_string();
    assert!(e.contains("outside"), "{e}");
    #[allow(clippy::single_range_in_vec_init)]
    let e = arr.read_region::<u8>(&[0..1]).unwrap_err().to_string();
    assert!(e.contains("dimensions"), "{e}");
    let mut out = ArrayD::from_elem(IxDyn(&[2, 2]), 0u8);
    let e = arr
        .read_region_into(&[0..1, 0..2], out.view_mut())
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not match"), "{e}");
    let e = arr.read::<u16>().unwrap_err().to_string();
    assert!(e.contains("does not match dtype"), "{e}");
    let wrong = ArrayD::from_elem(IxDyn(&[4, 3]), 0u8);
    assert!(arr.write(wrong.view()).is_err());
}
