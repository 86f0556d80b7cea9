//! The regular chunk grid: an array's shape cut into chunks of one fixed shape, edge chunks
//! partial (and stored full-size, padded with the fill value, as Zarr v2 does).

use crate::error::{Error, Result};
use std::ops::Range;

/// Most dimensions an array may have (numpy's limit).
pub const MAX_NDIM: usize = 32;

/// A shape and the chunk shape that tiles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkGrid {
    shape: Vec<usize>,
    chunks: Vec<usize>,
    grid: Vec<usize>,
}

impl ChunkGrid {
    /// A grid for `shape` in chunks of `chunks`. Both have the same length (0 to 32); every
    /// chunk length is at least 1; a chunk's element count must fit `usize` bytes-wise for any
    /// 8-byte dtype.
    pub fn new(shape: &[usize], chunks: &[usize]) -> Result<Self> {
        if shape.len() > MAX_NDIM {
            return Err(Error::Array(format!(
                "{} dimensions; at most {MAX_NDIM} are supported",
                shape.len()
            )));
        }
        if shape.len() != chunks.len() {
            return Err(Error::Array(format!(
                "shape {shape:?} has {} dimensions but chunks {chunks:?} has {}",
                shape.len(),
                chunks.len()
            )));
        }
        if let Some(axis) = chunks.iter().position(|&c| c == 0) {
            return Err(Error::Array(format!(
                "chunks {chunks:?}: chunk length on axis {axis} is 0; every chunk length must be at least 1"
            )));
        }
        chunks
            .iter()
            .try_fold(8usize, |acc, &c| acc.checked_mul(c))
            .ok_or_else(|| Error::Array(format!("chunks {chunks:?}: a chunk is too large")))?;
        shape
            .iter()
            .try_fold(8usize, |acc, &c| acc.checked_mul(c))
            .ok_or_else(|| Error::Array(format!("shape {shape:?} is too large")))?;
        let grid = shape
            .iter()
            .zip(chunks)
            .map(|(&s, &c)| s.div_ceil(c))
            .collect();
        Ok(ChunkGrid {
            shape: shape.to_vec(),
            chunks: chunks.to_vec(),
            grid,
        })
    }

    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The chunk shape.
    pub fn chunks(&self) -> &[usize] {
        &self.chunks
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Chunks per axis.
    pub fn grid_shape(&self) -> &[usize] {
        &self.grid
    }

    /// Total number of chunks (1 for a 0-d array, 0 when any axis is empty).
    pub fn num_chunks(&self) -> usize {
        self.grid.iter().product()
    }

    /// Elements in one (full-size) chunk.
    pub fn chunk_len(&self) -> usize {
        self.chunks.iter().product()
    }

    /// Elements in the array.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The grid index of the `n`-th chunk in C order.
    pub fn index_of(&self, mut n: usize) -> Vec<usize> {
        let mut idx = vec![0; self.ndim()];
        for (slot, &g) in idx.iter_mut().zip(&self.grid).rev() {
            if g > 0 {
                *slot = n % g;
                n /= g;
            }
        }
        idx
    }

    /// Checks that `index` is a chunk of this grid.
    pub fn check_index(&self, index: &[usize]) -> Result<()> {
        if index.len() != self.ndim() || index.iter().zip(&self.grid).any(|(&i, &g)| i >= g) {
            return Err(Error::Array(format!(
                "chunk index {index:?} is outside the chunk grid {:?}",
                self.grid
            )));
        }
        Ok(())
    }

    /// The part of the array chunk `index` covers (clipped at the array's edge).
    pub fn chunk_extent(&self, index: &[usize]) -> Vec<Range<usize>> {
        index
            .iter()
            .zip(&self.chunks)
            .zip(&self.shape)
            .map(|((&i, &c), &s)| (i * c).min(s)..((i + 1) * c).min(s))
            .collect()
    }

    /// Checks a region (one range per axis) against the shape.
    pub fn check_region(&self, region: &[Range<usize>]) -> Result<()> {
        if region.len() != self.ndim() {
            return Err(Error::Array(format!(
                "region has {} ranges but the array has {} dimensions",
                region.len(),
                self.ndim()
            )));
        }
        for (axis, (r, &s)) in region.iter().zip(&self.shape).enumerate() {
            if r.start > r.end || r.end > s {
                return Err(Error::Array(format!(
                    "region {r:?} on axis {axis} is outside 0..{s}"
                )));
            }
        }
        Ok(())
    }

    /// The whole array as a region.
    pub fn full_region(&self) -> Vec<Range<usize>> {
        self.shape.iter().map(|&s| 0..s).collect()
    }

    /// Grid indices of every chunk `region` touches, in C order.
    pub fn chunks_in_region(&self, region: &[Range<usize>]) -> Result<Vec<Vec<usize>>> {
        self.check_region(region)?;
        let ranges: Vec<Range<usize>> = region
            .iter()
            .zip(&self.chunks)
            .map(|(r, &c)| {
                if r.is_empty() {
                    0..0
                } else {
                    r.start / c..r.end.div_ceil(c)
                }
            })
            .collect();
        let mut out = Vec::new();
        let mut idx: Vec<usize> = ranges.iter().map(|r| r.start).collect();
        if ranges.iter().any(|r| r.is_empty()) {
            return Ok(out);
        }
        loop {
            out.push(idx.clone());
            // Odometer step, last axis fastest; done when the first axis wraps.
            let mut wrapped = true;
            for (i, r) in idx.iter_mut().zip(&ranges).rev() {
                *i += 1;
                if *i < r.end {
                    wrapped = false;
                    break;
                }
                *i = r.start;
            }
            if wrapped {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn grid_basics() {
        let g = ChunkGrid::new(&[10, 7], &[4, 7]).unwrap();
        assert_eq!(g.grid_shape(), [3, 1]);
        assert_eq!(g.num_chunks(), 3);
        assert_eq!(g.chunk_extent(&[2, 0]), vec![8..10, 0..7]);
        assert_eq!(g.index_of(2), [2, 0]);
        assert_eq!(
            g.chunks_in_region(&[3..9, 1..2]).unwrap(),
            vec![vec![0, 0], vec![1, 0], vec![2, 0]]
        );
        assert!(g.chunks_in_region(&[3..3, 0..7]).unwrap().is_empty());
        assert!(g.check_region(&[0..11, 0..7]).is_err());
        assert!(g.check_region(&[0..1]).is_err());
    }

    #[test]
    fn zero_d_and_empty() {
        let g = ChunkGrid::new(&[], &[]).unwrap();
        assert_eq!(g.num_chunks(), 1);
        assert_eq!(g.chunks_in_region(&[]).unwrap(), vec![Vec::<usize>::new()]);
        let g = ChunkGrid::new(&[0, 5], &[1, 5]).unwrap();
        assert_eq!(g.num_chunks(), 0);
    }

    #[test]
    fn rejects_bad_grids() {
        assert!(ChunkGrid::new(&[3], &[0]).is_err());
        assert!(ChunkGrid::new(&[3], &[1, 1]).is_err());
        assert!(ChunkGrid::new(&[1; 33], &[1; 33]).is_err());
        assert!(ChunkGrid::new(&[usize::MAX, 2], &[1, 1]).is_err());
        ChunkGrid::new(&[1; 32], &[1; 32]).unwrap();
    }
}
