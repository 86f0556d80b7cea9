//! Bounded output for streaming decoders (zlib, gzip, bz2, lzma, zstd): the decoded size is
//! only known at the end of the stream, so output goes to a [`Sink`] that either grows up to the
//! caller's limit (`decode_limited`) or fills a caller's buffer of the exact size (`decode_into`).
//! Neither ever holds or writes more than `limit + 1` / `out.len()` bytes, so a small input that
//! inflates to gigabytes stops at the limit.

use crate::error::{Error, Result};

/// Growth never starts below this many bytes.
const MIN_GROW: usize = 64 * 1024;
/// The first allocation for an unknown size is at most this big (then doubling).
const MAX_FIRST_GUESS: usize = 64 * 1024 * 1024;

/// Where a streaming decoder writes.
pub(crate) enum Sink<'a> {
    /// A vector that grows up to `limit + 1` bytes of capacity; its length is the bytes decoded.
    /// Decoders write into its spare capacity (no zero-filling).
    Grow {
        codec: &'static str,
        buf: Vec<u8>,
        limit: usize,
    },
    /// The caller's buffer; when it is full a one-byte probe detects extra output.
    Fixed {
        codec: &'static str,
        out: &'a mut [u8],
        len: usize,
        probe: [u8; 1],
    },
}

/// The room a decoder step may write into: a slice, or a vector's spare capacity (the
/// libraries' `*_vec` calls append and set the length).
pub(crate) enum Space<'s> {
    Slice(&'s mut [u8]),
    Vec(&'s mut Vec<u8>),
}

impl<'a> Sink<'a> {
    /// A growing sink whose first allocation is `guess` bytes (clamped to `limit + 1` and
    /// [`MAX_FIRST_GUESS`] unless `exact_guess`, for sizes read from a validated header).
    pub(crate) fn grow(codec: &'static str, limit: usize, guess: usize, exact_guess: bool) -> Self {
        let cap = limit.saturating_add(1);
        let first = if exact_guess {
            guess.min(cap)
        } else {
            guess
                .clamp(MIN_GROW.min(cap), MAX_FIRST_GUESS.max(MIN_GROW))
                .min(cap)
        };
        Sink::Grow {
            codec,
            buf: Vec::with_capacity(first),
            limit,
        }
    }

    /// A sink writing exactly into `out`.
    pub(crate) fn fixed(codec: &'static str, out: &'a mut [u8]) -> Self {
        Sink::Fixed {
            codec,
            out,
            len: 0,
            probe: [0],
        }
    }

    /// Bytes decoded so far.
    pub(crate) fn len(&self) -> usize {
        match self {
            Sink::Grow { buf, .. } => buf.len(),
            Sink::Fixed { len, .. } => *len,
        }
    }

    /// The decoded bytes from `start`.
    pub(crate) fn decoded_from(&self, start: usize) -> &[u8] {
        match self {
            Sink::Grow { buf, .. } => buf.get(start..).unwrap_or_default(),
            Sink::Fixed { out, len, .. } => out.get(start..*len).unwrap_or_default(),
        }
    }

    /// Free space for the next decoder step; never empty.
    pub(crate) fn space(&mut self) -> Result<Space<'_>> {
        match self {
            Sink::Grow { codec, buf, limit } => {
                if buf.len() > *limit {
                    return Err(Error::too_large(codec, buf.len() as u64, *limit));
                }
                if buf.len() == buf.capacity() {
                    let cap = limit.saturating_add(1);
                    let target = buf.capacity().saturating_mul(2).max(MIN_GROW).min(cap);
                    buf.reserve_exact(target - buf.len());
                }
                Ok(Space::Vec(buf))
            }
            Sink::Fixed {
                out, len, probe, ..
            } => {
                if *len < out.len() {
                    Ok(Space::Slice(out.get_mut(*len..).unwrap_or_default()))
                } else {
                    Ok(Space::Slice(&mut probe[..]))
                }
            }
        }
    }

    /// Records that the last step wrote `n` bytes into the space it was given (a `Vec` space
    /// has already grown by `n`).
    pub(crate) fn commit(&mut self, n: usize) -> Result<()> {
        match self {
            Sink::Grow { codec, buf, limit } => {
                if buf.len() > *limit {
                    return Err(Error::too_large(codec, buf.len() as u64, *limit));
                }
            }
            Sink::Fixed {
                codec, out, len, ..
            } => {
                if *len >= out.len() && n > 0 {
                    // The decoded data goes on past the end of `out`.
                    return Err(Error::output_size(codec, out.len() + n, out.len()));
                }
                *len += n;
            }
        }
        Ok(())
    }

    /// Forgets output past `to` (a trailing stream that turned out to be garbage).
    pub(crate) fn rollback(&mut self, to: usize) {
        match self {
            Sink::Grow { buf, .. } => buf.truncate(to),
            Sink::Fixed { len, .. } => *len = (*len).min(to),
        }
    }

    /// Ends decoding: the decoded bytes (`Grow`), or a check that `out` was filled exactly.
    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        match self {
            Sink::Grow { buf, .. } => Ok(buf),
            Sink::Fixed {
                codec, out, len, ..
            } => {
                if len != out.len() {
                    return Err(Error::output_size(codec, len, out.len()));
                }
                Ok(Vec::new())
            }
        }
    }
}

/// `Codec::decode_limited` of a streaming decoder: `decode` writes into a sink that grows up to
/// `limit` (first guess: four times the input).
pub(crate) fn decode_limited(
    codec: &'static str,
    input: &[u8],
    limit: usize,
    decode: impl FnOnce(&mut Sink<'_>) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut sink = Sink::grow(codec, limit, input.len().saturating_mul(4), false);
    decode(&mut sink)?;
    sink.finish()
}

/// `Codec::decode_into` of a streaming decoder: `decode` must fill `out` exactly.
pub(crate) fn decode_into(
    codec: &'static str,
    out: &mut [u8],
    decode: impl FnOnce(&mut Sink<'_>) -> Result<()>,
) -> Result<()> {
    let mut sink = Sink::fixed(codec, out);
    decode(&mut sink)?;
    sink.finish().map(|_| ())
}

/// One step of a streaming decoder: decode from `input` into `output`.
pub(crate) struct Step {
    /// Input bytes consumed.
    pub consumed: usize,
    /// Output bytes written.
    pub produced: usize,
    /// The stream (member, frame) ended.
    pub done: bool,
}

/// Runs `step` until the stream ends; returns the input bytes consumed. A stream that stops
/// making progress before its end is truncated: a [`Error::Corrupt`] error.
pub(crate) fn run_stream(
    codec: &'static str,
    input: &[u8],
    sink: &mut Sink<'_>,
    mut step: impl FnMut(&[u8], Space<'_>) -> Result<Step>,
) -> Result<usize> {
    let mut pos = 0usize;
    loop {
        let rest = input.get(pos..).unwrap_or_default();
        let space = sink.space()?;
        let s = step(rest, space)?;
        pos += s.consumed;
        sink.commit(s.produced)?;
        if s.done {
            return Ok(pos);
        }
        if s.consumed == 0 && s.produced == 0 {
            return Err(Error::corrupt(
                codec,
                "the stream is truncated (input ended before the end-of-stream marker)",
            ));
        }
    }
}

/// Decodes concatenated streams as Python's `bz2` and `lzma` modules do: one stream after
/// another until the input is used up (at least one stream is attempted, even on empty input);
/// once a stream has decoded, a following one the library rejects (`step` returned an error) is
/// trailing garbage that is ignored, with whatever it produced rolled back; a stream that is
/// merely cut short is an error. `new_decoder` makes the state for each stream.
pub(crate) fn run_concatenated<D>(
    codec: &'static str,
    input: &[u8],
    sink: &mut Sink<'_>,
    mut new_decoder: impl FnMut() -> Result<D>,
    mut step: impl FnMut(&mut D, &[u8], Space<'_>) -> Result<Step>,
) -> Result<()> {
    let mut pos = 0usize;
    let mut streams = 0usize;
    loop {
        let rest = input.get(pos..).unwrap_or_default();
        let start = sink.len();
        let mut d = new_decoder()?;
        let mut library_error = false;
        let r = run_stream(codec, rest, sink, |i, o| {
            step(&mut d, i, o).inspect_err(|_| library_error = true)
        });
        match r {
            Ok(0) if pos < input.len() => {
                // No progress: stop rather than loop forever.
                return Err(Error::corrupt(
                    codec,
                    format!("a stream at offset {pos} ended without using any input"),
                ));
            }
            Ok(used) => pos += used,
            Err(_) if library_error && streams > 0 => {
                // Python ignores trailing data that is not a valid stream.
                sink.rollback(start);
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        streams += 1;
        if pos >= input.len() {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(s: &mut Sink<'_>) -> usize {
        match s.space().unwrap() {
            Space::Slice(x) => x.len(),
            Space::Vec(v) => v.capacity() - v.len(),
        }
    }

    #[test]
    fn grow_stops_at_limit() {
        let mut s = Sink::grow("t", 10, 4, true);
        assert_eq!(room(&mut s), 4);
        if let Sink::Grow { buf, .. } = &mut s {
            buf.extend_from_slice(&[1; 4]);
        }
        s.commit(4).unwrap();
        assert!(room(&mut s) <= 7, "grows to limit + 1 at most");
        if let Sink::Grow { buf, .. } = &mut s {
            buf.extend_from_slice(&[1; 7]);
        }
        assert!(matches!(s.commit(7), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn fixed_probe_detects_extra_output() {
        let mut out = [0u8; 3];
        let mut s = Sink::fixed("t", &mut out);
        assert_eq!(room(&mut s), 3);
        s.commit(3).unwrap();
        assert_eq!(room(&mut s), 1);
        assert!(matches!(s.commit(1), Err(Error::OutputSize { .. })));
        let mut out = [0u8; 3];
        let mut s = Sink::fixed("t", &mut out);
        s.commit(2).unwrap();
        assert!(matches!(
            s.finish(),
            Err(Error::OutputSize {
                expected: 2,
                found: 3,
                ..
            })
        ));
    }
}
