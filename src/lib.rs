//! capx: the Capx API client for edge functions, Node and browsers, compiled to WebAssembly.
//!
//! `core` is pure Rust and holds every rule; the rest is the thin JavaScript-facing layer.
//! Without the default `client` feature, the wasm is the browser build: `openActivityFeed`,
//! `parseEnvelope`, `isTerminalStatus`, `canTransition`, `CapxError` and the types, no key.

// Each unsafe operation in its own `unsafe` block with the reason it is sound (`// SAFETY:`,
// which clippy's undocumented_unsafe_blocks requires, Cargo.toml), even inside an `unsafe fn`.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod core;

#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod call;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod client;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod edge;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod events;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod feed;
#[cfg(target_arch = "wasm32")]
mod headers;
#[cfg(target_arch = "wasm32")]
mod json;
#[cfg(target_arch = "wasm32")]
mod options;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod pagination;
#[cfg(target_arch = "wasm32")]
mod platform;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod resources;
#[cfg(target_arch = "wasm32")]
mod shape;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod stream;
#[cfg(target_arch = "wasm32")]
mod sys;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod transport;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod types;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod webhook;

#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use client::Capx;
#[cfg(target_arch = "wasm32")]
pub use exports::{can_transition, is_terminal_status, parse_envelope_js};
#[cfg(target_arch = "wasm32")]
pub use feed::open_activity_feed;

#[cfg(any(test, target_arch = "wasm32"))]
mod heap;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: heap::Heap<heap::WasmMemory> = heap::Heap::new(heap::WasmMemory);
