//! A strict JSON syntax check (RFC 8259, the grammar `JSON.parse` accepts), without building
//! anything. The activity stream checks each event's data with it and then hands a whole
//! batch of events to one `JSON.parse` as an array: joining checked objects with commas can
//! only ever give an array of exactly those objects.

/// Whether `text` is exactly one JSON object, with optional whitespace around it.
pub fn is_json_object(text: &str) -> bool {
    let bytes = text.as_bytes();
    let start = skip_whitespace(bytes, 0);
    bytes.get(start) == Some(&b'{') && check(bytes, start).is_some_and(|end| skip_whitespace(bytes, end) == bytes.len())
}

#[derive(Clone, Copy)]
enum Expect {
    Value,
    /// A key, or the `}` of an empty object.
    FirstKey,
    Key,
    /// A value, or the `]` of an empty array.
    FirstValue,
    Colon,
    CommaOrClose,
}

/// Checks one value starting at `i`; returns the index after it. Iterative, so that deep
/// nesting costs memory for its stack of brackets, never the call stack.
fn check(b: &[u8], mut i: usize) -> Option<usize> {
    let mut open: Vec<u8> = Vec::new();
    let mut expect = Expect::Value;
    loop {
        i = skip_whitespace(b, i);
        let byte = *b.get(i)?;
        expect = match (expect, byte) {
            (Expect::FirstKey, b'}') | (Expect::FirstValue, b']') => {
                open.pop();
                i += 1;
                Expect::CommaOrClose
            }
            (Expect::FirstKey | Expect::Key, b'"') => {
                i = string(b, i)?;
                Expect::Colon
            }
            (Expect::Colon, b':') => {
                i += 1;
                Expect::Value
            }
            (Expect::CommaOrClose, b',') => {
                i += 1;
                if open.last() == Some(&b'{') { Expect::Key } else { Expect::Value }
            }
            (Expect::CommaOrClose, b'}' | b']') => {
                let opener = if byte == b'}' { b'{' } else { b'[' };
                if open.pop() != Some(opener) {
                    return None;
                }
                i += 1;
                Expect::CommaOrClose
            }
            (Expect::Value | Expect::FirstValue, b'{') => {
                open.push(b'{');
                i += 1;
                Expect::FirstKey
            }
            (Expect::Value | Expect::FirstValue, b'[') => {
                open.push(b'[');
                i += 1;
                Expect::FirstValue
            }
            (Expect::Value | Expect::FirstValue, _) => {
                i = scalar(b, i)?;
                Expect::CommaOrClose
            }
            _ => return None,
        };
        if matches!(expect, Expect::CommaOrClose) && open.is_empty() {
            return Some(i);
        }
    }
}

fn skip_whitespace(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A string, a number, `true`, `false` or `null` at `i`.
fn scalar(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string(b, i),
        b'-' | b'0'..=b'9' => number(b, i),
        _ => ["true", "false", "null"]
            .iter()
            .find(|word| b.get(i..i + word.len()) == Some(word.as_bytes()))
            .map(|word| i + word.len()),
    }
}

/// The string opening at `b[i] == '"'`. The text is valid UTF-8 already; what JSON adds is
/// no raw control characters and only its own escapes.
fn string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => {
                i += 1;
                match *b.get(i)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 1,
                    b'u' if b.get(i + 1..i + 5)?.iter().all(u8::is_ascii_hexdigit) => i += 5,
                    _ => return None,
                }
            }
            0..=0x1f => return None,
            _ => i += 1,
        }
    }
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |from: usize| from + b.iter().skip(from).take_while(|d| d.is_ascii_digit()).count();
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(i),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return None;
        }
        i = end;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECTS: &[&str] = &[
        "{}",
        " {} ",
        "\n{\r\n\t}\n",
        r#"{"type":"agent.heartbeat","agent_id":"ag_xyz","timestamp":"2026-05-25T10:00:00Z"}"#,
        r#"{"a":[],"b":[1,-2,3.5,-0,0.25e10,1E-3,2e+2],"c":{"d":null,"e":true,"f":false}}"#,
        r#"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \uD83D\uDE00 é 😀"}"#,
        r#"{"nested":[[[[{"x":[{}]}]]]]}"#,
        r#"{"":""}"#,
        r#"{"dup":1,"dup":2}"#,
    ];

    const NOT_OBJECTS: &[&str] = &[
        "", " ", "[]", "\"s\"", "1", "null", "{", "}", "{}}", "{}{}", "{},{}", "{} x",
        r#"{"a"}"#, r#"{"a":}"#, r#"{"a":1,}"#, r#"{,"a":1}"#, r#"{"a":1 "b":2}"#, r#"{a:1}"#, r#"{'a':1}"#,
        r#"{"a":[1,]}"#, r#"{"a":[,1]}"#, r#"{"a":[1 2]}"#, r#"{"a":[}"#, r#"{"a":{]}"#, r#"{"a":[1}"#,
        r#"{"a":01}"#, r#"{"a":1.}"#, r#"{"a":.5}"#, r#"{"a":1e}"#, r#"{"a":+1}"#, r#"{"a":-}"#, r#"{"a":0x10}"#,
        r#"{"a":NaN}"#, r#"{"a":Infinity}"#, r#"{"a":tru}"#, r#"{"a":nul}"#, r#"{"a":True}"#,
        r#"{"a":"\x"}"#, r#"{"a":"\u12"}"#, r#"{"a":"\u12g4"}"#, "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
        r#"{"a":"unterminated}"#, "{\"a\":1}\u{a0}", "\u{feff}{}",
        // A data line that would smuggle a second element into a joined array.
        r#"{"a":1},{"b":2}"#, r#"{"a":1}],["x",{"b":2}"#,
    ];

    #[test]
    fn objects() {
        for text in OBJECTS {
            assert!(is_json_object(text), "{text}");
        }
    }

    #[test]
    fn everything_else() {
        for text in NOT_OBJECTS {
            assert!(!is_json_object(text), "{text}");
        }
    }

    #[test]
    fn agrees_with_serde_json() {
        for text in OBJECTS.iter().chain(NOT_OBJECTS) {
            let serde = serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object());
            assert_eq!(is_json_object(text), serde, "{text}");
        }
    }

    #[test]
    fn deep_nesting_does_not_use_the_call_stack() {
        let depth = 1_000_000;
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        assert!(is_json_object(&deep));
        assert!(!is_json_object(&deep[..deep.len() - 2]));
    }
}
