//! Encoders the self-contained HTML needs, written out to avoid dependencies:
//! HTML escaping, base64 (RFC 4648, standard alphabet with padding) for the
//! PNG data URIs, and SHA-256 (FIPS 180-4) for the Content-Security-Policy
//! hash that allows exactly one inline script.

/// Escape text for an HTML text node or a double- or single-quoted attribute
/// value: `& < > " '` become character references, so a label such as
/// `</style><script>` or `"x" onload=` cannot leave its context.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are not allowed in HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 with the standard alphabet and `=` padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64_into(&mut out, bytes);
    out
}

/// [`base64`] appended to `out` (the report's PNG data URIs go straight into
/// the page, without a string of their own): 192 input bytes at a time
/// become 256 ASCII bytes in a stack buffer, appended at once; ~0.2 ms
/// instead of ~0.4 ms for a trial's 280 kB of PNGs (issue 8).
pub fn base64_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let mut buf = [0u8; 256];
    let mut blocks = bytes.chunks_exact(192);
    for block in &mut blocks {
        for (quad, t) in buf.chunks_exact_mut(4).zip(block.chunks_exact(3)) {
            let n = (u32::from(t[0]) << 16) | (u32::from(t[1]) << 8) | u32::from(t[2]);
            quad[0] = B64[(n >> 18) as usize & 63];
            quad[1] = B64[(n >> 12) as usize & 63];
            quad[2] = B64[(n >> 6) as usize & 63];
            quad[3] = B64[n as usize & 63];
        }
        out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
    }
    let mut k = 0;
    for chunk in blocks.remainder().chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            buf[k] = if i <= chunk.len() { B64[((n >> (18 - 6 * i)) & 63) as usize] } else { b'=' };
            k += 1;
        }
    }
    out.push_str(std::str::from_utf8(&buf[..k]).unwrap_or_default());
}

/// SHA-256 digest (FIPS 180-4): the one implementation, in [`crate::privacy`]
/// (checked there against the FIPS 180 and RFC 4231 vectors).
pub use crate::privacy::sha256;

/// The CSP source expression allowing exactly the inline script `script`
/// (`'sha256-<base64 digest>'`, CSP Level 2 §4.2.4).
pub fn csp_script_hash(script: &str) -> String {
    format!("'sha256-{}'", base64(&sha256(script.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: &[u8]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_matches_the_fips_vectors() {
        // FIPS 180-4 examples (one block, two blocks) and the empty message.
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")];
        for (i, o) in cases {
            assert_eq!(base64(i.as_bytes()), o, "{i:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xfe]), "+//+");
        // Whole 192-byte blocks and every tail length against the bit-by-bit
        // definition: 6 bits per character, MSB first, `=` per missing byte.
        let data: Vec<u8> = (0..1000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for n in [0, 1, 2, 3, 191, 192, 193, 194, 383, 384, 385, 1000] {
            let bits: Vec<bool> = data[..n].iter().flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1)).collect();
            let mut want: String = bits
                .chunks(6)
                .map(|c| B64[(0..6).fold(0, |a, i| a << 1 | usize::from(c.get(i).copied().unwrap_or(false)))] as char)
                .collect();
            while !want.len().is_multiple_of(4) {
                want.push('=');
            }
            assert_eq!(base64(&data[..n]), want, "{n} bytes");
            let mut out = String::from("x");
            base64_into(&mut out, &data[..n]);
            assert_eq!(out[1..], want);
        }
        // A CSP hash of a known script (value from `openssl dgst -sha256 -binary | base64`).
        assert_eq!(csp_script_hash("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc(r#"<script>"a" & 'b'</style>"#), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/style&gt;");
        assert_eq!(esc("Müller\u{0}"), "Müller\u{FFFD}");
    }
}
