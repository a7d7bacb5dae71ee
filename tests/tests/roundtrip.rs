//! Serde round trips of the `example`/`examples` values of the fixture documents: each
//! example deserialises into its generated type, and serialising that value and
//! deserialising it again gives an equal value. The examples of the approximated
//! documents (`fixtures/warnings/`) must also serialise back to the example itself.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Checks one example, recording a readable failure.
fn check<T>(type_name: &str, json: &str, failures: &mut Vec<String>)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => {
            failures.push(format!(
                "{type_name}: example {json} does not deserialise: {error}"
            ));
            return;
        }
    };
    let serialized = match serde_json::to_value(&value) {
        Ok(serialized) => serialized,
        Err(error) => {
            failures.push(format!(
                "{type_name}: {value:?} does not serialise: {error}"
            ));
            return;
        }
    };
    match serde_json::from_value::<T>(serialized.clone()) {
        Ok(again) if again == value => {}
        Ok(again) => failures.push(format!(
            "{type_name}: {json} became {serialized} which reads back as {again:?}, not {value:?}"
        )),
        Err(error) => failures.push(format!(
            "{type_name}: {json} became {serialized} which does not deserialise: {error}"
        )),
    }
}

/// Like [`check`], and the value serialises back to the example's own JSON value.
fn check_lossless<T>(type_name: &str, json: &str, failures: &mut Vec<String>)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let before = failures.len();
    check::<T>(type_name, json, failures);
    if failures.len() > before {
        return;
    }
    let original: serde_json::Value = serde_json::from_str(json).expect("examples are JSON");
    let value: T = serde_json::from_str(json).expect("checked above");
    let serialized = serde_json::to_value(&value).expect("checked above");
    if !same_json(&serialized, &original) {
        failures.push(format!(
            "{type_name}: example {json} is kept as {serialized}: something was lost"
        ));
    }
}

/// JSON equality with numbers compared by value (`2` is `2.0`: a float field
/// serialises an integer example with a fraction).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

include!(concat!(env!("OUT_DIR"), "/roundtrip.rs"));
