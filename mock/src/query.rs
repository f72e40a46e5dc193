//! The query string as `(name, value)` pairs, percent-decoded (`+` is a space).

pub fn parse(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        let pairs = super::parse("since=2026-05-25T12%3A00%3A00%2B02%3A00&status=in_progress&x&q=a+b&bad=%zz");
        let want = [("since", "2026-05-25T12:00:00+02:00"), ("status", "in_progress"), ("x", ""), ("q", "a b"), ("bad", "%zz")];
        assert_eq!(pairs, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }
}
