//! The frame every page shares (header, navigation, footer) and small rendering helpers.
//!
//! The stylesheet and script are served from `/static/` (embedded in the binary): the page has no
//! inline style or script, which is what lets the Content-Security-Policy forbid both.

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A whole page.
pub fn page(title: &str, body: Markup) -> Markup {
    let body = PreEscaped(body.into_string());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title.replace('`', "")) " - capekit" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                // The first thing a keyboard reaches: past the header to the page's content.
                a.skip href="#main" { "Skip to main content" }
                header.top {
                    a.brand href="/" { "capekit" span.sub { "CAPE refund workbench" } }
                    nav {
                        a href="/" { "Read ACE files" }
                        a href="/check" { "Check a declaration" }
                        a href="/declarations" { "Declarations" }
                        a href="/refunds" { "Refunds" }
                        a href="/rules" { "Messages and rules" }
                    }
                    form.find role="search" method="get" action="/find" {
                        label for="find-entry" { "Find an entry" }
                        " "
                        input #find-entry type="search" name="entry" size="16" placeholder="B7644104112" autocomplete="off" spellcheck="false";
                        " "
                        button type="submit" { "Find" }
                    }
                    (crate::team::signed_in_bar())
                }
                main #main tabindex="-1" {
                    h1 { (with_code(title)) }
                    (body)
                }
                footer {
                    p {
                        "capekit " (env!("CARGO_PKG_VERSION"))
                        " runs on this computer: the files you give it are read here and sent nowhere."
                    }
                }
            }
        }
    }
}

/// Text with `backtick` spans shown as code, the way the catalogs' doc text marks values.
pub fn with_code(text: &str) -> Markup {
    let mut parts = text.split('`');
    html! {
        @if let Some(first) = parts.next() { (first) }
        @for (i, part) in parts.enumerate() {
            @if i % 2 == 0 { code { (part) } } @else { (part) }
        }
    }
}

/// Paragraphs of a multi-line doc text, each with code spans.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for para in text.split("\n\n") {
            p { (with_code(&para.replace('\n', " "))) }
        }
    }
}

/// The first sentence of a text, for a table cell, and whether more follows (the entry page has
/// it whole): the one rule for every face, [`capekit_core::words::first_sentence`].
pub use capekit_core::words::first_sentence;

/// A time as this computer's clock shows it, with its zone: `2026-11-24 10:00 EST`.
pub fn local_time(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// A count with thousands separators.
pub fn n(count: usize) -> String {
    capekit_core::check::group(count as u64)
}

/// `1 entry` / `3 entries`.
pub fn entries(count: usize) -> String {
    format!("{} entr{}", n(count), if count == 1 { "y" } else { "ies" })
}

/// A deadline: its date, then the days left (in red while urgent: 14 days, 60 for the court, by
/// `capekit_core::deadline::urgent`), `last day today`, or `passed`.
pub fn deadline(
    kind: capekit_core::deadline::DeadlineKind,
    date: jiff::civil::Date,
    days_left: i32,
) -> Markup {
    html! {
        span.date { (date.to_string()) }
        " "
        @match days_left {
            d if d < 0 => span.days.passed { "(passed)" },
            0 => span.days.soon { "(last day today)" },
            d if capekit_core::deadline::urgent(kind, d) => span.days.soon { "(" (d) " day" @if d != 1 { "s" } " left)" },
            d => span.days { "(" (d) " days left)" },
        }
    }
}

/// Inline SVG from a capekit-io printer; the printer escapes every value it writes.
pub fn trusted_svg(svg: String) -> Markup {
    PreEscaped(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_shows_its_days_left_in_red_while_urgent() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().expect("date");
        let shown = |kind, days| deadline(kind, d("2026-12-01"), days).into_string();
        use capekit_core::deadline::DeadlineKind::{CapeWindow, Court1581i};
        assert!(shown(CapeWindow, 14).contains("soon"));
        assert!(!shown(CapeWindow, 15).contains("soon"));
        assert!(shown(Court1581i, 60).contains("soon"));
        assert!(!shown(Court1581i, 61).contains("soon"));
        let soon = deadline(
            capekit_core::deadline::DeadlineKind::CapeWindow,
            d("2026-11-24"),
            0,
        )
        .into_string();
        assert!(
            soon.contains("last day today") && soon.contains("soon"),
            "{soon}"
        );
        assert!(
            deadline(
                capekit_core::deadline::DeadlineKind::CapeWindow,
                d("2026-11-20"),
                -4
            )
            .into_string()
            .contains("(passed)")
        );
        assert!(
            deadline(
                capekit_core::deadline::DeadlineKind::CapeWindow,
                d("2026-11-25"),
                1
            )
            .into_string()
            .contains("(1 day left)")
        );
    }

    #[test]
    fn first_sentences_for_table_cells() {
        assert_eq!(
            first_sentence("Refile. It is on the next file."),
            ("Refile.".into(), true)
        );
        assert_eq!(first_sentence("Refile now."), ("Refile now.".into(), false));
        // `e.g. something` and `U.S. law` are not sentence ends.
        assert_eq!(
            first_sentence("File a PSC (e.g. for the HTS) under U.S. rules."),
            (
                "File a PSC (e.g. for the HTS) under U.S. rules.".into(),
                false
            )
        );
        let long = format!("Wait for `{}` then refile.", "x ".repeat(120));
        let (short, more) = first_sentence(&long);
        assert!(
            more && short.ends_with("...") && short.chars().count() < 190,
            "{short}"
        );
        assert_eq!(short.matches('`').count() % 2, 0, "{short}");
    }

    #[test]
    fn code_spans_and_escaping() {
        let m = with_code("a `<b>` c `d`").into_string();
        assert_eq!(m, "a <code>&lt;b&gt;</code> c <code>d</code>");
    }
}
