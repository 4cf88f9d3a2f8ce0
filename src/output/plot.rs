//! Chart plumbing shared by the report charts ([`crate::report::charts`]):
//! the embedded DejaVu Sans registered with plotters (no system fonts
//! needed) and the RGB buffer → PNG encoder.

use crate::error::Error;
use crate::events::Event;
use crate::trial::Trial;
use std::sync::Once;

static FONTS: Once = Once::new();

/// Register the embedded fonts with plotters (once per process).
pub fn register_fonts() {
    FONTS.call_once(|| {
        use plotters::style::{FontStyle, register_font};
        let _ = register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// How [`encode_png_with`] writes a canvas: as a palette image when it has at
/// most 256 colours (`indexed`), with `deflate` and row `filter`; else as
/// RGB with `rgb_deflate` and `rgb_filter`.
#[derive(Debug, Clone, Copy)]
pub struct PngSettings {
    pub indexed: bool,
    pub deflate: png::DeflateCompression,
    pub filter: png::Filter,
    pub rgb_deflate: png::DeflateCompression,
    pub rgb_filter: png::Filter,
}

/// What [`encode_png`] uses, chosen on the demo walker's six charts
/// (`cargo bench --bench charts`; figures in `benches/README.md`, "Chart
/// rendering and encoding"). Palette images: `fdeflate` (`Compression::Fast`)
/// with adaptive filtering, 4.8 ms for the five palette charts against
/// 19.4 ms with zlib level 6 (`Compression::Balanced`), for 1.4x the bytes
/// (162 against 115 kB). RGB (the angle chart, > 256 colours): zlib level 3
/// without filtering, 10.3 ms and 147 kB, both below `Balanced`'s 20.4 ms and
/// 167 kB (`fdeflate` would be 2.5 ms but 346 kB: it is tuned for filtered
/// data, and plots with long flat runs compress better unfiltered).
pub const PNG_SETTINGS: PngSettings = PngSettings {
    indexed: true,
    deflate: png::DeflateCompression::FdeflateUltraFast,
    filter: png::Filter::Adaptive,
    rgb_deflate: png::DeflateCompression::Level(3),
    rgb_filter: png::Filter::NoFilter,
};

/// Encode an RGB buffer as PNG (deterministic bytes, exactly lossless) with
/// [`PNG_SETTINGS`].
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Error> {
    encode_png_with(rgb, w, h, PNG_SETTINGS)
}

/// Encode an RGB buffer as PNG with `s`. With `s.indexed` and at most 256
/// distinct colours the image is written as an indexed PNG (PLTE, colours in
/// order of first occurrence in scan order, 1, 2, 4 or 8 bits a pixel: the
/// fewest that hold the palette), which decodes to exactly the same RGB
/// bytes; otherwise as 8-bit RGB. An `rgb` of the wrong length is an error.
pub fn encode_png_with(rgb: &[u8], w: u32, h: u32, s: PngSettings) -> Result<Vec<u8>, Error> {
    encode(rgb, w, h, s, |rgb| Indexed::of(rgb, w as usize))
}

/// [`encode_png`] of an image drawn in horizontal bands of `rows` rows
/// (the rest of the image, if any, a last band): the palette is counted per
/// band in parallel ([`Indexed::of_bands`]); the same bytes.
pub fn encode_png_bands(rgb: &[u8], w: u32, h: u32, rows: &[usize]) -> Result<Vec<u8>, Error> {
    encode(rgb, w, h, PNG_SETTINGS, |rgb| Indexed::of_bands(rgb, w as usize, rows))
}

fn encode(
    rgb: &[u8],
    w: u32,
    h: u32,
    s: PngSettings,
    palette: impl FnOnce(&[u8]) -> Option<Indexed>,
) -> Result<Vec<u8>, Error> {
    let want = w as usize * h as usize * 3;
    if rgb.len() != want {
        return Err(Error::Other(format!("PNG encoding: {} bytes for a {w} x {h} RGB image (want {want})", rgb.len())));
    }
    let indexed = if s.indexed { palette(rgb) } else { None };
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    let packed;
    let data = match &indexed {
        Some(ix) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_depth(ix.depth());
            enc.set_palette(ix.palette.iter().flatten().copied().collect::<Vec<u8>>());
            packed = ix.packed(w as usize);
            &packed[..]
        }
        None => {
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            rgb
        }
    };
    if indexed.is_some() {
        enc.set_deflate_compression(s.deflate);
        enc.set_filter(s.filter);
    } else {
        enc.set_deflate_compression(s.rgb_deflate);
        enc.set_filter(s.rgb_filter);
    }
    let e = |e: png::EncodingError| Error::Other(format!("PNG encoding: {e}"));
    let mut wr = enc.write_header().map_err(e)?;
    wr.write_image_data(data).map_err(e)?;
    wr.finish().map_err(e)?;
    Ok(out)
}

/// An RGB image as a palette and one palette index per pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed {
    /// Distinct colours in order of first occurrence (scan order), ≤ 256.
    pub palette: Vec<[u8; 3]>,
    /// Palette index of every pixel, row by row.
    pub indices: Vec<u8>,
}

impl Indexed {
    /// The palette image of `rgb` (3 bytes a pixel, rows of `w` pixels), or
    /// `None` when it has more than 256 colours. One pass: a row equal to the
    /// row above copies its indices (charts have many); within a row, a run
    /// of pixels equal to its first one (background, axes, bars: most of a
    /// chart) is found 8 bytes at a time (pixel `j` equals pixel `j − 1` iff
    /// every byte equals the byte 3 before it) and filled with one index;
    /// the first pixel of a run is looked up in a direct-mapped cache of
    /// 1,024 colours (the palette itself on a miss).
    pub fn of(rgb: &[u8], w: usize) -> Option<Indexed> {
        let mut indices = vec![0u8; rgb.len() / 3];
        let palette = index_into(rgb, w, &mut indices)?;
        Some(Indexed { palette, indices })
    }

    /// [`Indexed::of`] computed per band of `rows` rows (the rest of the
    /// image a last band) in parallel (rayon) and merged: the palette in
    /// order of first occurrence is the bands' palettes in band order, each
    /// without the colours of the bands above, and a band's indices are
    /// mapped onto it. The same palette and indices as [`Indexed::of`].
    pub fn of_bands(rgb: &[u8], w: usize, rows: &[usize]) -> Option<Indexed> {
        use rayon::prelude::*;
        if w == 0 {
            return Indexed::of(rgb, w);
        }
        let rgb = &rgb[..rgb.len() / 3 * 3];
        // One index buffer; each band indexes its own rows of it.
        let mut indices = vec![0u8; rgb.len() / 3];
        let mut parts = Vec::with_capacity(rows.len() + 1);
        let (mut rest, mut out) = (rgb, &mut indices[..]);
        for &r in rows {
            let n = (r * w).min(out.len());
            let (part, more) = rest.split_at(n * 3);
            let (ix, more_ix) = out.split_at_mut(n);
            parts.push((part, ix));
            (rest, out) = (more, more_ix);
        }
        parts.push((rest, out));
        type Band<'a> = Option<(Vec<[u8; 3]>, &'a mut [u8])>;
        let done: Vec<Band> = parts.into_par_iter().map(|(p, ix)| index_into(p, w, ix).map(|pal| (pal, ix))).collect();
        let mut palette: Vec<[u8; 3]> = Vec::new();
        for band in done {
            let (band_palette, ix) = band?;
            let mut map = [0u8; 256];
            let mut same = true;
            for (i, c) in band_palette.iter().enumerate() {
                let k = match palette.iter().position(|q| q == c) {
                    Some(k) => k,
                    None => {
                        if palette.len() == 256 {
                            return None;
                        }
                        palette.push(*c);
                        palette.len() - 1
                    }
                };
                map[i] = k as u8;
                same &= k == i;
            }
            if !same {
                for i in ix.iter_mut() {
                    *i = map[usize::from(*i)];
                }
            }
        }
        Some(Indexed { palette, indices })
    }

    /// The fewest bits a pixel that hold the palette.
    pub fn depth(&self) -> png::BitDepth {
        match self.palette.len() {
            0..=2 => png::BitDepth::One,
            3..=4 => png::BitDepth::Two,
            5..=16 => png::BitDepth::Four,
            _ => png::BitDepth::Eight,
        }
    }

    /// The indices packed at [`Self::depth`] bits, each row of `w` pixels
    /// starting on a byte (PNG's layout; high bits first).
    pub fn packed(&self, w: usize) -> Vec<u8> {
        let bits = self.depth() as usize;
        if bits == 8 || w == 0 {
            return self.indices.clone();
        }
        let per = 8 / bits;
        let row_bytes = w.div_ceil(per);
        let mut out = Vec::with_capacity(row_bytes * self.indices.len() / w);
        for row in self.indices.chunks(w) {
            for chunk in row.chunks(per) {
                let mut b = 0u8;
                for (k, &ix) in chunk.iter().enumerate() {
                    b |= ix << (8 - bits * (k + 1));
                }
                out.push(b);
            }
        }
        out
    }
}

/// [`Indexed::of`] into `indices` (one a pixel); the palette, or `None`
/// beyond 256 colours.
fn index_into(rgb: &[u8], w: usize, indices: &mut [u8]) -> Option<Vec<[u8; 3]>> {
    const EMPTY: u32 = u32::MAX;
    let mut cache = [(EMPTY, 0u8); 1024];
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let n = rgb.len() / 3;
    let w = if w == 0 { n.max(1) } else { w };
    for (y, row) in rgb[..n * 3].chunks(w * 3).enumerate() {
        let start = y * w;
        if y > 0 && row == &rgb[(start - w) * 3..start * 3] {
            indices.copy_within(start - w..start, start);
            continue;
        }
        let out = &mut indices[start..start + row.len() / 3];
        let mut i = 0;
        while i < out.len() {
            let p = &row[i * 3..i * 3 + 3];
            let c = u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2]);
            let slot = (c.wrapping_mul(0x9E37_79B1) >> 22) as usize;
            let ix = if cache[slot].0 == c {
                cache[slot].1
            } else {
                let ix = match palette.iter().position(|q| q == p) {
                    Some(k) => k as u8,
                    None => {
                        if palette.len() == 256 {
                            return None;
                        }
                        palette.push([p[0], p[1], p[2]]);
                        (palette.len() - 1) as u8
                    }
                };
                cache[slot] = (c, ix);
                ix
            };
            let end = run_end(row, i);
            out[i..end].fill(ix);
            i = end;
        }
    }
    Some(palette)
}

/// The end (exclusive) of the run of pixels equal to pixel `i` of `row`
/// (3 bytes a pixel): pixel `j` equals pixel `j − 1` iff each of its bytes
/// equals the byte 3 before it, compared 8 bytes at a time.
fn run_end(row: &[u8], i: usize) -> usize {
    let mut k = i * 3 + 3;
    while k + 8 <= row.len() {
        let a = u64::from_le_bytes(row[k..k + 8].try_into().unwrap_or_default());
        let b = u64::from_le_bytes(row[k - 3..k + 5].try_into().unwrap_or_default());
        let d = a ^ b;
        if d != 0 {
            return (k + d.trailing_zeros() as usize / 8) / 3;
        }
        k += 8;
    }
    while k < row.len() && row[k] == row[k - 3] {
        k += 1;
    }
    k / 3
}

/// The event timeline in English (see [`crate::report::charts::timeline_png`]):
/// every event in a lane per source (force plate, kinematic, file) over the
/// raw heel and toe heights. Kept for callers without a report language.
pub fn markers_png(t: &Trial, events: &[Event]) -> Result<Option<Vec<u8>>, Error> {
    let en = crate::report::i18n::get("en").ok_or_else(|| Error::Other("no English strings".into()))?;
    Ok(crate::report::charts::timeline_events_png(t, events, en)?.map(|(png, _)| png))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decode a PNG to RGB (palette expanded) with the `png` crate.
    fn decode(png: &[u8]) -> (png::ColorType, png::BitDepth, u32, u32, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(png));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut r = dec.read_info().unwrap();
        let (ct, bd) = (r.info().color_type, r.info().bit_depth);
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (ct, bd, info.width, info.height, buf)
    }

    /// A `w` × `h` image with `n` colours (pseudo-random pixels, every
    /// colour used).
    fn image(w: u32, h: u32, n: u32) -> Vec<u8> {
        let mut s = 12345u32;
        (0..w * h)
            .flat_map(|i| {
                s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let k = if i < n { i } else { (s >> 16) % n };
                [(k * 37 % 256) as u8, (k * 101 % 256) as u8, (k / 2) as u8]
            })
            .collect()
    }

    #[test]
    fn indexed_png_decodes_to_the_same_rgb_bytes() {
        // Palette sizes that need 1, 2, 4 and 8 bits, odd widths (rows end
        // inside a byte), and more than 256 colours (RGB).
        for (n, depth) in [
            (1, png::BitDepth::One),
            (2, png::BitDepth::One),
            (3, png::BitDepth::Two),
            (4, png::BitDepth::Two),
            (5, png::BitDepth::Four),
            (16, png::BitDepth::Four),
            (17, png::BitDepth::Eight),
            (256, png::BitDepth::Eight),
        ] {
            for (w, h) in [(1, 1), (7, 5), (33, 9), (101, 40)] {
                let rgb = image(w, h, n.min(w * h));
                let png = encode_png(&rgb, w, h).unwrap();
                let (ct, bd, dw, dh, back) = decode(&png);
                assert_eq!(ct, png::ColorType::Indexed, "{n} colours {w}x{h}");
                let want = if n <= w * h { depth } else { bd };
                assert_eq!(bd, want, "{n} colours {w}x{h}");
                assert_eq!((dw, dh), (w, h));
                assert!(back == rgb, "{n} colours {w}x{h}: decoded bytes differ");
            }
        }
        let rgb = image(40, 40, 257);
        let png = encode_png(&rgb, 40, 40).unwrap();
        let (ct, _, _, _, back) = decode(&png);
        assert_eq!(ct, png::ColorType::Rgb, "257 colours are written as RGB");
        assert!(back == rgb);
    }

    #[test]
    fn palette_in_order_of_first_occurrence() {
        let rgb = [9, 9, 9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 1, 2, 3, 1, 2, 3];
        let ix = Indexed::of(&rgb, 2).unwrap();
        assert_eq!(ix.palette, vec![[9, 9, 9], [1, 2, 3], [4, 5, 6]]);
        assert_eq!(ix.indices, vec![0, 1, 0, 2, 1, 1]);
        assert_eq!(ix.depth(), png::BitDepth::Two);
        // Rows of 4 and 2 pixels, 2 bits each, high bits first.
        assert_eq!(ix.packed(4), vec![0b0001_0010, 0b0101_0000]);
        assert_eq!(ix.packed(3), vec![0b0001_0000, 0b1001_0100]);
    }

    /// The palette (in order of first appearance) and indices by a
    /// pixel-by-pixel look-up: what [`Indexed::of`] must give.
    fn naive_index(rgb: &[u8]) -> (Vec<[u8; 3]>, Vec<u8>) {
        let mut palette: Vec<[u8; 3]> = Vec::new();
        let mut naive = Vec::new();
        for p in rgb.chunks_exact(3) {
            let c = [p[0], p[1], p[2]];
            let i = palette.iter().position(|q| *q == c).unwrap_or_else(|| {
                palette.push(c);
                palette.len() - 1
            });
            naive.push(i as u8);
        }
        (palette, naive)
    }

    #[test]
    fn repeated_rows_index_like_single_pixels() {
        // Rows 3-5 repeat row 2 and row 7 repeats row 6: the copied rows must
        // give what a pixel-by-pixel look-up gives.
        let (w, h) = (31usize, 8usize);
        let mut rgb = image(w as u32, h as u32, 40);
        for (dst, src) in [(3, 2), (4, 2), (5, 2), (7, 6)] {
            rgb.copy_within(src * w * 3..(src + 1) * w * 3, dst * w * 3);
        }
        let ix = Indexed::of(&rgb, w).unwrap();
        let (palette, naive) = naive_index(&rgb);
        assert_eq!(ix.palette, palette);
        assert_eq!(ix.indices, naive);
        let png = encode_png(&rgb, w as u32, h as u32).unwrap();
        assert!(decode(&png).4 == rgb);
    }

    #[test]
    fn runs_index_like_single_pixels() {
        // Runs of 1-40 equal pixels (across row ends too), colours that
        // differ in one channel only, widths around the 8-byte steps: the
        // run scan must give what a pixel-by-pixel look-up gives.
        let mut s = 99u32;
        let mut next = |m: u32| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (s >> 8) % m
        };
        for (w, h) in [(1usize, 5usize), (2, 3), (3, 4), (5, 7), (8, 3), (11, 6), (64, 9), (1072, 4)] {
            let mut rgb = Vec::new();
            while rgb.len() < w * h * 3 {
                let k = next(6) as u8;
                let c = [200 + k, 200 + (k & 1), 200];
                for _ in 0..1 + next(40) {
                    rgb.extend_from_slice(&c);
                }
            }
            rgb.truncate(w * h * 3);
            let ix = Indexed::of(&rgb, w).unwrap();
            let (palette, naive) = naive_index(&rgb);
            assert_eq!(ix.palette, palette, "{w}x{h}");
            assert_eq!(ix.indices, naive, "{w}x{h}");
        }
    }

    #[test]
    fn bands_index_like_the_whole_image() {
        // Bands with colours of their own, shared with the bands above, or
        // none new; more than 256 colours over all bands but not in one; an
        // empty band and bands that do not reach the bottom.
        let (w, h) = (37usize, 24usize);
        for n in [3u32, 40, 100, 200] {
            let mut rgb = image(w as u32, h as u32, n);
            // Rows 8-11 repeat rows 4-7 (no new colour in that band).
            rgb.copy_within(4 * w * 3..8 * w * 3, 8 * w * 3);
            for rows in [vec![], vec![8], vec![4, 4, 0, 4], vec![1; 24], vec![30]] {
                let whole = Indexed::of(&rgb, w);
                assert_eq!(Indexed::of_bands(&rgb, w, &rows), whole, "{n} colours, bands {rows:?}");
                let png = encode_png_bands(&rgb, w as u32, h as u32, &rows).unwrap();
                assert!(png == encode_png(&rgb, w as u32, h as u32).unwrap(), "{n} colours, bands {rows:?}");
            }
        }
        // 200 colours above, 200 others below: > 256 together.
        let mut rgb = image(w as u32, 12, 200);
        rgb.extend(image(w as u32, 12, 200).iter().map(|v| v ^ 0x55));
        assert!(Indexed::of(&rgb, w).is_none());
        assert!(Indexed::of_bands(&rgb, w, &[12]).is_none());
    }

    #[test]
    fn wrong_buffer_length_is_an_error() {
        let e = encode_png(&[0; 10], 2, 2).unwrap_err().to_string();
        assert!(e.contains("10 bytes for a 2 x 2 RGB image (want 12)"), "{e}");
        assert!(encode_png(&[], 0, 0).is_err());
    }
}
