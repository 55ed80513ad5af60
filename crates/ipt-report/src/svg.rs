//! Small helpers for writing SVG by hand: escaping and stable number formatting.

/// Escape text for use in XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; drop them.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, without a trailing ".0": stable across platforms.
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    // Avoid "-0".
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Keep a label short enough for the drawing; the full text stays in titles and tables.
pub fn shorten(s: &str, max_chars: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A DOM id fragment: letters, digits and dashes only, so a caller's prefix cannot break out
/// of an attribute.
pub fn id_safe(s: &str) -> String {
    let v: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if v.is_empty() { "chart".into() } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(esc("a\u{0}b"), "ab");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(49.0), "49");
        assert_eq!(num(102.25), "102.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(id_safe("a b\"c"), "a-b-c");
    }
}
