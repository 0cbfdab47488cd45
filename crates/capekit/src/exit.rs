//! Exit codes, the same for every command and listed in the README.
//!
//! 0 means the command ran and its verdict is good (the file is uploadable, every entry was
//! written); 1 means it ran and found a problem the user must act on; 2 means it could not run.

/// Ran; nothing to act on.
pub const OK: u8 = 0;
/// Ran; found something that must be acted on (not uploadable, entries left out).
pub const FOUND_PROBLEMS: u8 = 1;
/// Could not run: bad arguments, missing or unreadable file, refused input, write failure.
pub const COULD_NOT_RUN: u8 = 2;
/// Bad arguments (same as [`COULD_NOT_RUN`]).
pub const USAGE: u8 = COULD_NOT_RUN;
