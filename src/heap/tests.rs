#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::core::test_rng::rng;
use std::cell::Cell;

/// Pages from one big native allocation; `gap` pages are skipped before each grow, as when
/// something else grew the wasm memory in between.
struct Arena {
    base: usize,
    len: usize,
    used: Cell<usize>,
    gap: usize,
}

impl Arena {
    fn new(pages: usize, gap: usize) -> Self {
        let layout = Layout::from_size_align(pages * PAGE, PAGE).unwrap();
        // Leaked: the heaps under test hand out pointers into it until the process ends.
        // SAFETY: the layout's size is not zero.
        let base = unsafe { std::alloc::alloc(layout) } as usize;
        assert_ne!(base, 0);
        Self { base, len: pages * PAGE, used: Cell::new(0), gap }
    }
}

// SAFETY: each range is a part of the arena's own allocation past every range before it.
unsafe impl Pages for Arena {
    fn grow(&self, bytes: usize) -> Option<usize> {
        assert_eq!(bytes % PAGE, 0);
        let start = self.used.get() + self.gap * PAGE;
        if start + bytes > self.len {
            return None;
        }
        self.used.set(start + bytes);
        Some(self.base + start)
    }
}


/// Random allocations, frees and reallocations, each block filled with its own byte: no two
/// live blocks overlap, every block is aligned, and contents survive everything else.
fn churn(heap: &Heap<Arena>, seed: u64, rounds: usize) {
    let mut next = rng(seed);
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    for round in 0..rounds {
        let tag = (round % 251) as u8 + 1;
        match next(10) {
            0..=4 => {
                let size = if next(200) == 0 { 1 + next(200_000) } else { 1 + next(3000) };
                let layout = Layout::from_size_align(size, 1 << next(7)).unwrap();
                // SAFETY: the size is at least 1.
                let p = unsafe { heap.alloc(layout) };
                assert!(!p.is_null());
                assert_eq!(p as usize % layout.align(), 0, "{layout:?}");
                // SAFETY: a block of `size` bytes (checked non-null above).
                unsafe { p.write_bytes(tag, size) };
                live.push((p, layout, tag));
            }
            5..=7 if !live.is_empty() => {
                let (p, layout, tag) = live.swap_remove(next(live.len()));
                // SAFETY: a live block of `layout.size()` bytes, all written with `tag`.
                let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
                assert!(bytes.iter().all(|&b| b == tag), "a block was overwritten");
                // SAFETY: allocated by this heap with `layout`, freed once (removed from `live`).
                unsafe { heap.dealloc(p, layout) };
            }
            _ if !live.is_empty() => {
                let i = next(live.len());
                let (p, layout, old) = live[i];
                let new_size = 1 + next(6000);
                // SAFETY: a live block of this heap with `layout`; the new size is at least 1.
                let q = unsafe { heap.realloc(p, layout, new_size) };
                assert!(!q.is_null());
                // SAFETY: realloc kept (and initialized) the smaller of the two sizes.
                let kept = unsafe { std::slice::from_raw_parts(q, layout.size().min(new_size)) };
                assert!(kept.iter().all(|&b| b == old), "realloc keeps the contents");
                // SAFETY: the block now holds `new_size` bytes.
                unsafe { q.write_bytes(tag, new_size) };
                live[i] = (q, Layout::from_size_align(new_size, layout.align()).unwrap(), tag);
            }
            _ => {}
        }
    }
    let mut spans: Vec<(usize, usize)> = live.iter().map(|(p, l, _)| (*p as usize, *p as usize + l.size())).collect();
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "live blocks overlap");
    for (p, layout, tag) in live {
        // SAFETY: a live block of `layout.size()` bytes, all written with its tag.
        let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
        assert!(bytes.iter().all(|&b| b == tag), "a block was overwritten");
    }
}

#[test]
fn blocks_are_aligned_disjoint_and_keep_their_contents() {
    for seed in 1..6 {
        churn(&Heap::new(Arena::new(1024, 0)), seed, 20_000);
    }
}

#[test]
fn memory_grown_by_someone_else_in_between_is_skipped() {
    churn(&Heap::new(Arena::new(1024, 1)), 7, 20_000);
}

#[test]
fn a_freed_block_is_the_next_one_of_its_class() {
    let heap = Heap::new(Arena::new(4, 0));
    let layout = Layout::from_size_align(100, 8).unwrap();
    // SAFETY: in this test every layout has a non-zero size, `a` is freed once with the layout
    // it was allocated with, and `b` is reallocated from its own layout.
    let (a, b) = unsafe { (heap.alloc(layout), heap.alloc(layout)) };
    assert_eq!(b as usize - a as usize, 128, "100 bytes take a 128-byte block");
    // SAFETY: see above.
    unsafe { heap.dealloc(a, layout) };
    // SAFETY: see above.
    assert_eq!(unsafe { heap.alloc(Layout::from_size_align(65, 1).unwrap()) }, a, "same class, same block");
    // SAFETY: see above.
    assert_eq!(unsafe { heap.realloc(b, layout, 128) }, b, "growing within the class stays in place");
}

#[test]
fn large_blocks_are_aligned_to_their_size_and_the_rest_is_not_lost() {
    let heap = Heap::new(Arena::new(64, 0));
    // SAFETY: in this test, allocations of non-zero sizes, never freed.
    let small = unsafe { heap.alloc(Layout::from_size_align(24, 8).unwrap()) };
    // SAFETY: see above.
    let big = unsafe { heap.alloc(Layout::from_size_align(300_000, 1).unwrap()) };
    assert_eq!(big as usize % 524_288, 0);
    // The gap below the big block went to the free lists: 32 more small blocks need no page.
    let used = heap.pages.used.get();
    for _ in 0..32 {
        // SAFETY: see above.
        assert!(!unsafe { heap.alloc(Layout::from_size_align(24, 8).unwrap()) }.is_null());
    }
    assert_eq!(heap.pages.used.get(), used);
    assert!(!small.is_null());
}

#[test]
fn exhausted_memory_is_a_null_pointer_not_a_panic() {
    let heap = Heap::new(Arena::new(2, 0));
    // SAFETY: in this test, allocations of non-zero sizes, never freed.
    assert!(unsafe { heap.alloc(Layout::from_size_align(1 << 20, 1).unwrap()) }.is_null());
    // SAFETY: see above.
    assert!(unsafe { heap.alloc(Layout::from_size_align(isize::MAX as usize, 1).unwrap()) }.is_null());
    // SAFETY: see above.
    assert!(!unsafe { heap.alloc(Layout::from_size_align(1000, 8).unwrap()) }.is_null(), "and what fits still works");
}
