//! Bit shuffle: Blosc's BITSHUFFLE layout (the bitshuffle library's `trans_bit_elem`).
//!
//! For `n` elements of `es` bytes (`n` a multiple of 8), the output has `8 * es` rows of `n / 8`
//! bytes. Row `k = 8 * byte + bit` holds bit `bit` (LSB = 0) of byte `byte` of every element,
//! packed LSB-first: element `j` goes to bit `j % 8` of byte `j / 8` of the row.
//!
//! The kernels take whole groups of 8 elements only; what to do with a remainder is the
//! caller's policy (c-blosc 1.x copies the whole block unchanged when the element count is not a
//! multiple of 8).

/// Bit-shuffles `src` into `dst`.
///
/// # Panics
/// If the lengths differ or are not a multiple of `8 * elementsize`, or `elementsize == 0`.
pub fn bitshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    bitshuffle_scalar(elementsize, src, dst);
}

/// Inverse of [`bitshuffle`].
///
/// # Panics
/// As [`bitshuffle`].
pub fn bitunshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    bitunshuffle_scalar(elementsize, src, dst);
}

fn check(elementsize: usize, src: &[u8], dst: &[u8]) -> usize {
    assert!(elementsize > 0, "bitshuffle: elementsize must be > 0");
    assert_eq!(
        src.len(),
        dst.len(),
        "bitshuffle: src and dst lengths differ"
    );
    assert!(
        src.len().is_multiple_of(8 * elementsize),
        "bitshuffle: length {} is not a multiple of 8 * elementsize {}",
        src.len(),
        elementsize
    );
    src.len() / elementsize
}

/// Scalar reference for [`bitshuffle`].
pub fn bitshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    let n = check(elementsize, src, dst);
    let row_len = n / 8;
    dst.fill(0);
    for (j, elem) in src.chunks_exact(elementsize).enumerate() {
        for (byte, &v) in elem.iter().enumerate() {
            for bit in 0..8 {
                let row = 8 * byte + bit;
                dst[row * row_len + j / 8] |= ((v >> bit) & 1) << (j % 8);
            }
        }
    }
}

/// Scalar reference for [`bitunshuffle`].
pub fn bitunshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    let n = check(elementsize, src, dst);
    let row_len = n / 8;
    for (j, elem) in dst.chunks_exact_mut(elementsize).enumerate() {
        for (byte, out) in elem.iter_mut().enumerate() {
            let mut v = 0u8;
            for bit in 0..8 {
                let row = 8 * byte + bit;
                v |= ((src[row * row_len + j / 8] >> (j % 8)) & 1) << bit;
            }
            *out = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_of_one_byte_elements() {
        // Eight 1-byte elements: row k collects bit k of each element.
        let src = [1u8, 0, 0, 0, 0, 0, 0, 0x80];
        let mut dst = [0u8; 8];
        bitshuffle(1, &src, &mut dst);
        assert_eq!(dst, [0x01, 0, 0, 0, 0, 0, 0, 0x80]);
        let src = [0xffu8, 0, 0xff, 0, 0, 0, 0, 0];
        bitshuffle(1, &src, &mut dst);
        assert_eq!(dst, [0x05; 8]);
    }

    #[test]
    fn roundtrip() {
        for es in [1, 2, 3, 4, 8, 16] {
            let src: Vec<u8> = (0..es * 64).map(|i| (i * 37 + 11) as u8).collect();
            let mut s = vec![0; src.len()];
            let mut u = vec![0; src.len()];
            bitshuffle(es, &src, &mut s);
            bitunshuffle(es, &s, &mut u);
            assert_eq!(u, src, "es {es}");
        }
    }
}
