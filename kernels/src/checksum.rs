//! Adler-32 (zlib's, initial value 1), written so the compiler vectorizes it, and compiled for
//! the active ISA through [`crate::dispatch`]'s multiversioning (AVX2 or AVX-512 where present).
//!
//! Each 32-byte chunk is added into 32 u32 lanes `a[j]` (byte sums per position) and `p[j]`
//! (the lane sums before each chunk), from which a block's two sums follow exactly:
//! `s1 += Σa`, `s2 += n·s1₀ + 32·Σp + Σ(32-j)·a[j]`, reduced mod 65521 once per block.

use crate::dispatch::{self, Isa};

const MOD: u64 = 65521;
/// Bytes per block: 4096 chunks of 32 keep every u32 lane sum below 2**32
/// (`p` grows by at most 255 * 4096 per chunk, 4096 times: 255 * 4096 * 4097 / 2 < 2**32).
const BLOCK: usize = 32 * 4096;

/// Adler-32 of `data` on the active ISA.
pub fn adler32(data: &[u8]) -> u32 {
    adler32_with(Isa::active(), data)
}

/// [`adler32`] compiled for `isa`.
///
/// # Panics
/// If `isa` is not available on this CPU.
pub fn adler32_with(isa: Isa, data: &[u8]) -> u32 {
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            let (mut s1, mut s2) = (1u64, 0u64);
            for block in data.chunks(BLOCK) {
                let (a1, a2) = block_sums(block, s1);
                s1 = a1;
                s2 = (s2 + a2) % MOD;
            }
            ((s2 as u32) << 16) | s1 as u32
        },
    )
}

/// The byte-at-a-time definition: the test oracle.
pub fn adler32_scalar(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % MOD as u32;
        b = (b + a) % MOD as u32;
    }
    (b << 16) | a
}

/// One block (at most `BLOCK` bytes): the new s1 and the s2 increment, both reduced.
#[inline(always)]
fn block_sums(block: &[u8], s1_0: u64) -> (u64, u64) {
    let mut a = [0u32; 32];
    let mut p = [0u32; 32];
    let (chunks, tail) = block.as_chunks::<32>();
    for c in chunks {
        for ((pj, aj), &x) in p.iter_mut().zip(a.iter_mut()).zip(c) {
            *pj += *aj;
            *aj += u32::from(x);
        }
    }
    let body = (block.len() - tail.len()) as u64;
    let sum_a: u64 = a.iter().map(|&x| u64::from(x)).sum();
    let sum_p: u64 = p.iter().map(|&x| u64::from(x)).sum();
    let weighted: u64 = a
        .iter()
        .enumerate()
        .map(|(j, &x)| (32 - j as u64) * u64::from(x))
        .sum();
    let mut s1 = s1_0 + sum_a;
    let mut s2 = body * s1_0 + 32 * sum_p + weighted;
    for &x in tail {
        s1 += u64::from(x);
        s2 += s1;
    }
    (s1 % MOD, s2 % MOD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_isa_matches_the_definition() {
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| (i.wrapping_mul(7919) % 251) as u8 ^ 0xff)
            .collect();
        let ones = vec![0xffu8; 3 * BLOCK + 77];
        for isa in Isa::available() {
            for n in (0..100).chain([1000, 5551, 5552, 5553, BLOCK - 1, BLOCK, BLOCK + 1, 300_000])
            {
                for off in [0, 1, 31] {
                    let d = &data[off.min(n)..n];
                    assert_eq!(
                        adler32_with(isa, d),
                        adler32_scalar(d),
                        "{isa:?} n={n} off={off}"
                    );
                }
            }
            assert_eq!(
                adler32_with(isa, &ones),
                adler32_scalar(&ones),
                "{isa:?} all 0xff"
            );
        }
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
