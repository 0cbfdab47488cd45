//! `capekit user`: the users of a team server, kept in the ledger.
//!
//! A password is read from the terminal without echo (twice, to catch a typo), or from the
//! first line of standard input with `--password-stdin` (scripts; standard input that is not a
//! terminal is read the same way without the flag, since there is nobody to ask). It is hashed
//! at once (`capekit_app::users`) and never printed, logged or stored in clear.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use capekit_app::users::{UserError, add_user, password_problem};

use crate::cli::UserCommand;
use crate::exit;

pub fn run(command: UserCommand, ledger: &super::ledger::LedgerOpt) -> anyhow::Result<u8> {
    let Some(mut l) = ledger.open()? else {
        anyhow::bail!("the users of a team server are kept in the ledger; run without --no-ledger");
    };
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            match add_user(&mut l, &name, role.into(), &password) {
                Ok(()) => {
                    outln!("added {name} ({})", capekit_ledger::Role::from(role));
                    Ok(exit::OK)
                }
                Err(UserError::WeakPassword(why)) => {
                    anyhow::bail!("{why}; the user was not added")
                }
                Err(e) => Err(e).context("adding the user"),
            }
        }
        UserCommand::List => {
            let users = l.users()?;
            if users.is_empty() {
                outln!("no users yet: add one with `capekit user add NAME --role admin`");
            }
            for u in users {
                outln!(
                    "{}\t{}\t{}\tadded {}",
                    u.name,
                    u.role,
                    if u.disabled { "disabled" } else { "enabled" },
                    capekit_core::words::shown_time(u.created_at)
                );
            }
            Ok(exit::OK)
        }
        UserCommand::Disable { name } => {
            l.set_user_disabled(&name, true)?;
            outln!(
                "disabled {name}: they cannot sign in, and their sessions end on their next request"
            );
            Ok(exit::OK)
        }
        UserCommand::Enable { name } => {
            l.set_user_disabled(&name, false)?;
            outln!("enabled {name}");
            Ok(exit::OK)
        }
        UserCommand::Policy {
            no_signoff,
            signoff,
        } => {
            if no_signoff || signoff {
                l.set_signoff_required(signoff)?;
            }
            outln!(
                "{}",
                if l.signoff_required()? {
                    "sign-off: on - a reviewer signs off a declaration before it may be marked uploaded"
                } else {
                    "sign-off: off - any signed-in user may mark a declaration uploaded"
                }
            );
            Ok(exit::OK)
        }
    }
}

/// The new password: from the terminal twice without echo, or the first line of standard input.
/// The password of the existing user `name`: asked once without echo, or the first line of
/// standard input.
pub(crate) fn read_existing_password(from_stdin: bool, name: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        return first_line_of_stdin();
    }
    rpassword::prompt_password(format!("{name}'s password: "))
        .context("reading the password from the terminal")
}

fn first_line_of_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(password.to_owned())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        return first_line_of_stdin();
    }
    let first = rpassword::prompt_password("password (at least 12 characters): ")
        .context("reading the password from the terminal")?;
    if let Some(why) = password_problem(&first) {
        anyhow::bail!("{why}; the user was not added");
    }
    let again = rpassword::prompt_password("the same password again: ")
        .context("reading the password from the terminal")?;
    if first != again {
        anyhow::bail!("the two passwords differ; the user was not added");
    }
    Ok(first)
}
