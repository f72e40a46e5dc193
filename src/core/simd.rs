//! Byte scans sixteen bytes at a time with wasm's 128-bit SIMD, which every wasm build
//! enables (`scripts/build.sh`, `.cargo/config.toml`); native builds scan otherwise.
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_load, v128_or};

/// `bytes` as vectors of sixteen, and the bytes left over.
pub fn vectors(bytes: &[u8]) -> (impl Iterator<Item = v128> + '_, &[u8]) {
    let blocks = bytes.chunks_exact(16);
    let rest = blocks.remainder();
    // SAFETY: each block is 16 readable bytes, and v128.load needs no alignment.
    (blocks.map(|block| unsafe { v128_load(block.as_ptr().cast::<v128>()) }), rest)
}

/// One bit per lane of `v` that equals `a` or `b`, lane 0 lowest.
#[inline(always)]
pub fn either(v: v128, a: u8, b: u8) -> u16 {
    u8x16_bitmask(v128_or(u8x16_eq(v, u8x16_splat(a)), u8x16_eq(v, u8x16_splat(b))))
}
