//! Every dtype (both byte orders), ranks 0 to 32, edge chunks, fill values, and a test-only
//! codec registered at run time (so the array layer is tested against the registry contract,
//! not against particular codecs).

use chunkcodec::array::{ArrayMeta, ZarrArray};
use chunkcodec::codec::{Codec, ConfigReader};
use chunkcodec::store::{MemoryStore, Store};
use chunkcodec::{ByteOrder, DType, Error, Result};
use ndarray::{ArrayD, IxDyn};
use serde_json::{json, Value};

/// XORs every byte with `key` and prepends the length as 4 LE bytes (so encoded sizes differ
/// from raw sizes and decode has a header to validate).
#[derive(Debug)]
struct TestXor {
    key: u8,
}

impl Codec for TestXor {
    fn codec_id(&self) -> &'static str {
        "test_xor"
    }
    fn get_config(&self) -> Value {
        json!({"id": "test_xor", "key": self.key})
    }
    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let mut out = (input.len() as u32).to_le_bytes().to_vec();
        out.extend(input.iter().map(|b| b ^ self.key));
        Ok(out)
    }
    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let (head, body) = input
            .split_first_chunk::<4>()
            .ok_or_else(|| Error::corrupt("test_xor", "short"))?;
        if u32::from_le_bytes(*head) as usize != body.len() {
            return Err(Error::corrupt("test_xor", "length mismatch"));
        }
        chunkcodec::codec::check_limit("test_xor", body.len() as u64, limit)?;
        Ok(body.iter().map(|b| b ^ self.key).collect())
    }
}

fn register() {
    chunkcodec::register_codec("test_xor", |cfg| {
        let mut r = ConfigReader::new("test_xor", cfg)?;
        let key = r.optional_int_in("key", 0, 255)?.unwrap_or(0x5A) as u8;
        r.finish()?;
        Ok(Box::new(TestXor { key }))
    });
}

fn round_trip<T>(dtype: DType, values: impl Fn(usize) -> T, fill: Value)
where
    T: bytemuck::Pod + Send + Sync + PartialEq + std::fmt::Debug,
{
    register();
    let shape = [5, 3, 7];
    let mut i = 0;
    let data = ArrayD::from_shape_fn(IxDyn(&shape), |_| {
        i += 1;
        values(i)
    });
    let meta = ArrayMeta::new(&shape, &[2, 3, 4], dtype)
        .unwrap()
        .with_filters(vec![
            json!({"id": "shuffle", "elementsize": dtype.itemsize()}),
        ])
        .with_compressor(Some(json!({"id": "test_xor", "key": 7})))
        .with_fill_value(&fill)
        .unwrap();
    let store = MemoryStore::new();
    let arr = ZarrArray::create(&store, "x", meta).unwrap();
    arr.write(data.view()).unwrap();
    assert_eq!(arr.read::<T>().unwrap(), data, "{dtype}");

    // Edge chunks are stored full size, padded with the fill value, in the stored byte order.
    let key = arr.chunk_key(&[2, 0, 1]);
    assert_eq!(key, "x/2.0.1");
    let stored = store.get(&key).unwrap().unwrap();
    let mut raw = chunkcodec::Pipeline::from_config(&arr.meta().pipeline_config())
        .unwrap()
        .decode(&stored)
        .unwrap();
    let n = dtype.itemsize();
    assert_eq!(raw.len(), 2 * 3 * 4 * n);
    if dtype.byte_order() == ByteOrder::Big {
        raw.chunks_exact_mut(n).for_each(|e| e.reverse());
    }
    let elems: Vec<T> = raw
        .chunks_exact(n)
        .map(bytemuck::pod_read_unaligned)
        .collect();
    let fill_t: T = bytemuck::pod_read_unaligned(arr.meta().fill_value.native_bytes());
    // Chunk (2, 0, 1) covers rows 4..5 (of 2) and columns 4..7 (of 4): row 1 and column 3 pad.
    for r in 0..2 {
        for c in 0..3 {
            for k in 0..4 {
                let v = elems[(r * 3 + c) * 4 + k];
                if r >= 1 || k >= 3 {
                    assert_eq!(v, fill_t, "{dtype} pad at {r},{c},{k}");
                } else {
                    assert_eq!(v, data[[4 + r, c, 4 + k]], "{dtype}");
                }
            }
        }
    }
    // A deleted chunk reads back as the fill value.
    store.delete(&key).unwrap();
    let back = arr.read::<T>().unwrap();
    assert_eq!(back[[4, 0, 4]], fill_t);
    assert_eq!(back[[3, 0, 4]], data[[3, 0, 4]]);
}

#[test]
fn every_dtype_both_byte_orders() {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        round_trip(DType::I1, |i| i as i8, json!(-3));
        round_trip(DType::U1, |i| (i * 7) as u8, json!(200));
        round_trip(DType::BOOL, |i| (i % 3 == 0) as u8, json!(true));
        round_trip(
            DType::I2.with_order(order),
            |i| -(i as i16) * 300,
            json!(-2),
        );
        round_trip(
            DType::U2.with_order(order),
            |i| (i * 999) as u16,
            json!(65535),
        );
        round_trip(
            DType::I4.with_order(order),
            |i| (i as i32) * -70001,
            json!(-1),
        );
        round_trip(
            DType::U4.with_order(order),
            |i| (i as u32) << 20,
            json!(4000000000u32),
        );
        round_trip(
            DType::I8.with_order(order),
            |i| (i as i64) << 40,
            json!(i64::MIN),
        );
        round_trip(
            DType::U8.with_order(order),
            |i| (i as u64) << 50,
            json!(u64::MAX),
        );
        round_trip(
            DType::F2.with_order(order),
            |i| half::f16::from_f32(i as f32 * 0.5),
            json!("-Infinity"),
        );
        round_trip(DType::F4.with_order(order), |i| i as f32 / 3.0, json!(1.5));
        round_trip(
            DType::F8.with_order(order),
            |i| i as f64 * 1e-3,
            json!("Infinity"),
        );
    }
}

#[test]
fn nan_fill_value_reads_as_nan() {
    let meta = ArrayMeta::new(&[3], &[2], DType::F4)
        .unwrap()
        .with_fill_value(&json!("NaN"))
        .unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let v = arr.read::<f32>().unwrap();
    assert!(v.iter().all(|x| x.is_nan()));
    let text = String::from_utf8(arr.store().get(".zarray").unwrap().unwrap()).unwrap();
    assert!(text.contains("\"fill_value\": \"NaN\""), "{text}");
}

#[test]
fn rank_0_and_rank_32_and_empty() {
    register();
    let zero = ArrayD::from_elem(IxDyn(&[]), 42u32);
    let meta = ArrayMeta::new(&[], &[], DType::U4).unwrap();
    let store = MemoryStore::new();
    let arr = ZarrArray::create(&store, "", meta).unwrap();
    arr.write(zero.view()).unwrap();
    assert_eq!(store.list().unwrap(), [".zarray", "0"]);
    assert_eq!(arr.read::<u32>().unwrap(), zero);

    // 32 axes, 12 elements: axes 0, 5 and 31 are longer than 1.
    let mut shape = [1usize; 32];
    shape[0] = 2;
    shape[5] = 3;
    shape[31] = 2;
    let mut n = 0u8;
    let big = ArrayD::from_shape_fn(IxDyn(&shape), |_| {
        n = n.wrapping_add(1);
        n
    });
    let mut chunks = [1usize; 32];
    chunks[31] = 2;
    chunks[5] = 2;
    let meta = ArrayMeta::new(&shape, &chunks, DType::U1)
        .unwrap()
        .with_compressor(Some(json!({"id": "test_xor"})));
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    arr.write(big.view()).unwrap();
    assert_eq!(arr.read::<u8>().unwrap(), big);
    assert!(ArrayMeta::new(&[1; 33], &[1; 33], DType::U1).is_err());

    let empty = ArrayD::from_elem(IxDyn(&[0, 4]), 0i8);
    let meta = ArrayMeta::new(&[0, 4], &[2, 2], DType::I1).unwrap();
    let store = MemoryStore::new();
    let arr = ZarrArray::create(&store, "", meta).unwrap();
    arr.write(empty.view()).unwrap();
    assert_eq!(store.list().unwrap(), [".zarray"]);
    assert_eq!(arr.read::<i8>().unwrap(), empty);
}

#[test]
fn record_decodes_alone_with_its_config() {
    register();
    let data = ArrayD::from_shape_fn(IxDyn(&[6, 4]), |ix| (ix[0] * 4 + ix[1]) as i32);
    let meta = ArrayMeta::new(&[6, 4], &[4, 4], DType::I4.with_order(ByteOrder::Big))
        .unwrap()
        .with_compressor(Some(json!({"id": "test_xor", "key": 1})));
    let recs = chunkcodec::array::encode_chunks(&meta, data.view()).unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].index, [1, 0]);
    assert_eq!(recs[1].config, json!([{"id": "test_xor", "key": 1}]));
    let chunk = recs[1].decode::<i32>().unwrap();
    assert_eq!(chunk.shape(), [4, 4]);
    assert_eq!(chunk[[1, 3]], 23);
    assert_eq!(chunk[[2, 0]], 0, "padding is the fill value");
    // Corrupt bytes: a typed error, not garbage.
    let mut bad = recs[1].clone();
    bad.bytes.truncate(10);
    assert!(matches!(bad.decode::<i32>(), Err(Error::Corrupt { .. })));
}
