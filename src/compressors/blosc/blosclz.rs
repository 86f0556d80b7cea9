//! BloscLZ, implemented from its stream format (learned by decoding c-blosc 1.21 streams made
//! by numcodecs 0.16.6; no c-blosc code was used).
//!
//! A stream is a sequence of tokens; the first is always a literal run and its control byte's
//! top three bits are ignored. For a control byte `c`:
//! - `c < 32`: a literal run of `c + 1` bytes follows.
//! - `c >= 32`: a match. `t = c >> 5` (1..=7); the length is `t + 1` for `t < 7`; for `t == 7`
//!   bytes follow that are added to 6 while each is 255 (the last one < 255), plus 3. Then a
//!   byte `lo`. With `hi = c & 31`, the distance is `(hi << 8) + lo + 1` (1..=8191); the pair
//!   `hi == 31, lo == 255` instead announces a far match whose distance is
//!   `8192 + (b0 << 8 | b1)` from the next two bytes (big-endian).
//!   The match copies `length` bytes from `distance` bytes back, overlapping allowed.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use chunkcodec_kernels::lz4::WideCopier;
use chunkcodec_kernels::Isa;

/// Largest distance of a near match (13 bits, minus the far escape).
const MAX_NEAR: usize = 8191;
/// Largest distance of a far match.
const MAX_FAR: usize = MAX_NEAR + 1 + 0xffff;
/// Streams shorter than this are not worth compressing (they are stored raw).
const MIN_INPUT: usize = 16;

/// Decompresses `src` into `dst`; returns the number of bytes written (the caller checks it
/// equals the block size). Every read and write is bounds-checked; lengths are checked against
/// the room left in `dst` before they are used, so no run of 255s can overflow anything.
pub(crate) fn decompress(src: &[u8], dst: &mut [u8]) -> Result<usize, String> {
    let err = |what: &str, ip: usize| Err(format!("blosclz: {what} at stream offset {ip}"));
    let Some(&first) = src.first() else {
        return err("empty stream", 0);
    };
    let cap = dst.len();
    let copier = WideCopier::new(Isa::active());
    let mut ip = 1usize;
    let mut op = 0usize;
    let mut ctrl = usize::from(first & 31);
    loop {
        if ctrl >= 32 {
            let mut len = (ctrl >> 5) - 1;
            let hi = (ctrl & 31) << 8;
            if len == 6 {
                loop {
                    let Some(&code) = src.get(ip) else {
                        return err("truncated match length", ip);
                    };
                    ip += 1;
                    len += usize::from(code);
                    if len > cap {
                        return err("match length past the block end", ip);
                    }
                    if code != 255 {
                        break;
                    }
                }
            }
            let Some(&lo) = src.get(ip) else {
                return err("truncated match distance", ip);
            };
            ip += 1;
            len += 3;
            let dist = if lo == 255 && hi == (31 << 8) {
                let (Some(&b0), Some(&b1)) = (src.get(ip), src.get(ip + 1)) else {
                    return err("truncated far distance", ip);
                };
                ip += 2;
                MAX_NEAR + 1 + (usize::from(b0) << 8 | usize::from(b1))
            } else {
                hi + usize::from(lo) + 1
            };
            if dist > op {
                return err("match distance before the block start", ip);
            }
            if len > cap - op {
                return err("match past the block end", ip);
            }
            if dist >= 16 && len <= 16 && cap - op >= 16 {
                // Fast path: one fixed 16-byte copy; the bytes past `len` are overwritten by
                // the next tokens (a stream that stops short of `cap` is an error anyway).
                let (head, tail) = dst.split_at_mut(op);
                match (tail.get_mut(..16), head.get(op - dist..op - dist + 16)) {
                    (Some(to), Some(from)) => to.copy_from_slice(from),
                    _ => return err("match past the block end", ip),
                }
            } else if dist >= 32 && len <= 32 && cap - op >= 32 {
                // The same with one 32-byte copy.
                let (head, tail) = dst.split_at_mut(op);
                match (tail.get_mut(..32), head.get(op - dist..op - dist + 32)) {
                    (Some(to), Some(from)) => to.copy_from_slice(from),
                    _ => return err("match past the block end", ip),
                }
            } else {
                // Checked above: 1 <= dist <= op and op + len <= cap.
                copier.copy(dst, op, dist, len);
            }
            op += len;
        } else {
            let run = ctrl + 1;
            if let (Some(lit), Some(out)) = (src.get(ip..ip + 32), dst.get_mut(op..op + 32)) {
                // Fast path: a fixed 32-byte copy (runs are at most 32 bytes long).
                out.copy_from_slice(lit);
                ip += run;
                op += run;
            } else {
                let Some(lit) = src.get(ip..ip + run) else {
                    return err("truncated literal run", ip);
                };
                let Some(out) = dst.get_mut(op..op + run) else {
                    return err("literal run past the block end", ip);
                };
                out.copy_from_slice(lit);
                ip += run;
                op += run;
            }
        }
        match src.get(ip) {
            None => break,
            Some(&c) => {
                ctrl = usize::from(c);
                ip += 1;
            }
        }
    }
    Ok(op)
}

/// Output cursor that fails (returns false) instead of writing past `maxout`.
struct Out<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

// Encode path: the compressor's cursor; every index is checked against `maxout` by the
// methods' own `get_mut` or comes from positions inside our own input.
#[allow(clippy::indexing_slicing)]
impl Out<'_> {
    fn literals(&mut self, mut lit: &[u8]) -> bool {
        while !lit.is_empty() {
            let run = lit.len().min(32);
            let Some(dst) = self.buf.get_mut(self.pos..self.pos + 1 + run) else {
                return false;
            };
            dst[0] = (run - 1) as u8;
            dst[1..].copy_from_slice(&lit[..run]);
            self.pos += 1 + run;
            lit = &lit[run..];
        }
        true
    }

    fn push(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.pos) {
            Some(slot) => {
                *slot = b;
                self.pos += 1;
                true
            }
            None => false,
        }
    }

    /// A match of `len >= 3` bytes at distance `1..=MAX_FAR`.
    fn matched(&mut self, len: usize, dist: usize) -> bool {
        let d = dist - 1;
        let (hi, lo, far) = if d < MAX_NEAR {
            (d >> 8, (d & 255) as u8, None)
        } else {
            (31, 255u8, Some(dist - MAX_NEAR - 1))
        };
        let mut ok = if len <= 8 {
            self.push((((len - 2) << 5) | hi) as u8)
        } else {
            let mut rest = len - 9;
            let mut ok = self.push(((7 << 5) | hi) as u8);
            while ok && rest >= 255 {
                ok = self.push(255);
                rest -= 255;
            }
            ok && self.push(rest as u8)
        };
        ok = ok && self.push(lo);
        if let Some(f) = far {
            ok = ok && self.push((f >> 8) as u8) && self.push((f & 255) as u8);
        }
        ok
    }
}

#[allow(clippy::indexing_slicing)] // encode path: indices inside our own input
#[inline(always)]
fn read_u32(src: &[u8], i: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&src[i..i + 4]);
    u32::from_le_bytes(b)
}

/// Length of the common prefix of `src[a..]` and `src[b..]` (`a < b`), up to the end.
/// Compares 32 bytes per step, then finds the first differing byte of the differing chunk 8
/// bytes at a time. The steps compare fixed-size arrays (`[u8; 32]`), which compile to inline
/// vector compares whatever the inliner decides elsewhere: as slices of run-time length they
/// became `memcmp` calls once the crate grew (i32 counters encode 6.2 -> 2.2-2.7 GB/s).
#[allow(clippy::indexing_slicing)] // encode path: indices inside our own input
#[inline(always)]
fn common_len(src: &[u8], a: usize, b: usize) -> usize {
    let max = src.len() - b;
    let x = &src[a..a + max];
    let y = &src[b..];
    let mut len = 0;
    while let (Some(cx), Some(cy)) = (x[len..].first_chunk::<32>(), y[len..].first_chunk::<32>()) {
        if cx != cy {
            break;
        }
        len += 32;
    }
    while let (Some(cx), Some(cy)) = (x[len..].first_chunk::<8>(), y[len..].first_chunk::<8>()) {
        let d = u64::from_le_bytes(*cx) ^ u64::from_le_bytes(*cy);
        if d != 0 {
            return len + (d.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while len < max && x[len] == y[len] {
        len += 1;
    }
    len
}

/// Compresses `src` into `dst` (capacity = c-blosc's `maxout`); returns the stream length, or 0
/// if the stream would not fit (the frame then stores the input raw). Greedy LZ77 with a hash
/// of 4-byte sequences; higher clevels use a larger table and skip less on misses.
#[allow(clippy::indexing_slicing)] // encode path: indices inside our own input
pub(crate) fn compress(clevel: u8, src: &[u8], dst: &mut [u8]) -> usize {
    let n = src.len();
    if n < MIN_INPUT || dst.is_empty() {
        return 0;
    }
    let hash_log: u32 = match clevel {
        0..=3 => 12,
        4..=6 => 13,
        _ => 14,
    };
    // The skip after misses grows by one every 2^skip_shift misses. Below clevel 7 a shift of 4
    // (was 5) left both bench arrays' ratios unchanged to four digits and sped up the i32
    // counters' encode 5.0 -> 5.3-5.4 GB/s (c-blosc 5.2); 3 gained nothing more.
    let skip_shift: u32 = if clevel >= 7 { 7 } else { 4 };
    let Ok(n32) = u32::try_from(n) else {
        return 0; // Blosc streams are at most 2 GiB; never reached.
    };
    // The hash table is kept per thread and reused: entries hold `base + position`, and an
    // entry below `base` (left by an earlier stream) reads as position 0, exactly as a fresh
    // zeroed table would. So the output is the same, without allocating and zeroing a table
    // per stream.
    let mut slot = TABLE.take();
    let size = 1usize << hash_log;
    if slot.table.len() < size || u32::MAX - slot.next_base <= n32 {
        slot.table.clear();
        slot.table.resize(size.max(slot.table.len()), 0);
        slot.next_base = 1;
    }
    let base = slot.next_base;
    slot.next_base += n32 + 1;
    let n = compress_with(
        &mut slot.table[..size],
        base,
        hash_log,
        skip_shift,
        src,
        dst,
    );
    TABLE.set(slot);
    n
}

/// A reusable hash table and the base the next stream uses.
#[derive(Default)]
struct Table {
    table: Vec<u32>,
    next_base: u32,
}

thread_local! {
    /// Taken out while in use, so a nested use on this thread gets a fresh one.
    static TABLE: std::cell::Cell<Table> = std::cell::Cell::new(Table::default());
}

/// [`compress`] with a table whose entries `< base` mean position 0.
#[allow(clippy::indexing_slicing)] // encode path: indices inside our own input and table
fn compress_with(
    table: &mut [u32],
    base: u32,
    hash_log: u32,
    skip_shift: u32,
    src: &[u8],
    dst: &mut [u8],
) -> usize {
    let n = src.len();
    let hash = |v: u32| (v.wrapping_mul(2_654_435_761) >> (32 - hash_log)) as usize;
    let mut out = Out { buf: dst, pos: 0 };
    let mut anchor = 0usize;
    let mut ip = 1usize;
    let mut misses = 0u32;
    // Leave the last bytes as literals so every hashed read stays inside `src`.
    let last = n - 4;
    // Early exit for streams that barely compress: once an eighth of a stream of 4 KiB or more
    // is behind us, if the output so far (counting pending literals with their run headers)
    // saves less than 1/32 of it, the stream is stored raw (return 0) without searching the
    // rest. Shuffled noise bytes (the low bytes of counters and noisy floats) end here.
    let mut check_at = if n >= 4096 { n / 8 } else { usize::MAX };
    while ip <= last {
        let seq = read_u32(src, ip);
        let h = hash(seq);
        let r = table[h].saturating_sub(base) as usize;
        table[h] = base + ip as u32;
        let dist = ip - r;
        if r < ip && dist <= MAX_FAR && read_u32(src, r) == seq {
            // c-blosc's decoder rejects a stream that ends with a match: keep one literal.
            let len = (4 + common_len(src, r + 4, ip + 4)).min(n - 1 - ip);
            if dist <= MAX_NEAR || len >= 6 {
                if !out.literals(&src[anchor..ip]) || !out.matched(len, dist) {
                    return 0;
                }
                ip += len;
                anchor = ip;
                // A short match in a run of misses (likely chance, in noisy bytes) only halves
                // the skip instead of resetting it.
                misses = if len >= 8 { 0 } else { misses / 2 };
                // Index a position inside the match, which helps long runs of short periods.
                if ip <= last && ip >= 2 {
                    table[hash(read_u32(src, ip - 2))] = base + (ip - 2) as u32;
                }
                continue;
            }
        }
        misses += 1;
        ip += 1 + (misses >> skip_shift) as usize;
        if ip >= check_at {
            check_at = usize::MAX;
            let pending = ip.min(n) - anchor;
            let est = out.pos + pending + pending.div_ceil(32);
            if est.saturating_mul(32) >= ip.saturating_mul(31) {
                return 0;
            }
        }
    }
    if !out.literals(&src[anchor..]) || out.pos >= out.buf.len() {
        return 0;
    }
    // c-blosc marks the first control byte (a literal run) with bit 5; decoders mask it off.
    out.buf[0] |= 0x20;
    out.pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Compressible inputs of every shape (short periods, runs, copies at all distances)
        /// round-trip, and every prefix of a stream either errors or comes up short.
        #[test]
        fn round_trip_and_truncation(
            pieces in proptest::collection::vec((0u8..4, 1usize..200, any::<u8>()), 1..60),
            clevel in 1u8..10,
        ) {
            let mut src: Vec<u8> = Vec::new();
            for (kind, n, b) in pieces {
                match kind {
                    0 => src.extend(std::iter::repeat_n(b, n)),
                    1 => src.extend((0..n).map(|i| b.wrapping_add((i % 7) as u8))),
                    2 if !src.is_empty() => {
                        let from = usize::from(b) * 37 % src.len();
                        let copy: Vec<u8> = src[from..].iter().copied().cycle().take(n).collect();
                        src.extend(copy);
                    }
                    _ => src.extend((0..n).map(|i| (i as u8).wrapping_mul(b) ^ 0x5a)),
                }
            }
            let mut dst = vec![0u8; src.len()];
            let n = compress(clevel, &src, &mut dst);
            if n > 0 {
                let mut back = vec![0u8; src.len()];
                prop_assert_eq!(decompress(&dst[..n], &mut back), Ok(src.len()));
                prop_assert_eq!(&back, &src);
                for cut in [n - 1, n / 2, 1] {
                    let r = decompress(&dst[..cut], &mut back);
                    prop_assert!(r.is_err() || r.unwrap() < src.len());
                }
            }
        }
    }

    /// `common_len` against a byte loop, with the first difference at every place around the
    /// 32-byte and 8-byte steps and with no difference before the end.
    #[test]
    fn common_len_matches_a_byte_loop() {
        for n in 0..120usize {
            for a in 0..3usize {
                for b in a + 1..a + 4 {
                    if b > n {
                        continue;
                    }
                    for diff in (b..=n).chain([usize::MAX]) {
                        let mut src = vec![7u8; n];
                        if let Some(x) = src.get_mut(diff) {
                            *x = 9;
                        }
                        let want = (0..n - b).take_while(|&k| src[a + k] == src[b + k]).count();
                        assert_eq!(
                            common_len(&src, a, b),
                            want,
                            "n {n} a {a} b {b} diff {diff}"
                        );
                    }
                }
            }
        }
    }

    fn round_trip(src: &[u8]) -> Option<usize> {
        let mut dst = vec![0u8; src.len()];
        let n = compress(5, src, &mut dst);
        if n == 0 {
            return None;
        }
        let mut back = vec![0u8; src.len()];
        assert_eq!(decompress(&dst[..n], &mut back), Ok(src.len()));
        // Every stream ends with a literal run (c-blosc rejects a trailing match): the last
        // byte of input is the last byte of the stream.
        assert_eq!(dst[n - 1], src[src.len() - 1]);
        assert_eq!(back, src);
        Some(n)
    }

    #[test]
    fn c_blosc_streams_decode() {
        // numcodecs 0.16.6, Blosc('blosclz', 5, 0) of arange(200, '<i4') % 5: the first of its
        // four 200-byte streams (c-blosc sets bit 5 of the first control byte).
        let stream = [
            49, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 128, 0, 224, 165, 19, 1, 0, 0,
        ];
        let want: Vec<u8> = (0..200u32).flat_map(|i| (i % 5).to_le_bytes()).collect();
        let mut out = vec![0u8; 200];
        assert_eq!(decompress(&stream, &mut out), Ok(200));
        assert_eq!(out[..], want[..200]);
        // Blosc('blosclz', 9, 0) of tile(arange(40, 'u1'), 300): a length with 46 bytes of 255.
        let mut stream = vec![63u8];
        stream.extend(0..32u8);
        stream.extend([7, 32, 33, 34, 35, 36, 37, 38, 39, 224]);
        stream.extend([255; 46]);
        stream.extend([218, 39, 2, 37, 38, 39]);
        let want: Vec<u8> = (0..12000u32).map(|i| (i % 40) as u8).collect();
        let mut out = vec![0u8; 12000];
        assert_eq!(decompress(&stream, &mut out), Ok(12000));
        assert_eq!(out, want);
    }

    #[test]
    fn round_trips() {
        let runs: Vec<u8> = (0..100_000u32).map(|i| (i / 1000) as u8).collect();
        assert!(round_trip(&runs).unwrap() < 2000);
        let period3: Vec<u8> = (0..5000u32).map(|i| (i % 3) as u8).collect();
        assert!(round_trip(&period3).is_some());
        // Far matches: a random 20 KiB block repeated.
        let mut x = 12345u32;
        let block: Vec<u8> = (0..20_000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        // Nine copies: by the first eighth the repeats already pay, so far matches are used.
        let many = block.repeat(9);
        let n = round_trip(&many).unwrap();
        assert!(n < 22_000, "{n}");
        // Two copies: the first eighth is pure noise, so the early exit stores it raw.
        let twice = block.repeat(2);
        assert_eq!(round_trip(&twice), None);
        // Random data does not fit: 0.
        let mut dst = vec![0u8; block.len()];
        assert_eq!(compress(5, &block, &mut dst), 0);
        // Long matches with length extension bytes of 255.
        let zeros = vec![0u8; 70_000];
        assert!(round_trip(&zeros).unwrap() < 400);
        assert_eq!(compress(5, &[0u8; 15], &mut [0u8; 15]), 0);
    }

    #[test]
    fn reused_table_gives_the_same_bytes() {
        let a: Vec<u8> = (0..50_000u32).map(|i| (i / 3 % 11) as u8).collect();
        let b: Vec<u8> = (0..70_000u32).map(|i| (i * 7 / 5 % 13) as u8).collect();
        let fresh = |src: Vec<u8>, clevel: u8| {
            std::thread::spawn(move || {
                let mut dst = vec![0u8; src.len()];
                let n = compress(clevel, &src, &mut dst);
                dst.truncate(n);
                dst
            })
            .join()
            .unwrap()
        };
        for clevel in [1u8, 5, 9] {
            let want_a = fresh(a.clone(), clevel);
            let want_b = fresh(b.clone(), clevel);
            // On this thread the table holds the other input's positions each time.
            for (src, want) in [(&a, &want_a), (&b, &want_b), (&a, &want_a), (&b, &want_b)] {
                let mut dst = vec![0u8; src.len()];
                let n = compress(clevel, src, &mut dst);
                assert_eq!(&dst[..n], &want[..], "clevel {clevel}");
            }
        }
    }

    #[test]
    fn bad_streams_are_errors() {
        let mut out = [0u8; 16];
        assert!(decompress(&[], &mut out).is_err());
        // Literal run longer than the input.
        assert!(decompress(&[5, 1, 2], &mut out).is_err());
        // Literal run past the output.
        assert!(decompress(&[31; 40], &mut out).is_err());
        // Match before the start.
        assert!(decompress(&[0, 7, 0x20, 5], &mut out).is_err());
        // Match past the end.
        assert!(decompress(&[0, 7, 0xe0, 100, 0], &mut out).is_err());
        // 255-continuations that would wrap a 32-bit length (c-blosc #405).
        let mut bomb = vec![0u8, 7, 0xe0];
        bomb.extend(std::iter::repeat_n(0xff, 100_000));
        assert!(decompress(&bomb, &mut out).is_err());
        // Truncated match length / distance / far distance.
        assert!(decompress(&[0, 7, 0xe0], &mut out).is_err());
        assert!(decompress(&[0, 7, 0x20], &mut out).is_err());
        assert!(decompress(&[0, 7, 0x3f, 0xff, 0], &mut out).is_err());
        // Good: literal then overlapping match.
        let mut out = [0u8; 9];
        assert_eq!(decompress(&[0, 7, 0xc0, 0], &mut out), Ok(9));
        assert_eq!(out, [7; 9]);
    }
}
