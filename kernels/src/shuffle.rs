//! Byte shuffle (the transpose numcodecs' `Shuffle` and Blosc's SHUFFLE filter apply).
//!
//! `shuffle(n, src, dst)` treats the first `len - len % n` bytes of `src` as `count` elements of
//! `n` bytes and writes byte `j` of element `i` to `dst[j * count + i]`; the trailing
//! `len % n` bytes are copied unchanged to the end of `dst` (Blosc's rule; numcodecs never has
//! a remainder). `unshuffle` is the inverse. An element size of 0 or 1 is a plain copy.

/// Shuffles `src` into `dst` (see the module docs).
///
/// # Panics
/// If `src.len() != dst.len()`.
pub fn shuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    shuffle_scalar(elementsize, src, dst);
}

/// Inverse of [`shuffle`].
///
/// # Panics
/// If `src.len() != dst.len()`.
pub fn unshuffle(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    unshuffle_scalar(elementsize, src, dst);
}

/// Scalar reference for [`shuffle`].
pub fn shuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len(), dst.len(), "shuffle: src and dst lengths differ");
    if elementsize <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / elementsize;
    let body = count * elementsize;
    for (i, elem) in src[..body].chunks_exact(elementsize).enumerate() {
        for (j, &b) in elem.iter().enumerate() {
            dst[j * count + i] = b;
        }
    }
    dst[body..].copy_from_slice(&src[body..]);
}

/// Scalar reference for [`unshuffle`].
pub fn unshuffle_scalar(elementsize: usize, src: &[u8], dst: &mut [u8]) {
    assert_eq!(
        src.len(),
        dst.len(),
        "unshuffle: src and dst lengths differ"
    );
    if elementsize <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let count = src.len() / elementsize;
    let body = count * elementsize;
    for (i, elem) in dst[..body].chunks_exact_mut(elementsize).enumerate() {
        for (j, b) in elem.iter_mut().enumerate() {
            *b = src[j * count + i];
        }
    }
    dst[body..].copy_from_slice(&src[body..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_examples() {
        let mut out = [0u8; 6];
        shuffle(3, b"abcdef", &mut out);
        assert_eq!(&out, b"adbecf");
        let src: Vec<u8> = [1i32, 2, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = vec![0u8; 12];
        shuffle(4, &src, &mut out);
        assert_eq!(out, [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn leftover_is_copied_and_roundtrips() {
        let src: Vec<u8> = (0..23).collect();
        let mut s = vec![0; 23];
        let mut u = vec![0; 23];
        shuffle(4, &src, &mut s);
        assert_eq!(&s[20..], &src[20..]);
        unshuffle(4, &s, &mut u);
        assert_eq!(u, src);
    }
}
