//! Files attached to a message: text sent inline under its name, images (PNG, JPEG, WebP,
//! GIF) sent natively by each protocol. What a file is, is read from its bytes, never its
//! name; the bytes are shared (`Arc`) and addressed by their SHA-256 for history.

use std::sync::Arc;

use sha2::{Digest, Sha256};

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Image,
}

/// One attached file.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The path as the user gave it (after `~` and globs), shown and sent as its header.
    pub name: String,
    /// "text/plain", "image/png", "image/jpeg", "image/webp" or "image/gif".
    pub mime: String,
    pub kind: Kind,
    /// Lowercase hex SHA-256 of the bytes: where history keeps them.
    pub sha256: String,
    pub data: Arc<[u8]>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Why bytes cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    #[error("{0} is a binary file; only text and images (PNG, JPEG, WebP, GIF) can be attached")]
    Binary(String),
}

/// The image type of `bytes` by their signature.
pub fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Text is UTF-8 without NUL bytes (what `git diff` and editors call text).
fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Attachment {
    /// The file `name` with these bytes, if it is text or an image.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Self, AttachError> {
        let (kind, mime) = match image_mime(&bytes) {
            Some(mime) => (Kind::Image, mime),
            None if is_text(&bytes) => (Kind::Text, "text/plain"),
            None => return Err(AttachError::Binary(name.to_string())),
        };
        Ok(Self {
            name: name.to_string(),
            mime: mime.to_string(),
            kind,
            sha256: sha256_hex(&bytes),
            data: bytes.into(),
        })
    }

    pub fn size(&self) -> usize {
        self.data.len()
    }

    pub fn is_image(&self) -> bool {
        self.kind == Kind::Image
    }

    /// The text, for a text attachment.
    pub fn text(&self) -> Option<&str> {
        (self.kind == Kind::Text)
            .then(|| std::str::from_utf8(&self.data).ok())
            .flatten()
    }

    /// Tokens it adds to a request, estimated: a text file as text (about 4 bytes a
    /// token), an image by its pixels as Anthropic counts them (width × height / 750,
    /// scaled down to at most 1,568 pixels on its long side), 1,000 when its size is
    /// unreadable.
    pub fn estimated_tokens(&self) -> u64 {
        match self.kind {
            Kind::Text => text_tokens(self.data.len()),
            Kind::Image => pixel_tokens(image_size(&self.data)),
        }
    }

    /// "12.3 kB", "1.2 MB", "512 B".
    pub fn size_label(&self) -> String {
        size_label(self.data.len() as u64)
    }
}

fn text_tokens(bytes: usize) -> u64 {
    (bytes as u64).div_ceil(4)
}

pub fn size_label(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    } else if n >= 1000 {
        format!("{:.1} kB", n as f64 / 1000.0)
    } else {
        format!("{n} B")
    }
}

fn pixel_tokens(size: Option<(u32, u32)>) -> u64 {
    let Some((w, h)) = size.filter(|(w, h)| *w > 0 && *h > 0) else {
        return 1000;
    };
    let (w, h) = (f64::from(w), f64::from(h));
    let scale = (1568.0 / w.max(h)).min(1.0);
    ((w * scale) * (h * scale) / 750.0).ceil().max(1.0) as u64
}

/// An image's width and height from its header (PNG, GIF, JPEG, WebP).
pub fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    let be32 = |i: usize| Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?));
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes(
            b.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    let le16 = |i: usize| {
        Some(u32::from(u16::from_le_bytes(
            b.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    let le24 = |i: usize| {
        let s = b.get(i..i + 3)?;
        Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
    };
    match image_mime(b)? {
        "image/png" => Some((be32(16)?, be32(20)?)),
        "image/gif" => Some((le16(6)?, le16(8)?)),
        "image/webp" => match b.get(12..16)? {
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            b"VP8L" => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8 " => Some((le16(26)? & 0x3FFF, le16(28)? & 0x3FFF)),
            _ => None,
        },
        "image/jpeg" => {
            // Walk the segments to the frame header (SOF0..SOF15 but DHT, JPG, DAC).
            let mut i = 2;
            while i + 9 < b.len() {
                if b[i] != 0xFF {
                    return None;
                }
                let marker = b[i + 1];
                let len = be16(i + 2)? as usize;
                if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + len;
            }
            None
        }
        _ => None,
    }
}

/// A fence longer than any run of backticks in `text`, so the file cannot close it.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// A message's text as sent: each text attachment under its name in a fence, then what the
/// user wrote. Images are sent beside it, natively ([`images`]).
pub fn compose(text: &str, attachments: &[Attachment]) -> String {
    let mut out = String::new();
    for a in attachments {
        let Some(body) = a.text() else { continue };
        let fence = fence_for(body);
        out.push_str(&format!(
            "{}:\n{fence}\n{}\n{fence}\n\n",
            a.name,
            body.trim_end_matches('\n')
        ));
    }
    out.push_str(text);
    out
}

/// The tokens the images among `attachments` add to a request, estimated.
pub fn image_tokens(attachments: &[Attachment]) -> u64 {
    attachments
        .iter()
        .filter(|a| a.is_image())
        .map(Attachment::estimated_tokens)
        .sum()
}

/// The images among `attachments`, to send natively.
pub fn images(attachments: &[Attachment]) -> Vec<Attachment> {
    attachments
        .iter()
        .filter(|a| a.is_image())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0x03, 0x20, 0, 0, 0x02, 0x58, 8, 6, 0, 0, 0,
    ];

    #[test]
    fn kinds_come_from_the_bytes_and_binaries_are_refused() {
        let png = Attachment::from_bytes("x.txt", PNG_1X1.to_vec()).unwrap();
        assert_eq!((png.kind, png.mime.as_str()), (Kind::Image, "image/png"));
        assert_eq!(image_size(PNG_1X1), Some((800, 600)));
        assert_eq!(png.estimated_tokens(), 640);
        let text = Attachment::from_bytes("a.rs", b"fn main() {}\n".to_vec()).unwrap();
        assert_eq!(text.text(), Some("fn main() {}\n"));
        assert_eq!(
            Attachment::from_bytes("a.out", vec![0x7F, b'E', b'L', b'F', 0, 1]),
            Err(AttachError::Binary("a.out".into()))
        );
        assert_eq!(
            text.sha256,
            sha256_hex(b"fn main() {}\n"),
            "content-addressed"
        );
    }

    #[test]
    fn text_files_go_inline_under_their_name_in_a_fence_they_cannot_close() {
        let a = Attachment::from_bytes("notes.md", b"use ```rust\n".to_vec()).unwrap();
        let sent = compose("what is this?", &[a]);
        assert_eq!(sent, "notes.md:\n````\nuse ```rust\n````\n\nwhat is this?");
    }

    #[test]
    fn gif_jpeg_and_webp_sizes_are_read_from_their_headers() {
        let gif = b"GIF89a\x40\x01\xF0\x00rest";
        assert_eq!(image_size(gif), Some((320, 240)));
        // SOI, an APP0 of 16 bytes, then SOF0 with height 480 and width 640.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpeg.extend([0u8; 14]);
        jpeg.extend([0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80, 3, 0, 0, 0, 0]);
        assert_eq!(image_size(&jpeg), Some((640, 480)));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.extend([10, 0, 0, 0, 0, 0, 0, 0]);
        webp.extend([0x3F, 0x01, 0x00, 0xEF, 0x00, 0x00]);
        assert_eq!(image_size(&webp), Some((320, 240)));
    }
}
