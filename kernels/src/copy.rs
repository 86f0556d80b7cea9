//! A plain vector copy loop: the second memcpy baseline of `chunkcodec bench`.
//!
//! Benchmarks state kernel speed as a ratio to memcpy of the same bytes. glibc's memcpy uses
//! `rep movsb` for mid-sized copies, and on AMD Zen 4 that instruction's speed depends on where
//! the buffers sit (measured here at 256 KiB: ~38 or ~57 GB/s on the same machine, from one
//! allocation to the next, while a 32-byte load/store loop ran ~56 GB/s on both). The bench
//! therefore takes the faster of the two as its baseline, so a ratio is never flattered by an
//! unlucky `rep movsb`.

/// Copies `src` into `dst` with 32-byte vector loads and stores where the CPU has AVX2 (else
/// `copy_from_slice`). Unlike a copy loop the compiler sees, this is never turned into a call to
/// memcpy.
///
/// # Panics
/// If the lengths differ.
pub fn vector_copy(src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "vector_copy: lengths differ");
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected just above.
        return unsafe { avx2_copy(src, dst) };
    }
    dst.copy_from_slice(src);
}

/// Appends `src` to `out` like `extend_from_slice`, with the copy of [`vector_copy`] (no
/// zero-fill of the new bytes first).
///
/// The Blosc frame code appends whole incompressible streams and blocks with this: glibc's
/// `rep movsb` memcpy measured up to 2x slower than a vector copy there on AMD Zen 4 with two
/// threads (8 MiB lz4 decode on 2 threads: 8.7 GB/s vs 14.3 GB/s with `rep movsb` turned off
/// through `GLIBC_TUNABLES`).
pub fn extend(out: &mut Vec<u8>, src: &[u8]) {
    out.reserve(src.len());
    let len = out.len();
    let spare = out.spare_capacity_mut();
    // SAFETY: `spare` has at least `src.len()` elements (reserved above) and does not overlap
    // `src` (a shared borrow alive across this exclusive borrow of `out`).
    unsafe { copy_raw(src.as_ptr(), spare.as_mut_ptr().cast(), src.len()) };
    // SAFETY: the first `src.len()` spare elements were initialised by the copy above, and
    // `len + src.len()` is within the capacity reserved above.
    unsafe { out.set_len(len + src.len()) };
}

/// Appends the concatenation of `parts` to `out` (no zero-fill of the new bytes first), the
/// copies run through `run_all`: it is given a function that copies part `i` to its place and
/// may call it for any indices, in any order, on any threads (a rayon `for_each` over
/// `0..parts.len()` splits the copying between the pool's threads). Each part is copied exactly
/// once: indices called twice are skipped, and parts `run_all` did not copy are copied here
/// after it returns, so the result is the concatenation whatever `run_all` does.
///
/// # Panics
/// If the total length overflows `usize` or the allocation fails (as `Vec::reserve`).
pub fn extend_concat(
    out: &mut Vec<u8>,
    parts: &[&[u8]],
    run_all: impl FnOnce(&(dyn Fn(usize) + Sync)),
) {
    use std::sync::atomic::{AtomicU8, Ordering};
    const FREE: u8 = 0;
    const COPYING: u8 = 1;
    const DONE: u8 = 2;
    let mut offsets = Vec::with_capacity(parts.len());
    let mut total = 0usize;
    for p in parts {
        offsets.push(total);
        total = total
            .checked_add(p.len())
            .expect("extend_concat: capacity overflow");
    }
    out.reserve(total);
    let len = out.len();
    let base = SharedDst(out.spare_capacity_mut().as_mut_ptr().cast::<u8>());
    let state: Vec<AtomicU8> = parts.iter().map(|_| AtomicU8::new(FREE)).collect();
    let copy_one = |i: usize| {
        let (Some(src), Some(&at), Some(st)) = (parts.get(i), offsets.get(i), state.get(i)) else {
            return;
        };
        if st
            .compare_exchange(FREE, COPYING, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        // SAFETY: `at + src.len() <= total` and `total` spare bytes were reserved above, so
        // the destination range is inside `out`'s allocation; the ranges of different parts
        // are disjoint (consecutive offsets), only the one caller that moved this part from
        // FREE to COPYING writes its range, and nothing reads the spare bytes until every
        // part is DONE (below). `src` is a shared borrow alive for this whole call, so it
        // cannot overlap the exclusively borrowed `out`.
        unsafe { copy_raw(src.as_ptr(), base.get().add(at), src.len()) };
        st.store(DONE, Ordering::Release);
    };
    run_all(&copy_one);
    for (i, st) in state.iter().enumerate() {
        copy_one(i);
        // A part another thread claimed: its copy finished before `run_all` returned (the
        // function's borrow ends there), and this Acquire load makes its bytes visible here.
        while st.load(Ordering::Acquire) != DONE {
            std::hint::spin_loop();
        }
    }
    // SAFETY: every part is DONE, so the bytes `len..len + total` (the parts' disjoint ranges,
    // which tile it) were written, and `len + total` is within the capacity reserved above.
    unsafe { out.set_len(len + total) };
}

/// The start of `extend_concat`'s destination, shared by the threads that copy into disjoint
/// ranges of it.
struct SharedDst(*mut u8);

impl SharedDst {
    fn get(&self) -> *mut u8 {
        self.0
    }
}

// SAFETY: `extend_concat` hands each range behind this pointer to exactly one writer (its
// per-part state), and reads none of it until every writer has finished.
unsafe impl Sync for SharedDst {}

/// Copies `n` bytes with the vector copy where the CPU has AVX2 and `n >= 256` (else
/// `copy_nonoverlapping`): the copy of [`extend`] and [`extend_concat`].
///
/// # Safety
/// `s` must be readable and `d` writable for `n` bytes, and the ranges must not overlap.
unsafe fn copy_raw(s: *const u8, d: *mut u8, n: usize) {
    #[cfg(target_arch = "x86_64")]
    if n >= 256 && std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected just above; the ranges are the caller's contract.
        return unsafe { avx2_copy_raw(s, d, n) };
    }
    // SAFETY: the caller's contract.
    unsafe { core::ptr::copy_nonoverlapping(s, d, n) }
}

/// A new `Vec` of `len` bytes, filled by `fill` in place, with no zero-fill first (at 8 MiB
/// the fill of `vec![0; len]` costs about as much as a shuffle of the same bytes).
///
/// # Safety
/// `fill` must write every byte of the slice it is given and read only bytes it has already
/// written (the slice starts uninitialised; it is typed `&mut [u8]` so the kernels can take
/// it unchanged). Every kernel this crate passes here is a pure transform `src -> dst` whose
/// tests check, against a dirty destination, that each output byte is written.
pub(crate) unsafe fn new_vec_with(len: usize, fill: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut out = Vec::<u8>::with_capacity(len);
    let spare = &mut out.spare_capacity_mut()[..len];
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, so the cast keeps pointer and length;
    // the caller guarantees `fill` never reads a byte before writing it, so no uninitialised
    // byte is read through the `&mut [u8]`.
    let dst = unsafe { &mut *(spare as *mut [std::mem::MaybeUninit<u8>] as *mut [u8]) };
    fill(dst);
    // SAFETY: `len <= capacity` (with_capacity above), and the caller guarantees `fill`
    // wrote all `len` bytes.
    unsafe { out.set_len(len) };
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2_copy(src: &[u8], dst: &mut [u8]) {
    // SAFETY: the slices are `n` bytes long each (checked by the caller) and distinct borrows.
    unsafe { avx2_copy_raw(src.as_ptr(), dst.as_mut_ptr(), src.len()) }
}

/// Copies `n` bytes from `s` to `d` with 32-byte vector loads and stores.
///
/// # Safety
/// AVX2 must be available; `s` must be readable and `d` writable for `n` bytes, and the two
/// ranges must not overlap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2_copy_raw(s: *const u8, d: *mut u8, n: usize) {
    use core::arch::x86_64::*;
    let body = n / 128 * 128;
    let mut i = 0;
    while i < body {
        // SAFETY: i + 128 <= body <= n, inside both ranges (the caller's contract);
        // loadu/storeu accept any alignment.
        unsafe {
            let a = _mm256_loadu_si256(s.add(i).cast());
            let b = _mm256_loadu_si256(s.add(i + 32).cast());
            let c = _mm256_loadu_si256(s.add(i + 64).cast());
            let e = _mm256_loadu_si256(s.add(i + 96).cast());
            _mm256_storeu_si256(d.add(i).cast(), a);
            _mm256_storeu_si256(d.add(i + 32).cast(), b);
            _mm256_storeu_si256(d.add(i + 64).cast(), c);
            _mm256_storeu_si256(d.add(i + 96).cast(), e);
        }
        i += 128;
    }
    // SAFETY: body..n is inside both ranges and they do not overlap (the caller's contract).
    unsafe { core::ptr::copy_nonoverlapping(s.add(body), d.add(body), n - body) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_concat_copies_each_part_once_whatever_run_all_does() {
        let src: Vec<u8> = (0..5000u32).map(|i| (i * 31 + 5) as u8).collect();
        let cuts = [0usize, 0, 3, 300, 301, 1000, 1000, 2999, 5000];
        let parts: Vec<&[u8]> = cuts.windows(2).map(|w| &src[w[0]..w[1]]).collect();
        let n = parts.len();
        // None, all, some twice, out of range, a reversed subset, and from several threads.
        type Runner = Box<dyn Fn(&(dyn Fn(usize) + Sync))>;
        let runners: Vec<Runner> = vec![
            Box::new(|_| {}),
            Box::new(move |f| (0..n).for_each(f)),
            Box::new(move |f| (0..n).chain(0..n).chain(n..n + 3).for_each(f)),
            Box::new(move |f| (0..n).rev().step_by(2).for_each(f)),
            Box::new(move |f| {
                std::thread::scope(|s| {
                    for t in 0..3 {
                        s.spawn(move || (t..n).step_by(2).for_each(f));
                    }
                })
            }),
        ];
        for (k, run) in runners.iter().enumerate() {
            for head in [0usize, 5] {
                let mut out = vec![9u8; head];
                extend_concat(&mut out, &parts, |f| run(f));
                assert_eq!(out.len(), head + src.len(), "runner {k}");
                assert!(out[..head].iter().all(|&b| b == 9), "runner {k}");
                assert_eq!(&out[head..], &src[..], "runner {k} head {head}");
            }
        }
        let mut out = vec![1u8];
        extend_concat(&mut out, &[], |f| f(0));
        assert_eq!(out, [1]);
    }

    #[test]
    fn copies_every_length_and_offset() {
        let src: Vec<u8> = (0..700u32).map(|i| (i * 7 + 3) as u8).collect();
        for off in 0..4 {
            for len in 0..=600 {
                let mut dst = vec![0u8; len + off];
                vector_copy(&src[off..off + len], &mut dst[off..]);
                assert_eq!(&dst[off..], &src[off..off + len], "len {len} off {off}");
                assert!(dst[..off].iter().all(|&b| b == 0));
                let mut v = vec![7u8; off];
                extend(&mut v, &src[off..off + len]);
                assert_eq!(&v[..off], &vec![7u8; off][..]);
                assert_eq!(
                    &v[off..],
                    &src[off..off + len],
                    "extend len {len} off {off}"
                );
            }
        }
    }
}
