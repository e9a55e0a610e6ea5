//! What the std prelude would give, for the `no_std` shipped build (`tiny` feature).
pub use alloc::string::String;
pub use alloc::vec;
pub use alloc::vec::Vec;
