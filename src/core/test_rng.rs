//! xorshift for tests: inputs, sizes and orders that vary but reproduce.

/// `rng(seed)(n)` is a number below `n`.
pub fn rng(seed: u64) -> impl FnMut(usize) -> usize {
    let mut x = seed;
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    }
}
