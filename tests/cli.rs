//! The CLI raw-buffer contract: `chunkcodec encode|decode --config JSON [--dtype DT] [-i] [-o]`.
//! Output must equal numcodecs' bytes; every bad input is a non-zero exit with one line on stderr.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn cli(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chunkcodec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "stderr is not one line: {err}"
    );
    assert!(err.starts_with("chunkcodec: error: "), "{err}");
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn shuffle_cli_matches_numcodecs_for_element_sizes_1_to_32() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shuffle");
    let mut checked = 0;
    for es in 1..=32 {
        let dir = root.join(format!("es{es}_n100"));
        let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
        let input = std::fs::read(dir.join("input.bin")).unwrap();
        let want = std::fs::read(dir.join("encoded.bin")).unwrap();
        let out = cli(&["encode", "--config", &config], &input);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, want, "elementsize {es}");
        let out = cli(&["decode", "--config", &config], &want);
        assert!(out.status.success());
        assert_eq!(out.stdout, input, "elementsize {es}");
        checked += 1;
    }
    assert_eq!(checked, 32);
}

#[test]
fn files_and_pipelines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    let enc = dir.path().join("enc.bin");
    let dec = dir.path().join("dec.bin");
    let data: Vec<u8> = (0..64u32).flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&input, &data).unwrap();
    let cfg = r#"[{"id":"shuffle","elementsize":4},{"id":"shuffle","elementsize":2}]"#;
    let p = |p: &Path| p.to_str().unwrap().to_string();
    let out = cli(
        &[
            "encode",
            "--config",
            cfg,
            "--dtype",
            "<u4",
            "-i",
            &p(&input),
            "-o",
            &p(&enc),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(
        &["decode", "--config", cfg, "-i", &p(&enc), "-o", &p(&dec)],
        b"",
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read(&dec).unwrap(), data);
    assert_ne!(std::fs::read(&enc).unwrap(), data);
}

#[test]
fn bad_configs_and_inputs_give_one_clear_line() {
    let cases: &[(&[&str], &[u8], &str)] = &[
        (
            &["encode", "--config", r#"{"id":"nope"}"#],
            b"",
            "unknown codec id \"nope\"",
        ),
        (
            &["encode", "--config", r#"{"id":"shuffle","bogus":1}"#],
            b"",
            "\"bogus\": unknown key",
        ),
        (
            &[
                "encode",
                "--config",
                r#"{"id":"shuffle","elementsize":"4"}"#,
            ],
            b"",
            "expected an integer",
        ),
        (
            &["encode", "--config", r#"{"id":"shuffle","elementsize":-4}"#],
            b"",
            "non-negative",
        ),
        (
            &["encode", "--config", r#"{"elementsize":4}"#],
            b"",
            "no \"id\"",
        ),
        (&["encode", "--config", "not json"], b"", "not valid JSON"),
        (&["encode", "--config", "42"], b"", "list"),
        (
            &[
                "encode",
                "--config",
                r#"{"id":"shuffle"}"#,
                "--dtype",
                "<U0",
            ],
            b"",
            "\"<U0\"",
        ),
        (
            &[
                "encode",
                "--config",
                r#"{"id":"shuffle"}"#,
                "--dtype",
                "<i4",
            ],
            b"abc",
            "not a whole number",
        ),
        (
            &["encode", "--config", r#"{"id":"shuffle","elementsize":4}"#],
            b"abcdef",
            "not a multiple of elementsize 4",
        ),
        (
            &["decode", "--config", r#"{"id":"shuffle","elementsize":4}"#],
            b"abcdef",
            "corrupt",
        ),
        (
            &[
                "encode",
                "--config",
                r#"{"id":"shuffle"}"#,
                "-i",
                "/nonexistent/x",
            ],
            b"",
            "/nonexistent/x",
        ),
        (
            &["encode", "--config", "@/nonexistent/cfg.json"],
            b"",
            "/nonexistent/cfg.json",
        ),
    ];
    for (args, stdin, needle) in cases {
        let out = cli(args, stdin);
        assert_one_line_error(&out, needle);
    }
}

/// `--dtype` takes numpy's fixed-width unicode spelling; numcodecs 0.16.6:
/// `Categorize(['xy', 'z'], '>U2').encode(np.array(['z', 'q', 'xy'], '>U2'))` -> `02 00 01`.
#[test]
fn categorize_with_a_unicode_dtype() {
    let cfg = r#"{"id":"categorize","labels":["xy","z"],"dtype":">U2"}"#;
    let input: Vec<u8> = ["z\0", "q\0", "xy"]
        .iter()
        .flat_map(|s| s.chars().flat_map(|c| u32::from(c).to_be_bytes()))
        .collect();
    let out = cli(&["encode", "--config", cfg, "--dtype", ">U2"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, [2, 0, 1]);
    let out = cli(&["decode", "--config", cfg, "--dtype", ">U2"], &[2, 0, 1]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut want = input.clone();
    want[8..16].fill(0);
    assert_eq!(out.stdout, want);
    let out = cli(&["decode", "--config", cfg, "--dtype", ">U2"], &[3]);
    assert_one_line_error(&out, "code 3 at element 0");
}

#[test]
fn list_codecs_names_shuffle() {
    let out = cli(&["list-codecs"], b"");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l == "shuffle"));
}
