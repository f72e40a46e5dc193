//! Standard base64 with padding (RFC 4648 §4), all that webhook secrets and signatures
//! need. Written out rather than linked: the `base64` crate's general engine cost the
//! package 3 KB of wasm for two calls, and the constant-time `base64ct` 0.8 KB gzip (measured
//! for #19; decoding here is constant-time the same way, for 30 B).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        for (slot, byte) in group.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for i in 0..4 {
            let sextet = (n >> (18 - 6 * i)) & 63;
            // A 6-bit value always indexes the 64-letter alphabet.
            let letter = ALPHABET.get(sextet as usize).copied().unwrap_or(b'=');
            out.push(if i <= chunk.len() { char::from(letter) } else { '=' });
        }
    }
    out
}

/// `None` for anything but canonical padded base64: a wrong letter, a wrong length,
/// misplaced padding, or stray bits after the last byte.
///
/// A webhook secret goes through here, so the letters are decoded as `base64ct` decodes
/// them, in constant time: no branch and no table lookup on a letter's value, and one
/// verdict at the end, so how long decoding takes says nothing about the secret. Only the
/// length and the final padding, which say nothing about it, steer the work. (`base64ct`
/// itself cost 0.8 KB gzip: README, design notes.)
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let groups = bytes.len() / 4;
    // Negative once any letter was not one of the 64 or a stray bit was set.
    let mut invalid = 0i16;
    for (index, group) in bytes.chunks(4).enumerate() {
        // Padding ends the last group; an `=` anywhere else is a wrong letter.
        let padding = if index + 1 == groups { group.iter().rev().take_while(|&&b| b == b'=').count() } else { 0 };
        if padding > 2 {
            return None;
        }
        let mut n = 0u32;
        for &letter in group.iter().take(4 - padding) {
            let sextet = value(letter);
            invalid |= sextet;
            n = n << 6 | (sextet & 63) as u32;
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let kept = 3 - padding;
        for &stray in decoded.iter().skip(kept) {
            invalid |= -i16::from(stray != 0);
        }
        out.extend(decoded.iter().take(kept));
    }
    (invalid >= 0).then_some(out)
}

/// A letter's 6-bit value, or -1, by arithmetic alone (`base64ct`'s way): each term is the
/// letter's offset into its range, masked to zero unless `lo < c < hi`, where
/// `(lo - c) & (c - hi)` is negative and so shifts to all ones.
fn value(letter: u8) -> i16 {
    let c = i16::from(letter);
    let within = |lo: i16, hi: i16| ((lo - c) & (c - hi)) >> 8;
    -1 + (within(0x40, 0x5b) & (c - 64)) // A-Z: 0-25
        + (within(0x60, 0x7b) & (c - 70)) // a-z: 26-51
        + (within(0x2f, 0x3a) & (c + 5)) // 0-9: 52-61
        + (within(0x2a, 0x2c) & 63) // +: 62
        + (within(0x2e, 0x30) & 64) // /: 63
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_vectors_both_ways() {
        for (plain, encoded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).as_deref(), Some(plain.as_bytes()), "{encoded}");
        }
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let part = all.get(..len).unwrap_or_default();
            assert_eq!(decode(&encode(part)).as_deref(), Some(part));
        }
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn each_letter_has_its_alphabet_position_and_nothing_else_a_value() {
        for letter in 0..=255u8 {
            let position = ALPHABET.iter().position(|&a| a == letter).map_or(-1, |p| p as i16);
            assert_eq!(value(letter), position, "{letter:#04x}");
        }
    }

    #[test]
    fn non_canonical_input_is_refused() {
        for bad in ["Zg", "Zg=", "Z===", "Zg==Zg==", "Zh==", "Zm9=", "Zm9v*A==", "Zm 9", "=Zm9", "Zm=v", "ñaaa", "====", "Zm9v====", "Zm9vZ===", "Zm9=Zm9v", "AAA\0"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
