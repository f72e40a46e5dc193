//! capx: the Capx API client for edge functions, Node and browsers, compiled to WebAssembly.
//!
//! `core` is pure Rust and holds every rule; the rest is the thin JavaScript-facing layer.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
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
#[cfg(target_arch = "wasm32")]
mod pagination;
#[cfg(target_arch = "wasm32")]
mod resources;
#[cfg(target_arch = "wasm32")]
mod stream;
#[cfg(target_arch = "wasm32")]
mod sys;
#[cfg(target_arch = "wasm32")]
mod transport;
#[cfg(target_arch = "wasm32")]
mod types;
#[cfg(target_arch = "wasm32")]
mod webhook;

#[cfg(target_arch = "wasm32")]
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
