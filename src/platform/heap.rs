//! The shipped wasm's allocator: power-of-two size classes, one free list each, blocks carved from
//! pages that `memory.grow` adds. Allocation and release are O(1) and the code is a few hundred
//! bytes (talc, a general-purpose allocator, was 1.4 KB). A freed block serves later requests of
//! its class only, and memory never shrinks (wasm cannot give it back anyway): lpmon allocates a
//! handful of sizes over and over, and everything it keeps is bounded.
//!
//! Single-threaded, like the rest of the platform (see the `atomics` check in lib.rs).

use ::core::alloc::{GlobalAlloc, Layout};
use ::core::arch::wasm32::memory_grow;
use ::core::cell::Cell;
use ::core::ptr::{copy_nonoverlapping, null_mut};

const PAGE: usize = 65_536;
/// Blocks of 2^3 to 2^31 bytes.
const CLASSES: usize = 32;

/// The allocator.
pub struct Heap {
    /// The first free block of each class; a free block starts with the address of the next.
    free: [Cell<usize>; CLASSES],
    /// Where the next new block may start, and the end of the memory the heap owns.
    next: Cell<usize>,
    end: Cell<usize>,
}

// SAFETY: single-threaded wasm (lib.rs refuses to build with atomics).
unsafe impl Sync for Heap {}

impl Heap {
    /// An empty heap; it takes its memory from pages it adds.
    pub const fn new() -> Heap {
        Heap {
            free: [const { Cell::new(0) }; CLASSES],
            next: Cell::new(0),
            end: Cell::new(0),
        }
    }

    /// A new block of `size` (a power of two) bytes, aligned to its size up to a page, or 0 when
    /// memory cannot grow. Pages are added as needed; if they do not follow the heap's own (some
    /// other code grew the memory meanwhile), carving goes on from the new pages.
    fn carve(&self, size: usize) -> usize {
        let align = size.min(PAGE);
        loop {
            let start = (self.next.get() + align - 1) & !(align - 1);
            let Some(stop) = start.checked_add(size) else {
                return 0;
            };
            if stop <= self.end.get() {
                self.next.set(stop);
                return start;
            }
            let pages = (stop - self.end.get()).div_ceil(PAGE);
            let first = memory_grow(0, pages);
            let Some(end) = first
                .checked_mul(PAGE)
                .and_then(|base| base.checked_add(pages * PAGE))
            else {
                return 0;
            };
            if first * PAGE != self.end.get() {
                self.next.set(first * PAGE);
            }
            self.end.set(end);
        }
    }
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

/// The size class of `layout`: blocks of `1 << class` bytes hold it (size and alignment).
pub fn class(layout: Layout) -> usize {
    let size = layout.size().max(layout.align()).max(8);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

// SAFETY: blocks of a class never overlap (carved once from fresh memory, then handed out only
// after being freed); a block of class c is 2^c bytes, at least the layout's size, and aligned to
// min(2^c, 64 KiB), at least the layout's alignment (larger alignments are refused).
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let c = class(layout);
        let Some(head) = self.free.get(c) else {
            return null_mut();
        };
        if layout.align() > PAGE {
            return null_mut();
        }
        let block = head.get();
        if block != 0 {
            // SAFETY: a free block of this class, whose first word links to the next.
            head.set(unsafe { *(block as *const usize) });
            return block as *mut u8;
        }
        self.carve(1 << c) as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(head) = self.free.get(class(layout)) {
            // SAFETY: the caller gives back a block of this class (at least 8 bytes, aligned).
            unsafe { *(ptr as *mut usize) = head.get() };
            head.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees a valid layout for `new_size` with the same alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(new) == class(layout) {
            return ptr;
        }
        // SAFETY: as for `alloc`; both blocks are live and distinct while copying.
        unsafe {
            let fresh = self.alloc(new);
            if !fresh.is_null() {
                copy_nonoverlapping(ptr, fresh, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            fresh
        }
    }
}
