//! The wasm heap: power-of-two size classes, each a free list, carved from the pages that
//! `memory.grow` adds. Allocating and freeing are O(1) whatever is live: a coalescing free
//! list (lol_alloc's) walks its list on every free, which with 16 requests in flight was a
//! fifth of the client's time, and dlmalloc costs 2.3 KB gzip more (talc 391 B, and was 1.7×
//! slower through allocation churn in wasm: README, design notes). The price is rounding up
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
///
/// # Safety
/// The heap writes its own bookkeeping into what `grow` returns: each range it returns must
/// be readable, writable, owned by no one else, and never returned again; and `grow` must not
/// allocate from the heap that calls it.
pub unsafe trait Pages {
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
        // SAFETY: the caller hands over an unused block of at least MIN_BLOCK bytes, aligned
        // to its size and so to a usize: room for the link to the next free block.
        unsafe { (block as *mut usize).write(*head) };
        *head = block;
    }

    /// Hands `[self.bump, to)` to the free lists as the largest aligned blocks that fit.
    ///
    /// # Safety
    /// `self.bump <= to`, and `[self.bump, to)` is memory from `Pages::grow` that no block
    /// handed out or on a free list overlaps.
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
            // SAFETY: `size` bytes at `bump` lie in the unused range the caller gave, and
            // `size` divides `bump`: an aligned block of its class.
            unsafe { self.push(size.trailing_zeros() as usize, self.bump) };
            self.bump += size;
        }
    }
}

// SAFETY: every block handed out is `1 << class(layout)` bytes, so at least `layout.size()`,
// aligned to its size, so to `layout.align()`, and off every free list until freed; blocks
// come from `Pages`, which hands each range out once (its own safety contract).
unsafe impl<P: Pages> GlobalAlloc for Heap<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout) else { return null_mut() };
        // SAFETY: the heap is used from one thread (see `Sync` below) and nothing here calls
        // back into it (`Pages::grow` does not allocate), so this is the only reference.
        let s = unsafe { &mut *self.state.get() };
        if let Some(head) = s.free.get_mut(class).filter(|head| **head != 0) {
            let block = *head;
            // SAFETY: a block on a free list holds the address of the next (`push`).
            *head = unsafe { (block as *const usize).read() };
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
                // SAFETY: `[bump, end)` is the unused rest of earlier pages, `bump <= end`.
                unsafe { s.retire(s.end) };
                s.bump = base;
            }
            s.end = base.saturating_add(need);
            start = aligned(s.bump);
        }
        let Some(start) = start else { return null_mut() };
        // SAFETY: `start` is `bump` rounded up within `[bump, end)`: what lies below it is unused.
        unsafe { s.retire(start) };
        s.bump = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(class) = class(layout) {
            // SAFETY: `ptr` was allocated with `layout` (GlobalAlloc's contract), so it is a
            // block of this class, no longer used; one thread, no other reference to the state.
            unsafe { (*self.state.get()).push(class, ptr as usize) };
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else { return null_mut() };
        if class(layout) == class(new_layout) {
            return ptr;
        }
        // SAFETY: `new_layout` has a non-zero size (GlobalAlloc's contract for realloc).
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least the bytes copied, and a live block and a fresh
            // one never overlap; `ptr` came from this heap with `layout` and is freed once.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// The instance's linear memory.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

// SAFETY: `memory.grow` adds fresh pages after every byte in use and returns the old size:
// the new range is the heap's alone (nothing else in the crate grows memory for its own use,
// and a grow by anyone else only moves the next range further up).
#[cfg(target_arch = "wasm32")]
unsafe impl Pages for WasmMemory {
    fn grow(&self, bytes: usize) -> Option<usize> {
        let previous = core::arch::wasm32::memory_grow(0, bytes / PAGE);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

// SAFETY: without the atomics target feature a wasm instance has no shared memory and runs
// on one thread, so the heap's state is never touched by two threads at once.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl Sync for Heap<WasmMemory> {}

// With atomics, threads share the memory and this heap has no lock: refuse to build rather
// than let two threads hand out the same block. (Stable rustc hides unstable features from
// `cfg`, but shared memory needs std rebuilt with atomics, `-Zbuild-std`, whose unstable
// flags show them: wasm-ld refuses `--shared-memory` with the prebuilt std. Checked with
// `RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Ctarget-feature=+atomics cargo check --target wasm32-unknown-unknown`.)
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("src/heap.rs is single-threaded: a wasm build with the atomics target feature needs a locking allocator");

#[cfg(test)]
mod tests;
