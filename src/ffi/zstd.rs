//! A safe wrapper over libzstd's one-shot `ZSTD_compress2` with a parameter the `zstd` crates'
//! safe API does not expose: `ZSTD_c_blockSplitterLevel` (libzstd 1.5.7's new pre-splitting
//! of blocks, `ZSTD_c_experimentalParam20` in the stable enum).
//!
//! Why: numcodecs 0.16.6 ships libzstd 1.5.6, which does not pre-split blocks. With 1.5.7's
//! default ("auto": on at every level) the frames of inputs over 128 KiB differed from
//! numcodecs' and took longer to encode (level 3, 8 MiB f32: 0.58x numcodecs' encode speed).
//! Level 1 ("no splitting") gives 1.5.6's block layout back. Two forms: `compress_append`
//! (the `zstd` codec: a fresh context, output bound reserved) and `compress_into` (Blosc's
//! streams: a per-thread context, into a slice that may be smaller than the bound, as
//! c-blosc's `maxout`).

use std::ffi::CStr;
use zstd_sys::{
    ZSTD_CCtx, ZSTD_CCtx_reset, ZSTD_CCtx_setParameter, ZSTD_ResetDirective, ZSTD_cParameter,
    ZSTD_compress2, ZSTD_createCCtx, ZSTD_freeCCtx, ZSTD_getErrorName, ZSTD_isError,
};

/// `ZSTD_c_blockSplitterLevel`'s value for "no splitting".
const NO_PRESPLIT: i32 = 1;

/// Owns a `ZSTD_CCtx` and frees it on drop.
struct Ctx(*mut ZSTD_CCtx);

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: self.0 came from ZSTD_createCCtx, is non-null (checked at creation) and is
        // freed exactly once, here.
        unsafe { ZSTD_freeCCtx(self.0) };
    }
}

fn check(code: usize) -> Result<usize, String> {
    // SAFETY: ZSTD_isError takes any value and returns a flag.
    if unsafe { ZSTD_isError(code) } != 0 {
        // SAFETY: ZSTD_getErrorName takes any value and returns a pointer to a static
        // NUL-terminated string, which CStr borrows for this scope only.
        let name = unsafe { CStr::from_ptr(ZSTD_getErrorName(code)) };
        return Err(name.to_string_lossy().into_owned());
    }
    Ok(code)
}

impl Ctx {
    fn new() -> Result<Ctx, String> {
        // SAFETY: plain constructor; the result is checked for null before use.
        let raw = unsafe { ZSTD_createCCtx() };
        if raw.is_null() {
            return Err("ZSTD_createCCtx failed".into());
        }
        Ok(Ctx(raw))
    }

    /// Sets the level, the checksum flag and "no pre-splitting", then compresses `src` as one
    /// frame into the `cap` bytes at `out`; returns the frame's length.
    ///
    /// # Safety
    /// `out` must be valid for writes of `cap` bytes and must not overlap `src`.
    unsafe fn compress(
        &mut self,
        src: &[u8],
        level: i32,
        checksum: bool,
        out: *mut u8,
        cap: usize,
    ) -> Result<usize, String> {
        // A reused context whose last call failed (output too small) is mid-session, where
        // setParameter refuses most parameters: end that session first.
        // SAFETY: self.0 is a live context owned by `self`; a session reset takes any state.
        check(unsafe { ZSTD_CCtx_reset(self.0, ZSTD_ResetDirective::ZSTD_reset_session_only) })?;
        let params = [
            (ZSTD_cParameter::ZSTD_c_compressionLevel, level),
            (ZSTD_cParameter::ZSTD_c_checksumFlag, i32::from(checksum)),
            (ZSTD_cParameter::ZSTD_c_experimentalParam20, NO_PRESPLIT),
        ];
        for (p, v) in params {
            // SAFETY: self.0 is a live context owned by `self`; setParameter validates p and v
            // and reports bad ones as an error code.
            check(unsafe { ZSTD_CCtx_setParameter(self.0, p, v) })?;
        }
        // SAFETY: the caller guarantees `out` is writable for `cap` bytes and disjoint from
        // `src` (a shared borrow); ZSTD_compress2 resets the session, writes at most `cap`
        // bytes and returns how many it wrote, or an error code.
        let n = check(unsafe {
            ZSTD_compress2(self.0, out.cast(), cap, src.as_ptr().cast(), src.len())
        })?;
        assert!(
            n <= cap,
            "ZSTD_compress2 reported more bytes than its capacity"
        );
        Ok(n)
    }
}

/// Compresses `src` as one zstd frame at `level` (with a content checksum if `checksum`) onto
/// the end of `dst`, without 1.5.7's block pre-splitting; returns the frame's length. `dst`
/// gets `ZSTD_compressBound(src.len())` bytes of spare capacity first.
pub fn compress_append(
    src: &[u8],
    level: i32,
    checksum: bool,
    dst: &mut Vec<u8>,
) -> Result<usize, String> {
    let mut ctx = Ctx::new()?;
    let bound = zstd::zstd_safe::compress_bound(src.len());
    dst.reserve(bound);
    let spare = dst.spare_capacity_mut();
    // SAFETY: `spare` has at least `bound` writable bytes (reserved above) and does not overlap
    // `src` (a shared borrow).
    let n = unsafe { ctx.compress(src, level, checksum, spare.as_mut_ptr().cast(), bound) }?;
    // SAFETY: libzstd initialised the first n <= bound spare bytes (its return value).
    unsafe { dst.set_len(dst.len() + n) };
    Ok(n)
}

thread_local! {
    /// One context per thread for [`compress_into`] (a context is ~1 MiB of tables at the
    /// middle levels: Blosc compresses many streams, as c-blosc does with its per-thread one).
    static CTX: std::cell::RefCell<Option<Ctx>> = const { std::cell::RefCell::new(None) };
}

/// Compresses `src` as one zstd frame at `level` (no checksum, no pre-splitting) into `dst`,
/// which may be smaller than `ZSTD_compressBound`: the Blosc stream call, c-blosc's
/// `ZSTD_compressCCtx(ctx, dst, maxout, ...)` on libzstd 1.5.6. Returns the frame's length, or
/// an error (`Destination buffer is too small` when it does not fit).
pub fn compress_into(src: &[u8], level: i32, dst: &mut [u8]) -> Result<usize, String> {
    CTX.with(|cell| {
        // A nested call on this thread (none today) would find the cell borrowed: it then
        // uses a context of its own.
        let mut own = None;
        let mut guard = cell.try_borrow_mut().ok();
        let slot = guard.as_deref_mut().unwrap_or(&mut own);
        if slot.is_none() {
            *slot = Some(Ctx::new()?);
        }
        let ctx = slot.as_mut().expect("context created above");
        // SAFETY: `dst` is a unique borrow of `dst.len()` writable bytes, disjoint from `src`.
        unsafe { ctx.compress(src, level, false, dst.as_mut_ptr(), dst.len()) }
    })
}
