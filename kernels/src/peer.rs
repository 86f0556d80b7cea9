//! The C Blosc libraries, loaded at run time, as benchmark peers and test oracles (feature
//! `blosc2-peer`): c-blosc2's own filter functions ([`Blosc2`]) and c-blosc 1.x's compressor as
//! numcodecs ships it ([`CBlosc`]).
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

type Blosc2CompressFn = unsafe extern "C" fn(i32, i32, i32, *const u8, i32, *mut u8, i32) -> i32;
type Blosc2DecompressFn = unsafe extern "C" fn(*const u8, i32, *mut u8, i32) -> i32;
type SetNthreads2Fn = unsafe extern "C" fn(i16) -> i16;

/// c-blosc2's compressor through its global API.
struct Blosc2Frames {
    compress: Blosc2CompressFn,
    decompress: Blosc2DecompressFn,
    set_compressor: SetNameFn,
    set_nthreads: SetNthreads2Fn,
}

/// A loaded c-blosc2 library.
pub struct Blosc2 {
    path: PathBuf,
    version: String,
    fns: [FilterFn; 4],
    frames: Option<Blosc2Frames>,
    global: std::sync::Mutex<()>,
    // Never unloaded: c-blosc2's global thread pool (used by `compress` / `decompress` with
    // more than one thread) outlives any call, and its threads would wake up in unmapped code.
    _lib: std::mem::ManuallyDrop<libloading::Library>,
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
        // SAFETY: `void blosc2_init(void)` per blosc2.h; it sets up global state and may be
        // called before any other function.
        if let Ok(init) = unsafe { lib.get::<InitFn>(b"blosc2_init") } {
            // SAFETY: as above.
            unsafe { init() };
        }
        // SAFETY: `const char *blosc2_get_version_string(void)` per blosc2.h.
        let version = match unsafe { lib.get::<VersionFn>(b"blosc2_get_version_string") } {
            // SAFETY: it returns a static NUL-terminated string (or null).
            Ok(v) => unsafe { version_string(*v) },
            Err(_) => "unknown version".to_string(),
        };
        // The compressor's global API (c-blosc 1.x-style calls with process-wide settings),
        // when the library has it. The C signatures, from blosc2.h:
        // int blosc2_compress(int, int, int32_t, const void*, int32_t, void*, int32_t);
        // int blosc2_decompress(const void*, int32_t, void*, int32_t);
        // int blosc1_set_compressor(const char*); int16_t blosc2_set_nthreads(int16_t).
        macro_rules! optional {
            ($ty:ty, $name:literal) => {
                // SAFETY: `$ty` is `$name`'s C signature as listed above.
                unsafe { lib.get::<$ty>($name.as_bytes()) }.ok().map(|s| *s)
            };
        }
        let frames = (|| {
            Some(Blosc2Frames {
                compress: optional!(Blosc2CompressFn, "blosc2_compress")?,
                decompress: optional!(Blosc2DecompressFn, "blosc2_decompress")?,
                set_compressor: optional!(SetNameFn, "blosc1_set_compressor")?,
                set_nthreads: optional!(SetNthreads2Fn, "blosc2_set_nthreads")?,
            })
        })();
        Ok(Blosc2 {
            path: path.to_path_buf(),
            version,
            fns,
            frames,
            global: std::sync::Mutex::new(()),
            _lib: std::mem::ManuallyDrop::new(lib),
        })
    }

    /// Finds and loads the library: `$CHUNKCODEC_BLOSC2_LIB`, else the `blosc2` wheel in
    /// `.venv` (under the current directory or the executable's ancestors).
    pub fn find() -> Result<Blosc2, String> {
        if let Some(p) = std::env::var_os("CHUNKCODEC_BLOSC2_LIB") {
            return Blosc2::load(Path::new(&p));
        }
        let rel = "lib/python3.11/site-packages/blosc2/lib/libblosc2.so";
        for venv in venv_candidates() {
            let cand = venv.join(rel);
            if cand.exists() {
                return Blosc2::load(&cand);
            }
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

    /// Compresses `src` into `dst` through c-blosc2's global API (`blosc1_set_compressor`,
    /// `blosc2_set_nthreads`, `blosc2_compress`: a Blosc2 chunk with default settings otherwise)
    /// and returns the chunk's length. An error when the library lacks these functions, the
    /// chunk does not fit `dst`, or c-blosc2 returns an error code.
    #[allow(clippy::too_many_arguments)]
    pub fn compress(
        &self,
        clevel: i32,
        doshuffle: i32,
        typesize: usize,
        cname: &str,
        threads: i16,
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<usize, String> {
        let f = self
            .frames
            .as_ref()
            .ok_or("this libblosc2 lacks blosc2_compress")?;
        let name = std::ffi::CString::new(cname).map_err(|_| "cname has a NUL byte")?;
        let (n, cap, ts) = (
            i32::try_from(src.len()).map_err(|_| "input too large for int32")?,
            i32::try_from(dst.len()).unwrap_or(i32::MAX),
            i32::try_from(typesize).map_err(|_| "typesize too large")?,
        );
        let _guard = self.global.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: the setters take a NUL-terminated string outliving the call and a plain
        // value; the lock keeps other users of the global state out. blosc2_compress reads
        // src[..n] and writes at most cap <= dst.len() bytes of dst (disjoint borrows).
        let r = unsafe {
            if (f.set_compressor)(name.as_ptr()) < 0 {
                return Err(format!("c-blosc2 does not know compressor {cname:?}"));
            }
            (f.set_nthreads)(threads);
            (f.compress)(
                clevel,
                doshuffle,
                ts,
                src.as_ptr(),
                n,
                dst.as_mut_ptr(),
                cap,
            )
        };
        compressed("blosc2_compress", r)
    }

    /// Decompresses a chunk [`compress`](Self::compress) wrote into `dst` with `threads`
    /// threads; returns the decoded length.
    pub fn decompress(&self, src: &[u8], dst: &mut [u8], threads: i16) -> Result<usize, String> {
        let f = self
            .frames
            .as_ref()
            .ok_or("this libblosc2 lacks blosc2_decompress")?;
        let n = i32::try_from(src.len()).map_err(|_| "chunk too large for int32")?;
        let cap = i32::try_from(dst.len()).unwrap_or(i32::MAX);
        let _guard = self.global.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: c-blosc2 checks the chunk's sizes against `n` and writes at most cap <=
        // dst.len() bytes; the lock keeps other users of the global thread setting out.
        let r = unsafe {
            (f.set_nthreads)(threads);
            (f.decompress)(src.as_ptr(), n, dst.as_mut_ptr(), cap)
        };
        decompressed("blosc2_decompress", r)
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

/// A compress function's result: the frame's length, or why there is none (0 = the frame
/// does not fit the output; negative = an error code).
fn compressed(function: &str, r: i32) -> Result<usize, String> {
    match r {
        r if r > 0 => Ok(r as usize),
        0 => Err(format!("{function}: output does not fit")),
        r => Err(format!("{function} returned {r}")),
    }
}

/// A decompress function's result: the decoded length, or the error code.
fn decompressed(function: &str, r: i32) -> Result<usize, String> {
    usize::try_from(r).map_err(|_| format!("{function} returned {r}"))
}

/// The string a `const char *f(void)` version function returns ("unknown version" for null).
///
/// # Safety
/// `f` must be such a function, returning null or a static NUL-terminated string.
unsafe fn version_string(f: VersionFn) -> String {
    // SAFETY: per this function's contract.
    let p = unsafe { f() };
    if p.is_null() {
        return "unknown version".to_string();
    }
    // SAFETY: non-null, NUL-terminated, static, owned by the library.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}

type VersionFn = unsafe extern "C" fn() -> *const std::ffi::c_char;
type InitFn = unsafe extern "C" fn();

/// The `.venv` directories above the current directory and above the executable, nearest first.
fn venv_candidates() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.extend(cwd.ancestors().map(Path::to_path_buf));
    }
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().map(Path::to_path_buf));
    }
    roots.into_iter().map(|r| r.join(".venv")).collect()
}

type CompressCtxFn = unsafe extern "C" fn(
    i32,
    i32,
    usize,
    usize,
    *const u8,
    *mut u8,
    usize,
    *const std::ffi::c_char,
    usize,
    i32,
) -> i32;
type DecompressCtxFn = unsafe extern "C" fn(*const u8, *mut u8, usize, i32) -> i32;
type SetIntFn = unsafe extern "C" fn(i32) -> i32;
type SetNameFn = unsafe extern "C" fn(*const std::ffi::c_char) -> i32;
type SetSizeFn = unsafe extern "C" fn(usize);
type SetModeFn = unsafe extern "C" fn(i32);
type CompressFn = unsafe extern "C" fn(i32, i32, usize, usize, *const u8, *mut u8, usize) -> i32;
type DecompressFn = unsafe extern "C" fn(*const u8, *mut u8, usize) -> i32;

/// c-blosc 1.x, the library inside numcodecs' `Blosc` (numcodecs 0.16 builds c-blosc 1.21 into
/// its `numcodecs/blosc.cpython-*.so` extension and exports the C API from it).
///
/// The extension refers to the Python runtime's symbols, so [`CBlosc::load`] first loads
/// `libpython` globally (it is not initialised and never called); only c-blosc's own
/// functions are used. The `_ctx` functions may be called from several threads at once (they
/// read one global, the split mode, so they share a lock that the global-API calls take
/// exclusively); [`CBlosc::compress_pooled`], [`CBlosc::compress_split`] and
/// [`CBlosc::decompress_pooled`] use c-blosc's global API (its persistent thread pool, as
/// numcodecs uses with `blosc.use_threads = True`).
///
/// Only frames c-blosc or a trusted encoder wrote should go to the decoders: c-blosc 1.x
/// reads past the buffer on some forged frames.
pub struct CBlosc {
    path: PathBuf,
    version: String,
    compress_ctx: CompressCtxFn,
    decompress_ctx: DecompressCtxFn,
    set_nthreads: SetIntFn,
    set_compressor: SetNameFn,
    set_blocksize: SetSizeFn,
    set_splitmode: SetModeFn,
    compress: CompressFn,
    decompress: DecompressFn,
    global: std::sync::RwLock<()>,
    // Never unloaded: the global API's thread pool outlives any call, and its threads, parked
    // in the library's code, crash once it is unmapped (seen: a SIGSEGV at exit after a
    // two-thread `compress_split`).
    _lib: std::mem::ManuallyDrop<libloading::Library>,
    _python: std::mem::ManuallyDrop<libloading::Library>,
}

impl CBlosc {
    /// Loads `libpython` (globally, for the extension's references) and then the numcodecs
    /// extension at `path`, and resolves c-blosc's functions.
    pub fn load(path: &Path, libpython: &Path) -> Result<CBlosc, String> {
        use libloading::os::unix::{Library as UnixLibrary, RTLD_GLOBAL, RTLD_NOW};
        // SAFETY: loading libpython runs its ELF initialisers, which only set up static data;
        // the interpreter is never initialised or called. RTLD_GLOBAL makes its symbols
        // resolve the extension's references below.
        let python = unsafe { UnixLibrary::open(Some(libpython), RTLD_NOW | RTLD_GLOBAL) }
            .map_err(|e| format!("cannot load {}: {e}", libpython.display()))?;
        // SAFETY: the extension's initialisers are c-blosc's and Cython's static constructors,
        // which need no interpreter (the module init function `PyInit_blosc` is not called).
        let lib = unsafe { libloading::Library::new(path) }
            .map_err(|e| format!("cannot load {}: {e}", path.display()))?;
        macro_rules! get {
            ($ty:ty, $name:literal) => {
                // SAFETY: `$ty` is the C signature of `$name` as declared in c-blosc 1.x's
                // blosc.h (int for int, size_t for size_t, pointers for pointers).
                unsafe { lib.get::<$ty>($name.as_bytes()) }
                    .map(|s| *s)
                    .map_err(|e| format!("{}: symbol {} not found: {e}", path.display(), $name))?
            };
        }
        let compress_ctx = get!(CompressCtxFn, "blosc_compress_ctx");
        let decompress_ctx = get!(DecompressCtxFn, "blosc_decompress_ctx");
        let set_nthreads = get!(SetIntFn, "blosc_set_nthreads");
        let set_compressor = get!(SetNameFn, "blosc_set_compressor");
        let set_blocksize = get!(SetSizeFn, "blosc_set_blocksize");
        let set_splitmode = get!(SetModeFn, "blosc_set_splitmode");
        let compress = get!(CompressFn, "blosc_compress");
        let decompress = get!(DecompressFn, "blosc_decompress");
        let init = get!(InitFn, "blosc_init");
        // SAFETY: `void blosc_init(void)` sets up the global API's state; no preconditions.
        unsafe { init() };
        let version_fn = get!(VersionFn, "blosc_get_version_string");
        // SAFETY: `const char *blosc_get_version_string(void)` returns a static string.
        let version = unsafe { version_string(version_fn) };
        Ok(CBlosc {
            path: path.to_path_buf(),
            version,
            compress_ctx,
            decompress_ctx,
            set_nthreads,
            set_compressor,
            set_blocksize,
            set_splitmode,
            compress,
            decompress,
            global: std::sync::RwLock::new(()),
            _lib: std::mem::ManuallyDrop::new(lib),
            _python: std::mem::ManuallyDrop::new(python.into()),
        })
    }

    /// Finds and loads c-blosc: `$CHUNKCODEC_CBLOSC_LIB` and `$CHUNKCODEC_LIBPYTHON` when both
    /// are set, else numcodecs' extension in a `.venv` above the current directory or the
    /// executable, with the `libpython` of the interpreter its `pyvenv.cfg` names.
    pub fn find() -> Result<CBlosc, String> {
        if let (Some(l), Some(p)) = (
            std::env::var_os("CHUNKCODEC_CBLOSC_LIB"),
            std::env::var_os("CHUNKCODEC_LIBPYTHON"),
        ) {
            return CBlosc::load(Path::new(&l), Path::new(&p));
        }
        for venv in venv_candidates() {
            let Ok(cfg) = std::fs::read_to_string(venv.join("pyvenv.cfg")) else {
                continue;
            };
            let field = |key: &str| {
                cfg.lines().find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().to_string())
                })
            };
            let (Some(home), Some(version)) = (field("home"), field("version")) else {
                continue;
            };
            let mut parts = version.split('.');
            let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
                continue;
            };
            let pyver = format!("python{major}.{minor}");
            let libpython = Path::new(&home)
                .join("..")
                .join("lib")
                .join(format!("lib{pyver}.so.1.0"));
            let ext_dir = venv
                .join("lib")
                .join(&pyver)
                .join("site-packages/numcodecs");
            let Ok(entries) = std::fs::read_dir(&ext_dir) else {
                continue;
            };
            let ext = entries.flatten().map(|e| e.path()).find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("blosc.") && n.ends_with(".so"))
            });
            if let Some(ext) = ext {
                if !libpython.exists() {
                    return Err(format!(
                        "{} found but not {} (a Python built without a shared library; set \
                         CHUNKCODEC_CBLOSC_LIB and CHUNKCODEC_LIBPYTHON)",
                        ext.display(),
                        libpython.display()
                    ));
                }
                return CBlosc::load(&ext, &libpython);
            }
        }
        Err(
            "numcodecs' blosc extension not found (set CHUNKCODEC_CBLOSC_LIB and \
             CHUNKCODEC_LIBPYTHON, or make .venv with scripts/setup_venv.sh)"
                .to_string(),
        )
    }

    /// The loaded extension.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `blosc_get_version_string()`.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn cname(cname: &str) -> Result<std::ffi::CString, String> {
        std::ffi::CString::new(cname).map_err(|_| format!("cname {cname:?} has a NUL byte"))
    }

    /// `blosc_compress_ctx` (numcodecs' single-threaded path when `p.threads` is 1):
    /// compresses `src` into `dst` and returns the frame's length. An error when c-blosc
    /// returns 0 (the frame does not fit `dst`) or a negative code.
    pub fn compress_ctx(&self, p: &Params, src: &[u8], dst: &mut [u8]) -> Result<usize, String> {
        let name = Self::cname(p.cname)?;
        // c-blosc's global split mode applies here too: no global-API call may change it
        // meanwhile (they take the lock exclusively).
        let _shared = self.global.read().unwrap_or_else(|e| e.into_inner());
        // SAFETY: src is valid for src.len() bytes and dst for dst.len() writable bytes (they
        // cannot overlap: a & and a &mut); c-blosc reads only src[..nbytes] and writes at most
        // destsize bytes; `name` is NUL-terminated and outlives the call.
        let r = unsafe {
            (self.compress_ctx)(
                p.clevel,
                p.doshuffle,
                p.typesize,
                src.len(),
                src.as_ptr(),
                dst.as_mut_ptr(),
                dst.len(),
                name.as_ptr(),
                p.blocksize,
                p.threads,
            )
        };
        compressed("blosc_compress_ctx", r)
    }

    /// `blosc_decompress_ctx`: decodes the frame `src` (which must be one c-blosc or a trusted
    /// encoder wrote) into `dst` and returns the decoded length.
    pub fn decompress_ctx(
        &self,
        src: &[u8],
        dst: &mut [u8],
        threads: i32,
    ) -> Result<usize, String> {
        has_header(src)?;
        // SAFETY: src holds at least the 16-byte header c-blosc reads first, dst is valid for
        // dst.len() writable bytes and c-blosc writes at most destsize; the frame itself is
        // trusted per this function's contract.
        let r =
            unsafe { (self.decompress_ctx)(src.as_ptr(), dst.as_mut_ptr(), dst.len(), threads) };
        decompressed("blosc_decompress_ctx", r)
    }

    /// [`compress_ctx`](Self::compress_ctx) through c-blosc's global API and its persistent
    /// pool of `p.threads` threads (numcodecs' threaded path), with c-blosc's default split
    /// mode ([`SPLIT_FORWARD_COMPAT`](Self::SPLIT_FORWARD_COMPAT)).
    pub fn compress_pooled(&self, p: &Params, src: &[u8], dst: &mut [u8]) -> Result<usize, String> {
        self.compress_split(p, Self::SPLIT_FORWARD_COMPAT, src, dst)
    }

    /// `BLOSC_ALWAYS_SPLIT`: every block split into `typesize` streams.
    pub const SPLIT_ALWAYS: i32 = 1;
    /// `BLOSC_NEVER_SPLIT`: one stream per block.
    pub const SPLIT_NEVER: i32 = 2;
    /// `BLOSC_AUTO_SPLIT`.
    pub const SPLIT_AUTO: i32 = 3;
    /// `BLOSC_FORWARD_COMPAT_SPLIT`, c-blosc 1.x's default (what numcodecs writes).
    pub const SPLIT_FORWARD_COMPAT: i32 = 4;

    /// The global API's compress with a split mode (`blosc_set_splitmode`, one of the
    /// `SPLIT_*` constants): frames c-blosc writes but numcodecs never asks for.
    pub fn compress_split(
        &self,
        p: &Params,
        splitmode: i32,
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<usize, String> {
        if !(1..=4).contains(&splitmode) {
            return Err(format!("split mode {splitmode} is not 1..=4"));
        }
        let name = Self::cname(p.cname)?;
        let _guard = self.global.write().unwrap_or_else(|e| e.into_inner());
        // SAFETY: the global setters take plain values / a NUL-terminated string that outlives
        // the call; the lock keeps other callers of the global API out meanwhile. The compress
        // call has compress_ctx's buffer contract.
        let r = unsafe {
            (self.set_nthreads)(p.threads);
            if (self.set_compressor)(name.as_ptr()) < 0 {
                return Err(format!("c-blosc does not know compressor {:?}", p.cname));
            }
            (self.set_blocksize)(p.blocksize);
            (self.set_splitmode)(splitmode);
            let r = (self.compress)(
                p.clevel,
                p.doshuffle,
                p.typesize,
                src.len(),
                src.as_ptr(),
                dst.as_mut_ptr(),
                dst.len(),
            );
            // The split mode is global for the `_ctx` functions too: back to the default.
            (self.set_splitmode)(Self::SPLIT_FORWARD_COMPAT);
            r
        };
        compressed("blosc_compress", r)
    }

    /// [`decompress_ctx`](Self::decompress_ctx) through the global API's pool of `threads`.
    pub fn decompress_pooled(
        &self,
        src: &[u8],
        dst: &mut [u8],
        threads: i32,
    ) -> Result<usize, String> {
        has_header(src)?;
        let _guard = self.global.write().unwrap_or_else(|e| e.into_inner());
        // SAFETY: as decompress_ctx; the lock keeps other callers of the global API out.
        let r = unsafe {
            (self.set_nthreads)(threads);
            (self.decompress)(src.as_ptr(), dst.as_mut_ptr(), dst.len())
        };
        decompressed("blosc_decompress", r)
    }
}

/// c-blosc 1.x's compression arguments (as `blosc_compress_ctx` takes them).
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    pub clevel: i32,
    /// 0 none, 1 byte shuffle, 2 bitshuffle.
    pub doshuffle: i32,
    pub typesize: usize,
    /// `blosclz`, `lz4`, `lz4hc`, `zlib`, `zstd`.
    pub cname: &'a str,
    /// 0: automatic.
    pub blocksize: usize,
    pub threads: i32,
}

/// A frame for c-blosc's decoders holds at least its 16-byte header.
fn has_header(src: &[u8]) -> Result<(), String> {
    if src.len() < 16 {
        return Err("frame shorter than its 16-byte header".to_string());
    }
    Ok(())
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
