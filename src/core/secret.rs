//! The API key in wasm memory: read where it is needed, and overwritten with zeros (not
//! merely freed, which leaves the bytes until the allocator reuses them) when the client
//! is freed. This does not hide the key from code running in the same process, which can
//! read wasm memory and the JavaScript strings the key was handed in and sent as; it keeps
//! a freed client from leaving the key behind in wasm memory.

use std::cell::{Ref, RefCell};

pub struct Secret(RefCell<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(RefCell::new(value))
    }

    pub fn read(&self) -> Ref<'_, str> {
        Ref::map(self.0.borrow(), String::as_str)
    }

    /// Zeroes the key in place; it reads as empty from then on.
    pub fn wipe(&self) {
        if let Ok(mut value) = self.0.try_borrow_mut() {
            wipe(std::mem::take(&mut *value));
        }
    }
}

/// Overwrites a string's bytes with zeros before freeing them: for every copy of the key
/// made on the way to somewhere else.
pub fn wipe(value: String) {
    let mut bytes = value.into_bytes();
    bytes.fill(0);
    // The zeros must be written although nothing reads them before the free.
    std::hint::black_box(&bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wiped_secret_reads_empty() {
        let secret = Secret::new("capx_sk_test_x".to_owned());
        assert_eq!(&*secret.read(), "capx_sk_test_x");
        secret.wipe();
        assert_eq!(&*secret.read(), "");
        secret.wipe();
    }
}
