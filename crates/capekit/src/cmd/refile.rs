//! `capekit refile`: the next declaration from the ledger's state alone.
//!
//! A triage plans a refile from the claim files it is given; this command plans it from
//! everything recorded, so a user with many claims over weeks gets one upload that holds every
//! entry to refile, none accepted anywhere and none still pending (CBP's "ACE Portal: CAPE Declarations" quick reference guide, April 2026).

use super::files::superseded_lines;
use super::ledger::record_reserved;
use std::path::{Path, PathBuf};

use anyhow::Context;
use capekit_app::refile::{self, Held, Waiting};
use capekit_core::EntryNumber;
use capekit_core::check::group;
use capekit_core::diag::Diagnostic;
use capekit_core::triage::RefilePlan;
use capekit_io::output::OutputSet;
use capekit_io::render::escape_controls;
use capekit_io::upload::add_upload_files;
use capekit_ledger::Except;
use serde::Serialize;

use crate::cli::Format;
use crate::exit;

#[derive(Serialize)]
struct RefileOutput<'a> {
    ledger: String,
    /// How the hints start: `capekit`, with `--ledger PATH` when one was named.
    #[serde(skip)]
    command: String,
    /// The day the entries were judged as of.
    #[serde(skip)]
    as_of: jiff::civil::Date,
    #[serde(flatten)]
    plan: &'a RefilePlan,
    files: Vec<String>,
    diagnostics: &'a [Diagnostic],
    /// Entries held elsewhere, per declaration: drafts not uploaded and uploads with no claim.
    held: Vec<Held>,
    /// Rejected entries CBP asked to send again later (CAPE HIGH VOLUMES, a processing error),
    /// not on this declaration: each goes on one once the wait is over, through `--corrected`.
    waiting_to_retry: Vec<Waiting>,
    /// Earlier drafts in the same folder, superseded by this one.
    superseded: Vec<capekit_ledger::Superseded>,
    /// Files of the previous run in the folder, removed.
    removed: Vec<String>,
    /// Files of the previous run in the folder, kept: changed since, or recorded declarations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kept: Vec<String>,
    /// Entries on the refile whose entry data the ledger does not keep: judged by their
    /// message alone, their CAPE window unchecked.
    without_entry_data: Vec<EntryNumber>,
}

/// The name of `refile`'s declaration ([`capekit_io::names`]): `refile-all-claims-DATE.csv`,
/// or `refile-IMPORTER-DATE.csv` for one importer's entries.
fn refile_name(importer: Option<&str>, as_of: jiff::civil::Date) -> String {
    use capekit_io::names::{Kind, Whose, output_name};
    let whose = match importer {
        Some(i) => Whose {
            importer: Some(i),
            ..Whose::default()
        },
        None => Whose {
            of: Some("all-claims"),
            ..Whose::default()
        },
    };
    output_name(Kind::Refile, whose, as_of, None)
}

pub fn run(
    corrected: Option<&Path>,
    importer: Option<String>,
    out: &Path,
    as_of: jiff::civil::Date,
    format: Format,
    opt: &super::ledger::LedgerOpt,
) -> anyhow::Result<u8> {
    let importer = importer
        .map(|i| i.trim().to_ascii_uppercase())
        .filter(|i| !i.is_empty());
    let ((corrected_entries, diagnostics), corrected_bytes) = match corrected {
        Some(p) => super::files::read_corrected(
            p,
            "a file listing only the entries you corrected (or waited for) since their claim, one entry number a line",
        )?,
        None => ((Vec::new(), Vec::new()), Vec::new()),
    };
    let mut ledger = opt.require("`capekit refile`")?;
    // A declaration the ledger holds, given as the corrected list: every entry on it is taken as
    // corrected. That may be so (a one-entry refile corrected since), so it is said, not refused.
    if let Some(p) = corrected
        && let Some(d) = refile::recorded_as(&ledger, &corrected_bytes)?
    {
        errln!(
            "capekit: warning: {} has the bytes of declaration #{} ({}) as the ledger records it: every entry on it is taken as corrected - if you did not correct each, list only those you did",
            escape_controls(&p.display().to_string()),
            d.id,
            escape_controls(&d.name)
        );
    }
    // The drafts of the folder written into are superseded by this run: they hold nothing.
    let folder = capekit_io::output::resolve(out)?;
    let except = Except::drafts_in(&folder);
    let ask = refile::Ask {
        corrected: &corrected_entries,
        importer: importer.as_deref(),
        except: &except,
        as_of,
    };
    // Planned outside the write lock (a large ledger takes a while), then checked inside it.
    let mut planned = refile::plan(&ledger, &ask)?;
    let (done, recorded) = {
        let reservation = ledger
            .reserve()
            .context("taking the ledger's write lock to reserve the refile's entries")?;
        // Another run may have reserved some of these entries since: then plan again, inside
        // the lock, so that no entry goes on two drafts.
        refile::replan_reserved(reservation.ledger(), &mut planned, &ask)?;
        let mut set = OutputSet::new();
        opt.protect(&mut set)?;
        set.own_folder(out, "capekit refile");
        add_upload_files(
            &mut set,
            &out.join(refile_name(importer.as_deref(), as_of)),
            &planned.plan.entries,
        );
        let inputs: Vec<PathBuf> = corrected.map(Path::to_path_buf).into_iter().collect();
        // A write that fails drops the reservation: nothing is recorded.
        let done = set
            .commit_all(&inputs)
            .context("writing the refile upload")?;
        let recorded = record_reserved(reservation, &folder, &done.written, &planned.plan.entries)?;
        (done, recorded)
    };
    let refile::Planned {
        plan,
        without_entry_data: undated,
    } = planned;
    // What the ledger holds now that the refile is recorded.
    let (held, waiting_to_retry) = refile::after(&ledger, &except, &plan, as_of)?;
    let output = RefileOutput {
        ledger: super::ledger::shown(&ledger),
        command: opt.command(),
        as_of,
        plan: &plan,
        files: done
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        diagnostics: &diagnostics,
        held,
        waiting_to_retry,
        superseded: recorded.superseded,
        removed: done
            .removed
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        kept: done.kept.iter().map(|p| p.display().to_string()).collect(),
        without_entry_data: undated,
    };
    match format {
        Format::Text => out!("{}", escape_controls(&text(&output))),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&output)?),
    }
    Ok(if plan.left_out.is_empty() && diagnostics.is_empty() {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}

fn text(o: &RefileOutput<'_>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for d in o.diagnostics {
        let _ = writeln!(out, "{}", d.message);
    }
    if o.plan.entries.is_empty() {
        let _ = writeln!(
            out,
            "nothing to refile now: the ledger holds no free rejected entry whose action is `refile`{}{}",
            if o.plan.from_corrected == 0 && !o.plan.left_out.is_empty() {
                ", and none of those listed below may be refiled"
            } else {
                ""
            },
            if o.held.is_empty() {
                ""
            } else {
                " (entries held on other declarations are listed below)"
            }
        );
    } else {
        let _ = writeln!(
            out,
            "refile: {} ({} from the corrected list), none accepted, none pending",
            super::ledger::plural(o.plan.entries.len(), "entry", "entries"),
            group(o.plan.from_corrected as u64)
        );
    }
    for l in &o.plan.left_out {
        let _ = writeln!(out, "  not refiled: {} - {}", l.entry_number, l.reason);
    }
    if let Some(first) = o.without_entry_data.first() {
        let _ = writeln!(
            out,
            "note: {} on this refile (first {first}) {} no entry data in the ledger, so {} CAPE window was not checked: import the ES-003 export (`{} ledger import FILE`) and run refile again to judge {} by {} dates",
            super::ledger::plural(o.without_entry_data.len(), "entry", "entries"),
            if o.without_entry_data.len() == 1 {
                "has"
            } else {
                "have"
            },
            if o.without_entry_data.len() == 1 {
                "its"
            } else {
                "their"
            },
            o.command,
            if o.without_entry_data.len() == 1 {
                "it"
            } else {
                "them"
            },
            if o.without_entry_data.len() == 1 {
                "its"
            } else {
                "their"
            },
        );
    }
    for w in &o.waiting_to_retry {
        if let Some((action, what)) = &w.no_longer {
            let _ = writeln!(
                out,
                "  no longer to retry: {} (claim {}: `{}`) - judged again as of {}, it is `{action}`: {what}",
                w.entry_number, w.claim, w.message, o.as_of
            );
        }
    }
    let waiting: Vec<&Waiting> = o
        .waiting_to_retry
        .iter()
        .filter(|w| w.no_longer.is_none())
        .collect();
    if let Some(first) = waiting.first() {
        let _ = writeln!(
            out,
            "waiting to retry: {} CBP asked to send again later (first {} on claim {}: `{}`{}), not on this declaration - once the wait CBP asks for is over (30 to 60 minutes for CAPE HIGH VOLUMES), list them in a file and run `{} refile --corrected FILE`",
            super::ledger::plural(waiting.len(), "entry", "entries"),
            first.entry_number,
            first.claim,
            first.message,
            first
                .next_deadline
                .map(|d| format!("; {}", d.describe()))
                .unwrap_or_default(),
            o.command
        );
    }
    let word = |s: &str| super::ledger::shell_word(s);
    for h in &o.held {
        let _ = match h.state {
            "draft" if !h.closed.is_empty() => {
                out.push_str(&draft_past_window(h, &o.command, o.as_of));
                Ok(())
            }
            "draft" => writeln!(
                out,
                "held: {} on the draft {} (written {}), not marked uploaded - upload it and run `{} ledger uploaded {}`, or release them with `{} ledger discard {}`",
                super::ledger::plural(h.entries, "entry", "entries"),
                h.declaration,
                capekit_core::words::shown_time(h.since),
                o.command,
                word(&format!("#{}", h.id)),
                o.command,
                word(&format!("#{}", h.id))
            ),
            "answered" => writeln!(
                out,
                "held: {} on {} (uploaded {}), which claim {} answered without listing them - they may still be queued: find their claim in ACE (Claim Status) and triage it, or, when the upload's Validation Result File (File Uploads) lists them with an error (rejected at batch validation), triage that file; either releases them for the next declaration",
                super::ledger::plural(h.entries, "entry", "entries"),
                h.declaration,
                capekit_core::words::shown_time(h.since),
                h.claim.as_deref().unwrap_or("(unknown)")
            ),
            _ => writeln!(
                out,
                "held: {} pending on {} (uploaded {}) - wait for its claim and triage it; if its upload failed, release them with `{} ledger failed {}`",
                super::ledger::plural(h.entries, "entry", "entries"),
                h.declaration,
                capekit_core::words::shown_time(h.since),
                o.command,
                word(&format!("#{}", h.id))
            ),
        };
    }
    out.push_str(&superseded_lines(&o.superseded, &o.removed, &o.kept));
    for f in &o.files {
        let _ = writeln!(out, "wrote {f}");
    }
    if !o.files.is_empty() {
        let files: Vec<String> = o.files.iter().map(|f| word(f)).collect();
        let _ = writeln!(
            out,
            "recorded in the ledger {} as a draft: it holds these entries from any other file\nupload it on ACE Portal > CAPE > File Uploads, then run `{} ledger uploaded {}` (or `{} ledger discard {}` if you will not upload it)",
            o.ledger,
            o.command,
            files.join(" "),
            o.command,
            files.join(" ")
        );
    }
    out
}

/// A draft some of whose entries CAPE will refuse as of `as_of` (their window closed): what to
/// do with it, and each such entry's next route with its date. `command` starts the hints.
pub(crate) fn draft_past_window(h: &Held, command: &str, as_of: jiff::civil::Date) -> String {
    use std::fmt::Write as _;
    let word = |s: &str| super::ledger::shell_word(s);
    let mut out = format!(
        "held: {} on the draft {} (written {}), not marked uploaded - of them, {} CAPE will refuse as of {as_of}: {} - discard the draft with `{command} ledger discard {}` and run `{command} refile` again{}\n",
        super::ledger::plural(h.entries, "entry", "entries"),
        h.declaration,
        capekit_core::words::shown_time(h.since),
        super::ledger::plural(h.closed.len(), "entry", "entries"),
        if h.closed.len() == 1 {
            "its CAPE window has closed, and a declaration is judged on the day CBP processes it"
        } else {
            "their CAPE windows have closed, and a declaration is judged on the day CBP processes it"
        },
        word(&format!("#{}", h.id)),
        if h.closed.len() < h.entries {
            " (it puts the entries still inside their window on a new declaration)"
        } else {
            ""
        }
    );
    for c in &h.closed {
        let _ = writeln!(
            out,
            "  {}: CAPE window closed {}{}",
            c.entry_number,
            c.window.date,
            if c.routes.is_empty() {
                "; no deadline left open: see counsel".to_owned()
            } else {
                format!(
                    "; what is left: {}",
                    c.routes
                        .iter()
                        .map(|r| r.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }
    out
}
