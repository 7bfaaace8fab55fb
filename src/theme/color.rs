//! Fitting truecolor to what the terminal can show: the xterm 256-colour cube and greys, or
//! the 16 basic colours, by nearest distance.

use ratatui::style::Color;

use super::ColorDepth;

pub(super) fn reduce(color: Color, depth: ColorDepth) -> Option<Color> {
    match (color, depth) {
        (_, ColorDepth::None) => None,
        (c, ColorDepth::TrueColor) => Some(c),
        (Color::Rgb(r, g, b), ColorDepth::Ansi256) => Some(Color::Indexed(rgb_to_256(r, g, b))),
        (Color::Rgb(r, g, b), ColorDepth::Ansi16) => Some(rgb_to_16(r, g, b)),
        (Color::Indexed(i), ColorDepth::Ansi16) if i >= 16 => {
            let (r, g, b) = index_to_rgb(i);
            Some(rgb_to_16(r, g, b))
        }
        (c, _) => Some(c),
    }
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn index_to_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        16..=231 => {
            let i = i - 16;
            (
                CUBE[(i / 36) as usize],
                CUBE[(i / 6 % 6) as usize],
                CUBE[(i % 6) as usize],
            )
        }
        232..=255 => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
        _ => BASIC16[i as usize].1,
    }
}

fn dist(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// Nearest xterm 256-colour index: the 6x6x6 cube or the grey ramp, whichever is closer.
pub fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (**c as i32 - v as i32).abs())
            .map_or(0, |(i, _)| i as u8)
    };
    let (cr, cg, cb) = (level(r), level(g), level(b));
    let cube_index = 16 + 36 * cr + 6 * cg + cb;
    let avg = (r as u32 + g as u32 + b as u32) / 3;
    let grey = ((avg.saturating_sub(3)) / 10).min(23) as u8;
    let grey_index = 232 + grey;
    if dist(index_to_rgb(grey_index), (r, g, b)) < dist(index_to_rgb(cube_index), (r, g, b)) {
        grey_index
    } else {
        cube_index
    }
}

/// The 16 basic colours with typical (xterm) values, for nearest-colour matching.
const BASIC16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

pub fn rgb_to_16(r: u8, g: u8, b: u8) -> Color {
    BASIC16
        .iter()
        .min_by_key(|(_, rgb)| dist(*rgb, (r, g, b)))
        .map_or(Color::Reset, |(c, _)| *c)
}
