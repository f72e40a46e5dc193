//! When a listing goes on (seed 000 "Pagination"): "When there are no more results, the
//! cursor field will be null". An explicit `has_more: false` also ends it, and so does a
//! cursor the listing has already followed: a server repeating one, or cycling through a few,
//! would otherwise be paged forever.

#[derive(Debug, Default, Clone)]
pub struct Cursors {
    followed: Vec<String>,
}

impl Cursors {
    /// Takes a page's `cursor` and `has_more`: `false` when the listing is over, else the
    /// cursor becomes `current()`.
    pub fn follow(&mut self, cursor: Option<String>, has_more: Option<bool>) -> bool {
        let Some(cursor) = cursor.filter(|c| has_more != Some(false) && !self.followed.contains(c)) else { return false };
        self.followed.push(cursor);
        true
    }

    /// The cursor to fetch the next page with (`None` before the first page).
    pub fn current(&self) -> Option<&str> {
        self.followed.last().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_null_cursor_or_has_more_false_ends_the_listing() {
        let mut c = Cursors::default();
        assert_eq!(c.current(), None);
        assert!(c.follow(some("a"), Some(true)));
        assert_eq!(c.current(), Some("a"));
        assert!(c.follow(some("b"), None), "has_more is optional: the cursor says it");
        assert_eq!(c.current(), Some("b"));
        assert!(!c.follow(None, Some(true)));
        assert!(!Cursors::default().follow(some("x"), Some(false)));
    }

    #[test]
    fn a_cursor_already_followed_ends_the_listing() {
        let mut c = Cursors::default();
        assert!(c.follow(some("a"), None));
        assert!(c.follow(some("b"), None));
        assert!(!c.follow(some("a"), None), "a cycle a → b → a");
        let mut same = Cursors::default();
        assert!(same.follow(some("a"), None));
        assert!(!same.follow(some("a"), None));
    }
}
