//! Zarr v2 array metadata (`.zarray`) and chunk keys.

use super::fill::FillValue;
use super::grid::ChunkGrid;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use serde_json::{Map, Value};

/// Memory order of the elements inside each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Row-major (numpy's default, and what this crate writes by default).
    #[default]
    C,
    /// Column-major.
    F,
}

/// How the grid index is joined into a chunk key: `"1.2.3"` or `"1/2/3"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    #[default]
    Dot,
    Slash,
}

impl Separator {
    fn as_str(self) -> &'static str {
        match self {
            Separator::Dot => ".",
            Separator::Slash => "/",
        }
    }
}

/// The contents of a `.zarray` file.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayMeta {
    grid: ChunkGrid,
    /// Element type.
    pub dtype: DType,
    /// The compressor's codec config, or `None` for no compressor.
    pub compressor: Option<Value>,
    /// Filter configs, applied in order before the compressor; `None` (written as `null`) for
    /// no filters.
    pub filters: Option<Vec<Value>>,
    /// The value of elements no chunk holds, and of edge-chunk padding.
    pub fill_value: FillValue,
    /// Element order inside chunks.
    pub order: Order,
    /// Chunk key separator.
    pub dimension_separator: Separator,
}

impl ArrayMeta {
    /// Metadata for an array of `shape` in chunks of `chunks`, no filters, no compressor, fill
    /// value 0, C order, `"."` keys.
    pub fn new(shape: &[usize], chunks: &[usize], dtype: DType) -> Result<Self> {
        use crate::dtype::Kind;
        if matches!(dtype.kind(), Kind::DateTime | Kind::TimeDelta) && dtype.time_unit().is_none() {
            return Err(Error::Array(format!(
                "dtype {dtype}: datetime64 / timedelta64 arrays need a unit (e.g. \"<M8[ns]\"); \
                 zarr-python refuses generic units"
            )));
        }
        Ok(ArrayMeta {
            grid: ChunkGrid::new(shape, chunks)?,
            dtype,
            compressor: None,
            filters: None,
            fill_value: FillValue::zero(dtype),
            order: Order::C,
            dimension_separator: Separator::Dot,
        })
    }

    /// Sets the compressor config.
    pub fn with_compressor(mut self, compressor: Option<Value>) -> Self {
        self.compressor = compressor;
        self
    }

    /// Sets the filter configs (an empty list is written as `null`, as zarr-python does).
    pub fn with_filters(mut self, filters: Vec<Value>) -> Self {
        self.filters = (!filters.is_empty()).then_some(filters);
        self
    }

    /// Sets the fill value from its JSON form.
    pub fn with_fill_value(mut self, fill: &Value) -> Result<Self> {
        self.fill_value = FillValue::from_json(self.dtype, fill)?;
        Ok(self)
    }

    /// Sets the chunk order.
    pub fn with_order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Sets the chunk key separator.
    pub fn with_separator(mut self, sep: Separator) -> Self {
        self.dimension_separator = sep;
        self
    }

    /// The chunk grid.
    pub fn grid(&self) -> &ChunkGrid {
        &self.grid
    }

    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        self.grid.shape()
    }

    /// The chunk shape.
    pub fn chunks(&self) -> &[usize] {
        self.grid.chunks()
    }

    /// The codec configs as one pipeline list: filters, then the compressor.
    pub fn pipeline_config(&self) -> Value {
        let mut list: Vec<Value> = self.filters.clone().unwrap_or_default();
        list.extend(self.compressor.clone());
        Value::Array(list)
    }

    /// Builds the pipeline (filters then compressor) from the registry.
    pub fn pipeline(&self) -> Result<Pipeline> {
        Pipeline::from_config(&self.pipeline_config())
    }

    /// Rewrites every codec config to the codec's own normalized `get_config()` (defaults
    /// filled in), checking that each is registered and valid.
    pub fn normalize_codecs(&mut self) -> Result<()> {
        if let Some(c) = &self.compressor {
            self.compressor = Some(crate::registry::get_codec(c)?.get_config());
        }
        if let Some(fs) = &self.filters {
            let normalized = fs
                .iter()
                .map(|f| crate::registry::get_codec(f).map(|c| c.get_config()))
                .collect::<Result<Vec<_>>>()?;
            self.filters = Some(normalized);
        }
        Ok(())
    }

    /// The chunk key of grid index `index`, relative to the array's path.
    pub fn chunk_key(&self, index: &[usize]) -> String {
        if index.is_empty() {
            return "0".to_string();
        }
        let parts: Vec<String> = index.iter().map(|i| i.to_string()).collect();
        parts.join(self.dimension_separator.as_str())
    }

    /// The `.zarray` JSON, keys sorted as zarr-python writes them.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("chunks".into(), Value::from(self.chunks().to_vec()));
        m.insert(
            "compressor".into(),
            self.compressor.clone().unwrap_or(Value::Null),
        );
        m.insert(
            "dimension_separator".into(),
            Value::from(self.dimension_separator.as_str()),
        );
        m.insert("dtype".into(), Value::from(self.dtype.to_string()));
        m.insert("fill_value".into(), self.fill_value.json().clone());
        m.insert(
            "filters".into(),
            self.filters
                .clone()
                .map(Value::Array)
                .unwrap_or(Value::Null),
        );
        m.insert(
            "order".into(),
            Value::from(match self.order {
                Order::C => "C",
                Order::F => "F",
            }),
        );
        m.insert("shape".into(), Value::from(self.shape().to_vec()));
        m.insert("zarr_format".into(), Value::from(2));
        Value::Object(m)
    }

    /// The `.zarray` file's bytes (JSON indented by 4, as zarr-python writes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        // Serializing a `Value` into a Vec cannot fail.
        let _ = serde::Serialize::serialize(&self.to_json(), &mut ser);
        out.push(b'\n');
        out
    }

    /// Parses a `.zarray` file's bytes; `key` (the store key read) names the file in errors.
    pub fn from_bytes(bytes: &[u8], key: &str) -> Result<Self> {
        let bad = |msg: String| Error::Array(format!("metadata {key:?}: {msg}"));
        let v: Value =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not valid JSON ({e})")))?;
        let m = v
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let field = |name: &str| m.get(name).ok_or_else(|| bad(format!("missing {name:?}")));
        let format = field("zarr_format")?;
        // zarr-python compares with `!=`, so 2.0 is format 2 too.
        if format.as_f64() != Some(2.0) {
            return Err(bad(format!("\"zarr_format\" is {format}, expected 2")));
        }
        let dims = |name: &str| -> Result<Vec<usize>> {
            let v = field(name)?;
            v.as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|x| x.as_u64().and_then(|u| usize::try_from(u).ok()))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    bad(format!(
                        "{name:?} must be a list of non-negative integers, got {v}"
                    ))
                })
        };
        let shape = dims("shape")?;
        let chunks = dims("chunks")?;
        let grid = ChunkGrid::new(&shape, &chunks).map_err(|e| bad(e.to_string()))?;
        let dtype_v = field("dtype")?;
        let dtype = match dtype_v.as_str() {
            Some(s) => DType::parse_any(s).map_err(|e| bad(format!("\"dtype\": {e}")))?,
            None => {
                return Err(bad(format!(
                    "\"dtype\" {dtype_v} is not supported (structured and object dtypes are not; \
                     a dtype is a string such as \"<f4\", \"<c16\", \"<M8[ns]\", \"|S5\")"
                )))
            }
        };
        // zarr-python requires every key but dimension_separator (a MetadataError otherwise):
        // guessing a missing fill value or codec list would read other values than it.
        let compressor = match field("compressor")? {
            Value::Null => None,
            c @ Value::Object(_) => Some(c.clone()),
            other => {
                return Err(bad(format!(
                    "\"compressor\" must be an object or null, got {other}"
                )))
            }
        };
        let filters = match field("filters")? {
            Value::Null => None,
            Value::Array(a) if a.iter().all(Value::is_object) => (!a.is_empty()).then(|| a.clone()),
            other => {
                return Err(bad(format!(
                    "\"filters\" must be a list of objects or null, got {other}"
                )))
            }
        };
        let fill_value =
            FillValue::from_json(dtype, field("fill_value")?).map_err(|e| bad(e.to_string()))?;
        let order = match field("order")? {
            // numpy (and so zarr-python) takes the order letters in either case.
            Value::String(o) if o == "C" || o == "c" => Order::C,
            Value::String(o) if o == "F" || o == "f" => Order::F,
            o => return Err(bad(format!("\"order\" must be \"C\" or \"F\", got {o}"))),
        };
        let dimension_separator = match m.get("dimension_separator") {
            None | Some(Value::Null) => Separator::Dot,
            Some(Value::String(s)) if s == "." => Separator::Dot,
            Some(Value::String(s)) if s == "/" => Separator::Slash,
            Some(other) => {
                return Err(bad(format!(
                    "\"dimension_separator\" must be \".\" or \"/\", got {other}"
                )))
            }
        };
        Ok(ArrayMeta {
            grid,
            dtype,
            compressor,
            filters,
            fill_value,
            order,
            dimension_separator,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_and_keys() {
        let m = ArrayMeta::new(&[10, 20], &[5, 5], DType::parse(">f8").unwrap())
            .unwrap()
            .with_compressor(Some(json!({"id": "zlib", "level": 1})))
            .with_filters(vec![json!({"id": "shuffle", "elementsize": 8})])
            .with_fill_value(&json!("NaN"))
            .unwrap()
            .with_separator(Separator::Slash);
        let back = ArrayMeta::from_bytes(&m.to_bytes(), ".zarray").unwrap();
        assert_eq!(back.to_json(), m.to_json());
        assert_eq!(m.chunk_key(&[1, 3]), "1/3");
        assert_eq!(m.with_separator(Separator::Dot).chunk_key(&[1, 3]), "1.3");
        let z = ArrayMeta::new(&[], &[], DType::I4).unwrap();
        assert_eq!(z.chunk_key(&[]), "0");
        assert_eq!(
            z.pipeline_config(),
            json!([]),
            "no filters, no compressor: the identity pipeline"
        );
    }

    #[test]
    fn reads_zarr_python_metadata() {
        let text = r#"{
    "chunks": [2, 3], "compressor": {"blocksize": 0, "clevel": 5, "cname": "lz4", "id": "blosc", "shuffle": 1},
    "dtype": "<i4", "fill_value": null, "filters": null, "order": "F", "shape": [4, 5], "zarr_format": 2
}"#;
        let m = ArrayMeta::from_bytes(text.as_bytes(), "x/.zarray").unwrap();
        assert_eq!(m.order, Order::F);
        assert_eq!(m.dimension_separator, Separator::Dot);
        assert_eq!(m.shape(), [4, 5]);
        assert_eq!(m.fill_value.json(), &Value::Null);
    }
}
