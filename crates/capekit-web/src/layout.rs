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
                header.top {
                    a.brand href="/" { "capekit" span.sub { "CAPE refund workbench" } }
                    nav {
                        a href="/" { "Read ACE files" }
                        a href="/check" { "Check a declaration" }
                        a href="/rules" { "Messages and rules" }
                    }
                }
                main {
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

/// A count with thousands separators.
pub fn n(count: usize) -> String {
    capekit_core::check::group(count as u64)
}

/// `1 entry` / `3 entries`.
pub fn entries(count: usize) -> String {
    format!("{} entr{}", n(count), if count == 1 { "y" } else { "ies" })
}

/// Inline SVG from a capekit-io printer; the printer escapes every value it writes.
pub fn trusted_svg(svg: String) -> Markup {
    PreEscaped(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_escaping() {
        let m = with_code("a `<b>` c `d`").into_string();
        assert_eq!(m, "a <code>&lt;b&gt;</code> c <code>d</code>");
    }
}
