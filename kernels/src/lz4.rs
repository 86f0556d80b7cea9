//! An LZ4 *block* decoder (the raw block format, not the frame format), written from the block
//! format description:
//!
//! * a block is a list of sequences; each starts with a token byte whose high nibble is the
//!   literal length and whose low nibble is the match length minus 4;
//! * a nibble of 15 continues in the following bytes: each byte is added to the length, and
//!   bytes of 255 mean another byte follows;
//! * the literals follow the literal length, then a 2-byte little-endian match offset, then the
//!   match length's continuation bytes; the match copies `length` bytes starting `offset` bytes
//!   back in the output, and may overlap the bytes it writes (offset 1 repeats one byte);
//! * the last sequence has literals only.
//!
//! # What is accepted
//!
//! Exactly the blocks C liblz4's `LZ4_decompress_safe` (1.10) accepts with the same output
//! capacity, with the same output, except that a match offset of 0 is an error here
//! ([`Lz4Error::OffsetZero`]): liblz4 accepts it and then copies output bytes that were never
//! written (the caller's old buffer contents). liblz4's limits are part of that contract, and
//! some depend on where in the output the decoder is, so this decoder keeps the same two
//! regimes (the differential tests in the main crate check every case against liblz4):
//!
//! * **Wide regime**, while at least 64 bytes of output capacity remain (it is never entered
//!   when the capacity is under 64): a literal run under 15 bytes is copied as 16 bytes when at
//!   least 17 input bytes follow the token; a longer one when it ends at least 32 bytes before
//!   both the input end and the output capacity; a match when it ends more than 64 bytes before
//!   the capacity. Anything else moves to the narrow regime at that point.
//! * **Narrow regime**: a literal run that ends within 12 bytes of the capacity or within 8
//!   bytes of the input end must be the last sequence: it must end exactly at the input end
//!   and fit the output. A match must end at least 5 bytes before the capacity. One shortcut
//!   loosens this: a token whose literal run is under 15 bytes, read with more than 16 input
//!   bytes left and at least 32 bytes of capacity left, copies its literals unchecked, and when
//!   its match length is under 19 with an offset of at least 8, copies that match unchecked too.
//! * Length continuations must stop before the last 15 input bytes (literal lengths) or leave at
//!   least 4 input bytes (match lengths). An offset reaching before the output start is an
//!   error. A capacity of 0 takes only the one-byte block `00`; an empty input is an error.
//!
//! # Speed
//!
//! In the wide regime the decoder copies without per-byte bounds: literals in 16- or 32-byte
//! chunks, matches with an offset of 32 or more in 32-byte chunks, 16..32 in 16-byte chunks,
//! and offsets under 16 by storing a repeating pattern (AVX2: one `vpshufb` of the 16 bytes
//! before the match position, then 32-byte stores that advance by a multiple of the offset).
//! Such copies may write up to 32 bytes past the end of the run into the capacity; later
//! sequences overwrite them. Every read of the output is of bytes this call already wrote.

use crate::dispatch::Isa;
use core::fmt;

/// Why a block was rejected. `at` is a byte position in the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lz4Error {
    /// The block is empty (even the empty block has one token byte).
    EmptyInput,
    /// The output capacity is 0 but the block is not the empty block (one zero byte).
    NotEmptyBlock,
    /// A length's continuation bytes run too close to the input end (the literal length of
    /// the token at `at`, or the match length whose offset is at `at`).
    LengthPastInput { at: usize },
    /// The literal run of the token at `at` (`len` bytes) runs past the input end.
    LiteralsPastInput { at: usize, len: usize },
    /// The literal run of the token at `at` ends too close to the input end or the output
    /// capacity to be followed by a match, yet the input continues after it.
    NotLastSequence { at: usize },
    /// The sequence at `at` would write past the output capacity.
    OutputFull { at: usize },
    /// A match offset of 0 (the offset bytes are at `at`).
    OffsetZero { at: usize },
    /// A match offset (bytes at `at`) reaching before the output start: offset `offset` at
    /// output position `pos`.
    OffsetBeforeStart {
        at: usize,
        offset: usize,
        pos: usize,
    },
    /// The match whose offset is at `at` ends within the last 5 bytes of the output capacity.
    MatchTooNearEnd { at: usize },
}

impl fmt::Display for Lz4Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Lz4Error::EmptyInput => f.write_str("empty LZ4 block"),
            Lz4Error::NotEmptyBlock => {
                f.write_str("a decoded size of 0 needs the empty LZ4 block (one zero byte)")
            }
            Lz4Error::LengthPastInput { at } => {
                write!(
                    f,
                    "length continuation at block byte {at} runs into the block end"
                )
            }
            Lz4Error::LiteralsPastInput { at, len } => write!(
                f,
                "literal run of {len} bytes at block byte {at} runs past the block end"
            ),
            Lz4Error::NotLastSequence { at } => write!(
                f,
                "sequence at block byte {at} must be the last one, but trailing bytes follow it"
            ),
            Lz4Error::OutputFull { at } => write!(
                f,
                "sequence at block byte {at} would write past the output capacity"
            ),
            Lz4Error::OffsetZero { at } => write!(f, "match offset 0 at block byte {at}"),
            Lz4Error::OffsetBeforeStart { at, offset, pos } => write!(
                f,
                "match offset {offset} at block byte {at} reaches before the output start \
                 (output position {pos})"
            ),
            Lz4Error::MatchTooNearEnd { at } => write!(
                f,
                "match at block byte {at} ends within the last 5 bytes of the output capacity"
            ),
        }
    }
}

impl std::error::Error for Lz4Error {}

/// Decodes the LZ4 block `src` into `dst` (its length is the capacity); returns the decoded
/// length. Bytes of `dst` past the decoded length may be overwritten (as liblz4 does), and on
/// an error `dst` holds partial output.
pub fn decompress_into(src: &[u8], dst: &mut [u8]) -> Result<usize, Lz4Error> {
    decompress_into_with(Isa::active(), src, dst)
}

/// [`decompress_into`] on the given ISA's path (AVX2 and up share one path; the others use the
/// portable one).
///
/// # Panics
/// If `isa` is not available on this CPU.
pub fn decompress_into_with(isa: Isa, src: &[u8], dst: &mut [u8]) -> Result<usize, Lz4Error> {
    assert!(
        isa.is_available(),
        "{}",
        crate::dispatch::UnavailableIsa(isa)
    );
    // SAFETY: `dst` is a live, exclusively borrowed slice of `dst.len()` writable bytes that
    // does not overlap `src`; `isa` is available (asserted).
    unsafe { decode_raw(isa, src, dst.as_mut_ptr(), dst.len()) }
}

/// Decodes the LZ4 block `src` onto the end of `out`, writing into its spare capacity (no
/// zero-fill first), producing at most `max_out` bytes; returns the decoded length. On an error
/// `out` is unchanged (its length; its spare capacity may hold partial output).
pub fn decompress_append(src: &[u8], out: &mut Vec<u8>, max_out: usize) -> Result<usize, Lz4Error> {
    out.reserve(max_out);
    let len = out.len();
    let spare = out.spare_capacity_mut();
    debug_assert!(spare.len() >= max_out);
    // SAFETY: `spare` has at least `max_out` writable bytes (reserved above), exclusively
    // borrowed and distinct from `src`; the decoder writes only below `max_out` and reads only
    // output bytes it wrote itself, so no uninitialised byte is read; the active ISA is
    // available by construction of `Isa::active`.
    let n = unsafe { decode_raw(Isa::active(), src, spare.as_mut_ptr().cast::<u8>(), max_out)? };
    // SAFETY: the decoder returned `n` <= max_out and wrote every byte of `0..n` of the spare
    // capacity, so `len + n` bytes are initialised and within the capacity.
    unsafe { out.set_len(len + n) };
    Ok(n)
}

/// LZ77 match copies in wide chunks for the LZ-family decoders outside this module (BloscLZ),
/// whose own code has no `unsafe`. Made once per stream: the ISA is checked here, not per copy.
#[derive(Clone, Copy, Debug)]
pub struct WideCopier {
    /// Read on x86-64 only (elsewhere every copy takes the portable path).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    avx2: bool,
}

impl WideCopier {
    /// A copier for `isa` (AVX2 and up share one path; the others use the portable one).
    ///
    /// # Panics
    /// If `isa` is not available on this CPU.
    pub fn new(isa: Isa) -> Self {
        assert!(
            isa.is_available(),
            "{}",
            crate::dispatch::UnavailableIsa(isa)
        );
        let avx2 = cfg!(target_arch = "x86_64") && isa >= Isa::Avx2 && isa != Isa::Neon;
        WideCopier { avx2 }
    }

    /// Copies the `len`-byte match `dist` bytes back (overlap allowed: the bytes repeat with
    /// period `dist`) to `buf[op..op + len]`, in wide chunks that may also overwrite up to 32
    /// bytes of `buf` after `op + len` where there is room (the LZ decoders' "wild copy": a
    /// decoder overwrites those bytes with its following tokens).
    ///
    /// # Panics
    /// If `dist == 0`, `dist > op` or `op + len > buf.len()`.
    #[inline]
    pub fn copy(self, buf: &mut [u8], op: usize, dist: usize, len: usize) {
        assert!(
            dist >= 1 && dist <= op && op <= buf.len() && len <= buf.len() - op,
            "WideCopier: match (op {op}, dist {dist}, len {len}) outside a {}-byte buffer",
            buf.len()
        );
        if buf.len() - op - len < 32 {
            self.copy_at_end(buf, op, dist, len);
            return;
        }
        let dst = buf.as_mut_ptr();
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `new` checked that the CPU has AVX2; 1 <= dist <= op, every byte below
            // op is initialised (a live slice), and op + len + 32 <= buf.len() (checked above),
            // so wide_match's writes stay in `buf`.
            unsafe { wide_match_avx2(dst, op, dist, len) };
            return;
        }
        // SAFETY: as above; the portable copier needs no ISA.
        unsafe { wide_match::<Portable>(dst, op, dist, len) };
    }

    /// [`Self::copy`] with fewer than 32 bytes of room after the match: wide copies stopping
    /// 32 bytes short, then the last bytes exactly. The caller checked the match's bounds.
    #[cold]
    fn copy_at_end(self, buf: &mut [u8], op: usize, dist: usize, len: usize) {
        if len > 64 {
            self.copy(buf, op, dist, len - 32);
            self.copy(buf, op + len - 32, dist, 32);
            return;
        }
        let (head, tail) = buf.split_at_mut(op);
        let src = &head[op - dist..];
        if dist >= len {
            tail[..len].copy_from_slice(&src[..len]);
        } else {
            for k in 0..len {
                tail[k] = if k < dist { src[k] } else { tail[k - dist] };
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn wide_match_avx2(dst: *mut u8, op: usize, offset: usize, ml: usize) {
    // SAFETY: AVX2 is enabled here; the buffer contract is the caller's (wide_match's).
    unsafe { wide_match::<Avx2>(dst, op, offset, ml) }
}

/// # Safety
/// `dst` must be writable for `cap` bytes and not overlap `src`; `isa` must be available.
unsafe fn decode_raw(isa: Isa, src: &[u8], dst: *mut u8, cap: usize) -> Result<usize, Lz4Error> {
    #[cfg(target_arch = "x86_64")]
    if isa >= Isa::Avx2 && isa != Isa::Neon {
        // SAFETY: AVX2 is part of the Avx2 and Avx512 levels, which the caller says are
        // available; the buffer contract is passed on.
        return unsafe { decode_avx2(src, dst, cap) };
    }
    let _ = isa;
    // SAFETY: the buffer contract is passed on; the portable copier needs no ISA.
    unsafe { decode::<Portable>(src, dst, cap) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn decode_avx2(src: &[u8], dst: *mut u8, cap: usize) -> Result<usize, Lz4Error> {
    // SAFETY: AVX2 is enabled for this function (the caller checked the CPU); the buffer
    // contract is the caller's.
    unsafe { decode::<Avx2>(src, dst, cap) }
}

/// The copies whose best form depends on the ISA.
///
/// # Safety
/// The implementing type's ISA must be available; pointers as documented per method.
trait Copier {
    /// Fills `len` bytes at `d` with the repeating pattern of the `offset` (1..16) bytes before
    /// `d`: LZ4's overlapping match copy. May write up to 32 bytes past `d + len`.
    ///
    /// # Safety
    /// The 16 bytes before `d` are initialised and readable; `d .. d + len + 32` is writable.
    unsafe fn pattern(d: *mut u8, offset: usize, len: usize);
}

/// Plain Rust copies (the compiler picks the vector width of the target's baseline).
struct Portable;

impl Copier for Portable {
    #[inline(always)]
    unsafe fn pattern(d: *mut u8, offset: usize, len: usize) {
        let mut pat = [0u8; 32];
        for (j, p) in pat.iter_mut().enumerate() {
            // SAFETY: `offset - j % offset` is in 1..=offset <= 15, inside the 16 readable,
            // initialised bytes before `d` (the caller's contract): p = out[d - offset + j % offset].
            *p = unsafe { *d.sub(offset - j % offset) };
        }
        let step = STEP32[offset];
        let mut k = 0;
        loop {
            // SAFETY: k < len, so k + 32 <= len + 32 is inside the writable range; `pat` is
            // a distinct local array.
            unsafe { core::ptr::copy_nonoverlapping(pat.as_ptr(), d.add(k), 32) };
            k += step;
            if k >= len {
                break;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Copier for Avx2 {
    #[inline(always)]
    unsafe fn pattern(d: *mut u8, offset: usize, len: usize) {
        use core::arch::x86_64::*;
        // SAFETY: AVX2 is available (the trait's contract); the 16 bytes before `d` are
        // readable and initialised; every store is at d + k with k < len, so it ends before
        // d + len + 32, inside the writable range; loadu/storeu take any alignment.
        unsafe {
            let v = _mm_loadu_si128(d.sub(16).cast());
            let idx = _mm256_loadu_si256(PATTERN_IDX[offset].as_ptr().cast());
            let pat = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(v), idx);
            let step = STEP32[offset];
            let mut k = 0;
            loop {
                _mm256_storeu_si256(d.add(k).cast(), pat);
                k += step;
                if k >= len {
                    break;
                }
            }
        }
    }
}

/// For offsets 1..16: the largest multiple of the offset that is at most 32 (how far a 32-byte
/// pattern store may advance and stay in phase).
const STEP32: [usize; 16] = {
    let mut t = [0usize; 16];
    let mut o = 1;
    while o < 16 {
        t[o] = 32 / o * o;
        o += 1;
    }
    t
};

/// For offsets 1..16: `vpshufb` control that turns the 16 bytes before the match position
/// (in both 128-bit lanes) into 32 bytes of the repeating pattern: byte j is byte
/// `16 - offset + j % offset` of those 16.
#[cfg(target_arch = "x86_64")]
static PATTERN_IDX: [[u8; 32]; 16] = {
    let mut t = [[0u8; 32]; 16];
    let mut o = 1;
    while o < 16 {
        let mut j = 0;
        while j < 32 {
            t[o][j] = (16 - o + j % o) as u8;
            j += 1;
        }
        o += 1;
    }
    t
};

/// Where the narrow regime picks up.
enum State {
    /// At a token.
    Token,
    /// A literal run of `lit` bytes starts at `ip` (token `token` at `at`).
    Literals { token: u8, lit: usize, at: usize },
    /// The offset (bytes at `at`) is read; the match length nibble is `ml`.
    MatchLen { ml: usize, offset: usize, at: usize },
    /// A match of `ml` bytes at `offset` (bytes at `at`) is next.
    Match { ml: usize, offset: usize, at: usize },
}

/// Reads a length continuation starting at `*ip`: bytes are added up, 255 means another byte
/// follows. After each byte, the read position may not pass `limit` (liblz4's rule; with
/// `strict`, the first byte must also start before it).
#[inline(always)]
fn read_len(src: &[u8], ip: &mut usize, limit: isize, strict: bool) -> Option<usize> {
    if strict && *ip as isize >= limit {
        return None;
    }
    let mut n = 0usize;
    loop {
        let b = *src.get(*ip)?;
        *ip += 1;
        n += usize::from(b);
        if *ip as isize > limit || n > isize::MAX as usize / 4 {
            return None;
        }
        if b != 255 {
            return Some(n);
        }
    }
}

/// Copies `ml` bytes from `offset` back, exactly (no writes past the end), byte by byte where
/// the ranges overlap.
///
/// # Safety
/// `dst .. dst + op + ml` is writable, `1 <= offset <= op`, and `dst .. dst + op` is initialised.
#[inline(always)]
unsafe fn match_exact(dst: *mut u8, op: usize, offset: usize, ml: usize) {
    // SAFETY: the caller's contract; each byte read (at op + k - offset < op + k) was written
    // before it is read, by the caller or by this loop.
    unsafe {
        let d = dst.add(op);
        let m = d.sub(offset);
        if offset >= ml {
            core::ptr::copy_nonoverlapping(m, d, ml);
        } else {
            for k in 0..ml {
                *d.add(k) = *m.add(k);
            }
        }
    }
}

/// Copies the `ml`-byte match at `offset` to output position `op` with wide chunks or the
/// pattern store; may write up to 32 bytes past `op + ml`.
///
/// # Safety
/// `1 <= offset <= op`; `dst .. dst + op` is initialised; `dst .. dst + op + ml + 32` is
/// writable; `C`'s ISA is available.
#[inline(always)]
unsafe fn wide_match<C: Copier>(dst: *mut u8, mut op: usize, offset: usize, mut ml: usize) {
    if offset < 16 && op < 16 {
        // Near the output start the pattern store lacks its 16 bytes of history: the first
        // 16 bytes exactly (then op >= 16 as offset <= op means op >= 1).
        let head = ml.min(16);
        // SAFETY: the caller's contract covers `head <= ml` bytes at op.
        unsafe { match_exact(dst, op, offset, head) };
        op += head;
        ml -= head;
        if ml == 0 {
            return;
        }
    }
    // SAFETY: (all arms) offset <= op, so the source starts inside the output; every chunk
    // reads only bytes written before it (offset >= the chunk size, or the pattern copy reads
    // the 16 bytes before op, which exist as op >= 16 and are initialised); chunk writes end
    // before op + ml + 32 (the last chunk starts below op + ml).
    unsafe {
        let d = dst.add(op);
        let m = d.sub(offset);
        if offset >= 32 {
            let mut k = 0;
            loop {
                core::ptr::copy_nonoverlapping(m.add(k), d.add(k), 32);
                k += 32;
                if k >= ml {
                    break;
                }
            }
        } else if offset >= 16 {
            let mut k = 0;
            loop {
                core::ptr::copy_nonoverlapping(m.add(k), d.add(k), 16);
                k += 16;
                if k >= ml {
                    break;
                }
            }
        } else {
            C::pattern(d, offset, ml);
        }
    }
}

/// The decoder. See the module docs for the rules.
///
/// # Safety
/// `dst` must be writable for `cap` bytes and not overlap `src`; `C`'s ISA must be available.
#[inline(always)]
unsafe fn decode<C: Copier>(src: &[u8], dst: *mut u8, cap: usize) -> Result<usize, Lz4Error> {
    let slen = src.len();
    if cap == 0 {
        return if src == [0] {
            Ok(0)
        } else {
            Err(Lz4Error::NotEmptyBlock)
        };
    }
    if slen == 0 {
        return Err(Lz4Error::EmptyInput);
    }
    let s = src.as_ptr();
    let mut ip = 0usize;
    let mut op = 0usize;
    let mut state = State::Token;

    // Wide regime. Invariants at the top of the loop: op + 64 <= cap, ip < slen, and
    // `dst .. dst + op` initialised.
    if cap >= 64 {
        state = loop {
            let at = ip;
            // SAFETY: ip < slen (invariant).
            let token = unsafe { *s.add(ip) };
            ip += 1;
            let mut lit = usize::from(token >> 4);
            if lit != 15 {
                if ip + 17 > slen {
                    break State::Literals { token, lit, at };
                }
                // SAFETY: ip + 16 < slen, and op + 16 < cap (op + 64 <= cap); src and dst are
                // distinct.
                unsafe { core::ptr::copy_nonoverlapping(s.add(ip), dst.add(op), 16) };
            } else {
                lit += read_len(src, &mut ip, slen as isize - 15, true)
                    .ok_or(Lz4Error::LengthPastInput { at })?;
                if op + lit + 32 > cap || ip + lit + 32 > slen {
                    break State::Literals { token, lit, at };
                }
                let mut k = 0;
                loop {
                    // SAFETY: k < lit, so k + 32 < lit + 32: ip + k + 32 <= slen and
                    // op + k + 32 <= cap (checked above); src and dst are distinct.
                    unsafe { core::ptr::copy_nonoverlapping(s.add(ip + k), dst.add(op + k), 32) };
                    k += 32;
                    if k >= lit {
                        break;
                    }
                }
            }
            ip += lit;
            op += lit;
            let at = ip;
            // SAFETY: both literal branches left at least 2 input bytes after ip + lit
            // (ip + 17 <= slen with lit <= 14, or ip + lit + 32 <= slen).
            let offset = usize::from(u16::from_le_bytes(unsafe { *s.add(ip).cast::<[u8; 2]>() }));
            ip += 2;
            if offset == 0 {
                return Err(Lz4Error::OffsetZero { at });
            }
            let mut ml = usize::from(token & 15);
            if ml == 15 {
                ml += read_len(src, &mut ip, slen as isize - 4, false)
                    .ok_or(Lz4Error::LengthPastInput { at })?;
            }
            ml += 4;
            if op + ml + 64 >= cap {
                break State::Match { ml, offset, at };
            }
            if offset > op {
                return Err(Lz4Error::OffsetBeforeStart {
                    at,
                    offset,
                    pos: op,
                });
            }
            // SAFETY: 1 <= offset <= op, bytes below op are initialised, and
            // op + ml + 32 < op + ml + 64 < cap.
            unsafe { wide_match::<C>(dst, op, offset, ml) };
            op += ml;
        };
    }

    // Narrow regime: every copy is exact, except the shortcut's fixed 16-byte literal copy
    // (checked to fit).
    loop {
        state = match state {
            State::Token => {
                let at = ip;
                let token = src[ip];
                ip += 1;
                let mut lit = usize::from(token >> 4);
                if lit != 15 && ip + 16 < slen && op + 32 <= cap {
                    // SAFETY: ip + 16 < slen and op + 16 <= cap; src and dst are distinct.
                    unsafe { core::ptr::copy_nonoverlapping(s.add(ip), dst.add(op), 16) };
                    ip += lit;
                    op += lit;
                    let at = ip;
                    // ip + 2 <= ip_token + 1 + 14 + 2 < slen.
                    let offset = usize::from(u16::from_le_bytes([src[ip], src[ip + 1]]));
                    ip += 2;
                    if offset == 0 {
                        return Err(Lz4Error::OffsetZero { at });
                    }
                    let ml = usize::from(token & 15);
                    if ml != 15 && offset >= 8 && offset <= op {
                        // op + ml + 4 <= op + 18 <= cap (op was <= cap - 32, lit <= 14).
                        // SAFETY: 1 <= offset <= op; op + ml + 4 <= cap; bytes below op are
                        // initialised.
                        unsafe { match_exact(dst, op, offset, ml + 4) };
                        op += ml + 4;
                        State::Token
                    } else {
                        State::MatchLen { ml, offset, at }
                    }
                } else {
                    if lit == 15 {
                        lit += read_len(src, &mut ip, slen as isize - 15, true)
                            .ok_or(Lz4Error::LengthPastInput { at })?;
                    }
                    State::Literals { token, lit, at }
                }
            }
            State::Literals { token, lit, at } => {
                if op + lit + 12 > cap || ip + lit + 8 > slen {
                    // Must be the last sequence.
                    if ip + lit > slen {
                        return Err(Lz4Error::LiteralsPastInput { at, len: lit });
                    }
                    if op + lit > cap {
                        return Err(Lz4Error::OutputFull { at });
                    }
                    if ip + lit != slen {
                        return Err(Lz4Error::NotLastSequence { at });
                    }
                    // SAFETY: ip + lit == slen and op + lit <= cap; distinct buffers.
                    unsafe { core::ptr::copy_nonoverlapping(s.add(ip), dst.add(op), lit) };
                    return Ok(op + lit);
                }
                // SAFETY: ip + lit + 8 <= slen and op + lit + 12 <= cap; distinct buffers.
                unsafe { core::ptr::copy_nonoverlapping(s.add(ip), dst.add(op), lit) };
                ip += lit;
                op += lit;
                let at = ip;
                let offset = usize::from(u16::from_le_bytes([src[ip], src[ip + 1]]));
                ip += 2;
                if offset == 0 {
                    return Err(Lz4Error::OffsetZero { at });
                }
                State::MatchLen {
                    ml: usize::from(token & 15),
                    offset,
                    at,
                }
            }
            State::MatchLen { mut ml, offset, at } => {
                if ml == 15 {
                    ml += read_len(src, &mut ip, slen as isize - 4, false)
                        .ok_or(Lz4Error::LengthPastInput { at })?;
                }
                State::Match {
                    ml: ml + 4,
                    offset,
                    at,
                }
            }
            State::Match { ml, offset, at } => {
                if offset > op {
                    return Err(Lz4Error::OffsetBeforeStart {
                        at,
                        offset,
                        pos: op,
                    });
                }
                if op + ml + 5 > cap {
                    return Err(Lz4Error::MatchTooNearEnd { at });
                }
                // The bulk of a long match (a run to the end of the block) with the wide copies,
                // which may write 32 bytes past their end; the rest exactly.
                let wide = ml.min((cap - op).saturating_sub(32));
                // SAFETY: 1 <= offset <= op; op + wide + 32 <= cap; op + ml < cap; bytes below
                // op are initialised, and so are those below op + wide after the first copy.
                unsafe {
                    if wide >= 64 {
                        wide_match::<C>(dst, op, offset, wide);
                        match_exact(dst, op + wide, offset, ml - wide);
                    } else {
                        match_exact(dst, op, offset, ml);
                    }
                }
                op += ml;
                State::Token
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(src: &[u8], cap: usize) -> Vec<Result<Vec<u8>, Lz4Error>> {
        Isa::available()
            .into_iter()
            .map(|isa| {
                let mut out = vec![0xAAu8; cap];
                decompress_into_with(isa, src, &mut out).map(|n| out[..n].to_vec())
            })
            .collect()
    }

    #[test]
    fn hand_made_blocks() {
        // 16 literals 0..16: token 0xF0, one extra length byte 1.
        let mut b = vec![0xF0, 0x01];
        b.extend(0..16u8);
        for r in both(&b, 16) {
            assert_eq!(r.unwrap(), (0..16u8).collect::<Vec<_>>());
        }
        assert_eq!(both(&[0], 0), vec![Ok(vec![]); both(&[0], 0).len()]);
        assert!(both(&[], 5).iter().all(|r| *r == Err(Lz4Error::EmptyInput)));
        assert!(both(&[0x10, 7], 0)
            .iter()
            .all(|r| *r == Err(Lz4Error::NotEmptyBlock)));
        // Offset 0 after 8 literals, then 5 final literals.
        let mut z = vec![0x80];
        z.extend([1u8; 8]);
        z.extend([0, 0, 0x50, 1, 2, 3, 4, 5]);
        assert!(both(&z, 100)
            .iter()
            .all(|r| matches!(r, Err(Lz4Error::OffsetZero { at: 9 }))));
    }

    /// `WideCopier::copy` on every ISA against a byte-at-a-time copy: every distance up to 70
    /// and some far ones, lengths 0..=140, near the buffer start (history under 16 bytes) and
    /// at every room after the match from 0 to 40 bytes. The match bytes must be exact, bytes
    /// before `op` and more than 32 past the match untouched.
    #[test]
    fn wide_copier_matches_the_byte_copy() {
        let base: Vec<u8> = (0..1000u32).map(|i| (i * 37 % 251) as u8).collect();
        for isa in Isa::available() {
            let copier = WideCopier::new(isa);
            for dist in (1..=70).chain([100, 255, 256, 400]) {
                for len in 0..=140 {
                    for (op, room) in [(dist, 200), (dist.max(20), 200)]
                        .into_iter()
                        .chain((0..=40).map(|r| (dist.max(17) + 3, r)))
                    {
                        let size = op + len + room;
                        let mut want = base[..size].to_vec();
                        for k in 0..len {
                            want[op + k] = want[op + k - dist];
                        }
                        let mut got = base[..size].to_vec();
                        copier.copy(&mut got, op, dist, len);
                        let ctx = format!("{isa:?} dist {dist} len {len} op {op} room {room}");
                        assert_eq!(got[..op + len], want[..op + len], "{ctx}");
                        let far = (op + len + 32).min(size);
                        assert_eq!(got[far..], want[far..], "{ctx}: wrote past 32 bytes");
                    }
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn wide_copier_rejects_a_match_before_the_start() {
        WideCopier::new(Isa::Scalar).copy(&mut [0u8; 64], 4, 5, 1);
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn wide_copier_rejects_a_match_past_the_end() {
        WideCopier::new(Isa::Scalar).copy(&mut [0u8; 64], 40, 5, 25);
    }

    #[test]
    fn overlapping_matches_every_small_offset() {
        // `period` literals, then a long match at offset `period`, then 5 literals; each at a
        // few starting positions (a leading literal run), in both regimes.
        for period in 1..=40usize {
            for lead in [0usize, 3, 17, 40] {
                for ml in [4usize, 5, 18, 19, 100, 300] {
                    let lits: Vec<u8> = (0..lead + period).map(|i| (i * 7 + 1) as u8).collect();
                    let mut b = Vec::new();
                    let lit = lits.len();
                    let mln = ml - 4;
                    b.push(((lit.min(15) as u8) << 4) | mln.min(15) as u8);
                    if lit >= 15 {
                        let mut r = lit - 15;
                        while r >= 255 {
                            b.push(255);
                            r -= 255;
                        }
                        b.push(r as u8);
                    }
                    b.extend(&lits);
                    b.extend((period as u16).to_le_bytes());
                    if mln >= 15 {
                        let mut r = mln - 15;
                        while r >= 255 {
                            b.push(255);
                            r -= 255;
                        }
                        b.push(r as u8);
                    }
                    b.push(0x50);
                    b.extend([9u8, 8, 7, 6, 5]);
                    let mut want = lits.clone();
                    for k in 0..ml {
                        let v = want[want.len() - period];
                        let _ = k;
                        want.push(v);
                    }
                    want.extend([9u8, 8, 7, 6, 5]);
                    for cap in [want.len() + 12, want.len() + 100] {
                        for r in both(&b, cap) {
                            assert_eq!(
                                r.as_ref().ok(),
                                Some(&want),
                                "period {period} lead {lead} ml {ml} cap {cap}"
                            );
                        }
                    }
                }
            }
        }
    }
}
