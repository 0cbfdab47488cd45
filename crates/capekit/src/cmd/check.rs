//! `capekit check`.

use std::path::Path;

use anyhow::Context;
use capekit_core::check::{CheckOptions, check};
use capekit_io::declaration::read_declaration;

use crate::cli::Format;
use crate::exit;

pub fn run(file: &Path, filer: Option<String>, format: Format) -> anyhow::Result<u8> {
    let filer = super::filer_code(filer)?;
    let input = read_declaration(file)?;
    let report = check(&input, &CheckOptions { filer });
    match format {
        Format::Text => print!("{}", capekit_io::render::check_text(&report)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        ),
    }
    Ok(if report.uploadable {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}
