//! Turning arbitrary strings into unique, valid Rust identifiers.

use std::collections::{HashMap, HashSet};

/// Words of the language that cannot be plain identifiers (2024 edition), plus `_`.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A set of names in which every claimed name is distinct.
///
/// Collisions are resolved by appending the smallest free number (`Pet`, `Pet2`, …;
/// `id`, `id_2`, …), in the order names are claimed, so the same document always
/// yields the same names.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    used: HashSet<String>,
    /// For each stem and separator that needed a number, the smallest number that
    /// may still be free (every smaller one is taken, and names are never released).
    next_number: HashMap<String, u64>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
            next_number: HashMap::new(),
        }
    }

    /// Claims `base`, or `base` with the smallest free numeric suffix.
    pub fn claim(&mut self, base: &str) -> String {
        if !self.used.contains(base) {
            self.used.insert(base.to_owned());
            return base.to_owned();
        }
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        // A keyword escape (`type_`, `Self_`) is not needed once a number follows.
        let stem = match base.trim_end_matches('_') {
            "" => base,
            stem => stem,
        };
        let prefix = format!("{stem}{separator}");
        let mut number = self.next_number.get(&prefix).copied().unwrap_or(2);
        loop {
            let candidate = format!("{prefix}{number}");
            number += 1;
            if self.used.insert(candidate.clone()) {
                self.next_number.insert(prefix, number);
                return candidate;
            }
        }
    }
}

/// Calls `word` with each word of `raw`, in order: runs of ASCII letters and digits,
/// split further at lower-to-upper case changes (`petId` → `pet`, `Id`) and before
/// the last capital of an acronym (`HTTPServer` → `HTTP`, `Server`). Other characters
/// separate words; non-ASCII letters become `uXXXX` words so that the result stays
/// ASCII. ASCII words are slices of `raw`, so nothing is allocated for them.
fn each_word(raw: &str, mut word: impl FnMut(&str)) {
    let bytes = raw.as_bytes();
    // Where the current run of ASCII letters and digits starts.
    let mut start: Option<usize> = None;
    for (i, c) in raw.char_indices() {
        if c.is_ascii_alphanumeric() {
            match start {
                // A run is contiguous ASCII, so its last character is the byte before.
                Some(run) if is_boundary(bytes[i - 1], bytes[i], bytes.get(i + 1)) => {
                    word(&raw[run..i]);
                    start = Some(i);
                }
                Some(_) => {}
                None => start = Some(i),
            }
        } else {
            if let Some(run) = start.take() {
                word(&raw[run..i]);
            }
            if c.is_alphanumeric() {
                word(&format!("u{:04x}", c as u32));
            }
        }
    }
    if let Some(run) = start {
        word(&raw[run..]);
    }
}

/// Whether a new word starts at `current`, after `previous` and before `next`.
fn is_boundary(previous: u8, current: u8, next: Option<&u8>) -> bool {
    let next_is_lower = next.is_some_and(u8::is_ascii_lowercase);
    ((previous.is_ascii_lowercase() || previous.is_ascii_digit()) && current.is_ascii_uppercase())
        || (previous.is_ascii_uppercase() && current.is_ascii_uppercase() && next_is_lower)
}

/// `raw` in snake_case, valid as a Rust identifier and not a keyword; `fallback`
/// when `raw` has no letters or digits.
pub fn snake(raw: &str, fallback: &str) -> String {
    let mut name = String::with_capacity(raw.len() + 4);
    each_word(raw, |word| {
        if !name.is_empty() {
            name.push('_');
        }
        name.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    });
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `raw` in UpperCamelCase: `fallback` when `raw` has no letters or digits, and
/// `prefix` put before a leading digit. Not escaped for keywords: use it for pieces
/// of longer names, and [`type_name`] for whole ones.
pub fn camel(raw: &str, fallback: &str, prefix: &str) -> String {
    let mut name = String::with_capacity(raw.len() + 4);
    each_word(raw, |word| {
        if name.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit())
        {
            name.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    });
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, prefix);
    }
    name
}

/// `name` with `_` appended if it is a keyword.
pub fn escape_keyword(mut name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A whole type name for `raw`: UpperCamelCase, valid, not a keyword.
pub fn type_name(raw: &str) -> String {
    escape_keyword(camel(raw, "Type", "T"))
}

/// A piece of a type name made from `raw`, to append to another piece.
pub fn name_part(raw: &str) -> String {
    camel(raw, "Value", "")
}

/// An enum variant name for the wire value `value`: symbols that carry the meaning
/// of operator-like values are spelled out (`<=` → `LtEq`, `-1` → `Minus1`).
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let mut spelled = String::new();
    let only_symbols = !value.chars().any(char::is_alphanumeric);
    for (i, c) in value.chars().enumerate() {
        let word = match c {
            '-' if i == 0 || only_symbols => Some("minus"),
            '+' if i == 0 || only_symbols => Some("plus"),
            '<' if only_symbols => Some("lt"),
            '>' if only_symbols => Some("gt"),
            '=' if only_symbols => Some("eq"),
            '!' if only_symbols => Some("not"),
            '*' if only_symbols => Some("star"),
            '/' if only_symbols => Some("slash"),
            '.' if only_symbols => Some("dot"),
            '&' if only_symbols => Some("and"),
            '|' if only_symbols => Some("or"),
            '%' if only_symbols => Some("percent"),
            '#' if only_symbols => Some("hash"),
            '@' if only_symbols => Some("at"),
            '~' if only_symbols => Some("tilde"),
            '?' if only_symbols => Some("question"),
            ':' if only_symbols => Some("colon"),
            _ => None,
        };
        match word {
            Some(word) => {
                spelled.push(' ');
                spelled.push_str(word);
                spelled.push(' ');
            }
            None => spelled.push(c),
        }
    }
    escape_keyword(camel(&spelled, "Value", "V"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_ident(s: &str) -> bool {
        syn::parse_str::<syn::Ident>(s).is_ok()
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake("petId", "x"), "pet_id");
        assert_eq!(
            snake("read_item_items__item_id__get", "x"),
            "read_item_items_item_id_get"
        );
        assert_eq!(snake("HTTPServerURL", "x"), "http_server_url");
        assert_eq!(snake("type", "x"), "type_");
        assert_eq!(snake("self", "x"), "self_");
        assert_eq!(snake("2fa", "x"), "_2fa");
        assert_eq!(snake("@odata.type", "x"), "odata_type");
        assert_eq!(snake("$$$", "field"), "field");
        assert_eq!(snake("café", "x"), "caf_u00e9");
    }

    #[test]
    fn camel_case_names() {
        assert_eq!(type_name("pet_store"), "PetStore");
        assert_eq!(type_name("HTTPError"), "HttpError");
        assert_eq!(type_name("200Response"), "T200Response");
        assert_eq!(type_name("v1.2"), "V1_2");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("---"), "Type");
        assert_eq!(name_part("self"), "Self");
        assert_eq!(name_part("2nd"), "2nd");
    }

    #[test]
    fn variant_names_spell_out_symbols() {
        assert_eq!(variant_name("available"), "Available");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("<="), "LtEq");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1.5"), "V1_5");
        assert_eq!(variant_name("in-progress"), "InProgress");
    }

    #[test]
    fn every_result_is_an_identifier() {
        let samples = [
            "", "_", "__", "a", "A", "0", "é", "日本", "a-b", "A_B", "fn", "Self", "crate", "x y",
            "\r\n", "1e5", "-", "union", "gen", "ÀÉ", "a__b", "_a",
        ];
        for s in samples {
            assert!(
                is_ident(&snake(s, "field")),
                "snake({s:?}) = {}",
                snake(s, "field")
            );
            assert!(
                is_ident(&type_name(s)),
                "type_name({s:?}) = {}",
                type_name(s)
            );
            assert!(is_ident(&variant_name(s)), "variant_name({s:?})");
        }
    }

    #[test]
    fn collisions_get_numbered_in_claim_order() {
        let mut ns = Namespace::with_reserved(&["Option"]);
        assert_eq!(ns.claim("Pet"), "Pet");
        assert_eq!(ns.claim("Pet"), "Pet2");
        assert_eq!(ns.claim("Option"), "Option2");
        assert_eq!(ns.claim("id"), "id");
        assert_eq!(ns.claim("id"), "id_2");
        assert_eq!(ns.claim("self_"), "self_");
        assert_eq!(ns.claim("self_"), "self_2");
        assert_eq!(ns.claim("Self_"), "Self_");
        assert_eq!(ns.claim("Self_"), "Self2");
    }

    #[test]
    fn invisible_and_control_characters_only_separate_words() {
        let hostile = "na\u{202e}me\u{200b}\u{2066}x\u{2069}\u{feff}\r\n\0\u{2028}*/#[\"y";
        assert_eq!(snake(hostile, "field"), "na_me_x_y");
        assert_eq!(type_name(hostile), "NaMeXY");
        assert_eq!(variant_name("left\u{202e}"), "Left");
        assert_eq!(variant_name("\u{202e}\u{200b}"), "Value");
        assert_eq!(snake("\u{202e}", "field"), "field");
        // Other letters are spelled as ASCII words.
        assert_eq!(snake("caf\u{e9}", "field"), "caf_u00e9");
    }
}
