//! The one writer of CAPE declaration upload files.
//!
//! CBP's template: header `Entry Number` in A1, one entry number a row, nothing else, as Excel's
//! "CSV (Comma delimited)" writes it: CRLF line ends, no BOM. At most 9,999 entries a file;
//! longer lists are split into numbered parts. `check` validates exactly what this writes (a test
//! round-trips every output through the checker).

use std::path::{Path, PathBuf};

use capekit_core::EntryNumber;
use capekit_core::check::{MAX_ENTRIES, UPLOAD_HEADER};

use crate::output::OutputSet;

/// The bytes of one upload file.
pub fn upload_bytes(entries: &[EntryNumber]) -> Vec<u8> {
    let mut out = Vec::with_capacity(UPLOAD_HEADER.len() + 2 + entries.len() * 13);
    out.extend_from_slice(UPLOAD_HEADER.as_bytes());
    out.extend_from_slice(b"\r\n");
    for e in entries {
        out.extend_from_slice(e.as_str().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The paths of `parts` upload files for `path`: the path itself for one part, else
/// `STEM-01.csv`, `STEM-02.csv`...
pub fn part_paths(path: &Path, parts: usize) -> Vec<PathBuf> {
    if parts <= 1 {
        return vec![path.to_path_buf()];
    }
    let stem = path
        .file_stem()
        .map_or_else(|| "upload".to_owned(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map_or_else(|| "csv".to_owned(), |s| s.to_string_lossy().into_owned());
    let width = parts.to_string().len().max(2);
    (1..=parts)
        .map(|i| path.with_file_name(format!("{stem}-{i:0width$}.{ext}")))
        .collect()
}

/// Adds the upload files for `entries` to `set`, split into parts of at most 9,999 entries, and
/// returns their paths. No file is added for an empty list.
pub fn add_upload_files(set: &mut OutputSet, path: &Path, entries: &[EntryNumber]) -> Vec<PathBuf> {
    if entries.is_empty() {
        return Vec::new();
    }
    let chunks: Vec<&[EntryNumber]> = entries.chunks(MAX_ENTRIES).collect();
    let paths = part_paths(path, chunks.len());
    for (p, chunk) in paths.iter().zip(chunks) {
        set.add(p.clone(), upload_bytes(chunk));
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use capekit_core::check::{CheckOptions, check};

    fn numbers(n: u32) -> Vec<EntryNumber> {
        (0..n)
            .filter_map(|i| EntryNumber::from_parts("B76", i))
            .collect()
    }

    #[test]
    fn what_the_writer_writes_passes_the_check() {
        let entries = numbers(MAX_ENTRIES as u32);
        let bytes = upload_bytes(&entries);
        let input = crate::declaration::parse_declaration("refile.csv", &bytes);
        let report = check(
            &input,
            &CheckOptions {
                filer: capekit_core::FilerCode::parse("B76").ok(),
                ..CheckOptions::default()
            },
        );
        assert!(report.uploadable, "{:?}", report.diagnostics);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert_eq!(report.entries, MAX_ENTRIES);
        assert!(bytes.starts_with(b"Entry Number\r\nB76"));
    }

    #[test]
    fn splits_past_9999() {
        let mut set = OutputSet::new();
        let paths = add_upload_files(&mut set, Path::new("out/refile.csv"), &numbers(20_000));
        assert_eq!(
            paths,
            vec![
                PathBuf::from("out/refile-01.csv"),
                PathBuf::from("out/refile-02.csv"),
                PathBuf::from("out/refile-03.csv"),
            ]
        );
        assert_eq!(
            part_paths(Path::new("x.csv"), 1),
            vec![PathBuf::from("x.csv")]
        );
    }
}
