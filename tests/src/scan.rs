//! A small source scanner for the size rules in `tests/tests/architecture.rs`:
//! it blanks out comments, strings and char literals, then finds each `fn`
//! with a body and counts its lines by matching braces.

/// A function with a body, as found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnSpan {
    pub name: String,
    /// 1-based line of the `fn` keyword.
    pub line: usize,
    /// Lines from the `fn` keyword to the closing brace, both included.
    pub lines: usize,
}

/// `code` with comments and the contents of string and char literals
/// replaced by spaces (newlines kept), so braces can be counted.
pub fn blank_literals(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let keep = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    out.push(' ');
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        out.push_str("  ");
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        out.push_str("  ");
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        out.push(keep(c[i]));
                        i += 1;
                    }
                }
            }
            'r' if matches!(c.get(i + 1), Some('"') | Some('#'))
                && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                out.push('"');
                i = j + 1;
                while i < c.len() && !c[i..].starts_with(&close) {
                    out.push(keep(c[i]));
                    i += 1;
                }
                out.push('"');
                i += close.len();
            }
            '"' => {
                out.push('"');
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        out.push(' ');
                        i += 1;
                    }
                    if i < c.len() {
                        out.push(keep(c[i]));
                        i += 1;
                    }
                }
                out.push('"');
                i += 1;
            }
            '\'' => match char_literal_end(&c, i) {
                Some(e) => {
                    out.push('\'');
                    out.extend(std::iter::repeat_n(' ', e - i - 1));
                    out.push('\'');
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            },
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// Where the char literal opening at `i` closes ('x', '\n', '\u{7b}');
/// `None` for a lifetime ('a).
fn char_literal_end(c: &[char], i: usize) -> Option<usize> {
    if c.get(i + 1) == Some(&'\\') {
        c[i + 2..]
            .iter()
            .position(|&x| x == '\'')
            .map(|p| i + 2 + p)
    } else if c.get(i + 2) == Some(&'\'') {
        Some(i + 2)
    } else {
        None
    }
}

/// Every function with a body in `code`, with its length in lines.
/// Declarations without a body (trait methods ending in `;`) are skipped.
pub fn functions(code: &str) -> Vec<FnSpan> {
    let clean = blank_literals(code);
    let bytes = clean.as_bytes();
    let line_of = |pos: usize| clean[..pos].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = clean[from..].find("fn ") {
        let start = from + at;
        from = start + 3;
        let word_start =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !word_start {
            continue;
        }
        let name: String = clean[start + 3..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue; // `fn(` pointer types
        }
        // The body starts at the first `{` outside parentheses and angle
        // brackets of the signature; a `;` first means no body.
        let mut depth = 0i32;
        let mut open = None;
        for (k, b) in bytes.iter().enumerate().skip(start) {
            match b {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => break,
                b'{' if depth == 0 => {
                    open = Some(k);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let mut braces = 0i32;
        let mut close = None;
        for (k, b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => braces += 1,
                b'}' => {
                    braces -= 1;
                    if braces == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let (first, last) = (line_of(start), line_of(close));
        found.push(FnSpan {
            name,
            line: first,
            lines: last - first + 1,
        });
    }
    found
}

/// A string literal found by [`string_literals`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// 1-based line of the opening quote.
    pub line: usize,
    /// The content, escapes reduced to the escaped character.
    pub text: String,
    /// The calls, macros and struct literals the literal sits in, innermost
    /// first, as written before their bracket (`Message::plain`,
    /// `tracing::warn!`, `vec!`; empty for a bare block or tuple).
    pub within: Vec<String>,
}

/// Every string literal in `code` (comments skipped), with what encloses it.
pub fn string_literals(code: &str) -> Vec<StrLit> {
    let c: Vec<char> = code.chars().collect();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let name_before = |i: usize| -> String {
        let mut j = i;
        while j > 0 && c[j - 1] == ' ' {
            j -= 1;
        }
        let end = j;
        while j > 0 && (ident(c[j - 1]) || matches!(c[j - 1], ':' | '!')) {
            j -= 1;
        }
        c[j..end].iter().collect()
    };
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        match c[i] {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
                i += 2;
            }
            'r' if matches!(c.get(i + 1), Some('"') | Some('#'))
                && (i == 0 || !ident(c[i - 1])) =>
            {
                let hashes = c[i + 1..].iter().take_while(|&&x| x == '#').count();
                let open = i + 1 + hashes;
                if c.get(open) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let (start, mut j) = (line, open + 1);
                while j < c.len() && !c[j..].starts_with(&close) {
                    line += usize::from(c[j] == '\n');
                    j += 1;
                }
                let text = c[open + 1..j.min(c.len())].iter().collect();
                let within = stack.iter().rev().cloned().collect();
                out.push(StrLit {
                    line: start,
                    text,
                    within,
                });
                i = j + close.len();
            }
            '"' => {
                let start = line;
                let mut text = String::new();
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && c.get(i + 1) == Some(&'\n') {
                        // A line continuation: the newline and the indent go.
                        i += 1;
                        while i < c.len() && c[i].is_whitespace() {
                            line += usize::from(c[i] == '\n');
                            i += 1;
                        }
                        continue;
                    }
                    if c[i] == '\\' {
                        i += 1;
                    }
                    if let Some(&ch) = c.get(i) {
                        line += usize::from(ch == '\n');
                        text.push(ch);
                    }
                    i += 1;
                }
                let within = stack.iter().rev().cloned().collect();
                out.push(StrLit {
                    line: start,
                    text,
                    within,
                });
                i += 1;
            }
            '\'' => i = char_literal_end(&c, i).map_or(i + 1, |e| e + 1),
            '(' | '[' | '{' => {
                stack.push(name_before(i));
                i += 1;
            }
            ')' | ']' | '}' => {
                stack.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_in_strings_comments_and_chars_do_not_count() {
        let code = "fn a() {\n    let s = \"}}}\";\n    // }\n    let c = '}';\n    let r = r#\"{\"#;\n}\nfn b<'x>(v: &'x str) -> &'x str {\n    v\n}\n";
        let f = functions(code);
        assert_eq!(
            f,
            vec![
                FnSpan {
                    name: "a".into(),
                    line: 1,
                    lines: 6
                },
                FnSpan {
                    name: "b".into(),
                    line: 7,
                    lines: 3
                },
            ]
        );
    }

    #[test]
    fn nested_functions_and_declarations() {
        let code = "trait T {\n    fn d(&self);\n}\nfn outer() {\n    fn inner() {}\n    let f: fn(u8) = g;\n}\n";
        let f = functions(code);
        let names: Vec<_> = f.iter().map(|s| (s.name.as_str(), s.lines)).collect();
        assert_eq!(names, vec![("outer", 4), ("inner", 1)]);
    }

    #[test]
    fn string_literals_know_what_encloses_them() {
        let code = "fn f() {\n    // \"not this\"\n    tracing::warn!(n = 1, \"Quiet \\\"log\\\"\");\n    let m = Message::plain(format!(\"Hello {}\", '\"'));\n    let r = r#\"raw \"x\"\"#;\n    let s = \"one \\\n        two\";\n}\n";
        let found = string_literals(code);
        let texts: Vec<&str> = found.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Quiet \"log\"", "Hello {}", "raw \"x\"", "one two"]);
        assert_eq!(found[0].within, ["tracing::warn!", ""]);
        assert_eq!(found[1].within, ["format!", "Message::plain", ""]);
        assert_eq!(found[1].line, 4);
        assert_eq!(found[3].line, 6);
    }
}
