//! Our LZ4 block decoder (`kernels::lz4`) against C liblz4's `LZ4_decompress_safe`: the same
//! length and bytes, or both errors; the one allowed difference is a match offset of 0, which
//! liblz4 accepts (copying bytes never written) and we reject. Also: our output never depends
//! on the buffer's old contents, and the append form agrees. The first two bytes pick the
//! output capacity (0..=65535); the rest is the block.
#![no_main]
use chunkcodec::ffi::lz4::decompress_safe;
use chunkcodec::kernels::dispatch::Isa;
use chunkcodec::kernels::lz4::{decompress_append, decompress_into_with, Lz4Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((cap, block)) = data.split_first_chunk::<2>() else {
        return;
    };
    let cap = usize::from(u16::from_le_bytes(*cap));
    let mut theirs = vec![0x5Au8; cap];
    let t = decompress_safe(block, &mut theirs);
    let mut first: Option<Result<Vec<u8>, Lz4Error>> = None;
    for isa in Isa::available() {
        for fill in [0x00u8, 0xFF] {
            let mut ours = vec![fill; cap];
            let o = decompress_into_with(isa, block, &mut ours);
            match (o, t) {
                (Ok(n), Some(m)) => {
                    assert_eq!(n, m, "{isa}");
                    assert!(ours[..n] == theirs[..n], "{isa}: bytes differ");
                }
                (Err(_), None) => {}
                (Err(Lz4Error::OffsetZero { at }), Some(_)) => {
                    assert_eq!(block.get(at..at + 2), Some(&[0u8, 0][..]));
                }
                (o, t) => panic!("{isa}: ours {o:?}, liblz4 {t:?}"),
            }
            let r = o.map(|n| ours[..n].to_vec());
            match &first {
                None => first = Some(r),
                Some(f) => assert_eq!(f, &r, "{isa} fill {fill}"),
            }
        }
    }
    let mut v = vec![7u8];
    match (decompress_append(block, &mut v, cap), first.unwrap()) {
        (Ok(n), Ok(f)) => assert_eq!((n, &v[1..]), (f.len(), &f[..])),
        (Err(e), Err(f)) => {
            assert_eq!(e, f);
            assert_eq!(v, [7]);
        }
        (a, b) => panic!("append {a:?} vs into {b:?}"),
    }
});
