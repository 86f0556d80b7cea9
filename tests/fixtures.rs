//! Golden vectors made by numcodecs (scripts/make_fixtures.sh): for every case of every codec,
//! our config equals numcodecs', our decode equals numcodecs' decode, and where the format is
//! deterministic our encode equals numcodecs' bytes.

use chunkcodec::{get_codec, registered_ids, DType};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Codec ids that are registered but have no numcodecs fixtures (with the reason).
const NO_FIXTURES: &[(&str, &str)] = &[];

struct Case {
    dir: PathBuf,
    config: Value,
    dtype: DType,
    exact: bool,
}

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

fn cases() -> BTreeMap<String, Vec<Case>> {
    let mut out: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for codec_dir in std::fs::read_dir(fixture_root()).unwrap() {
        let codec_dir = codec_dir.unwrap().path();
        if !codec_dir.is_dir() {
            continue;
        }
        let codec = codec_dir.file_name().unwrap().to_string_lossy().to_string();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&codec_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let config: Value = serde_json::from_slice(&read(&dir, "config.json")).unwrap();
            let meta: Value = serde_json::from_slice(&read(&dir, "meta.json")).unwrap();
            let dtype = DType::parse_any(meta["dtype"].as_str().unwrap()).unwrap();
            let exact = meta["exact"].as_bool().unwrap_or(true);
            out.entry(codec.clone()).or_default().push(Case {
                dir,
                config,
                dtype,
                exact,
            });
        }
    }
    out
}

#[test]
fn every_registered_codec_has_fixtures() {
    let all = cases();
    let missing: Vec<String> = registered_ids()
        .into_iter()
        .filter(|id| !all.contains_key(id) && !NO_FIXTURES.iter().any(|(n, _)| n == id))
        .collect();
    assert!(
        missing.is_empty(),
        "registered codecs without fixtures: {missing:?}"
    );
}

#[test]
fn fixtures_match_numcodecs() {
    let registered = registered_ids();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (codec, cases) in cases() {
        if !registered.contains(&codec) {
            // Fixtures may land before their codec; they are checked once it is registered.
            continue;
        }
        for case in cases {
            let name = case.dir.display().to_string();
            let input = read(&case.dir, "input.bin");
            let encoded = read(&case.dir, "encoded.bin");
            let decoded = read(&case.dir, "decoded.bin");
            let c = match get_codec(&case.config) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{name}: get_codec: {e}"));
                    continue;
                }
            };
            if c.get_config() != case.config {
                failures.push(format!(
                    "{name}: config {} != numcodecs' {}",
                    c.get_config(),
                    case.config
                ));
            }
            match c.decode(&encoded) {
                Ok(d) if d == decoded => {}
                Ok(d) => failures.push(format!(
                    "{name}: decode differs ({} bytes vs numcodecs' {})",
                    d.len(),
                    decoded.len()
                )),
                Err(e) => failures.push(format!("{name}: decode: {e}")),
            }
            let mut out = vec![0xa5u8; decoded.len()];
            match c.decode_into(&encoded, &mut out) {
                Ok(()) if out == decoded => {}
                Ok(()) => failures.push(format!("{name}: decode_into differs")),
                Err(e) => failures.push(format!("{name}: decode_into: {e}")),
            }
            match c.encode(&input, case.dtype) {
                Ok(e) if !case.exact || e == encoded => {}
                Ok(e) => failures.push(format!(
                    "{name}: encode differs from numcodecs ({} bytes vs {})",
                    e.len(),
                    encoded.len()
                )),
                Err(e) => failures.push(format!("{name}: encode: {e}")),
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 0, "no fixture was checked");
    println!("checked {checked} numcodecs fixture cases");
}
