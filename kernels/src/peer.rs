//! c-blosc2's own filter functions, loaded at run time from its shared library, as a
//! benchmark peer (feature `blosc2-peer`).
//!
//! c-blosc2 exports `blosc2_shuffle`, `blosc2_unshuffle`, `blosc2_bitshuffle` and
//! `blosc2_bitunshuffle` with the signature
//! `int32_t f(int32_t typesize, int32_t blocksize, const void *src, void *dest)`; they run the
//! same dispatched SIMD code c-blosc2 uses inside its compressor, on one block. They return
//! `blocksize` on success and a negative value on a bad parameter; `typesize` must be in
//! `2..=255`.

use std::path::{Path, PathBuf};

type FilterFn = unsafe extern "C" fn(i32, i32, *const u8, *mut u8) -> i32;

/// Which c-blosc2 filter function to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blosc2Filter {
    Shuffle,
    Unshuffle,
    Bitshuffle,
    Bitunshuffle,
}

impl Blosc2Filter {
    /// The exported symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Blosc2Filter::Shuffle => "blosc2_shuffle",
            Blosc2Filter::Unshuffle => "blosc2_unshuffle",
            Blosc2Filter::Bitshuffle => "blosc2_bitshuffle",
            Blosc2Filter::Bitunshuffle => "blosc2_bitunshuffle",
        }
    }
}

/// A loaded c-blosc2 library.
pub struct Blosc2 {
    path: PathBuf,
    version: String,
    fns: [FilterFn; 4],
    // Keeps the library mapped while the function pointers above are in use.
    _lib: libloading::Library,
}

impl Blosc2 {
    /// Loads the library at `path` and resolves the four filter functions.
    pub fn load(path: &Path) -> Result<Blosc2, String> {
        // SAFETY: loading a shared library runs its initialisers; c-blosc2's are plain C
        // constructors without preconditions. The path is what the user or the default
        // search chose, which is the trust decision of running a peer at all.
        let lib = unsafe { libloading::Library::new(path) }
            .map_err(|e| format!("cannot load {}: {e}", path.display()))?;
        let get = |name: &str| -> Result<FilterFn, String> {
            // SAFETY: the symbol's C type is the FilterFn signature documented in blosc2.h
            // (int32_t, int32_t, const void*, void*) -> int32_t.
            unsafe { lib.get::<FilterFn>(name.as_bytes()) }
                .map(|s| *s)
                .map_err(|e| format!("{}: symbol {name} not found: {e}", path.display()))
        };
        let fns = [
            get(Blosc2Filter::Shuffle.symbol())?,
            get(Blosc2Filter::Unshuffle.symbol())?,
            get(Blosc2Filter::Bitshuffle.symbol())?,
            get(Blosc2Filter::Bitunshuffle.symbol())?,
        ];
        type InitFn = unsafe extern "C" fn();
        type VersionFn = unsafe extern "C" fn() -> *const std::ffi::c_char;
        // SAFETY: `void blosc2_init(void)` per blosc2.h; it sets up global state and may be
        // called before any other function.
        if let Ok(init) = unsafe { lib.get::<InitFn>(b"blosc2_init") } {
            // SAFETY: as above.
            unsafe { init() };
        }
        let mut version = String::from("unknown version");
        // SAFETY: `const char *blosc2_get_version_string(void)` per blosc2.h.
        if let Ok(v) = unsafe { lib.get::<VersionFn>(b"blosc2_get_version_string") } {
            // SAFETY: as above; the result is a static NUL-terminated string (or null).
            let p = unsafe { v() };
            if !p.is_null() {
                // SAFETY: non-null NUL-terminated static string owned by the library.
                version = unsafe { std::ffi::CStr::from_ptr(p) }
                    .to_string_lossy()
                    .into_owned();
            }
        }
        Ok(Blosc2 {
            path: path.to_path_buf(),
            version,
            fns,
            _lib: lib,
        })
    }

    /// Finds and loads the library: `$CHUNKCODEC_BLOSC2_LIB`, else the `blosc2` wheel in
    /// `.venv` (under the current directory or the executable's ancestors).
    pub fn find() -> Result<Blosc2, String> {
        if let Some(p) = std::env::var_os("CHUNKCODEC_BLOSC2_LIB") {
            return Blosc2::load(Path::new(&p));
        }
        let rel = "lib/python3.11/site-packages/blosc2/lib/libblosc2.so";
        let mut roots: Vec<PathBuf> = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            roots.extend(cwd.ancestors().map(Path::to_path_buf));
        }
        if let Ok(exe) = std::env::current_exe() {
            roots.extend(exe.ancestors().map(Path::to_path_buf));
        }
        let mut tried = Vec::new();
        for r in roots {
            let cand = r.join(".venv").join(rel);
            if cand.exists() {
                return Blosc2::load(&cand);
            }
            tried.push(cand);
        }
        Err(format!(
            "libblosc2.so not found (set CHUNKCODEC_BLOSC2_LIB; looked for .venv/{rel} above the current directory and the executable)"
        ))
    }

    /// The loaded file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `blosc2_get_version_string()`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Runs one filter function on `src` into `dst`.
    pub fn run(
        &self,
        f: Blosc2Filter,
        typesize: usize,
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<(), String> {
        if src.len() != dst.len() {
            return Err("src and dst lengths differ".into());
        }
        if !(2..=255).contains(&typesize) {
            return Err(format!("typesize {typesize} outside c-blosc2's 2..=255"));
        }
        let n = i32::try_from(src.len()).map_err(|_| "block too large for int32".to_string())?;
        let func = self.fns[f as usize];
        // SAFETY: src and dst are valid, non-overlapping (a & and a &mut), each n bytes long,
        // and typesize is in the range the function accepts; it reads src[..n] and writes
        // dst[..n] only.
        let r = unsafe { func(typesize as i32, n, src.as_ptr(), dst.as_mut_ptr()) };
        if r == n {
            Ok(())
        } else {
            Err(format!("{} returned {r}", f.symbol()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cross-checks our kernels against c-blosc2 when the library is present (skips
    /// otherwise, printing why).
    #[test]
    fn blosc2_agrees_with_our_kernels_when_present() {
        let b = match Blosc2::find() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        for es in [2usize, 3, 4, 8, 16, 24] {
            let src: Vec<u8> = (0..es * 8 * 100 + 5)
                .map(|i| (i * 131 + i / 7) as u8)
                .collect();
            let mut ours = vec![0; src.len()];
            let mut theirs = vec![0; src.len()];
            crate::shuffle::shuffle(es, &src, &mut ours);
            b.run(Blosc2Filter::Shuffle, es, &src, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "shuffle es {es}");
            let body = &src[..es * 8 * 100];
            let mut ours = vec![0; body.len()];
            let mut theirs = vec![0; body.len()];
            crate::bitshuffle::bitshuffle(es, body, &mut ours);
            b.run(Blosc2Filter::Bitshuffle, es, body, &mut theirs)
                .unwrap();
            assert_eq!(ours, theirs, "bitshuffle es {es}");
        }
    }
}
