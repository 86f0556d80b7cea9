//! An in-memory store: a sorted map behind a read-write lock.

use super::{validate_key, Store};
use crate::error::Result;
use std::collections::BTreeMap;
use std::sync::RwLock;

/// Keys and values in memory. Cheap to create; useful for tests and for staging chunks.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<String, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Total bytes of every value.
    pub fn total_bytes(&self) -> u64 {
        self.read().values().map(|v| v.len() as u64).sum()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.map.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        validate_key(key)?;
        Ok(self.read().get(key).cloned())
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<()> {
        validate_key(key)?;
        self.write().insert(key.to_string(), value.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        validate_key(key)?;
        self.write().remove(key);
        Ok(())
    }

    fn list(&self) -> Result<Vec<String>> {
        Ok(self.read().keys().cloned().collect())
    }

    fn list_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .read()
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect())
    }

    fn size(&self, key: &str) -> Result<Option<u64>> {
        Ok(self.read().get(key).map(|v| v.len() as u64))
    }

    fn get_into(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        validate_key(key)?;
        buf.clear();
        match self.read().get(key) {
            Some(v) => {
                buf.extend_from_slice(v);
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_list_delete() {
        let s = MemoryStore::new();
        assert_eq!(s.get("a").unwrap(), None);
        s.set("a/0", b"x").unwrap();
        s.set("a/1", b"yz").unwrap();
        s.set("b", b"").unwrap();
        assert_eq!(s.get("a/1").unwrap().unwrap(), b"yz");
        assert_eq!(s.list().unwrap(), ["a/0", "a/1", "b"]);
        assert_eq!(s.list_prefix("a/").unwrap(), ["a/0", "a/1"]);
        assert_eq!(s.size("a/1").unwrap(), Some(2));
        s.delete("a/0").unwrap();
        s.delete("nope").unwrap();
        assert_eq!(s.list().unwrap(), ["a/1", "b"]);
        assert_eq!(s.total_bytes(), 2);
        let mut buf = b"old".to_vec();
        assert!(s.get_into("a/1", &mut buf).unwrap());
        assert_eq!(buf, b"yz");
        assert!(!s.get_into("a/0", &mut buf).unwrap());
        assert!(buf.is_empty());
        assert!(s.get_into("../x", &mut buf).is_err());
        assert!(s.set("../x", b"").is_err());
    }
}
