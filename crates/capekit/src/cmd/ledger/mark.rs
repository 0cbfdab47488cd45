//! `capekit ledger uploaded`, `failed` and `discard`: what the user did with a declaration.

use std::path::Path;

use anyhow::bail;
use capekit_core::EntryNumber;
use capekit_io::render::escape_controls;
use capekit_ledger::{DeclState, Mark, MarkOutcome};

use super::{LedgerOpt, find, plural};
use crate::exit;

pub(super) fn mark(arg: &str, m: &Mark, opt: &LedgerOpt) -> anyhow::Result<u8> {
    let mut l = opt.require("marking a declaration")?;
    let d = find(&l, arg)?;
    let out = l.mark(d.id, m)?;
    outln!("{}", mark_text(&out));
    Ok(exit::OK)
}

pub(super) fn mark_text(o: &MarkOutcome) -> String {
    match o {
        MarkOutcome::Changed {
            id,
            name,
            from,
            to,
            entries,
        } => {
            let what = match to {
                DeclState::Uploaded => format!(
                    "its {} {} pending with CBP until its claim is triaged",
                    plural(*entries, "entry", "entries"),
                    if *entries == 1 { "is" } else { "are" }
                ),
                DeclState::Failed | DeclState::Discarded => format!(
                    "its {} {} released",
                    plural(*entries, "entry", "entries"),
                    if *entries == 1 { "is" } else { "are" }
                ),
                DeclState::Draft => format!(
                    "it reserves its {} again",
                    plural(*entries, "entry", "entries")
                ),
                DeclState::Answered => "answered by its claim".to_owned(),
            };
            format!(
                "declaration #{id} {}: {} -> {to}: {what}",
                capekit_ledger::shown_name(name),
                from.map_or("new".to_owned(), |f| f.to_string())
            )
        }
        MarkOutcome::Unchanged { id, name, state } => format!(
            "declaration #{id} {}: already {state} - nothing changed",
            capekit_ledger::shown_name(name)
        ),
    }
}

/// Parses `--at`: an RFC 3339 time, or a local date and time, or a local date; never in the
/// future, nor before CAPE opened (2026-04-20 08:00 ET): an upload time outside those is a typo,
/// and would place the upload wrong against its claims.
fn parse_at(s: &str) -> anyhow::Result<jiff::Timestamp> {
    let t = parse_at_any(s)?;
    let now = jiff::Timestamp::now();
    if t > now {
        bail!(
            "--at `{s}` is in the future (now is {}): give the time the file was uploaded",
            capekit_core::words::shown_time(now)
        );
    }
    let opened: jiff::Timestamp = "2026-04-20T12:00:00Z".parse()?;
    if t < opened {
        bail!(
            "--at `{s}` is before CAPE opened (2026-04-20 08:00 ET): give the time the file was uploaded"
        );
    }
    Ok(t)
}

fn parse_at_any(s: &str) -> anyhow::Result<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let tz = jiff::tz::TimeZone::system();
    if let Ok(dt) = s.replace(' ', "T").parse::<jiff::civil::DateTime>() {
        return Ok(tz.to_timestamp(dt)?);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Ok(tz.to_timestamp(d.at(0, 0, 0, 0))?);
    }
    bail!("--at `{s}`: give a time as 2026-11-24T10:00:00Z, 2026-11-24 10:00 or 2026-11-24")
}

pub(super) fn uploaded(
    files: &[String],
    at: Option<&str>,
    job: Option<&str>,
    opt: &LedgerOpt,
) -> anyhow::Result<u8> {
    let at = at.map(parse_at).transpose()?;
    let job = job.map(str::to_owned);
    let mut l = opt.require("`capekit ledger uploaded`")?;
    for arg in files {
        let p = Path::new(arg);
        let done = if p.is_file() {
            let bytes = capekit_io::read_file(p, capekit_io::declaration::MAX_READ_BYTES)?;
            let name = p.display().to_string();
            capekit_app::uploaded::file(&mut l, &name, &bytes, at, job.clone(), |l| {
                Ok::<_, anyhow::Error>(find(l, arg)?.id)
            })?
        } else {
            let d = find(&l, arg)?;
            capekit_app::uploaded::declaration(&mut l, d.id, at, job.clone())?
        };
        outln!("{}", mark_text(&done.outcome));
        warn_accepted(arg, &done.accepted);
    }
    Ok(exit::OK)
}

/// Warns when the upload `name` holds entries the ledger knows as accepted on a claim: the
/// upload is recorded as the user made it, but CBP cannot accept an entry twice, and the next
/// declaration should leave them out.
fn warn_accepted(name: &str, accepted: &[(EntryNumber, String)]) {
    if let Some((first, claim)) = accepted.first() {
        errln!(
            "capekit: warning: {} holds {} the ledger knows as accepted on a claim (first {first}, accepted on claim {claim}): CBP accepts an entry once, so expect a rejection for each; leave them off the next declaration (`capekit check` names them, F023)",
            escape_controls(name),
            plural(accepted.len(), "entry", "entries")
        );
    }
}
