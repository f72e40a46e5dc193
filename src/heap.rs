//! The wasm heap: power-of-two size classes, each a free list, carved from the pages that
//! `memory.grow` adds. Allocating and freeing are O(1) whatever is live: a coalescing free
//! list (lol_alloc's) walks its list on every free, which with 16 requests in flight was a
//! fifth of the client's time, and dlmalloc costs 2.3 KB gzip more. The price is rounding up
//! (at most 2×) and blocks that stay in their class once freed; the client's allocations are
//! small, short-lived and of few sizes, so a class refills from its own frees.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

/// A free block holds the address of the next one: the smallest block is a pointer.
const MIN_BLOCK: usize = std::mem::size_of::<usize>();
const CLASSES: usize = usize::BITS as usize;
const PAGE: usize = 65_536;

/// Where fresh memory comes from: `grow(bytes)` adds at least `bytes` (a multiple of the
/// page) and returns the address where they start, or `None` when memory is exhausted.
pub trait Pages {
    fn grow(&self, bytes: usize) -> Option<usize>;
}

pub struct Heap<P> {
    pages: P,
    state: UnsafeCell<State>,
}

struct State {
    /// The first free block of each class (`1 << class` bytes), 0 when none.
    free: [usize; CLASSES],
    /// Never-used memory: `[bump, end)`.
    bump: usize,
    end: usize,
}

impl<P: Pages> Heap<P> {
    pub const fn new(pages: P) -> Self {
        Self { pages, state: UnsafeCell::new(State { free: [0; CLASSES], bump: 0, end: 0 }) }
    }
}

/// The class of blocks that fit `layout`: blocks are aligned to their size.
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(MIN_BLOCK).checked_next_power_of_two()?;
    Some(size.trailing_zeros() as usize)
}

impl State {
    /// # Safety
    /// `block` is `1 << class` bytes, aligned to that, owned by the heap and unused.
    unsafe fn push(&mut self, class: usize, block: usize) {
        let Some(head) = self.free.get_mut(class) else { return };
        (block as *mut usize).write(*head);
        *head = block;
    }

    /// Hands `[self.bump, to)` to the free lists as the largest aligned blocks that fit.
    unsafe fn retire(&mut self, to: usize) {
        while to - self.bump >= MIN_BLOCK {
            // The largest power of two that divides bump (bump 0 is divided by any).
            let mut size = match self.bump & self.bump.wrapping_neg() {
                0 => 1 << (usize::BITS - 1),
                lowest => lowest,
            };
            while size > to - self.bump {
                size >>= 1;
            }
            self.push(size.trailing_zeros() as usize, self.bump);
            self.bump += size;
        }
    }
}

unsafe impl<P: Pages> GlobalAlloc for Heap<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout) else { return null_mut() };
        let s = &mut *self.state.get();
        if let Some(head) = s.free.get_mut(class).filter(|head| **head != 0) {
            let block = *head;
            *head = (block as *const usize).read();
            return block as *mut u8;
        }
        let size = 1usize << class;
        let aligned = |at: usize| at.checked_add(size - 1).map(|a| a & !(size - 1));
        let mut start = aligned(s.bump);
        if start.and_then(|a| a.checked_add(size)).is_none_or(|last| last > s.end) {
            let need = size.saturating_add(size).saturating_add(PAGE - 1) & !(PAGE - 1);
            let Some(base) = self.pages.grow(need) else { return null_mut() };
            if base != s.end {
                // Something else grew memory in between: what was left stays usable.
                s.retire(s.end);
                s.bump = base;
            }
            s.end = base.saturating_add(need);
            start = aligned(s.bump);
        }
        let Some(start) = start else { return null_mut() };
        s.retire(start);
        s.bump = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(class) = class(layout) {
            (*self.state.get()).push(class, ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else { return null_mut() };
        if class(layout) == class(new_layout) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}

/// The instance's linear memory.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for WasmMemory {
    fn grow(&self, bytes: usize) -> Option<usize> {
        let previous = core::arch::wasm32::memory_grow(0, bytes / PAGE);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

// SAFETY: a wasm instance of this crate runs on one thread (no shared memory, no atomics
// target feature), so the heap's state is never touched by two threads.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for Heap<WasmMemory> {}

#[cfg(test)]
mod tests;
