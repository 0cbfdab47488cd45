//! Byte streams decoded before the CSV reader sees them: lone CR line ends, UTF-16.

use super::*;

/// Turns lone CR line ends into LF (old Mac files).
pub(super) struct CrToLf<R>(pub(super) R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// The UTF-16 decoder for a file's first bytes: by BOM, else big-endian when the first byte is
/// NUL, else little-endian (as `text::decode_utf16`).
pub(super) fn utf16_decoder(head: &[u8]) -> encoding_rs::Decoder {
    let enc = if head.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
    } else if head.starts_with(&[0xFE, 0xFF]) || head.first() == Some(&0) {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    enc.new_decoder_with_bom_removal()
}

/// Decodes a UTF-16 stream to UTF-8 through fixed buffers (Excel's "Unicode Text" can be as
/// large as any export).
pub(super) struct Utf16Reader<R> {
    pub(super) inner: R,
    pub(super) decoder: encoding_rs::Decoder,
    pub(super) input: Box<[u8]>,
    pub(super) in_start: usize,
    pub(super) in_end: usize,
    pub(super) eof: bool,
    pub(super) output: Box<[u8]>,
    pub(super) out_start: usize,
    pub(super) out_end: usize,
    pub(super) done: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub(super) fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        const BUF: usize = 64 * 1024;
        Self {
            inner,
            decoder,
            input: vec![0; BUF].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            // UTF-16 code units become at most 3 bytes of UTF-8 each.
            output: vec![0; BUF * 2 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}
