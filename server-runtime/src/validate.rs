//! The spec's validation keywords (`minLength`, `maximum`, `pattern`, `minItems`, …),
//! checked after a request has been parsed, reporting every violation with its
//! location like FastAPI (pydantic) does. Generated code implements [`Validate`] for
//! the types whose schemas constrain something, calling the checks here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::error::{LocItem, ValidationErrors};

/// A value whose schema has validation keywords.
pub trait Validate {
    /// Records every violation inside `self`, located under `at`.
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors);
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
        if let Some(value) = self {
            value.validate(at, errors);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
        (**self).validate(at, errors);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
        for (index, item) in self.iter().enumerate() {
            at.push(LocItem::Index(index));
            item.validate(at, errors);
            at.pop();
        }
    }
}

impl<T: Validate> Validate for BTreeSet<T> {
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
        for (index, item) in self.iter().enumerate() {
            at.push(LocItem::Index(index));
            item.validate(at, errors);
            at.pop();
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
        for (key, value) in self {
            at.push(LocItem::from(key.clone()));
            value.validate(at, errors);
            at.pop();
        }
    }
}

/// A numeric bound: the limit and whether it is exclusive.
pub type Bound = (f64, bool);

/// A bound of [`integer`]: the smallest (for a minimum) or largest (for a maximum)
/// integer allowed, whether the document's bound is exclusive, and the bound as the
/// document wrote it, for the message. `exclusiveMinimum: 0` is `(1, true, "0")`,
/// `maximum: 10.5` is `(10, false, "10.5")`.
pub type IntegerBound = (i128, bool, &'static str);

/// A `multipleOf` of [`integer`]: the positive integer the value must be a multiple of
/// (an integer is a multiple of 2.5 when it is one of 5), and the step as the document
/// wrote it, for the message.
pub type IntegerStep = (i128, &'static str);

/// `minLength` / `maxLength`, in characters.
pub fn length(
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    at: &[LocItem],
    errors: &mut ValidationErrors,
) {
    let count = value.chars().count() as u64;
    if let Some(min) = min.filter(|min| count < *min) {
        let unit = if min == 1 { "character" } else { "characters" };
        errors.push(
            at.to_vec(),
            format!("String should have at least {min} {unit}"),
            "string_too_short",
        );
    }
    if let Some(max) = max.filter(|max| count > *max) {
        let unit = if max == 1 { "character" } else { "characters" };
        errors.push(
            at.to_vec(),
            format!("String should have at most {max} {unit}"),
            "string_too_long",
        );
    }
}

/// A `pattern` (an ECMA-262 regular expression), compiled on first use. Generated
/// code keeps one in a `static` per pattern, so checking takes no lock.
pub struct Pattern {
    source: &'static str,
    regex: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            regex: OnceLock::new(),
        }
    }

    /// Whether `value` matches; a pattern Rust's `regex` cannot compile is logged once
    /// and not enforced.
    fn matches(&self, value: &str) -> bool {
        let regex = self.regex.get_or_init(|| match regex::Regex::new(self.source) {
            Ok(regex) => Some(regex),
            Err(error) => {
                tracing::warn!(pattern = self.source, %error, "pattern not supported; it is not enforced");
                None
            }
        });
        regex.as_ref().is_none_or(|regex| regex.is_match(value))
    }
}

/// `pattern`.
pub fn pattern(value: &str, pattern: &Pattern, at: &[LocItem], errors: &mut ValidationErrors) {
    if !pattern.matches(value) {
        errors.push(
            at.to_vec(),
            format!("String should match pattern '{}'", pattern.source),
            "string_pattern_mismatch",
        );
    }
}

/// `minimum` / `maximum` (and their exclusive forms) and `multipleOf`.
pub fn number(
    value: f64,
    min: Option<Bound>,
    max: Option<Bound>,
    multiple_of: Option<f64>,
    at: &[LocItem],
    errors: &mut ValidationErrors,
) {
    if let Some((limit, exclusive)) = min {
        if exclusive && value <= limit {
            errors.push(
                at.to_vec(),
                format!("Input should be greater than {}", show(limit)),
                "greater_than",
            );
        } else if !exclusive && value < limit {
            errors.push(
                at.to_vec(),
                format!("Input should be greater than or equal to {}", show(limit)),
                "greater_than_equal",
            );
        }
    }
    if let Some((limit, exclusive)) = max {
        if exclusive && value >= limit {
            errors.push(
                at.to_vec(),
                format!("Input should be less than {}", show(limit)),
                "less_than",
            );
        } else if !exclusive && value > limit {
            errors.push(
                at.to_vec(),
                format!("Input should be less than or equal to {}", show(limit)),
                "less_than_equal",
            );
        }
    }
    if let Some(step) = multiple_of.filter(|step| *step > 0.0) {
        let ratio = value / step;
        if (ratio - ratio.round()).abs() > 1e-9 {
            errors.push(
                at.to_vec(),
                format!("Input should be a multiple of {}", show(step)),
                "multiple_of",
            );
        }
    }
}

/// `minimum` / `maximum` (and their exclusive forms) and `multipleOf` of an integer,
/// compared as integers: exact over the whole range of `i64` and `u64`, where
/// [`number`]'s `f64` cannot tell 2^53 from 2^53 + 1. The errors are [`number`]'s.
pub fn integer(
    value: i128,
    min: Option<IntegerBound>,
    max: Option<IntegerBound>,
    multiple_of: Option<IntegerStep>,
    at: &[LocItem],
    errors: &mut ValidationErrors,
) {
    if let Some((limit, exclusive, shown)) = min
        && value < limit
    {
        let (msg, kind) = if exclusive {
            ("Input should be greater than", "greater_than")
        } else {
            (
                "Input should be greater than or equal to",
                "greater_than_equal",
            )
        };
        errors.push(at.to_vec(), format!("{msg} {shown}"), kind);
    }
    if let Some((limit, exclusive, shown)) = max
        && value > limit
    {
        let (msg, kind) = if exclusive {
            ("Input should be less than", "less_than")
        } else {
            ("Input should be less than or equal to", "less_than_equal")
        };
        errors.push(at.to_vec(), format!("{msg} {shown}"), kind);
    }
    if let Some((step, shown)) = multiple_of
        && step > 0
        && value % step != 0
    {
        errors.push(
            at.to_vec(),
            format!("Input should be a multiple of {shown}"),
            "multiple_of",
        );
    }
}

/// `minItems` / `maxItems` (and `minProperties` / `maxProperties` for maps).
pub fn count(
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
    at: &[LocItem],
    errors: &mut ValidationErrors,
) {
    let len = len as u64;
    if let Some(min) = min.filter(|min| len < *min) {
        let unit = if min == 1 { "item" } else { "items" };
        errors.push(
            at.to_vec(),
            format!("List should have at least {min} {unit} after validation, not {len}"),
            "too_short",
        );
    }
    if let Some(max) = max.filter(|max| len > *max) {
        let unit = if max == 1 { "item" } else { "items" };
        errors.push(
            at.to_vec(),
            format!("List should have at most {max} {unit} after validation, not {len}"),
            "too_long",
        );
    }
}

/// `uniqueItems` over a list.
pub fn unique<T: PartialEq>(items: &[T], at: &[LocItem], errors: &mut ValidationErrors) {
    let duplicate = items
        .iter()
        .enumerate()
        .any(|(i, a)| items[..i].contains(a));
    if duplicate {
        errors.push(at.to_vec(), "List should have unique items", "unique_items");
    }
}

/// A number as pydantic prints it: integers without a fraction.
fn show(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl FnOnce(&[LocItem], &mut ValidationErrors)) -> Vec<(String, String)> {
        let mut errors = ValidationErrors::new();
        f(&["body".into(), "x".into()], &mut errors);
        errors
            .errors()
            .iter()
            .map(|e| (e.kind.clone(), e.msg.clone()))
            .collect()
    }

    #[test]
    fn lengths_count_characters() {
        assert!(check(|at, e| length("héllo", Some(5), Some(5), at, e)).is_empty());
        assert_eq!(
            check(|at, e| length("", Some(1), None, at, e)),
            [(
                "string_too_short".to_owned(),
                "String should have at least 1 character".to_owned()
            )]
        );
        assert_eq!(
            check(|at, e| length("abc", None, Some(2), at, e))[0].0,
            "string_too_long"
        );
    }

    #[test]
    fn numbers_respect_exclusive_bounds_and_steps() {
        assert!(
            check(|at, e| number(0.5, Some((0.0, true)), Some((1.0, false)), None, at, e))
                .is_empty()
        );
        assert_eq!(
            check(|at, e| number(0.0, Some((0.0, true)), None, None, at, e)),
            [(
                "greater_than".to_owned(),
                "Input should be greater than 0".to_owned()
            )]
        );
        assert_eq!(
            check(|at, e| number(101.0, None, Some((100.0, false)), None, at, e))[0].0,
            "less_than_equal"
        );
        assert_eq!(
            check(|at, e| number(0.35, None, None, Some(0.1), at, e)).len(),
            1
        );
        assert!(check(|at, e| number(0.3, None, None, Some(0.1), at, e)).is_empty());
    }

    #[test]
    fn integers_are_compared_exactly_beyond_2_to_the_53() {
        const TWO_53: i128 = 1 << 53;
        // 2^53 + 1 is no `f64`: as floats, 2^53 + 1 <= 2^53 and 2^53 + 2 > 2^53 + 1 fail.
        assert!(
            check(|at, e| number(
                (TWO_53 + 1) as f64,
                None,
                Some((TWO_53 as f64, false)),
                None,
                at,
                e
            ))
            .is_empty()
        );
        let at_most = Some((TWO_53, false, "9007199254740992"));
        assert!(check(|at, e| integer(TWO_53, None, at_most, None, at, e)).is_empty());
        assert_eq!(
            check(|at, e| integer(TWO_53 + 1, None, at_most, None, at, e)),
            [(
                "less_than_equal".to_owned(),
                "Input should be less than or equal to 9007199254740992".to_owned()
            )]
        );
        // `exclusiveMinimum: 9007199254740993`: at least 2^53 + 2.
        let above = Some((TWO_53 + 2, true, "9007199254740993"));
        assert_eq!(
            check(|at, e| integer(TWO_53 + 1, above, None, None, at, e)),
            [(
                "greater_than".to_owned(),
                "Input should be greater than 9007199254740993".to_owned()
            )]
        );
        assert!(check(|at, e| integer(TWO_53 + 2, above, None, None, at, e)).is_empty());
        // The ends of `i64` and `u64`.
        let min = Some((i128::from(i64::MIN), false, "-9223372036854775808"));
        assert!(check(|at, e| integer(i64::MIN.into(), min, None, None, at, e)).is_empty());
        let below_max = Some((i128::from(u64::MAX) - 1, true, "18446744073709551615"));
        assert_eq!(
            check(|at, e| integer(u64::MAX.into(), None, below_max, None, at, e))[0].0,
            "less_than"
        );
        // Steps: 2^53 + 1 = 3 × 3002399751580331, which an `f64` ratio gets wrong.
        let three = Some((3, "3"));
        assert!(check(|at, e| integer(TWO_53 + 1, None, None, three, at, e)).is_empty());
        assert_eq!(
            check(|at, e| integer(TWO_53 + 2, None, None, three, at, e)),
            [(
                "multiple_of".to_owned(),
                "Input should be a multiple of 3".to_owned()
            )]
        );
        assert!(check(|at, e| integer(-15, None, None, Some((5, "2.5")), at, e)).is_empty());
        // Float bounds on integers keep their text in the message.
        assert_eq!(
            check(|at, e| integer(11, None, Some((10, false, "10.5")), None, at, e))[0].1,
            "Input should be less than or equal to 10.5"
        );
    }

    #[test]
    fn patterns_counts_and_uniqueness() {
        static SLUG: Pattern = Pattern::new("^[a-z0-9-]+$");
        static LETTERS: Pattern = Pattern::new("^[a-z]+$");
        static LOOKBEHIND: Pattern = Pattern::new("(?<=a)b");
        assert!(check(|at, e| pattern("ab-1", &SLUG, at, e)).is_empty());
        assert_eq!(
            check(|at, e| pattern("A B", &LETTERS, at, e))[0].0,
            "string_pattern_mismatch"
        );
        assert!(
            check(|at, e| pattern("x", &LOOKBEHIND, at, e)).is_empty(),
            "unsupported: not enforced"
        );
        assert_eq!(
            check(|at, e| count(11, None, Some(10), at, e))[0].0,
            "too_long"
        );
        assert_eq!(
            check(|at, e| unique(&[1, 2, 1], at, e))[0].0,
            "unique_items"
        );
    }

    #[test]
    fn nested_values_are_located() {
        struct Name(String);
        impl Validate for Name {
            fn validate(&self, at: &mut Vec<LocItem>, errors: &mut ValidationErrors) {
                length(&self.0, Some(2), None, at, errors);
            }
        }
        let names = vec![Name("ok".into()), Name("x".into())];
        let mut errors = ValidationErrors::new();
        names.validate(&mut vec![LocItem::key("body")], &mut errors);
        assert_eq!(
            errors.errors()[0].loc,
            [LocItem::from("body"), LocItem::Index(1)]
        );
    }
}
