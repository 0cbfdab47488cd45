//! Self-contained HTML pages: inline CSS and SVG, no script, no font or file from elsewhere, so a
//! report opens offline and can be mailed as one file.

use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_esc(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped for HTML text and attribute values: the runs without a
/// character to escape are copied whole.
pub fn push_esc(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// The style every capekit page shares.
pub const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5d9e0;padding-bottom:.2rem}
.meta{color:#5a6270}.ok{color:#176b35}.bad{color:#a11d1d;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num,th.num{text-align:right}code,.mono{font-family:ui-monospace,Consolas,monospace}
.tiles{display:flex;gap:1rem;flex-wrap:wrap}.tile{border:1px solid #d5d9e0;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.tile b{display:block;font-size:1.4rem}.charts{display:flex;gap:2rem;flex-wrap:wrap}
.action{font-family:ui-monospace,Consolas,monospace;white-space:nowrap}";

/// A whole page.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

/// A row of figures, each a number (or amount) over its label: the top of every report.
pub fn tiles<'a>(items: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut out = String::from("<div class=\"tiles\">");
    for (label, value) in items {
        let _ = write!(
            out,
            "<div class=\"tile\"><b>{}</b>{}</div>",
            esc(&value),
            esc(label)
        );
    }
    out.push_str("</div>\n");
    out
}

/// A table of text cells, escaped here; a header ending in `#` heads a column of numbers
/// (right-aligned, the `#` not shown).
pub fn table<R, C, S>(head: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let num: Vec<bool> = head.iter().map(|h| h.ends_with('#')).collect();
    let mut out = String::from("<table><thead><tr>");
    for h in head {
        match h.strip_suffix('#') {
            Some(h) => {
                let _ = write!(out, "<th class=\"num\">{}</th>", esc(h));
            }
            None => {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
        }
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.into_iter().enumerate() {
            out.push_str(if num.get(i).copied().unwrap_or(false) {
                "<td class=\"num\">"
            } else {
                "<td>"
            });
            push_esc(&mut out, cell.as_ref());
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The opening of a page meant for one importer, to be sent to it: the title, the as-of line,
/// and what the page holds (that importer's entries only). `importer` is `None` when capekit
/// does not know whose the entries are: the page says so, and that it must be checked before
/// it is sent.
pub fn importer_heading(title: &str, as_of: jiff::civil::Date, importer: Option<&str>) -> String {
    let mut out = format!("<h1>{}</h1>\n<p class=\"meta\">As of {as_of}. ", esc(title));
    match importer {
        Some(i) => {
            let _ = writeln!(
                out,
                "This page lists the entries of importer {} only.</p>",
                esc(i)
            );
        }
        None => out.push_str(
            "</p>\n<p class=\"bad\">The importer of these entries is not known: the claim file has no importer column and no entry data names one. Make sure they are all one importer's before you send this page.</p>\n",
        ),
    }
    out
}

/// A horizontal bar chart as inline SVG.
pub fn bar_chart(title: &str, items: &[(String, usize)]) -> String {
    let bar_h = 22;
    let label_w = 390;
    let chart_w = 260;
    let height = 30 + items.len().max(1) * bar_h;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<figure><figcaption><b>{}</b></figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        label_w + chart_w + 60,
        esc(title)
    );
    if items.is_empty() {
        svg.push_str("<text x=\"0\" y=\"20\" font-size=\"13\">nothing to show</text>");
    }
    for (i, (label, n)) in items.iter().enumerate() {
        let y = 10 + i * bar_h;
        let w = (*n * chart_w).div_ceil(max).max(1);
        let short: String = if label.chars().count() > 48 {
            format!("{}...", label.chars().take(45).collect::<String>())
        } else {
            label.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\"><title>{}</title>{}</text><rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#3b6fb6\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
            label_w - 6,
            y + 15,
            esc(label),
            esc(&short),
            label_w,
            y + 3,
            bar_h - 6,
            label_w + w + 4,
            y + 15
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// One stage of a [`stacked_chart`]: its name and colour.
#[derive(Debug, Clone, Copy)]
pub struct Stage {
    /// Shown in the legend and in each part's tooltip.
    pub name: &'static str,
    /// A CSS colour.
    pub colour: &'static str,
}

/// A horizontal bar per row, split into its stages, each bar as long as the largest row's
/// total; `value` formats an amount for the tooltips and the total beside each bar. Parts of 0
/// are not drawn; a negative part counts as 0 (it is no stage of the money).
pub fn stacked_chart(
    title: &str,
    stages: &[Stage],
    rows: &[(String, Vec<i64>)],
    value: impl Fn(i64) -> String,
) -> String {
    let bar_h = 24;
    let label_w = 170;
    let chart_w = 420;
    let legend_h = 22;
    let height = legend_h + 14 + rows.len().max(1) * bar_h;
    let total = |parts: &[i64]| parts.iter().map(|p| (*p).max(0)).sum::<i64>();
    let max = rows.iter().map(|(_, p)| total(p)).max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<figure><figcaption><b>{}</b></figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        label_w + chart_w + 130,
        esc(title)
    );
    let mut x = 0;
    for s in stages {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"15\" font-size=\"12\">{}</text>",
            s.colour,
            x + 16,
            esc(s.name)
        );
        x += 22 + 7 * s.name.len();
    }
    if rows.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">nothing to show</text>",
            legend_h + 20
        );
    }
    for (i, (label, parts)) in rows.iter().enumerate() {
        let y = legend_h + 10 + i * bar_h;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label_w - 6,
            y + 15,
            esc(label)
        );
        let mut at = 0i64;
        for (s, part) in stages.iter().zip(parts) {
            let part = (*part).max(0);
            if part == 0 {
                continue;
            }
            let x0 = label_w as i64 + at * chart_w as i64 / max;
            at += part;
            let x1 = label_w as i64 + at * chart_w as i64 / max;
            let _ = write!(
                svg,
                "<rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {} {}</title></rect>",
                y + 3,
                (x1 - x0).max(1),
                bar_h - 6,
                s.colour,
                esc(label),
                esc(s.name),
                esc(&value(part))
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            label_w as i64 + at * chart_w as i64 / max + 4,
            y + 15,
            esc(&value(total(parts)))
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// The legend of a report: each action, path or outcome name the report uses, with its meaning
/// from [`capekit_core::words::MEANINGS`], in the order given.
pub fn legend(names: &[&str]) -> String {
    let mut b = String::new();
    let items: Vec<(&str, &str)> = names
        .iter()
        .filter_map(|n| capekit_core::words::meaning(n).map(|m| (*n, m)))
        .collect();
    if items.is_empty() {
        return b;
    }
    let _ = writeln!(
        b,
        "<h2>What the words mean</h2><table><thead><tr><th>word</th><th>meaning</th></tr></thead><tbody>"
    );
    for (n, m) in items {
        let _ = writeln!(
            b,
            "<tr><td class=\"action\">{}</td><td>{}</td></tr>",
            esc(n),
            esc(m)
        );
    }
    let _ = writeln!(b, "</tbody></table>");
    b
}

/// A report's table of reader findings, a finding repeated on many lines told once: a row with
/// its rule, how many and where, the first few in full, and where every one of them is listed
/// (`where_all` of the rule's code, such as "all in the worklist").
pub fn findings_table(
    diagnostics: &[capekit_core::Diagnostic],
    where_all: impl Fn(&str) -> &'static str,
) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<table><thead><tr><th>rule</th><th>file</th><th>where</th><th>value</th><th>problem</th></tr></thead><tbody>"
    );
    for g in capekit_core::words::group_findings(diagnostics) {
        if g.count() > 1 {
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td colspan=\"4\"><b>{}</b></td></tr>",
                g.code,
                esc(&crate::names::scrub_paths(&g.whereabouts_upto(usize::MAX)))
            );
        }
        for d in g.shown() {
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                d.code(),
                esc(crate::names::file_label(d.file.as_deref().unwrap_or(""))),
                esc(&d.position().unwrap_or_default()),
                esc(d.value.as_deref().unwrap_or("")),
                esc(&crate::names::scrub_paths(&d.message))
            );
        }
        if let Some(more) = g.more(where_all(g.code)) {
            let _ = writeln!(
                b,
                "<tr><td class=\"mono\">{}</td><td colspan=\"4\">{}</td></tr>",
                g.code,
                esc(&more)
            );
        }
    }
    let _ = writeln!(b, "</tbody></table>");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_dangerous() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        // Runs between, wide characters and the ends are kept.
        assert_eq!(esc("é<b>ü & 漢'"), "é&lt;b&gt;ü &amp; 漢&#39;");
        assert_eq!(esc(""), "");
        assert_eq!(esc("plain"), "plain");
    }

    #[test]
    fn stacked_chart_draws_each_stage_of_each_row_but_zero_and_negative_parts() {
        let stages = [
            Stage {
                name: "paid",
                colour: "#2e7d32",
            },
            Stage {
                name: "outstanding",
                colour: "#c62828",
            },
        ];
        let svg = stacked_chart(
            "Money",
            &stages,
            &[("A<".into(), vec![300, 100]), ("B".into(), vec![0, -5])],
            |c| format!("${c}"),
        );
        // Two legend squares, two parts of A, none of B.
        assert_eq!(svg.matches("<rect").count(), 4, "{svg}");
        assert!(svg.contains("A&lt;: paid $300"), "{svg}");
        assert!(svg.contains(">$400<"), "{svg}");
        assert!(svg.contains(">$0<"), "{svg}");
    }

    #[test]
    fn tables_escape_their_cells_and_right_align_numbers() {
        let t = table(
            &["entry", "duty#"],
            [vec!["<b>".to_owned(), "1.00".to_owned()]],
        );
        assert!(t.contains("<th class=\"num\">duty</th>"), "{t}");
        assert!(
            t.contains("<td>&lt;b&gt;</td><td class=\"num\">1.00</td>"),
            "{t}"
        );
        let tiles = tiles([("entries", "3".to_owned())]);
        assert!(tiles.contains("<b>3</b>entries"), "{tiles}");
    }

    #[test]
    fn an_importer_page_says_whose_it_is_or_that_nobody_knows() {
        let d = jiff::civil::date(2026, 12, 1);
        assert!(importer_heading("t", d, Some("IOR<")).contains("importer IOR&lt; only"));
        assert!(importer_heading("t", d, None).contains("not known"));
    }

    #[test]
    fn chart_has_one_bar_per_item() {
        let svg = bar_chart("t", &[("A".into(), 3), ("B<".into(), 1)]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("B&lt;"));
    }
}
