//! Parameter values (path, query, header, cookie) parsed into typed values through serde.
//!
//! One generic entry point per location serves every type generated code uses: strings,
//! booleans, numbers, `Option`, `Vec` (with the OpenAPI array styles), string and integer
//! enums, newtypes over strings (UUIDs, dates, base64), objects (`deepObject`, exploded
//! `form`, `simple` key/value lists) and untagged unions. The text is handed to the
//! type's own `Deserialize` implementation, so a value is accepted exactly when the type
//! accepts it, and a rejection carries a FastAPI-style error kind.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::num::{IntErrorKind, ParseIntError};
use std::str::FromStr;

use oapi_gen_runtime::UploadFile;
use percent_encoding::percent_decode_str;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use crate::error::LocItem;

/// OpenAPI `style` (+ `explode`) of a parameter, as generated code passes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple`: comma-separated values (path, header).
    Simple,
    /// `label`: values prefixed by `.` (path).
    Label,
    /// `matrix`: values prefixed by `;name=` (path).
    Matrix,
    /// `form`: `name=value` pairs, arrays repeated (explode) or comma-separated (query, cookie).
    Form,
    /// `spaceDelimited`: array values separated by spaces (query).
    SpaceDelimited,
    /// `pipeDelimited`: array values separated by `|` (query).
    PipeDelimited,
    /// `deepObject`: object properties as `name[key]=value` pairs (query).
    DeepObject,
}

/// Why a parameter value was rejected; generated servers turn it into one FastAPI-style
/// validation error `{"loc": [<in>, <name>], "msg": msg, "type": kind}`.
///
/// The kinds follow pydantic's names: `missing`, `int_parsing`, `float_parsing`,
/// `bool_parsing`, `enum` (a value that is not one of the allowed ones), `list_type`,
/// `extra_forbidden` (an unknown property of an object that denies them) and
/// `value_error` (anything else, with the type's own message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// Human-readable message, pydantic's wording where there is one.
    pub msg: String,
    /// Machine-readable kind (the `type` of the FastAPI error).
    pub kind: &'static str,
}

const INT_MSG: &str = "Input should be a valid integer, unable to parse string as an integer";
const FLOAT_MSG: &str = "Input should be a valid number, unable to parse string as a number";
const BOOL_MSG: &str = "Input should be a valid boolean, unable to interpret input";

impl ParamError {
    /// An error of the given kind.
    pub fn new(kind: &'static str, msg: impl Into<String>) -> Self {
        ParamError {
            msg: msg.into(),
            kind,
        }
    }

    /// A required parameter that is absent (`missing`, "Field required").
    pub fn missing() -> Self {
        ParamError::new("missing", "Field required")
    }

    fn value_error(msg: impl Into<String>) -> Self {
        ParamError::new("value_error", msg)
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for ParamError {}

/// The kind of an error a `Deserialize` implementation reported with a free-form message.
fn classify(msg: &str) -> &'static str {
    if msg.starts_with("unknown variant")
        // oapi-gen-runtime's string enums: "unknown Status value `x`, expected one of: …"
        || (msg.starts_with("unknown ") && msg.contains(" value `"))
        // serde_repr's integer enums: "invalid value: 7, expected one of: 1, 2, 3"
        || (msg.starts_with("invalid value: ") && msg.contains(", expected "))
    {
        "enum"
    } else if msg.starts_with("invalid type: ") && msg.contains("expected a sequence") {
        "list_type"
    } else {
        "value_error"
    }
}

/// `'a', 'b' or 'c'`, pydantic's way of listing the allowed values.
fn one_of(expected: &[&str]) -> String {
    let quoted: Vec<String> = expected.iter().map(|value| format!("'{value}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl de::Error for ParamError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let msg = msg.to_string();
        ParamError::new(classify(&msg), msg)
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let expected = exp.to_string();
        if expected.contains("sequence") || expected.contains("tuple") {
            ParamError::new("list_type", "Input should be a valid list")
        } else {
            ParamError::value_error(format!("invalid type: {unexp}, expected {expected}"))
        }
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        ParamError::value_error(format!("invalid value: {unexp}, expected {exp}"))
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        ParamError::value_error(format!("invalid length {len}, expected {exp}"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let _ = variant;
        ParamError::new("enum", format!("Input should be {}", one_of(expected)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let _ = expected;
        ParamError::new(
            "extra_forbidden",
            format!("Extra inputs are not permitted (`{field}`)"),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        ParamError::new("missing", format!("Field required (`{field}`)"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        ParamError::value_error(format!("duplicate field `{field}`"))
    }
}

/// The query string parsed once into percent-decoded (`+` is a space) name/value pairs,
/// in order; the values are also kept as they were sent, for the comma-delimited styles
/// to split before decoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
    /// The value of each pair as sent (still encoded), at the same index; `None` where
    /// decoding left it as it was.
    raw: Vec<Option<String>>,
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, then percent-decoding;
/// invalid UTF-8 is replaced rather than rejected.
fn decode_form(text: &str) -> String {
    let spaced;
    let text = if text.contains('+') {
        spaced = text.replace('+', " ");
        spaced.as_str()
    } else {
        text
    };
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The `name=value` pairs of a query string or a form body, as sent (`name` alone is an
/// empty value).
fn raw_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| part.split_once('=').unwrap_or((part, "")))
}

/// The decoded name/value pairs of an `application/x-www-form-urlencoded` body, in
/// order, as [`Query`] decodes a query string (without keeping the values as sent).
pub(crate) fn form_pairs(text: &str) -> impl Iterator<Item = (String, String)> {
    raw_pairs(text).map(|(name, value)| (decode_form(name), decode_form(value)))
}

impl Query {
    /// Parses a raw query string (the part after `?`, without it); `None` is an empty query.
    pub fn parse(raw: Option<&str>) -> Query {
        let mut query = Query::default();
        for (name, value) in raw_pairs(raw.unwrap_or("")) {
            let decoded = decode_form(value);
            query.raw.push((decoded != value).then(|| value.to_owned()));
            query.pairs.push((decode_form(name), decoded));
        }
        query
    }

    /// The decoded name/value pairs, in the order they were given.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The value of a parameter given as JSON text (`content: application/json`),
    /// `None` when absent; text that is not JSON of type `T` is `json_invalid`.
    pub fn get_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ParamError> {
        let Some((_, text)) = self.pairs.iter().find(|(n, _)| n == name) else {
            return Ok(None);
        };
        serde_json::from_str(text)
            .map(Some)
            .map_err(|error| ParamError::new("json_invalid", format!("Invalid JSON: {error}")))
    }

    /// Deserialises the parameter `name`; `Ok(None)` when absent.
    ///
    /// - `form` with `explode` (and exploded `spaceDelimited`/`pipeDelimited`): an array
    ///   takes every `name=` pair, a single value the last one; an object takes the pairs
    ///   whose names are its properties (a map takes every pair);
    /// - `form` without `explode` splits the last `name=` value on `,`
    ///   (`spaceDelimited` on ` `, `pipeDelimited` on `|`); objects are `key,value` lists;
    /// - `deepObject` reads the `name[key]=value` pairs (nested `[a][b]` keys are nested
    ///   objects, repeated keys or `name[key][]=` pairs are arrays).
    ///
    /// Commas delimit before percent-decoding, so an item holding a comma is sent
    /// encoded (`%2C`, as clients encode it). Spaces and pipes delimit after it (the
    /// delimiter itself is commonly sent encoded), so those items cannot hold their
    /// delimiter.
    pub fn get<T: DeserializeOwned>(
        &self,
        name: &str,
        style: Style,
        explode: bool,
    ) -> Result<Option<T>, ParamError> {
        let values = || {
            self.pairs
                .iter()
                .filter(move |(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let input = match style {
            Style::DeepObject => {
                let entries: Vec<(&str, &str)> = self
                    .pairs
                    .iter()
                    .filter_map(|(n, v)| {
                        n.strip_prefix(name)
                            .filter(|rest| rest.starts_with('['))
                            .map(|rest| (rest, v.as_str()))
                    })
                    .collect();
                if entries.is_empty() {
                    return Ok(None);
                }
                Input::Deep(entries)
            }
            Style::Form | Style::SpaceDelimited | Style::PipeDelimited if explode => {
                let values: Vec<&str> = values().collect();
                let absent = values.is_empty();
                return match T::deserialize(Input::Form {
                    query: self,
                    values,
                }) {
                    Ok(value) => Ok(Some(value)),
                    // Nothing to read: neither `name=` pairs nor properties of an object.
                    Err(error) if absent && error == ParamError::missing() => Ok(None),
                    Err(error) => Err(error),
                };
            }
            Style::SpaceDelimited | Style::PipeDelimited => {
                let Some(text) = values().next_back() else {
                    return Ok(None);
                };
                let delim = if style == Style::SpaceDelimited {
                    ' '
                } else {
                    '|'
                };
                Input::Text {
                    text,
                    split: Some(Split::new(delim, Some(false))),
                }
            }
            _ => {
                let Some(at) = self.pairs.iter().rposition(|(n, _)| n == name) else {
                    return Ok(None);
                };
                Input::Text {
                    text: self.raw[at].as_deref().unwrap_or(&self.pairs[at].1),
                    split: Some(Split::new(',', Some(false)).encoded(Decode::Form)),
                }
            }
        };
        T::deserialize(input).map(Some)
    }
}

/// A path parameter's value as sent (still percent-encoded), style `simple`: arrays
/// are comma-separated, objects `key,value,…` or `key=value,…`. Items are decoded
/// after splitting, so an item holding a comma is sent encoded (`%2C`).
pub fn path<T: DeserializeOwned>(value: &str) -> Result<T, ParamError> {
    T::deserialize(Input::Text {
        text: value,
        split: Some(Split::new(',', None).encoded(Decode::Percent)),
    })
}

/// A path parameter's value as sent (still percent-encoded) in any path style, best
/// effort: `label` strips the leading `.` (exploded arrays are `.`-separated), `matrix`
/// strips the `;name=` prefix (exploded arrays repeat `;name=`, exploded objects are
/// `;key=value` pairs); other styles are read as `simple`. Items are decoded after
/// splitting, as in [`path`].
pub fn path_styled<T: DeserializeOwned>(
    value: &str,
    style: Style,
    explode: bool,
    name: &str,
) -> Result<T, ParamError> {
    let input = match style {
        Style::Label => {
            let text = value.strip_prefix('.').unwrap_or(value);
            let delim = if explode { '.' } else { ',' };
            Input::Text {
                text,
                split: Some(Split::new(delim, Some(explode)).encoded(Decode::Percent)),
            }
        }
        Style::Matrix => {
            let text = value.strip_prefix(';').unwrap_or(value);
            if explode {
                let pieces: Vec<&str> = text.split(';').collect();
                if pieces
                    .iter()
                    .all(|piece| strip_matrix_name(piece, name).is_some())
                {
                    Input::Many {
                        values: pieces
                            .into_iter()
                            .filter_map(|piece| strip_matrix_name(piece, name))
                            .map(|text| piece(text, Some(Decode::Percent)))
                            .collect::<Result<_, _>>()?,
                        last: true,
                    }
                } else {
                    Input::Text {
                        text,
                        split: Some(Split::new(';', Some(true)).encoded(Decode::Percent)),
                    }
                }
            } else {
                Input::Text {
                    text: strip_matrix_name(text, name).unwrap_or(text),
                    split: Some(Split::new(',', Some(false)).encoded(Decode::Percent)),
                }
            }
        }
        _ => Input::Text {
            text: value,
            split: Some(Split::new(',', Some(explode)).encoded(Decode::Percent)),
        },
    };
    T::deserialize(input)
}

/// `piece` (still encoded) without its leading `name=` (or `name` for an empty value).
fn strip_matrix_name<'a>(piece: &'a str, name: &str) -> Option<&'a str> {
    let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
    (Decode::Percent.apply(key).ok()? == name).then_some(value)
}

/// A header (style `simple`; arrays comma-separated, items trimmed; several header lines
/// of the same name are one array, and a single value is the first line); `Ok(None)` when
/// absent. Names are case-insensitive; a value that is not UTF-8 is an error.
pub fn header<T: DeserializeOwned>(
    headers: &http::HeaderMap,
    name: &str,
) -> Result<Option<T>, ParamError> {
    let split = Some(Split {
        trim: true,
        ..Split::new(',', None)
    });
    let mut values = Vec::new();
    for value in headers.get_all(name) {
        let text = value.to_str().map_err(|_| {
            ParamError::new(
                "string_unicode",
                "Input should be a valid string, the header value is not valid UTF-8",
            )
        })?;
        values.push(Input::Text {
            text: text.trim(),
            split,
        });
    }
    let input = match values.len() {
        0 => return Ok(None),
        1 => values.remove(0),
        _ => Input::Many {
            values,
            last: false,
        },
    };
    T::deserialize(input).map(Some)
}

/// A cookie from the `Cookie` header(s) (style `form`: arrays and `key,value` objects are
/// comma-separated); `Ok(None)` when absent. The first cookie of that name wins; the value
/// is unquoted and percent-decoded (`+` stays a `+`).
pub fn cookie<T: DeserializeOwned>(
    headers: &http::HeaderMap,
    name: &str,
) -> Result<Option<T>, ParamError> {
    let found = headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|line| line.as_bytes().split(|byte| *byte == b';'))
        .find_map(|pair| {
            let pair = pair.trim_ascii();
            let eq = pair.iter().position(|byte| *byte == b'=')?;
            (pair[..eq].trim_ascii() == name.as_bytes()).then(|| pair[eq + 1..].trim_ascii())
        });
    let Some(raw) = found else {
        return Ok(None);
    };
    let raw = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => raw,
    };
    let text = std::str::from_utf8(raw).map_err(|_| {
        ParamError::new(
            "string_unicode",
            "Input should be a valid string, the cookie value is not valid UTF-8",
        )
    })?;
    T::deserialize(Input::Text {
        text,
        split: Some(Split::new(',', Some(false)).encoded(Decode::Percent)),
    })
    .map(Some)
}

/// One field of an `application/x-www-form-urlencoded` or `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyField {
    /// A text value: every field of a form, a multipart part without a file name.
    Text(String),
    /// A multipart part sent as a file (or whose content is not UTF-8 text).
    File(UploadFile),
}

/// Why a form or multipart body was rejected: the property (and array index) it is
/// about, and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where, below `body`: `["tags", 1]`; empty for the body as a whole.
    pub path: Vec<LocItem>,
    /// What is wrong.
    pub error: ParamError,
}

/// Deserialises a form or multipart body from its fields (name and value, in order),
/// as an exploded `form` query: a property takes the field of its name (the last one
/// when a single value is expected), an array every field of its name, without
/// splitting values on commas. [`UploadFile`] properties take file parts whole; other
/// properties read a part's content as text.
pub fn body_fields<T: DeserializeOwned>(fields: &[(String, BodyField)]) -> Result<T, FieldError> {
    let mut grouped: Vec<(&str, Vec<Input<'_>>)> = Vec::new();
    for (name, value) in fields {
        let input = match value {
            BodyField::Text(text) => Input::Text { text, split: None },
            BodyField::File(file) => Input::File(file),
        };
        match grouped.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(input),
            None => grouped.push((name, vec![input])),
        }
    }
    let entries = grouped
        .into_iter()
        .map(|(name, mut values)| {
            let input = if values.len() == 1 {
                values.remove(0)
            } else {
                Input::Many { values, last: true }
            };
            (name, input)
        })
        .collect();
    serde_path_to_error::deserialize(Input::Fields(entries)).map_err(|error| {
        let mut path: Vec<LocItem> = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(LocItem::Index(*index)),
                serde_path_to_error::Segment::Map { key }
                | serde_path_to_error::Segment::Enum { variant: key } => {
                    Some(LocItem::from(key.clone()))
                }
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let mut error = error.into_inner();
        // A struct reports a missing property itself: locate it at the property.
        if let Some(field) = (error.kind == "missing")
            .then(|| error.msg.strip_prefix("Field required (`"))
            .flatten()
            .and_then(|rest| rest.strip_suffix("`)"))
        {
            path.push(LocItem::from(field));
            error = ParamError::missing();
        }
        FieldError { path, error }
    })
}

/// How one text holds several values.
#[derive(Debug, Clone, Copy)]
struct Split {
    /// The separator of array items (and of object keys and values).
    delim: char,
    /// Whether items are trimmed (headers).
    trim: bool,
    /// Objects: `key=value` items (`Some(true)`), alternating `key,value` items
    /// (`Some(false)`) or whichever the text looks like (`None`).
    pairs: Option<bool>,
    /// Whether the text is still percent-encoded, and how to decode it: then it is
    /// split (and `key=value` items cut) first and each piece decoded after, so that
    /// an encoded delimiter (`%2C`) stays inside its item.
    decode: Option<Decode>,
}

impl Split {
    fn new(delim: char, pairs: Option<bool>) -> Self {
        Split {
            delim,
            trim: false,
            pairs,
            decode: None,
        }
    }

    /// The pieces of `text` between delimiters (trimmed if asked), none for an empty
    /// text; still encoded when the text is.
    fn pieces(self, text: &str) -> impl Iterator<Item = &str> {
        text.split(self.delim)
            .filter(move |_| !text.is_empty())
            .map(move |item| if self.trim { item.trim() } else { item })
    }

    /// The same split of a text that is still percent-encoded.
    fn encoded(self, decode: Decode) -> Self {
        Split {
            decode: Some(decode),
            ..self
        }
    }
}

/// How a piece of a percent-encoded text is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decode {
    /// `application/x-www-form-urlencoded` (query strings): `+` is a space; invalid
    /// UTF-8 is replaced, as everywhere in the query.
    Form,
    /// Percent-decoding only (paths, cookies): `+` stays; invalid UTF-8 is rejected.
    Percent,
}

impl Decode {
    /// `text` decoded, borrowed when there is nothing to decode.
    fn apply(self, text: &str) -> Result<Cow<'_, str>, ParamError> {
        match self {
            Decode::Form if text.contains(['%', '+']) => Ok(Cow::Owned(decode_form(text))),
            Decode::Form => Ok(Cow::Borrowed(text)),
            Decode::Percent => percent_decode_str(text).decode_utf8().map_err(|_| {
                ParamError::new(
                    "string_unicode",
                    "Input should be a valid string, the value is not valid UTF-8 once percent-decoded",
                )
            }),
        }
    }
}

/// `text` decoded as `decode` says (or as it is when `None`).
fn decoded(text: &str, decode: Option<Decode>) -> Result<Cow<'_, str>, ParamError> {
    match decode {
        Some(decode) => decode.apply(text),
        None => Ok(Cow::Borrowed(text)),
    }
}

/// `text` decoded as `decode` says, as an input read whole.
fn piece(text: &str, decode: Option<Decode>) -> Result<Input<'_>, ParamError> {
    decoded(text, decode).map(Input::from)
}

/// What a parameter deserialises from.
#[derive(Debug)]
enum Input<'a> {
    /// One text; a sequence or an object splits it when `split` says how (and
    /// decodes the pieces when it says the text is still percent-encoded).
    Text { text: &'a str, split: Option<Split> },
    /// One text that had to be decoded into a string of its own, read whole.
    Decoded(String),
    /// Several occurrences; a single value is the last (or first) one, a sequence takes
    /// the items of all of them.
    Many { values: Vec<Input<'a>>, last: bool },
    /// `deepObject` entries: the rest of the name (`[key]…`) and the value.
    Deep(Vec<(&'a str, &'a str)>),
    /// An exploded `form` parameter: its own values, and the whole query for objects.
    Form {
        query: &'a Query,
        values: Vec<&'a str>,
    },
    /// The fields of a form or multipart body, grouped by name in first-seen order.
    Fields(Vec<(&'a str, Input<'a>)>),
    /// A file part of a multipart body.
    File(&'a UploadFile),
}

impl<'a> From<Cow<'a, str>> for Input<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Input::Text { text, split: None },
            Cow::Owned(text) => Input::Decoded(text),
        }
    }
}

/// The first `[segment]` of a deepObject name, and what follows it.
fn segment(rest: &str) -> (&str, &str) {
    match rest
        .strip_prefix('[')
        .and_then(|inner| inner.split_once(']'))
    {
        Some((key, rest)) => (key, rest),
        None => (rest, ""),
    }
}

/// The properties of an object given as `(key, rest of the name, value)` triples, with
/// repeated keys grouped in first-seen order.
fn group<'a>(
    triples: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> Vec<(&'a str, Input<'a>)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for (key, rest, value) in triples {
        match index.get(key) {
            Some(&at) => groups[at].1.push((rest, value)),
            None => {
                index.insert(key, groups.len());
                groups.push((key, vec![(rest, value)]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(key, mut entries)| {
            let leaf = entries
                .iter()
                .all(|(rest, _)| rest.is_empty() || *rest == "[]");
            let input = if !leaf {
                Input::Deep(
                    entries
                        .into_iter()
                        .filter(|(rest, _)| !rest.is_empty())
                        .collect(),
                )
            } else if entries.len() == 1 {
                Input::Text {
                    text: entries.remove(0).1,
                    split: Some(Split::new(',', Some(false))),
                }
            } else {
                Input::Many {
                    values: entries
                        .into_iter()
                        .map(|(_, text)| Input::Text { text, split: None })
                        .collect(),
                    last: true,
                }
            };
            (key, input)
        })
        .collect()
}

/// Object entries keyed by borrowed names, as [`Input::entries`] returns them.
fn borrowed_keys<'a>(entries: Vec<(&'a str, Input<'a>)>) -> Vec<(Cow<'a, str>, Input<'a>)> {
    entries
        .into_iter()
        .map(|(key, input)| (Cow::Borrowed(key), input))
        .collect()
}

impl<'a> Input<'a> {
    /// The single text a scalar reads.
    fn scalar(self) -> Result<Cow<'a, str>, ParamError> {
        match self {
            Input::Text { text, split } => {
                let text = if split.is_some_and(|split| split.trim) {
                    text.trim()
                } else {
                    text
                };
                decoded(text, split.and_then(|split| split.decode))
            }
            Input::Decoded(text) => Ok(Cow::Owned(text)),
            Input::Many { values, last } => {
                let value = if last {
                    values.into_iter().next_back()
                } else {
                    values.into_iter().next()
                };
                value.map_or_else(|| Err(ParamError::missing()), Input::scalar)
            }
            Input::Deep(_) => Err(ParamError::value_error(
                "Input should be a single value, not an object",
            )),
            Input::Form { values, .. } => values
                .last()
                .copied()
                .map(Cow::Borrowed)
                .ok_or_else(ParamError::missing),
            Input::Fields(_) => Err(ParamError::value_error(
                "Input should be a single value, not an object",
            )),
            Input::File(file) => {
                std::str::from_utf8(&file.bytes)
                    .map(Cow::Borrowed)
                    .map_err(|_| {
                        ParamError::new(
                            "string_unicode",
                            "Input should be a valid string, the part is not UTF-8 text",
                        )
                    })
            }
        }
    }

    /// The items a sequence reads.
    fn items(self) -> Result<Vec<Input<'a>>, ParamError> {
        Ok(match self {
            Input::Text {
                text,
                split: Some(split),
            } => split
                .pieces(text)
                .map(|item| piece(item, split.decode))
                .collect::<Result<_, _>>()?,
            text @ (Input::Text { split: None, .. } | Input::Decoded(_)) => vec![text],
            Input::Many { values, .. } => {
                let mut items = Vec::new();
                for value in values {
                    items.extend(value.items()?);
                }
                items
            }
            Input::Deep(entries) => entries
                .into_iter()
                .map(|(_, text)| Input::Text { text, split: None })
                .collect(),
            Input::Fields(_) => {
                return Err(ParamError::new("list_type", "Input should be a valid list"));
            }
            file @ Input::File(_) => vec![file],
            Input::Form { values, .. } => {
                if values.is_empty() {
                    return Err(ParamError::missing());
                }
                values
                    .into_iter()
                    .map(|text| Input::Text { text, split: None })
                    .collect()
            }
        })
    }

    /// The properties an object reads; `fields` are a struct's property names.
    fn entries(
        self,
        fields: Option<&[&str]>,
    ) -> Result<Vec<(Cow<'a, str>, Input<'a>)>, ParamError> {
        match self {
            Input::Text {
                text,
                split: Some(split),
            } => {
                let items: Vec<&str> = split.pieces(text).collect();
                let pairs = split
                    .pairs
                    .unwrap_or_else(|| !items.is_empty() && items.iter().all(|i| i.contains('=')));
                let entry = |key: &'a str, text: &'a str| {
                    Ok((decoded(key, split.decode)?, piece(text, split.decode)?))
                };
                if pairs {
                    items
                        .into_iter()
                        .map(|item| {
                            let (key, text) = item.split_once('=').unwrap_or((item, ""));
                            entry(key, text)
                        })
                        .collect()
                } else if items.len().is_multiple_of(2) {
                    items
                        .chunks(2)
                        .map(|pair| entry(pair[0], pair[1]))
                        .collect()
                } else {
                    Err(ParamError::value_error(
                        "Input should be an object, given as key,value pairs",
                    ))
                }
            }
            Input::Text { split: None, .. } | Input::Decoded(_) => Err(ParamError::value_error(
                "Input should be an object, not a single value",
            )),
            Input::Many { values, last } => {
                let value = if last {
                    values.into_iter().next_back()
                } else {
                    values.into_iter().next()
                };
                value.map_or_else(|| Err(ParamError::missing()), |v| v.entries(fields))
            }
            Input::Deep(entries) => Ok(borrowed_keys(group(entries.into_iter().filter_map(
                |(rest, value)| {
                    let (key, rest) = segment(rest);
                    (!key.is_empty()).then_some((key, rest, value))
                },
            )))),
            Input::Fields(entries) => Ok(borrowed_keys(entries)),
            Input::File(_) => Err(ParamError::value_error(
                "Input should be an object, not a file",
            )),
            Input::Form { query, .. } => {
                let entries = group(
                    query
                        .pairs
                        .iter()
                        .filter(|(name, _)| fields.is_none_or(|fields| fields.contains(&&**name)))
                        .map(|(name, value)| (name.as_str(), "", value.as_str())),
                );
                if entries.is_empty() {
                    Err(ParamError::missing())
                } else {
                    Ok(borrowed_keys(entries))
                }
            }
        }
    }

    fn visit_seq<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        let mut seq = SeqDeserializer::new(self.items()?.into_iter());
        let value = visitor.visit_seq(&mut seq)?;
        seq.end()?;
        Ok(value)
    }

    fn visit_map<'de, V: Visitor<'de>>(
        self,
        fields: Option<&[&str]>,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        let mut map = MapDeserializer::new(self.entries(fields)?.into_iter());
        let value = visitor.visit_map(&mut map)?;
        map.end()?;
        Ok(value)
    }
}

fn parse_int<T: FromStr<Err = ParseIntError>>(text: &str) -> Result<T, ParamError> {
    text.trim().parse().map_err(|error: ParseIntError| {
        let msg = match error.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                "Input should be a valid integer, out of range".to_owned()
            }
            _ => INT_MSG.to_owned(),
        };
        ParamError::new("int_parsing", msg)
    })
}

fn parse_float<T: FromStr>(text: &str) -> Result<T, ParamError> {
    text.trim()
        .parse()
        .map_err(|_| ParamError::new("float_parsing", FLOAT_MSG))
}

/// pydantic's lax booleans.
fn parse_bool(text: &str) -> Result<bool, ParamError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "t" | "y" | "yes" | "on" => Ok(true),
        "false" | "0" | "f" | "n" | "no" | "off" => Ok(false),
        _ => Err(ParamError::new("bool_parsing", BOOL_MSG)),
    }
}

/// Whether `text` is written like a number (so `inf` or `nan` stay strings).
fn looks_numeric(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
}

/// Best effort for types that ask for "anything" (untagged unions): a number, a boolean
/// or else a string.
fn visit_text<'de, V: Visitor<'de>>(text: &str, visitor: V) -> Result<V::Value, ParamError> {
    if let Ok(value) = text.parse::<i64>() {
        visitor.visit_i64(value)
    } else if let Ok(value) = text.parse::<u64>() {
        visitor.visit_u64(value)
    } else if let Some(value) = looks_numeric(text)
        .then(|| text.parse::<f64>().ok())
        .flatten()
    {
        visitor.visit_f64(value)
    } else if text == "true" || text == "false" {
        visitor.visit_bool(text == "true")
    } else {
        visitor.visit_str(text)
    }
}

impl<'de> IntoDeserializer<'de, ParamError> for Input<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! deserialize_int {
    ($($method:ident => $visit:ident,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
                visitor.$visit(parse_int(&self.scalar()?)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Input<'_> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match &self {
            Input::Deep(_) | Input::Fields(_) => self.visit_map(None, visitor),
            Input::File(file) => match std::str::from_utf8(&file.bytes) {
                Ok(text) => visit_text(text, visitor),
                Err(_) => visitor.visit_bytes(&file.bytes),
            },
            Input::Form { values, .. } if values.is_empty() => self.visit_map(None, visitor),
            Input::Form { values, .. } if values.len() > 1 => self.visit_seq(visitor),
            Input::Many { values, .. } if values.len() > 1 => self.visit_seq(visitor),
            _ => visit_text(&self.scalar()?, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_bool(parse_bool(&self.scalar()?)?)
    }

    deserialize_int! {
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_f32(parse_float(&self.scalar()?)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_f64(parse_float(&self.scalar()?)?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        let text = self.scalar()?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(ParamError::value_error(
                "Input should be a single character",
            )),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_str(&self.scalar()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match self {
            Input::File(file) => visitor.visit_bytes(&file.bytes),
            input => visitor.visit_bytes(input.scalar()?.as_bytes()),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        // Absence is decided before deserialising: a value that is here is `Some`.
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        if name != UploadFile::SERDE_NAME {
            return visitor.visit_newtype_struct(self);
        }
        // A file: a file part whole, any other value as text.
        let Input::File(file) = self else {
            return visitor.visit_str(&self.scalar()?);
        };
        let mut entries = vec![("bytes", FileValue::Bytes(&file.bytes))];
        if let Some(file_name) = &file.file_name {
            entries.push(("file_name", FileValue::Str(file_name)));
        }
        if let Some(content_type) = &file.content_type {
            entries.push(("content_type", FileValue::Str(content_type)));
        }
        let mut map = MapDeserializer::new(entries.into_iter());
        let value = visitor.visit_map(&mut map)?;
        map.end()?;
        Ok(value)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        self.visit_seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.visit_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.visit_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        self.visit_map(None, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.visit_map(Some(fields), visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        let text = self.scalar()?;
        visitor.visit_enum(text.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }
}

/// A member of the `{bytes, file_name, content_type}` map an [`UploadFile`] reads.
enum FileValue<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

impl<'de> IntoDeserializer<'de, ParamError> for FileValue<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for FileValue<'_> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match self {
            FileValue::Str(text) => visitor.visit_str(text),
            FileValue::Bytes(bytes) => visitor.visit_bytes(bytes),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use http::{HeaderMap, HeaderValue};
    use serde::{Deserialize, Deserializer};

    use super::*;

    fn query(raw: &str) -> Query {
        Query::parse(Some(raw))
    }

    fn kind<T: fmt::Debug>(result: Result<T, ParamError>) -> &'static str {
        result.expect_err("expected an error").kind
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Color {
        #[serde(rename = "red")]
        Red,
        #[serde(rename = "light-blue")]
        LightBlue,
    }

    /// An integer enum the way serde_repr deserialises one.
    #[derive(Debug, PartialEq)]
    enum Level {
        Low = 1,
        High = 2,
    }

    impl<'de> Deserialize<'de> for Level {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match i64::deserialize(deserializer)? {
                1 => Ok(Level::Low),
                2 => Ok(Level::High),
                other => Err(de::Error::custom(format_args!(
                    "invalid value: {other}, expected 1 or 2"
                ))),
            }
        }
    }

    /// A type that reads itself from a string, like `Uuid` or a base64 newtype.
    #[derive(Debug, PartialEq)]
    struct Upper(String);

    impl<'de> Deserialize<'de> for Upper {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Upper;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an upper-case string")
                }
                fn visit_str<E: de::Error>(self, text: &str) -> Result<Upper, E> {
                    if text.chars().all(|c| c.is_ascii_uppercase()) {
                        Ok(Upper(text.to_owned()))
                    } else {
                        Err(E::custom("not upper case"))
                    }
                }
            }
            deserializer.deserialize_str(V)
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Filter {
        name: String,
        min: Option<i32>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn integers_good_and_bad() {
        let q = query("a=42&b=-7&c=x&d=1.5&e=300&f=%2012%20");
        assert_eq!(q.get::<i32>("a", Style::Form, true), Ok(Some(42)));
        assert_eq!(q.get::<i64>("b", Style::Form, true), Ok(Some(-7)));
        assert_eq!(
            q.get::<u64>("b", Style::Form, true).unwrap_err().msg,
            INT_MSG
        );
        assert_eq!(kind(q.get::<i32>("c", Style::Form, true)), "int_parsing");
        assert_eq!(kind(q.get::<i32>("d", Style::Form, true)), "int_parsing");
        assert_eq!(kind(q.get::<u8>("e", Style::Form, true)), "int_parsing");
        assert_eq!(q.get::<u8>("f", Style::Form, true), Ok(Some(12)));
        assert_eq!(
            path::<u128>("340282366920938463463374607431768211455"),
            Ok(u128::MAX)
        );
    }

    #[test]
    fn floats_good_and_bad() {
        let q = query("a=1.5&b=-2e3&c=abc&d=3");
        assert_eq!(q.get::<f64>("a", Style::Form, true), Ok(Some(1.5)));
        assert_eq!(q.get::<f32>("b", Style::Form, true), Ok(Some(-2000.0)));
        assert_eq!(q.get::<f64>("d", Style::Form, true), Ok(Some(3.0)));
        let error = q.get::<f64>("c", Style::Form, true).unwrap_err();
        assert_eq!(
            (error.kind, error.msg.as_str()),
            ("float_parsing", FLOAT_MSG)
        );
    }

    #[test]
    fn booleans_good_and_bad() {
        let q = query("a=true&b=False&c=1&d=no&e=maybe");
        assert_eq!(q.get::<bool>("a", Style::Form, true), Ok(Some(true)));
        assert_eq!(q.get::<bool>("b", Style::Form, true), Ok(Some(false)));
        assert_eq!(q.get::<bool>("c", Style::Form, true), Ok(Some(true)));
        assert_eq!(q.get::<bool>("d", Style::Form, true), Ok(Some(false)));
        let error = q.get::<bool>("e", Style::Form, true).unwrap_err();
        assert_eq!((error.kind, error.msg.as_str()), ("bool_parsing", BOOL_MSG));
    }

    #[test]
    fn strings_are_percent_decoded_and_plus_is_a_space() {
        let q = query("q=hello+w%C3%B6rld%21&a%20b=x%2By&empty=&bare");
        assert_eq!(
            q.get::<String>("q", Style::Form, true),
            Ok(Some("hello wörld!".to_owned()))
        );
        assert_eq!(
            q.get::<String>("a b", Style::Form, true),
            Ok(Some("x+y".to_owned()))
        );
        assert_eq!(
            q.get::<String>("empty", Style::Form, true),
            Ok(Some(String::new()))
        );
        assert_eq!(
            q.get::<String>("bare", Style::Form, true),
            Ok(Some(String::new()))
        );
        assert_eq!(q.pairs().count(), 4);
        // A repeated scalar takes the last value, as Starlette does.
        assert_eq!(
            query("n=1&n=2").get::<i32>("n", Style::Form, true),
            Ok(Some(2))
        );
    }

    #[test]
    fn missing_parameters_are_none() {
        let q = query("other=1");
        assert_eq!(q.get::<i32>("a", Style::Form, true), Ok(None));
        assert_eq!(q.get::<Vec<i32>>("a", Style::Form, true), Ok(None));
        assert_eq!(q.get::<Vec<i32>>("a", Style::Form, false), Ok(None));
        assert_eq!(q.get::<Option<String>>("a", Style::Form, true), Ok(None));
        assert_eq!(q.get::<Filter>("f", Style::DeepObject, true), Ok(None));
        assert_eq!(q.get::<Filter>("f", Style::Form, true), Ok(None));
        assert_eq!(
            Query::parse(None).get::<String>("a", Style::Form, true),
            Ok(None)
        );
        let headers = HeaderMap::new();
        assert_eq!(header::<String>(&headers, "x-a"), Ok(None));
        assert_eq!(cookie::<String>(&headers, "a"), Ok(None));
        assert_eq!(ParamError::missing().msg, "Field required");
        assert_eq!(ParamError::missing().kind, "missing");
    }

    #[test]
    fn options_wrap_present_values() {
        let q = query("a=5&b=x");
        assert_eq!(
            q.get::<Option<i32>>("a", Style::Form, true),
            Ok(Some(Some(5)))
        );
        assert_eq!(
            kind(q.get::<Option<i32>>("b", Style::Form, true)),
            "int_parsing"
        );
        assert_eq!(path::<Option<u8>>("7"), Ok(Some(7)));
    }

    #[test]
    fn arrays_in_every_style() {
        let q = query("e=1&e=2&e=3&c=1,2,3&s=1+2%203&p=1|2%7C3&empty=");
        assert_eq!(
            q.get::<Vec<i32>>("e", Style::Form, true),
            Ok(Some(vec![1, 2, 3]))
        );
        assert_eq!(
            q.get::<Vec<i32>>("c", Style::Form, false),
            Ok(Some(vec![1, 2, 3]))
        );
        assert_eq!(
            q.get::<Vec<i32>>("s", Style::SpaceDelimited, false),
            Ok(Some(vec![1, 2, 3]))
        );
        assert_eq!(
            q.get::<Vec<i32>>("p", Style::PipeDelimited, false),
            Ok(Some(vec![1, 2, 3]))
        );
        // Exploded delimited styles are form-exploded.
        assert_eq!(
            q.get::<Vec<i32>>("e", Style::PipeDelimited, true),
            Ok(Some(vec![1, 2, 3]))
        );
        // Exploded: every pair is one item, commas and all.
        assert_eq!(
            q.get::<Vec<String>>("c", Style::Form, true),
            Ok(Some(vec!["1,2,3".to_owned()]))
        );
        assert_eq!(
            q.get::<Vec<i32>>("empty", Style::Form, false),
            Ok(Some(vec![]))
        );
        assert_eq!(
            q.get::<Option<Vec<i32>>>("c", Style::Form, false),
            Ok(Some(Some(vec![1, 2, 3])))
        );
        assert_eq!(
            kind(query("c=1,x").get::<Vec<i32>>("c", Style::Form, false)),
            "int_parsing"
        );
        assert_eq!(path::<Vec<i64>>("4,5"), Ok(vec![4, 5]));
        assert_eq!(path::<(i32, String)>("4,x"), Ok((4, "x".to_owned())));
        assert_eq!(kind(path::<(i32, String)>("4,x,y")), "value_error");
    }

    #[test]
    fn commas_split_before_decoding_so_encoded_commas_stay_in_their_item() {
        let q = query("c=a%2Cb,c+d,e%2Bf&o=k%2C1,v%2C2&s=a%2Cb&n=1%2C2");
        assert_eq!(
            q.get::<Vec<String>>("c", Style::Form, false),
            Ok(Some(vec!["a,b".into(), "c d".into(), "e+f".into()]))
        );
        assert_eq!(
            q.get::<BTreeMap<String, String>>("o", Style::Form, false),
            Ok(Some(BTreeMap::from([("k,1".into(), "v,2".into())])))
        );
        // A single value is the whole decoded text, commas and all.
        assert_eq!(
            q.get::<String>("s", Style::Form, false),
            Ok(Some("a,b".into()))
        );
        assert_eq!(
            kind(q.get::<Vec<i32>>("n", Style::Form, false)),
            "int_parsing"
        );
        assert_eq!(
            path::<Vec<String>>("a%2Cb,c%25d"),
            Ok(vec!["a,b".into(), "c%d".into()])
        );
        assert_eq!(path::<String>("a%2Cb"), Ok("a,b".into()));
        assert_eq!(
            path::<BTreeMap<String, String>>("k%3D1=v%2C2,x=y%3Dz"),
            Ok(BTreeMap::from([
                ("k=1".into(), "v,2".into()),
                ("x".into(), "y=z".into())
            ]))
        );
        assert_eq!(
            path_styled::<Vec<String>>(".a%2Eb.c", Style::Label, true, "id"),
            Ok(vec!["a.b".into(), "c".into()])
        );
        assert_eq!(
            path_styled::<Vec<String>>(";id=a%3Bb;id=c%2Cd", Style::Matrix, true, "id"),
            Ok(vec!["a;b".into(), "c,d".into()])
        );
        assert_eq!(
            path_styled::<Vec<String>>(";my%20id=a%2Cb,c", Style::Matrix, false, "my id"),
            Ok(vec!["a,b".into(), "c".into()])
        );
        assert_eq!(kind(path::<Vec<String>>("a,%FF")), "string_unicode");
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_static("ids=a%2Cb,c; bad=%FF"));
        assert_eq!(
            cookie::<Vec<String>>(&headers, "ids"),
            Ok(Some(vec!["a,b".into(), "c".into()]))
        );
        assert_eq!(kind(cookie::<String>(&headers, "bad")), "string_unicode");
    }

    #[test]
    fn string_enums() {
        let q = query("c=light-blue&d=green&e=red,light-blue");
        assert_eq!(
            q.get::<Color>("c", Style::Form, true),
            Ok(Some(Color::LightBlue))
        );
        let error = q.get::<Color>("d", Style::Form, true).unwrap_err();
        assert_eq!(error.kind, "enum");
        assert_eq!(error.msg, "Input should be 'red' or 'light-blue'");
        assert_eq!(
            q.get::<Vec<Color>>("e", Style::Form, false),
            Ok(Some(vec![Color::Red, Color::LightBlue]))
        );
        // The runtime's string enums report `unknown X value`.
        let custom: ParamError =
            de::Error::custom("unknown Status value `paused`, expected one of: done");
        assert_eq!(custom.kind, "enum");
    }

    #[test]
    fn integer_enums() {
        assert_eq!(path::<Level>("2"), Ok(Level::High));
        assert_eq!(path::<Vec<Level>>("1,2"), Ok(vec![Level::Low, Level::High]));
        assert_eq!(kind(path::<Level>("3")), "enum");
        assert_eq!(kind(path::<Level>("high")), "int_parsing");
    }

    #[test]
    fn string_types_and_newtypes() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Id(String);
        assert_eq!(path::<Upper>("ABC"), Ok(Upper("ABC".to_owned())));
        assert_eq!(kind(path::<Upper>("abc")), "value_error");
        assert_eq!(path::<Id>("a,b"), Ok(Id("a,b".to_owned())));
        assert_eq!(path::<char>("x"), Ok('x'));
        assert_eq!(kind(path::<char>("xy")), "value_error");
    }

    #[test]
    fn untagged_unions_read_numbers_booleans_or_strings() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Int(i64),
            Float(f64),
            Flag(bool),
            Text(String),
        }
        assert_eq!(path::<Either>("12"), Ok(Either::Int(12)));
        assert_eq!(path::<Either>("1.5"), Ok(Either::Float(1.5)));
        assert_eq!(path::<Either>("true"), Ok(Either::Flag(true)));
        assert_eq!(path::<Either>("nan"), Ok(Either::Text("nan".to_owned())));
        assert_eq!(path::<Either>("a b"), Ok(Either::Text("a b".to_owned())));
        assert_eq!(
            path::<serde_json::Value>("3"),
            Ok(serde_json::Value::from(3))
        );
    }

    #[test]
    fn deep_objects() {
        let q = query("f[name]=a+b&f[min]=3&f[tags]=x&f[tags]=y&other=1");
        assert_eq!(
            q.get::<Filter>("f", Style::DeepObject, true),
            Ok(Some(Filter {
                name: "a b".to_owned(),
                min: Some(3),
                tags: vec!["x".to_owned(), "y".to_owned()],
            }))
        );
        let q = query("f%5Bname%5D=n&f[tags][]=x");
        assert_eq!(
            q.get::<Filter>("f", Style::DeepObject, true),
            Ok(Some(Filter {
                name: "n".to_owned(),
                min: None,
                tags: vec!["x".to_owned()],
            }))
        );
        let error = query("f[min]=3")
            .get::<Filter>("f", Style::DeepObject, true)
            .unwrap_err();
        assert_eq!(error.kind, "missing");
        assert!(error.msg.contains("name"), "{}", error.msg);
        assert_eq!(
            kind(query("f[name]=a&f[min]=x").get::<Filter>("f", Style::DeepObject, true)),
            "int_parsing"
        );
        // Nested objects and maps.
        #[derive(Debug, PartialEq, Deserialize)]
        struct Outer {
            inner: BTreeMap<String, i32>,
        }
        assert_eq!(
            query("o[inner][a]=1&o[inner][b]=2").get::<Outer>("o", Style::DeepObject, true),
            Ok(Some(Outer {
                inner: BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]),
            }))
        );
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            a: i32,
        }
        assert_eq!(
            kind(query("s[a]=1&s[b]=2").get::<Strict>("s", Style::DeepObject, true)),
            "extra_forbidden"
        );
    }

    #[test]
    fn form_objects() {
        let q = query("name=n&min=2&limit=5");
        assert_eq!(
            q.get::<Filter>("filter", Style::Form, true),
            Ok(Some(Filter {
                name: "n".to_owned(),
                min: Some(2),
                tags: vec![],
            }))
        );
        let map = q.get::<BTreeMap<String, String>>("filter", Style::Form, true);
        assert_eq!(map.unwrap().unwrap().len(), 3);
        // Not exploded: key,value pairs in one value.
        let q = query("filter=name,n,min,4");
        assert_eq!(
            q.get::<Filter>("filter", Style::Form, false),
            Ok(Some(Filter {
                name: "n".to_owned(),
                min: Some(4),
                tags: vec![],
            }))
        );
        assert_eq!(
            kind(query("filter=name,n,min").get::<Filter>("filter", Style::Form, false)),
            "value_error"
        );
    }

    #[test]
    fn simple_objects_in_paths() {
        let expected = BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]);
        assert_eq!(
            path::<BTreeMap<String, i32>>("a,1,b,2"),
            Ok(expected.clone())
        );
        assert_eq!(
            path::<BTreeMap<String, i32>>("a=1,b=2"),
            Ok(expected.clone())
        );
        assert_eq!(
            path_styled::<BTreeMap<String, i32>>("a=1,b=2", Style::Simple, true, "p"),
            Ok(expected.clone())
        );
        assert_eq!(
            path_styled::<BTreeMap<String, i32>>(";a=1;b=2", Style::Matrix, true, "p"),
            Ok(expected.clone())
        );
        assert_eq!(
            path_styled::<BTreeMap<String, i32>>(".a=1.b=2", Style::Label, true, "p"),
            Ok(expected)
        );
    }

    #[test]
    fn label_and_matrix_paths() {
        assert_eq!(path_styled::<i32>(".5", Style::Label, false, "id"), Ok(5));
        assert_eq!(
            path_styled::<Vec<i32>>(".3,4", Style::Label, false, "id"),
            Ok(vec![3, 4])
        );
        assert_eq!(
            path_styled::<Vec<i32>>(".3.4", Style::Label, true, "id"),
            Ok(vec![3, 4])
        );
        assert_eq!(
            path_styled::<i32>(";id=5", Style::Matrix, false, "id"),
            Ok(5)
        );
        assert_eq!(
            path_styled::<i32>(";id=5", Style::Matrix, true, "id"),
            Ok(5)
        );
        assert_eq!(
            path_styled::<Vec<i32>>(";id=3,4", Style::Matrix, false, "id"),
            Ok(vec![3, 4])
        );
        assert_eq!(
            path_styled::<Vec<i32>>(";id=3;id=4", Style::Matrix, true, "id"),
            Ok(vec![3, 4])
        );
        assert_eq!(
            path_styled::<String>("a,b", Style::Simple, false, "id"),
            Ok("a,b".into())
        );
    }

    #[test]
    fn headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-count", HeaderValue::from_static("12"));
        headers.insert("x-list", HeaderValue::from_static(" 1 , 2,3 "));
        headers.append("x-multi", HeaderValue::from_static("a, b"));
        headers.append("x-multi", HeaderValue::from_static("c"));
        headers.insert("x-bad", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        headers.insert("x-word", HeaderValue::from_static("abc"));
        assert_eq!(header::<u32>(&headers, "X-Count"), Ok(Some(12)));
        assert_eq!(
            header::<Vec<i32>>(&headers, "X-LIST"),
            Ok(Some(vec![1, 2, 3]))
        );
        assert_eq!(
            header::<Vec<String>>(&headers, "x-multi"),
            Ok(Some(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]))
        );
        assert_eq!(
            header::<String>(&headers, "x-multi"),
            Ok(Some("a, b".to_owned()))
        );
        assert_eq!(kind(header::<String>(&headers, "x-bad")), "string_unicode");
        assert_eq!(kind(header::<i32>(&headers, "x-word")), "int_parsing");
        assert_eq!(header::<i32>(&headers, "x-absent"), Ok(None));
    }

    #[test]
    fn cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            "cookie",
            HeaderValue::from_static("a=1; session=abc%20def; b"),
        );
        headers.append(
            "cookie",
            HeaderValue::from_static("ids=1,2,3; quoted=\"q v\"; token=x+y/z=="),
        );
        assert_eq!(cookie::<i32>(&headers, "a"), Ok(Some(1)));
        assert_eq!(
            cookie::<String>(&headers, "session"),
            Ok(Some("abc def".to_owned()))
        );
        assert_eq!(cookie::<Vec<u8>>(&headers, "ids"), Ok(Some(vec![1, 2, 3])));
        assert_eq!(
            cookie::<String>(&headers, "quoted"),
            Ok(Some("q v".to_owned()))
        );
        assert_eq!(
            cookie::<String>(&headers, "token"),
            Ok(Some("x+y/z==".to_owned()))
        );
        assert_eq!(cookie::<String>(&headers, "b"), Ok(None));
        assert_eq!(cookie::<String>(&headers, "A"), Ok(None));
        assert_eq!(kind(cookie::<bool>(&headers, "session")), "bool_parsing");
    }

    #[test]
    fn error_kinds_from_messages() {
        assert_eq!(classify("unknown variant `x`, expected `a`"), "enum");
        assert_eq!(
            classify("invalid value: 7, expected one of: 1, 2, 3"),
            "enum"
        );
        assert_eq!(classify("UUID parsing failed"), "value_error");
        assert_eq!(
            classify("invalid type: string \"a\", expected a sequence"),
            "list_type"
        );
        assert_eq!(one_of(&["a"]), "'a'");
        assert_eq!(one_of(&["a", "b", "c"]), "'a', 'b' or 'c'");
        assert_eq!(ParamError::new("x", "y").to_string(), "y");
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Upload {
        title: String,
        count: Option<i32>,
        #[serde(default)]
        tags: Vec<String>,
        file: Option<UploadFile>,
    }

    fn text(name: &str, value: &str) -> (String, BodyField) {
        (name.to_owned(), BodyField::Text(value.to_owned()))
    }

    #[test]
    fn body_fields_fill_structs_with_arrays_from_repeated_names() {
        let file = UploadFile::new(&b"\xff\x00"[..]).with_file_name("a.bin");
        let upload: Upload = body_fields(&[
            text("title", "a,b"),
            text("tags", "x,y"),
            text("count", "3"),
            text("tags", "z"),
            ("file".to_owned(), BodyField::File(file.clone())),
        ])
        .unwrap();
        assert_eq!(
            upload,
            Upload {
                title: "a,b".into(),
                count: Some(3),
                tags: vec!["x,y".into(), "z".into()],
                file: Some(file),
            }
        );
        // A text field is a file without a name.
        let upload: Upload = body_fields(&[text("title", "t"), text("file", "42")]).unwrap();
        assert_eq!(upload.file, Some(UploadFile::new("42")));
    }

    #[test]
    fn body_field_errors_are_located_at_the_property() {
        let error =
            body_fields::<Upload>(&[text("title", "t"), text("count", "many")]).unwrap_err();
        assert_eq!(error.path, vec![LocItem::key("count")]);
        assert_eq!(error.error.kind, "int_parsing");
        let error = body_fields::<Upload>(&[text("count", "1")]).unwrap_err();
        assert_eq!(error.path, vec![LocItem::key("title")]);
        assert_eq!(error.error, ParamError::missing());
        let binary = UploadFile::new(&b"\xff"[..]);
        let error =
            body_fields::<Upload>(&[("title".into(), BodyField::File(binary))]).unwrap_err();
        assert_eq!(error.error.kind, "string_unicode");
    }
}
