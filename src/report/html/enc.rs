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
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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
        // A CSP hash of a known script (value from `openssl dgst -sha256 -binary | base64`).
        assert_eq!(csp_script_hash("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc(r#"<script>"a" & 'b'</style>"#), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/style&gt;");
        assert_eq!(esc("Müller\u{0}"), "Müller\u{FFFD}");
    }
}
