//! The rental house plate (门牌二维码), as Longgang hangs it at the door: a PNG whose band is the
//! house's class colour, with the class in large type, a QR code that opens the house on a phone,
//! and the address under it. The type comes from a CJK font on the server when there is one
//! (`ZONGGUAN_PLATE_FONT`, else the usual Noto / WenQuanYi paths); without one the plate still
//! carries its colour and QR code.
use std::io::Cursor;
use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};
use qrcode::{Color, EcLevel, QrCode};
use zongguan_core::governance::rental_class::RiskClass;

const W: u32 = 600;
const H: u32 = 860;
const BAND: u32 = 230;
const QR_SIZE: u32 = 400;
const QR_TOP: u32 = 270;
const GREY: &str = "#8C8C8C";

/// What a plate shows.
pub struct Plate<'a> {
    pub class: Option<RiskClass>,
    pub address: &'a str,
    pub room: &'a str,
    /// What the QR code opens.
    pub url: &'a str,
    pub house_id: i64,
}

fn font() -> Option<&'static FontVec> {
    static FONT: OnceLock<Option<FontVec>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut paths: Vec<String> = std::env::var("ZONGGUAN_PLATE_FONT").into_iter().collect();
        paths.extend(
            [
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            ]
            .map(String::from),
        );
        let found = paths.iter().find_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            // In a collection the simplified-Chinese face is not always the first: take the one
            // that has 级.
            (0..4).find_map(|i| {
                FontVec::try_from_vec_and_index(bytes.clone(), i)
                    .ok()
                    .filter(|f| f.glyph_id('级').0 != 0)
            })
        });
        if found.is_none() {
            tracing::warn!("no CJK font found for house plates: plates carry colour and QR code only");
        }
        found
    })
    .as_ref()
}

fn rgb(hex: &str) -> Rgb<u8> {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(0)
    };
    Rgb([byte(0), byte(2), byte(4)])
}

fn fill(img: &mut RgbImage, x0: u32, y0: u32, w: u32, h: u32, c: Rgb<u8>) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, c);
        }
    }
}

/// Width of a line of text at `px`.
fn text_width(f: &FontVec, text: &str, px: f32) -> f32 {
    let s = f.as_scaled(PxScale::from(px));
    text.chars().map(|c| s.h_advance(f.glyph_id(c))).sum()
}

/// Draws one line centred at `baseline`, shrinking it to fit the plate's width.
fn text_centred(img: &mut RgbImage, text: &str, mut px: f32, baseline: f32, colour: Rgb<u8>) {
    let Some(f) = font() else { return };
    let max = (W - 60) as f32;
    let w = text_width(f, text, px);
    if w > max {
        px *= max / w;
    }
    let s = f.as_scaled(PxScale::from(px));
    let mut x = (W as f32 - text_width(f, text, px)) / 2.0;
    for c in text.chars() {
        let id = f.glyph_id(c);
        let g = id.with_scale_and_position(PxScale::from(px), point(x, baseline));
        x += s.h_advance(id);
        if let Some(o) = f.outline_glyph(g) {
            let b = o.px_bounds();
            o.draw(|gx, gy, cov| {
                let (px_, py) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if px_ < 0 || py < 0 || px_ >= W as i32 || py >= H as i32 {
                    return;
                }
                let p = img.get_pixel_mut(px_ as u32, py as u32);
                for k in 0..3 {
                    p.0[k] = (p.0[k] as f32 * (1.0 - cov) + colour.0[k] as f32 * cov) as u8;
                }
            });
        }
    }
}

/// The plate as PNG bytes.
pub fn render(p: &Plate<'_>) -> Result<Vec<u8>, String> {
    let band = rgb(p.class.map_or(GREY, RiskClass::hex));
    let white = Rgb([255, 255, 255]);
    let black = Rgb([20, 20, 20]);
    let mut img = RgbImage::from_pixel(W, H, white);
    // The class colour as the band on top and a frame around the whole plate.
    fill(&mut img, 0, 0, W, BAND, band);
    for (x, y, w, h) in [(0, 0, W, 14), (0, H - 14, W, 14), (0, 0, 14, H), (W - 14, 0, 14, H)] {
        fill(&mut img, x, y, w, h, band);
    }
    let on_band = if p.class == Some(RiskClass::Yellow) {
        black
    } else {
        white
    };
    text_centred(&mut img, "出租屋分类分级管理", 40.0, 80.0, on_band);
    text_centred(&mut img, p.class.map_or("未定级", RiskClass::zh), 96.0, 190.0, on_band);
    let code = QrCode::with_error_correction_level(p.url.as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
    let modules = code.width() as u32;
    let colours = code.to_colors();
    let cell = (QR_SIZE / (modules + 8)).max(1);
    let side = cell * modules;
    let (x0, y0) = ((W - side) / 2, QR_TOP + (QR_SIZE - side) / 2);
    for (i, c) in colours.iter().enumerate() {
        if *c == Color::Dark {
            let (mx, my) = (i as u32 % modules, i as u32 / modules);
            fill(&mut img, x0 + mx * cell, y0 + my * cell, cell, cell, black);
        }
    }
    text_centred(&mut img, p.address, 34.0, 735.0, black);
    text_centred(
        &mut img,
        &format!("{}　编号 {}", p.room, p.house_id),
        30.0,
        790.0,
        black,
    );
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plate_is_a_png_in_the_class_colour_with_a_qr_code() {
        let png = render(&Plate {
            class: Some(RiskClass::Orange),
            address: "平湖街道良安田新村9栋",
            room: "201",
            url: "http://127.0.0.1:8080/governance/rental?house=42",
            house_id: 42,
        })
        .expect("renders");
        let img = image::load_from_memory(&png).expect("a PNG").to_rgb8();
        assert_eq!(img.dimensions(), (W, H));
        // The band is orange; the QR area has dark modules on white.
        assert_eq!(*img.get_pixel(20, 20), rgb(RiskClass::Orange.hex()));
        let qr: Vec<_> = (QR_TOP..QR_TOP + QR_SIZE).map(|y| *img.get_pixel(W / 2, y)).collect();
        assert!(qr.iter().any(|p| p.0[0] < 60) && qr.iter().any(|p| p.0[0] > 240));
        // A phone's reader finds the house's address in it.
        let grey = image::DynamicImage::ImageRgb8(img).to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(grey);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, "http://127.0.0.1:8080/governance/rental?house=42");
    }
}
