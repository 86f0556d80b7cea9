//! `chunkcodec compress | decompress | info | demo` through the binary: round trips, plain
//! output when piped, one-line errors.

use chunkcodec::npy::Npy;
use chunkcodec::DType;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chunkcodec"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("chunkcodec: error: "), "{err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
}

#[test]
fn compress_decompress_info_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    for (dtype, fortran) in [("<f4", false), (">i2", true), ("|b1", false)] {
        let dtype = DType::parse(dtype).unwrap();
        let shape = vec![7, 5, 3];
        let n: usize = shape.iter().product::<usize>() * dtype.itemsize();
        let data: Vec<u8> = (0..n)
            .map(|i| {
                if dtype == DType::BOOL {
                    (i % 2) as u8
                } else {
                    (i * 7) as u8
                }
            })
            .collect();
        let npy = Npy {
            dtype,
            shape: shape.clone(),
            fortran_order: fortran,
            data,
        };
        let tag = format!("{}{fortran}", dtype.itemsize());
        npy.write_file(p(&format!("in{tag}.npy"))).unwrap();
        let store = p(&format!("s{tag}"));
        let filters = format!(r#"[{{"id":"shuffle","elementsize":{}}}]"#, dtype.itemsize());
        let out = ok(&cli(&[
            "compress",
            &p(&format!("in{tag}.npy")),
            &store,
            "--chunks",
            "3,-1,2",
            "--compressor",
            "none",
            "--filters",
            &filters,
            "--threads",
            "2",
            "--separator",
            "/",
        ]));
        assert!(
            out.contains("chunks [3, 5, 2]") && out.contains("6 chunks"),
            "{out}"
        );
        assert!(dir.path().join(format!("s{tag}/2/0/1")).is_file());
        ok(&cli(&["decompress", &store, &p(&format!("out{tag}.npy"))]));
        let back = Npy::read_file(p(&format!("out{tag}.npy"))).unwrap();
        assert_eq!(back.dtype, dtype);
        assert_eq!(back.shape, shape);
        if fortran {
            // Written back in C order: element (i, j, k) of the F-ordered input.
            let it = dtype.itemsize();
            let (i, j, k) = (6, 4, 2);
            let f_off = (i + 7 * (j + 5 * k)) * it;
            let c_off = ((i * 5 + j) * 3 + k) * it;
            assert_eq!(back.data[c_off..c_off + it], npy.data[f_off..f_off + it]);
        } else {
            assert_eq!(back.data, npy.data);
        }
        let info = ok(&cli(&["info", &store]));
        for needle in [
            "shape:       [7, 5, 3]",
            "chunk count: 6 stored of 6",
            "ratio:",
            "shuffle",
            "compressor:  none",
        ] {
            assert!(info.contains(needle), "{info} lacks {needle}");
        }
        // Piped stderr: no progress bar.
        let out = cli(&["decompress", &store, &p(&format!("again{tag}.npy"))]);
        assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    }
}

#[test]
fn errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let npy = Npy {
        dtype: DType::U1,
        shape: vec![4],
        fortran_order: false,
        data: vec![1, 2, 3, 4],
    };
    npy.write_file(p("a.npy")).unwrap();
    one_line_error(
        &cli(&["compress", &p("a.npy"), &p("s"), "--chunks", "2,2"]),
        "--chunks",
    );
    one_line_error(
        &cli(&[
            "compress",
            &p("a.npy"),
            &p("s"),
            "--compressor",
            r#"{"id":"nope"}"#,
        ]),
        "\"nope\"",
    );
    one_line_error(
        &cli(&["compress", &p("a.npy"), &p("s"), "--filters", "{}"]),
        "--filters",
    );
    one_line_error(
        &cli(&["compress", &p("missing.npy"), &p("s")]),
        "missing.npy",
    );
    ok(&cli(&[
        "compress",
        &p("a.npy"),
        &p("s"),
        "--compressor",
        "none",
    ]));
    one_line_error(
        &cli(&["compress", &p("a.npy"), &p("s"), "--compressor", "none"]),
        "not an empty directory",
    );
    std::fs::write(dir.path().join("s/.zarray"), "{").unwrap();
    one_line_error(&cli(&["info", &p("s")]), ".zarray");
    one_line_error(&cli(&["decompress", &p("nowhere"), &p("o.npy")]), "nowhere");
}

#[test]
fn default_compressor_is_blosc_or_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let npy = Npy {
        dtype: DType::F8,
        shape: vec![3, 3],
        fortran_order: false,
        data: vec![0; 72],
    };
    npy.write_file(p("a.npy")).unwrap();
    let out = cli(&["compress", &p("a.npy"), &p("s")]);
    if chunkcodec::registered_ids().iter().any(|id| id == "blosc") {
        ok(&out);
        let text = std::fs::read_to_string(dir.path().join("s/.zarray")).unwrap();
        assert!(text.contains("\"cname\": \"lz4\""), "{text}");
    } else {
        one_line_error(&out, "\"blosc\"");
    }
}

#[test]
fn demo_runs_and_verifies() {
    let out = ok(&cli(&["demo", "--threads", "2", "--small"]));
    assert!(
        out.contains("verified") && out.contains("bit-exact"),
        "{out}"
    );
    assert!(
        !out.contains("FAILED") && !out.contains("MISMATCH"),
        "{out}"
    );
}
