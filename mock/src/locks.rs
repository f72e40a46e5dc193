//! Taking a std mutex without ever panicking on a poisoned one.

use std::sync::{Mutex, MutexGuard};

/// A poisoned lock only means another request panicked mid-update; the data is still the
/// best there is, and the mock must keep answering.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
