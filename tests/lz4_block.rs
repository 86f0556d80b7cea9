//! Differential tests of our LZ4 block decoder (`kernels::lz4`) against C liblz4's
//! `LZ4_decompress_safe` (through `chunkcodec::ffi::lz4`): on every input both must return the
//! same length and bytes, or both fail; the one allowed difference is a block with a match
//! offset of 0, which liblz4 accepts (copying bytes never written) and we reject.
//!
//! Inputs: blocks liblz4 compresses (fast and HC) from many kinds of data at every length
//! 0..=300 and larger, decoded with capacities exact, one short, one and more over, 0; random
//! mutations and truncations of those; random token soups built to hit the format's edge cases
//! (small and zero offsets, long lengths, sequences near both ends); and random bytes. Every
//! ISA path of the decoder is run, and the append-to-Vec form.

use chunkcodec::ffi::lz4::{compress_fast_append, compress_hc_append, decompress_safe};
use chunkcodec::kernels::dispatch::Isa;
use chunkcodec::kernels::lz4::{decompress_append, decompress_into_with, Lz4Error};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Outcome counts (ours vs liblz4), printed by the deterministic tests to show coverage.
static TALLY: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

fn tally(o: &Result<usize, Lz4Error>, t: Option<usize>) {
    let k = match o {
        Ok(_) => "Ok".to_string(),
        Err(e) => format!("{e:?}")
            .split([' ', '{'])
            .next()
            .unwrap()
            .to_string(),
    };
    let k = format!("{k} / liblz4 {}", if t.is_some() { "ok" } else { "err" });
    *TALLY.lock().unwrap().entry(k).or_default() += 1;
}

fn print_tally(name: &str) {
    eprintln!("{name}: {:#?}", TALLY.lock().unwrap());
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Compares every path of ours with liblz4 on one block and capacity; returns liblz4's result.
fn check(block: &[u8], cap: usize) -> Option<usize> {
    let mut theirs = vec![0x5Au8; cap];
    let t = decompress_safe(block, &mut theirs);
    for isa in Isa::available() {
        let mut ours = vec![0xA5u8; cap];
        let o = decompress_into_with(isa, block, &mut ours);
        tally(&o, t);
        match (o, t) {
            (Ok(n), Some(m)) => {
                assert_eq!(n, m, "{isa}: length, cap {cap}, block {block:02x?}");
                assert!(
                    ours[..n] == theirs[..n],
                    "{isa}: bytes differ, cap {cap}, block {block:02x?}"
                );
            }
            (Err(_), None) => {}
            (Err(Lz4Error::OffsetZero { at }), Some(_)) => {
                assert_eq!(
                    block.get(at..at + 2),
                    Some(&[0u8, 0][..]),
                    "{isa}: offset-0 error not at an offset of 0"
                );
            }
            (o, t) => panic!("{isa}: ours {o:?}, liblz4 {t:?}, cap {cap}, block {block:02x?}"),
        }
    }
    let mut v = vec![1u8, 2, 3];
    match decompress_append(block, &mut v, cap) {
        Ok(n) => {
            assert_eq!(Some(n), t);
            assert_eq!(v.len(), 3 + n);
            assert_eq!(v[3..], theirs[..n]);
        }
        Err(_) => assert_eq!(v, [1, 2, 3]),
    }
    t
}

/// Data of kind `kind` (0..10) and length `n`.
fn data(kind: u8, n: usize, rng: &mut Rng) -> Vec<u8> {
    match kind % 10 {
        0 => vec![0; n],
        1 => {
            // runs of random bytes
            let mut v = Vec::with_capacity(n);
            while v.len() < n {
                let b = rng.next() as u8;
                let r = 1 + rng.below(40);
                v.extend(std::iter::repeat_n(b, r.min(n - v.len())));
            }
            v
        }
        2 => {
            // a smooth f32 signal, byte-shuffled as Blosc does (typesize 4)
            let m = n / 4 * 4;
            let f: Vec<u8> = (0..m / 4)
                .flat_map(|t| {
                    let t = t as f64;
                    let x = 280.0 + 15.0 * (t / 100.0).sin() + (rng.below(100) as f64) * 0.001;
                    (x as f32).to_le_bytes()
                })
                .collect();
            let mut s = vec![0u8; m];
            chunkcodec::kernels::shuffle::shuffle(4, &f, &mut s);
            s.extend((0..n - m).map(|_| rng.next() as u8));
            s
        }
        3 => (0..n).map(|_| rng.next() as u8).collect(),
        4 => {
            // periodic with a period 1..=40 (every overlapping-offset case)
            let p = 1 + rng.below(40);
            let pat: Vec<u8> = (0..p).map(|_| rng.next() as u8).collect();
            (0..n).map(|i| pat[i % p]).collect()
        }
        5 => (0..n).map(|_| b"abcd"[rng.below(4)]).collect(),
        6 => {
            // periodic stretches with different periods, separated by noise
            let mut v = Vec::with_capacity(n);
            while v.len() < n {
                let p = 1 + rng.below(40);
                let pat: Vec<u8> = (0..p).map(|_| rng.next() as u8).collect();
                let r = rng.below(200);
                for i in 0..r.min(n - v.len()) {
                    v.push(pat[i % p]);
                }
                for _ in 0..rng.below(5).min(n - v.len()) {
                    v.push(rng.next() as u8);
                }
            }
            v
        }
        7 => {
            // i32 counters, shuffled
            let m = n / 4 * 4;
            let mut acc = 0i32;
            let f: Vec<u8> = (0..m / 4)
                .flat_map(|_| {
                    acc += rng.below(7) as i32;
                    acc.to_le_bytes()
                })
                .collect();
            let mut s = vec![0u8; m];
            chunkcodec::kernels::shuffle::shuffle(4, &f, &mut s);
            s.extend(std::iter::repeat_n(7u8, n - m));
            s
        }
        8 => (0..n).map(|i| (i / 3) as u8).collect(),
        _ => {
            // copies of earlier stretches at random distances
            let mut v: Vec<u8> = (0..n.min(64)).map(|_| rng.next() as u8).collect();
            while v.len() < n {
                let d = 1 + rng.below(v.len().min(70_000));
                let r = 4 + rng.below(60);
                for _ in 0..r.min(n - v.len()) {
                    v.push(v[v.len() - d]);
                }
                if rng.below(3) == 0 && v.len() < n {
                    v.push(rng.next() as u8);
                }
            }
            v
        }
    }
}

/// liblz4 blocks of `d`: fast (accelerations 1 and 9) and HC (levels 3 and 12).
fn blocks(d: &[u8]) -> Vec<Vec<u8>> {
    if d.is_empty() {
        return vec![vec![0]];
    }
    let bound = chunkcodec::ffi::lz4::compress_bound(d.len());
    let mut out = Vec::new();
    for acc in [1, 9] {
        let mut v = Vec::new();
        assert!(compress_fast_append(d, &mut v, bound, acc) > 0);
        out.push(v);
    }
    for level in [3, 12] {
        let mut v = Vec::new();
        assert!(compress_hc_append(d, &mut v, bound, level) > 0);
        out.push(v);
    }
    out
}

/// Checks `block` (which decodes to `n` bytes) at the capacities around `n`.
fn check_caps(block: &[u8], n: usize, rng: &mut Rng) {
    let mut caps = vec![n, n + 1, n + 12, n + 64, n + 65 + rng.below(100), 0];
    if n > 0 {
        caps.push(n - 1);
        caps.push(rng.below(n));
    }
    for cap in caps {
        let r = check(block, cap);
        if cap == n {
            assert_eq!(r, Some(n), "liblz4 must decode its own block");
        }
    }
}

/// Random edits of a valid block: byte changes, truncation, insertion, deletion.
fn mutate(block: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = block.to_vec();
    for _ in 0..1 + rng.below(3) {
        match rng.below(6) {
            0 | 1 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            2 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            3 => b.truncate(rng.below(b.len() + 1)),
            4 => {
                let i = rng.below(b.len() + 1);
                b.insert(i, [0, 255, 15, 0xF0][rng.below(4)]);
            }
            _ if !b.is_empty() => {
                let i = rng.below(b.len());
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

/// A random sequence list shaped like LZ4 (small offsets including 0 and ones before the
/// start, lengths with continuation bytes, short and empty final runs), and its rough size.
fn token_soup(rng: &mut Rng) -> (Vec<u8>, usize) {
    let mut b = Vec::new();
    let mut out = 0usize;
    let push_len = |b: &mut Vec<u8>, mut r: usize| {
        while r >= 255 {
            b.push(255);
            r -= 255;
        }
        b.push(r as u8);
    };
    for _ in 0..rng.below(12) {
        let lit = match rng.below(4) {
            0 => 0,
            1 => rng.below(15),
            2 => 15 + rng.below(20),
            _ => rng.below(300),
        };
        let ml = match rng.below(3) {
            0 => rng.below(15),
            1 => 15 + rng.below(30),
            _ => rng.below(600),
        };
        b.push(((lit.min(15) as u8) << 4) | ml.min(15) as u8);
        if lit >= 15 {
            push_len(&mut b, lit - 15);
        }
        b.extend((0..lit).map(|_| rng.next() as u8));
        out += lit;
        let off = match rng.below(8) {
            0 => 0,
            1 => out + 1 + rng.below(3),
            2 => 1 + rng.below(out.max(1)),
            _ => 1 + rng.below(out.clamp(1, 16)),
        };
        b.extend((off as u16).to_le_bytes());
        if ml >= 15 {
            push_len(&mut b, ml - 15);
        }
        out += ml + 4;
    }
    let last = match rng.below(3) {
        0 => rng.below(5),
        1 => 5 + rng.below(12),
        _ => rng.below(100),
    };
    b.push((last.min(15) as u8) << 4);
    if last >= 15 {
        push_len(&mut b, last - 15);
    }
    b.extend((0..last).map(|_| rng.next() as u8));
    out += last;
    (b, out)
}

#[test]
fn liblz4_blocks_every_length_and_kind() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let lengths: Vec<usize> = (0..=300)
        .chain([511, 1000, 4096, 5000, 65_536, 70_000, 262_144])
        .collect();
    for &n in &lengths {
        for kind in 0..10u8 {
            let d = data(kind, n, &mut rng);
            for block in blocks(&d) {
                let mut out = vec![0u8; n];
                assert_eq!(check(&block, n), Some(n));
                assert_eq!(
                    chunkcodec::kernels::lz4::decompress_into(&block, &mut out),
                    Ok(n)
                );
                assert!(out == d, "kind {kind} n {n}");
                if n <= 5000 {
                    check_caps(&block, n, &mut rng);
                }
            }
        }
    }
}

#[test]
fn truncations_and_mutations() {
    let mut rng = Rng(12345);
    for n in (0..=300).step_by(7).chain([1000, 3000]) {
        for kind in 0..10u8 {
            let d = data(kind, n, &mut rng);
            for block in blocks(&d) {
                for cut in 0..block.len() {
                    check(&block[..cut], n);
                    check(&block[..cut], n + 70);
                }
                for _ in 0..20 {
                    let m = mutate(&block, &mut rng);
                    check(&m, n);
                    check(&m, n + rng.below(80));
                }
            }
        }
    }
    print_tally("mutations");
}

#[test]
fn token_soups_and_random_bytes() {
    let mut rng = Rng(777);
    for _ in 0..60_000 {
        let (b, n) = token_soup(&mut rng);
        for cap in [
            n,
            n + 5,
            n + 12,
            n + 64,
            n.saturating_sub(1),
            rng.below(n + 80),
        ] {
            check(&b, cap);
        }
        let r: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
        check(&r, rng.below(300));
    }
    print_tally("token soups");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn prop_valid_blocks(kind in 0u8..10, n in 0usize..2000, seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let d = data(kind, n, &mut rng);
        for block in blocks(&d) {
            prop_assert_eq!(check(&block, n), Some(n));
            check_caps(&block, n, &mut rng);
        }
    }

    #[test]
    fn prop_mutated_blocks(kind in 0u8..10, n in 0usize..600, seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let d = data(kind, n, &mut rng);
        for block in blocks(&d) {
            for _ in 0..8 {
                let m = mutate(&block, &mut rng);
                check(&m, n);
                check(&m, rng.below(n + 100));
            }
        }
    }

    #[test]
    fn prop_token_soups(seed in any::<u64>(), extra in 0usize..100) {
        let mut rng = Rng(seed | 1);
        let (b, n) = token_soup(&mut rng);
        check(&b, n);
        check(&b, n + extra);
        check(&b, n.saturating_sub(extra));
    }

    #[test]
    fn prop_random_bytes(b in proptest::collection::vec(any::<u8>(), 0..120), cap in 0usize..400) {
        check(&b, cap);
    }
}
