//! Byte scans sixteen bytes at a time. In the wasm, which every build compiles with wasm's
//! 128-bit SIMD (`scripts/build.sh`, `.cargo/config.toml`), a vector is a `v128` and each step
//! below is one SIMD instruction. Elsewhere (native tests, the fuzzers) the same steps run on
//! a `[u8; 16]` lane by lane, so the scans built on them (`core::sse`'s line ends,
//! `core::activity`'s bracket count) are one code wherever they run, fuzzed natively; only
//! these steps differ, and the scans' tests run in wasm too (`scripts/test.sh`).

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_load, v128_or};

    pub type Vector = v128;

    #[inline(always)]
    pub fn load(block: &[u8; 16]) -> Vector {
        // SAFETY: `block` is 16 readable bytes, and v128.load needs no alignment.
        unsafe { v128_load(block.as_ptr().cast::<v128>()) }
    }

    #[inline(always)]
    pub fn either(v: Vector, a: u8, b: u8) -> u16 {
        u8x16_bitmask(v128_or(u8x16_eq(v, u8x16_splat(a)), u8x16_eq(v, u8x16_splat(b))))
    }

    #[inline(always)]
    pub fn or_each(v: Vector, bits: u8) -> Vector {
        v128_or(v, u8x16_splat(bits))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    pub type Vector = [u8; 16];

    pub fn load(block: &[u8; 16]) -> Vector {
        *block
    }

    pub fn either(v: Vector, a: u8, b: u8) -> u16 {
        v.iter().rev().fold(0, |mask, &x| mask << 1 | u16::from(x == a || x == b))
    }

    pub fn or_each(v: Vector, bits: u8) -> Vector {
        v.map(|x| x | bits)
    }
}

pub use lanes::{or_each, Vector};

// The wasm tests exist to run the SIMD steps: built without them, they would pass on the
// lane-by-lane ones instead. (`.cargo/config.toml` turns simd128 on for every wasm build.)
#[cfg(all(test, target_arch = "wasm32", not(target_feature = "simd128")))]
compile_error!("the wasm tests need wasm's SIMD: -Ctarget-feature=+simd128");

/// `bytes` as vectors of sixteen, and the bytes left over.
#[inline(always)]
pub fn vectors(bytes: &[u8]) -> (impl Iterator<Item = Vector> + '_, &[u8]) {
    let (blocks, rest) = bytes.as_chunks::<16>();
    (blocks.iter().map(lanes::load), rest)
}

/// One bit per lane of `v` that equals `a` or `b`, lane 0 lowest.
#[inline(always)]
pub fn either(v: Vector, a: u8, b: u8) -> u16 {
    lanes::either(v, a, b)
}
