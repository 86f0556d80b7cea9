//! The codec registry: numcodecs' `get_codec(config)` and `register_codec`.
//!
//! Built-in codecs are registered on first use. Users add their own with [`register_codec`];
//! a later registration of an id replaces the earlier one, as in numcodecs.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use crate::codec::Codec;
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

/// Builds a codec from its full JSON config (the `id` key included).
pub type Constructor = Arc<dyn Fn(&Value) -> Result<Box<dyn Codec>> + Send + Sync>;

/// An id -> constructor table. The process-wide one is behind [`get_codec`]; a private one can
/// be built with [`Registry::with_builtins`].
#[derive(Clone, Default)]
pub struct Registry {
    table: BTreeMap<String, Constructor>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding every built-in codec.
    pub fn with_builtins() -> Self {
        let mut r = Registry::new();
        crate::filters::register_builtins(&mut r);
        crate::checksums::register_builtins(&mut r);
        crate::compressors::register_builtins(&mut r);
        r
    }

    /// Registers `ctor` under `id`, replacing any earlier registration.
    pub fn register<F>(&mut self, id: &str, ctor: F)
    where
        F: Fn(&Value) -> Result<Box<dyn Codec>> + Send + Sync + 'static,
    {
        self.table.insert(id.to_string(), Arc::new(ctor));
    }

    /// Builds the codec `config["id"]` names.
    pub fn get(&self, config: &Value) -> Result<Box<dyn Codec>> {
        let obj = config.as_object().ok_or_else(|| {
            Error::ConfigShape(format!(
                "a codec config must be a JSON object, got {config}"
            ))
        })?;
        let id = match obj.get("id") {
            Some(Value::String(s)) => s.as_str(),
            Some(other) => {
                return Err(Error::ConfigShape(format!(
                    "codec config key \"id\" must be a string, got {other}"
                )))
            }
            None => {
                return Err(Error::ConfigShape(format!(
                    "codec config has no \"id\" key: {config}"
                )))
            }
        };
        let ctor = self.table.get(id).ok_or_else(|| Error::UnknownCodec {
            id: id.to_string(),
            known: self.ids().join(", "),
        })?;
        ctor(config)
    }

    /// Registered ids, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.table.keys().cloned().collect()
    }
}

fn global() -> &'static RwLock<Registry> {
    static GLOBAL: OnceLock<RwLock<Registry>> = OnceLock::new();
    GLOBAL.get_or_init(|| RwLock::new(Registry::with_builtins()))
}

/// Builds a codec from its JSON config, e.g. `{"id": "shuffle", "elementsize": 8}`.
///
/// An unknown id, an unknown key, a wrong JSON type or an out-of-range value is an error that
/// names the id or key.
///
/// ```
/// let codec = chunkcodec::get_codec(&serde_json::json!({"id": "shuffle", "elementsize": 2})).unwrap();
/// assert_eq!(codec.get_config(), serde_json::json!({"id": "shuffle", "elementsize": 2}));
/// ```
pub fn get_codec(config: &Value) -> Result<Box<dyn Codec>> {
    let ctor = {
        let reg = global().read().unwrap_or_else(|p| p.into_inner());
        let id = config.get("id").and_then(Value::as_str).unwrap_or("");
        reg.table.get(id).cloned()
    };
    match ctor {
        Some(c) => c(config),
        // Let `Registry::get` produce the precise error (bad shape, missing or unknown id).
        None => global()
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(config),
    }
}

/// Registers a user codec under `id` in the process-wide registry (replacing any earlier one).
pub fn register_codec<F>(id: &str, ctor: F)
where
    F: Fn(&Value) -> Result<Box<dyn Codec>> + Send + Sync + 'static,
{
    global()
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .register(id, ctor);
}

/// Ids registered in the process-wide registry, sorted.
pub fn registered_ids() -> Vec<String> {
    global().read().unwrap_or_else(|p| p.into_inner()).ids()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_and_malformed() {
        let e = get_codec(&json!({"id": "nope"})).unwrap_err().to_string();
        assert!(e.contains("\"nope\"") && e.contains("unknown codec"), "{e}");
        let e = get_codec(&json!({"elementsize": 4}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no \"id\""), "{e}");
        let e = get_codec(&json!({"id": 3})).unwrap_err().to_string();
        assert!(e.contains("must be a string"), "{e}");
        let e = get_codec(&json!("shuffle")).unwrap_err().to_string();
        assert!(e.contains("JSON object"), "{e}");
    }

    #[test]
    fn builtins_are_listed() {
        assert!(registered_ids().contains(&"shuffle".to_string()));
    }
}
