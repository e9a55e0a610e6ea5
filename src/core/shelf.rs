//! Interior mutability without a borrow flag: the value is taken out of a `Cell`, handed to a
//! closure and put back. Nothing can fail (a `RefCell` borrow can, and each call site then carries
//! a panic path and its location into the wasm); a re-entrant call would see the default value.
//! Single-threaded, like the rest of the core.

use ::core::cell::Cell;

/// A value reached only through [`Shelf::with`].
#[derive(Default)]
pub struct Shelf<T>(Cell<T>);

impl<T: Default> Shelf<T> {
    /// A shelf holding `value`.
    pub const fn new(value: T) -> Self {
        Shelf(Cell::new(value))
    }

    /// Runs `f` on the value.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut value = self.0.take();
        let out = f(&mut value);
        // What is replaced is the default left by `take` (unless `f` re-entered): forgetting it
        // spares a drop in every instantiation, and at worst leaks.
        ::core::mem::forget(self.0.replace(value));
        out
    }
}

impl<T: Default + Clone> Shelf<T> {
    /// A copy of the value.
    pub fn get(&self) -> T {
        self.with(|v| v.clone())
    }

    /// Replaces the value.
    pub fn set(&self, value: T) {
        self.0.set(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_get_set() {
        let s: Shelf<Vec<u32>> = Shelf::default();
        s.with(|v| v.push(1));
        assert_eq!(s.with(|v| v.len()), 1);
        s.set(vec![2, 3]);
        assert_eq!(s.get(), vec![2, 3]);
        // Re-entrant use sees the default value instead of failing.
        assert_eq!(s.with(|_| s.get()), Vec::<u32>::new());
        assert_eq!(s.get(), vec![2, 3]);
    }
}
