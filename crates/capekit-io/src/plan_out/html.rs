//! The plan's report pages: the broker's, and one per importer safe to send to that importer.

use super::*;

/// The report page.
pub fn report_html(plan: &Plan, files: &PlanFiles) -> String {
    let mut b = String::new();
    let r = &plan.reconciliation;
    let title = format!("CAPE plan, as of {}", plan.as_of);
    let _ = writeln!(b, "<h1>{}</h1>", esc(&title));
    // The files by their names alone: the report is mailed, and where a file lies on this
    // computer (a user name, a folder) is nobody's business.
    let names: Vec<&str> = r.files.iter().map(|f| file_label(&f.file)).collect();
    let _ = writeln!(
        b,
        "<p class=\"meta\">As of {} &middot; {}{}</p>",
        plan.as_of,
        esc(&names.join(", ")),
        plan.filer
            .map(|f| format!(" &middot; filer {}", esc(f.as_str())))
            .unwrap_or_default()
    );
    for a in &plan.data_age {
        let _ = writeln!(
            b,
            "<p class=\"{}\">{}</p>",
            if a.stale { "bad" } else { "meta" },
            esc(&data_age_line(a))
        );
    }
    let worklist = plan.worklist();
    let declared: usize = plan.declarations.iter().map(|d| d.entries.len()).sum();
    let _ = writeln!(b, "<div class=\"tiles\">");
    let urgent = format!(
        "urgent (a deadline that matters within {} days, court {})",
        capekit_core::deadline::URGENT_DAYS,
        capekit_core::deadline::COURT_URGENT_DAYS
    );
    for (label, value) in [
        ("entries", group(r.entries as u64)),
        ("IEEPA duty", format_cents(plan.ieepa_duty_cents())),
        ("to declare now", group(declared as u64)),
        (urgent.as_str(), group(plan.urgent().len() as u64)),
        ("on the worklist", group(worklist.len() as u64)),
    ] {
        let _ = writeln!(
            b,
            "<div class=\"tile\"><b>{}</b>{}</div>",
            esc(&value),
            esc(label)
        );
    }
    let _ = writeln!(b, "</div>");
    let _ = writeln!(
        b,
        "<p class=\"{}\">{}</p>",
        if r.holds { "ok" } else { "bad" },
        esc(&reconciliation_line(plan))
    );

    let _ = writeln!(
        b,
        "<h2>Paths</h2><table><thead><tr><th>path</th><th class=\"num\">entries</th><th class=\"num\">IEEPA duty</th></tr></thead><tbody>"
    );
    for t in &plan.totals {
        let _ = writeln!(
            b,
            "<tr><td class=\"action\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            t.path,
            group(t.entries as u64),
            format_cents(t.ieepa_duty_cents)
        );
    }
    let _ = writeln!(
        b,
        "<tr><th>total</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></tbody></table>",
        group(r.entries as u64),
        format_cents(plan.ieepa_duty_cents())
    );
    let _ = writeln!(b, "<div class=\"charts\">");
    let duty: Vec<(String, usize)> = plan
        .totals
        .iter()
        .map(|t| {
            (
                format!("{} ({})", t.path, format_cents(t.ieepa_duty_cents)),
                usize::try_from(t.ieepa_duty_cents.saturating_add(50) / 100).unwrap_or(0),
            )
        })
        .collect();
    b.push_str(&bar_chart("IEEPA duty by path (whole dollars)", &duty));
    b.push_str(&bar_chart(
        "Entries by nearest deadline that matters (days from the as-of date)",
        &plan.deadline_buckets(),
    ));
    let _ = writeln!(b, "</div>");
    let paths: Vec<&str> = EntryPath::ALL.iter().map(|p| p.as_str()).collect();
    b.push_str(&crate::html::legend(&paths));

    let _ = writeln!(b, "<h2>Declarations</h2>");
    if plan.declarations.is_empty() {
        let _ = writeln!(
            b,
            "<p>No entry to declare now; no declaration was written.</p>"
        );
    } else {
        let _ = writeln!(
            b,
            "<p>Upload each on ACE Portal &gt; CAPE &gt; File Uploads. Urgent entries come first in each file.</p><table><thead><tr><th>file</th><th>importer</th><th>filer</th><th class=\"num\">entries</th><th class=\"num\">urgent</th><th class=\"num\">IEEPA duty</th></tr></thead><tbody>"
        );
        for (d, paths) in plan.declarations.iter().zip(&files.declarations) {
            let names: Vec<String> = paths
                .iter()
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
                .collect();
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&names.join(", ")),
                esc(d.importer_number.as_deref().unwrap_or("(none)")),
                esc(d.filer.as_deref().unwrap_or("")),
                group(d.entries.len() as u64),
                group(d.urgent as u64),
                format_cents(d.ieepa_duty_cents)
            );
        }
        let _ = writeln!(b, "</tbody></table>");
    }
    if !files.packets.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Packets for the other paths</h2><p>Per importer, soonest deadline first: what a protest (CBP Form 19, 19 CFR 174.13(a)) needs that the data holds, and the entries whose route is the Court of International Trade, with the safe date and the later readings.</p><ul>"
        );
        for p in &files.packets {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(b, "<li><a href=\"{0}\">{0}</a></li>", esc(&name));
        }
        let _ = writeln!(b, "</ul>");
    }
    if !files.importer_reports.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Reports per importer</h2><p>One page per importer, with only its entries and no file of this computer named: each may be sent to its importer.</p><ul>"
        );
        for (_, p) in &files.importer_reports {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(b, "<li><a href=\"{0}\">{0}</a></li>", esc(&name));
        }
        let _ = writeln!(b, "</ul>");
    }
    let other = plan.other_filer_entries();
    if other > 0 {
        let _ = writeln!(
            b,
            "<p>{} of other filers are on the worklist, not on a declaration: a broker's account may declare only entries bearing its own filer code (CBP's guide \"ACE Portal: CAPE Declarations\", April 2026, is known to say so only through summaries: unconfirmed).</p>",
            esc(&plural(other, "cape entry", "cape entries"))
        );
    }
    let held = plan.held_entries();
    if held > 0 {
        let _ = writeln!(
            b,
            "<p>{} the plan doubts CBP would take now are on the worklist, not on a declaration: no importer number, or a trade control status.</p>",
            esc(&plural(held, "cape entry", "cape entries"))
        );
    }
    let known = plan.known_entries();
    if !known.is_empty() {
        let accepted = known
            .iter()
            .filter(|e| matches!(e.known, Some(KnownState::Accepted { .. })))
            .count();
        let _ = writeln!(
            b,
            "<p>{} the ledger knows are on the worklist, not on a declaration: {} accepted on an earlier claim (never declare them again) and {} still pending on an earlier declaration (do not resubmit).</p>",
            esc(&plural(known.len(), "cape entry", "cape entries")),
            group(accepted as u64),
            group((known.len() - accepted) as u64)
        );
    }

    if !plan.diagnostics.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Findings of the readers</h2><p>{} ({}); a finding repeated on many lines is listed once with its lines.</p>",
            group(plan.diagnostics.len() as u64),
            esc(&severity_summary(&plan.diagnostics))
        );
        b.push_str(&crate::html::findings_table(
            &plan.diagnostics,
            findings_where,
        ));
    }

    b.push_str("<h2>Worklist</h2>\n");
    if worklist.len() > REPORT_ROWS {
        let _ = writeln!(
            b,
            "<p>The {} most urgent of {} rows; the worklist files (.xlsx, .csv) hold them all.</p>",
            group(REPORT_ROWS as u64),
            group(worklist.len() as u64)
        );
    }
    let _ = writeln!(
        b,
        "<table><thead><tr><th>entry</th><th>importer</th><th>path</th><th>what to do</th><th>CAPE window closes</th><th>PSC due</th><th>protest due</th><th>court due</th><th class=\"num\">IEEPA duty</th><th>rules</th></tr></thead><tbody>"
    );
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    for e in worklist.into_iter().take(REPORT_ROWS) {
        let dl = e.decision.deadlines;
        let when = |d: Option<Deadline>| {
            d.map_or_else(String::new, |d| {
                if d.passed() {
                    format!("{} (passed)", d.date)
                } else {
                    format!(
                        "{} ({} left)",
                        d.date,
                        plural(usize::try_from(d.days_left).unwrap_or(0), "day", "days")
                    )
                }
            })
        };
        let notes: String = e
            .decision
            .notes
            .iter()
            .map(|n| format!("<br><i>{}</i>", esc(&scrub_paths(n))))
            .collect();
        let _ = writeln!(
            b,
            "<tr{}><td class=\"action\">{}</td><td class=\"action\">{}</td><td class=\"action\">{}</td><td>{}{notes}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if e.urgent { " class=\"bad\"" } else { "" },
            e.entry_number,
            esc(e.importer_number.as_deref().unwrap_or("")),
            e.decision.path,
            esc(&scrub_paths(&e.what_to_do(filer))),
            when(dl.cape_window_closes),
            when(dl.psc_due),
            if e.undated_urgency().is_some() && dl.protest_due.is_none() {
                esc(&e.urgency())
            } else {
                when(dl.protest_due)
            },
            when(dl.court_safe()),
            format_cents(e.ieepa_duty_cents),
            e.decision.reasons.join(" ")
        );
    }
    let _ = writeln!(b, "</tbody></table>");
    page(&title, &b)
}

/// One importer's report of the plan (`importer` `None`: the entries with no importer number),
/// safe to send: only `entries`, no file of this computer named. It lists what to act on with
/// its deadline, the entries to declare now with their file, and those accepted on an earlier
/// claim.
pub fn importer_report_html(
    plan: &Plan,
    importer: Option<&str>,
    entries: &[&PlannedEntry],
    files: &PlanFiles,
) -> String {
    let who = match importer {
        Some(i) => format!("importer {i}"),
        None => "entries with no importer number".to_owned(),
    };
    let title = format!("CAPE plan: {who}, as of {}", plan.as_of);
    let mut b = crate::html::importer_heading(&title, plan.as_of, importer);
    // How old the data of these entries is, with the warning past 30 days, as the broker's
    // report says it: an importer reading dates from a stale export must know it.
    for a in plan
        .data_age
        .iter()
        .filter(|a| entries.iter().any(|e| *e.file == *a.file))
    {
        let _ = writeln!(
            b,
            "<p class=\"{}\">{}</p>",
            if a.stale { "bad" } else { "meta" },
            esc(&data_age_line(a))
        );
    }
    let filer = plan.filer.as_ref().map(FilerCode::as_str);
    let declared: Vec<&&PlannedEntry> =
        entries.iter().filter(|e| e.declaration.is_some()).collect();
    let accepted: Vec<&&PlannedEntry> = entries
        .iter()
        .filter(|e| matches!(e.known, Some(KnownState::Accepted { .. })))
        .collect();
    // In the worklist's order: urgent first, then the nearest deadline.
    let mine: HashSet<EntryNumber> = entries.iter().map(|e| e.entry_number).collect();
    let act: Vec<&PlannedEntry> = plan
        .worklist()
        .into_iter()
        .filter(|e| mine.contains(&e.entry_number))
        .filter(|e| !matches!(e.known, Some(KnownState::Accepted { .. })))
        .collect();
    b.push_str(&crate::html::tiles([
        ("entries", group(entries.len() as u64)),
        (
            "IEEPA duty",
            format_cents(sum_cents(entries.iter().map(|e| e.ieepa_duty_cents))),
        ),
        ("to declare now", group(declared.len() as u64)),
        ("to act on", group(act.len() as u64)),
        ("accepted on an earlier claim", group(accepted.len() as u64)),
    ]));
    let more = |b: &mut String, n: usize| {
        if n > REPORT_ROWS {
            let _ = writeln!(
                b,
                "<p class=\"meta\">The first {} of {}; your broker's worklist lists them all.</p>",
                group(REPORT_ROWS as u64),
                group(n as u64)
            );
        }
    };
    let by_when = |e: &PlannedEntry| {
        let when = match e.urgent_by.map_or_else(|| e.horizon(), Horizon::Open) {
            Horizon::Open(d) => d.describe(),
            Horizon::Passed => "every deadline has passed".to_owned(),
            Horizon::Undated => String::new(),
        };
        // Urgent with no date to show for it: why, before the next date there is.
        match (e.undated_urgency().is_some(), when.is_empty()) {
            (true, true) => e.urgency(),
            (true, false) => format!("{}; {when}", e.urgency()),
            (false, _) => when,
        }
    };
    b.push_str("<h2>To act on</h2>\n");
    if act.is_empty() {
        b.push_str("<p class=\"ok\">Nothing.</p>\n");
    } else {
        more(&mut b, act.len());
        b.push_str(&crate::html::table(
            &["entry", "path", "what to do", "by when", "IEEPA duty#"],
            act.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    e.decision.path.to_string(),
                    // Plain advice: no command, ledger note or rule code in a page sent on.
                    capekit_core::words::plain_advice(&scrub_paths(&e.what_to_do(filer))),
                    by_when(e),
                    format_cents(e.ieepa_duty_cents),
                ]
            }),
        ));
    }
    b.push_str("<h2>To declare now</h2>\n");
    if declared.is_empty() {
        b.push_str("<p>None of these entries is to be declared in CAPE now.</p>\n");
    } else {
        b.push_str("<p>On the declarations named, to be uploaded on ACE Portal &gt; CAPE &gt; File Uploads; urgent entries come first in each file.</p>\n");
        more(&mut b, declared.len());
        b.push_str(&crate::html::table(
            &["entry", "declaration", "CAPE window closes", "IEEPA duty#"],
            declared.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    files
                        .file_of(e)
                        .and_then(|p| p.file_name())
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    e.decision
                        .deadlines
                        .cape_window_closes
                        .map_or_else(|| "not yet (unliquidated)".to_owned(), Deadline::describe),
                    format_cents(e.ieepa_duty_cents),
                ]
            }),
        ));
    }
    b.push_str("<h2>Accepted on an earlier claim</h2>\n");
    if accepted.is_empty() {
        b.push_str("<p>None of these entries is known as accepted.</p>\n");
    } else {
        more(&mut b, accepted.len());
        b.push_str(&crate::html::table(
            &["entry", "accepted"],
            accepted.iter().take(REPORT_ROWS).map(|e| {
                [
                    e.entry_number.to_string(),
                    capekit_core::words::plain_advice(&scrub_paths(
                        &e.known.as_ref().map_or_else(String::new, known_clause),
                    )),
                ]
            }),
        ));
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">Paths and deadlines as capekit's dated rules give them on {}, from the entry data of ACE report ES-003.</p>",
        plan.as_of
    );
    page(&title, &b)
}
