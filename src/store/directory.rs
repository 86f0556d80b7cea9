//! A directory store in the Zarr v2 layout: key `a/b/c` is the file `ROOT/a/b/c`.
//!
//! Writes are atomic: the value goes to a temporary file in the target's own directory, is
//! flushed to disk (`fsync`, unless turned off), then renamed over the target. A reader, or a
//! crash, sees the old value or the new one, never half a chunk; rename within one directory
//! is atomic on POSIX file systems.

use super::{validate_key, Store};
use crate::error::{Error, Result};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Marks temporary files; [`DirectoryStore::list`] skips them.
const TMP_MARK: &str = ".chunkcodec-tmp-";

/// Files under a root directory, one per key.
#[derive(Debug)]
pub struct DirectoryStore {
    root: PathBuf,
    fsync: bool,
    counter: AtomicU64,
}

impl DirectoryStore {
    /// A store rooted at `root`, which is created (with its parents) if missing.
    pub fn create(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        fs::create_dir_all(&root)
            .map_err(|e| Error::io(format!("creating store directory {}", root.display()), e))?;
        Ok(Self::new_unchecked(root))
    }

    /// A store over the existing directory `root`.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        if !root.is_dir() {
            return Err(Error::Store(format!(
                "{} is not a directory",
                root.display()
            )));
        }
        Ok(Self::new_unchecked(root))
    }

    fn new_unchecked(root: PathBuf) -> Self {
        DirectoryStore {
            root,
            fsync: true,
            counter: AtomicU64::new(0),
        }
    }

    /// Turns the `fsync` before each rename on (the default) or off. Off, a write is still
    /// atomic for readers, but a power loss may leave an empty or old file.
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        validate_key(key)?;
        Ok(key.split('/').fold(self.root.clone(), |p, seg| p.join(seg)))
    }

    fn list_dir(&self, dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(format!("listing {}", dir.display()), e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue; // not a key this store could have written
            };
            if name.contains(TMP_MARK) {
                continue;
            }
            let ft = entry
                .file_type()
                .map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
            let key = format!("{prefix}{name}");
            if ft.is_dir() {
                self.list_dir(&entry.path(), &format!("{key}/"), out)?;
            } else {
                out.push(key);
            }
        }
        Ok(())
    }
}

impl Store for DirectoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let mut v = Vec::new();
        Ok(self.get_into(key, &mut v)?.then_some(v))
    }

    fn get_into(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        let path = self.path(key)?;
        buf.clear();
        let read = (|| {
            let mut f = fs::File::open(&path)?;
            // A size hint only: read_to_end reads to the real end whatever it is.
            let hint = f.metadata().map(|m| m.len()).unwrap_or(0);
            let hint = usize::try_from(hint).unwrap_or(0);
            if buf.capacity() < hint {
                // A fresh buffer: growing the old one would copy its stale bytes.
                *buf = Vec::with_capacity(hint);
            }
            f.read_to_end(buf)
        })();
        match read {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            // A key that is a directory (a group or an array path) has no value.
            Err(_) if path.is_dir() => {
                buf.clear();
                Ok(false)
            }
            Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
        }
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("value");
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!("{name}{TMP_MARK}{}-{n}", std::process::id()));
        // The directory usually exists (every chunk of a flat array shares the root): try the
        // file first and create the directories only when it is missing.
        let created = match fs::File::create(&tmp) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating directory {}", dir.display()), e))
                .and_then(|()| {
                    fs::File::create(&tmp)
                        .map_err(|e| Error::io(format!("writing {}", path.display()), e))
                }),
            other => other.map_err(|e| Error::io(format!("writing {}", path.display()), e)),
        };
        let mut f = created?;
        let result = (|| {
            f.write_all(value)?;
            if self.fsync {
                f.sync_all()?;
            }
            drop(f);
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(Error::io(format!("writing {}", path.display()), e));
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(format!("deleting {}", path.display()), e)),
        }
    }

    fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.list_dir(&self.root, "", &mut out)?;
        out.sort();
        Ok(out)
    }

    fn list_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        // Walk only the directory the prefix's complete segments name.
        let (dir_part, _) = prefix.rsplit_once('/').unwrap_or(("", prefix));
        let mut out = Vec::new();
        if dir_part.is_empty() {
            self.list_dir(&self.root, "", &mut out)?;
        } else {
            let dir = self.path(dir_part)?;
            self.list_dir(&dir, &format!("{dir_part}/"), &mut out)?;
        }
        out.retain(|k| k.starts_with(prefix));
        out.sort();
        Ok(out)
    }

    fn size(&self, key: &str) -> Result<Option<u64>> {
        let path = self.path(key)?;
        match fs::metadata(&path) {
            Ok(m) if m.is_file() => Ok(Some(m.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_nested_keys_and_no_temp_files_left() {
        let dir = tempfile::tempdir().unwrap();
        let s = DirectoryStore::create(dir.path().join("s")).unwrap();
        s.set(".zarray", b"{}").unwrap();
        s.set("0/1/2", b"abc").unwrap();
        s.set("0/1/2", b"abcd").unwrap();
        s.set("g/0.0", b"z").unwrap();
        assert_eq!(s.get("0/1/2").unwrap().unwrap(), b"abcd");
        assert_eq!(s.get("0/1").unwrap(), None);
        assert_eq!(s.get("missing").unwrap(), None);
        let mut buf = b"old".to_vec();
        assert!(s.get_into("0/1/2", &mut buf).unwrap());
        assert_eq!(buf, b"abcd");
        assert!(!s.get_into("0/1", &mut buf).unwrap());
        assert!(buf.is_empty());
        assert!(!s.get_into("missing", &mut buf).unwrap());
        assert!(s.get_into("../escape", &mut buf).is_err());
        assert_eq!(s.size("0/1/2").unwrap(), Some(4));
        assert_eq!(s.list().unwrap(), [".zarray", "0/1/2", "g/0.0"]);
        assert_eq!(s.list_prefix("g/").unwrap(), ["g/0.0"]);
        assert_eq!(s.list_prefix("0/1/").unwrap(), ["0/1/2"]);
        s.delete("0/1/2").unwrap();
        s.delete("0/1/2").unwrap();
        assert_eq!(s.list().unwrap(), [".zarray", "g/0.0"]);
        assert!(s.set("../escape", b"x").is_err());
        let mut all = Vec::new();
        for e in walk(dir.path()) {
            all.push(e);
        }
        assert!(all.iter().all(|p| !p.contains(TMP_MARK)), "{all:?}");
    }

    fn walk(p: &Path) -> Vec<String> {
        let mut v = Vec::new();
        for e in fs::read_dir(p).unwrap() {
            let e = e.unwrap();
            v.push(e.file_name().to_string_lossy().into_owned());
            if e.file_type().unwrap().is_dir() {
                v.extend(walk(&e.path()));
            }
        }
        v
    }

    #[test]
    fn open_requires_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(DirectoryStore::open(dir.path().join("nope")).is_err());
        DirectoryStore::open(dir.path()).unwrap();
    }
}
