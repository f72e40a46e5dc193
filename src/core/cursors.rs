//! When a listing goes on (seed 000 "Pagination"): "When there are no more results, the
//! cursor field will be null". An explicit `has_more: false` also ends it, and so does a
//! cursor the listing has already followed: a server repeating one, or cycling through a few,
//! would otherwise be paged forever.

#[derive(Debug, Default)]
pub struct Cursors {
    followed: Vec<String>,
}

impl Cursors {
    /// The cursor to fetch the next page with, or `None` when the listing is over.
    pub fn next(&mut self, cursor: Option<String>, has_more: Option<bool>) -> Option<&str> {
        let cursor = cursor.filter(|c| has_more != Some(false) && !self.followed.contains(c))?;
        self.followed.push(cursor);
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
        assert_eq!(c.next(some("a"), Some(true)), Some("a"));
        assert_eq!(c.next(some("b"), None), Some("b"), "has_more is optional: the cursor says it");
        assert_eq!(c.next(None, Some(true)), None);
        assert_eq!(Cursors::default().next(some("x"), Some(false)), None);
    }

    #[test]
    fn a_cursor_already_followed_ends_the_listing() {
        let mut c = Cursors::default();
        assert_eq!(c.next(some("a"), None), Some("a"));
        assert_eq!(c.next(some("b"), None), Some("b"));
        assert_eq!(c.next(some("a"), None), None, "a cycle a → b → a");
        let mut same = Cursors::default();
        assert_eq!(same.next(some("a"), None), Some("a"));
        assert_eq!(same.next(some("a"), None), None);
    }
}
