//! Where bytes live, by key. A store knows nothing of arrays: the array layer
//! ([`crate::array`]) writes the Zarr v2 layout (`.zarray`, `.zattrs`, chunk keys) through it.
//!
//! Keys are `/`-separated relative paths (`"a/.zarray"`, `"0.1.2"`, `"0/1/2"`), as in Zarr v2.
//! Every method takes `&self` and stores are `Send + Sync`, so chunk tasks on many threads read
//! and write one store at once.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod directory;
mod memory;

pub use directory::DirectoryStore;
pub use memory::MemoryStore;

use crate::error::{Error, Result};

/// Bytes by key.
pub trait Store: Send + Sync {
    /// The value under `key`, or `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;

    /// Stores `value` under `key`, replacing any earlier value. A reader never sees a partly
    /// written value.
    fn set(&self, key: &str, value: &[u8]) -> Result<()>;

    /// Removes `key`; removing a missing key is not an error.
    fn delete(&self, key: &str) -> Result<()>;

    /// Every key in the store, sorted.
    fn list(&self) -> Result<Vec<String>>;

    /// Every key that starts with `prefix`, sorted.
    fn list_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|k| k.starts_with(prefix))
            .collect())
    }

    /// The size in bytes of the value under `key`, or `None`.
    fn size(&self, key: &str) -> Result<Option<u64>> {
        Ok(self.get(key)?.map(|v| v.len() as u64))
    }

    /// Reads the value under `key` into `buf` (replacing its contents, reusing its capacity);
    /// returns false, leaving `buf` empty, when there is none. Chunk readers call this with one
    /// buffer per thread, so a store that can fill a caller's buffer saves an allocation (and
    /// its page faults) per chunk.
    fn get_into(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        buf.clear();
        match self.get(key)? {
            Some(v) => {
                *buf = v;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

impl<S: Store + ?Sized> Store for &S {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &[u8]) -> Result<()> {
        (**self).set(key, value)
    }
    fn delete(&self, key: &str) -> Result<()> {
        (**self).delete(key)
    }
    fn list(&self) -> Result<Vec<String>> {
        (**self).list()
    }
    fn list_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        (**self).list_prefix(prefix)
    }
    fn size(&self, key: &str) -> Result<Option<u64>> {
        (**self).size(key)
    }
    fn get_into(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        (**self).get_into(key, buf)
    }
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &[u8]) -> Result<()> {
        (**self).set(key, value)
    }
    fn delete(&self, key: &str) -> Result<()> {
        (**self).delete(key)
    }
    fn list(&self) -> Result<Vec<String>> {
        (**self).list()
    }
    fn list_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        (**self).list_prefix(prefix)
    }
    fn size(&self, key: &str) -> Result<Option<u64>> {
        (**self).size(key)
    }
    fn get_into(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        (**self).get_into(key, buf)
    }
}

/// Checks that `key` is a relative `/`-separated path with no empty, `.` or `..` segment and
/// no backslash or NUL, so no key can name a file outside a directory store.
pub fn validate_key(key: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::Store(format!("invalid key {key:?}: {why}")));
    if key.is_empty() {
        return bad("empty");
    }
    if key.contains('\\') || key.contains('\0') {
        return bad("backslash or NUL");
    }
    for seg in key.split('/') {
        match seg {
            "" => return bad("empty path segment (leading, trailing or double '/')"),
            "." | ".." => return bad("'.' or '..' segment"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for k in ["0", "a/.zarray", "0.1.2", "0/1/2", ".zattrs"] {
            validate_key(k).unwrap();
        }
        for k in ["", "/a", "a/", "a//b", "../x", "a/./b", "a\\b", "a\0"] {
            assert!(validate_key(k).is_err(), "{k:?}");
        }
    }
}
