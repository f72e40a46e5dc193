//! Building messages without `format!`, and finding substrings without the standard
//! library's two-way searcher: together they cost the package 7 KB of wasm, for messages
//! that join a few pieces and needles of a few bytes in short texts.

/// A whole number in decimal, as `Display` writes it.
pub fn decimal(n: i64) -> String {
    let mut digits = Vec::new();
    let mut rest = n.unsigned_abs();
    loop {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        digits.push(b'-');
    }
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

/// `bytes` as a byte string: each byte one character, U+0000 to U+00FF. A header value of
/// this form goes on the wire as exactly these bytes.
pub fn byte_string(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Two lowercase hex digits.
pub fn hex_byte(byte: u8) -> [char; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |nibble: u8| char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
    [digit(byte >> 4), digit(byte & 15)]
}

/// The byte offset of the first `needle` in `haystack`. Quadratic at worst, which is nothing
/// for the needles here (a key, a scheme separator, a media type).
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pin) = (haystack.as_bytes(), needle.as_bytes());
    (0..=hay.len().checked_sub(pin.len())?).find(|&i| hay.get(i..i + pin.len()) == Some(pin))
}

/// `haystack` with every `needle` replaced by `with`; `needle` must not be empty.
pub fn replace_all(haystack: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(i) = find(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(with);
        rest = rest.get(i + needle.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_display() {
        for n in [0, 7, 10, 99, 300, 1_614_265_330, -1, -300, i64::MAX, i64::MIN] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn find_matches_str_find() {
        for (hay, needle) in [("", ""), ("abc", ""), ("", "a"), ("a://b://c", "://"), ("aaab", "aab"), ("é..x", ".."), ("ab", "abc"), ("xyz", "q")] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay} {needle}");
        }
    }

    #[test]
    fn replace_all_matches_str_replace() {
        for (hay, needle) in [("key k key", "key"), ("kkk", "kk"), ("no match", "key"), ("", "key"), ("keykey", "key"), ("abc", "")] {
            let expected = if needle.is_empty() { hay.to_owned() } else { hay.replace(needle, "[redacted]") };
            assert_eq!(replace_all(hay, needle, "[redacted]"), expected, "{hay} {needle}");
        }
    }

    #[test]
    fn byte_strings_hold_one_char_per_byte() {
        assert_eq!(byte_string("café".as_bytes()), "caf\u{c3}\u{a9}");
        assert_eq!(byte_string(&[0, 0x7f, 0x80, 0xff]).chars().map(u32::from).collect::<Vec<_>>(), [0, 0x7f, 0x80, 0xff]);
        assert_eq!(byte_string(b""), "");
    }

    #[test]
    fn hex_bytes_match_lower_hex() {
        for b in 0..=255u8 {
            assert_eq!(hex_byte(b).iter().collect::<String>(), format!("{b:02x}"));
        }
    }
}
