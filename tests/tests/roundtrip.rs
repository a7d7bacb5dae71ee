//! Serde round trips of the `example`/`examples` values of the fixture documents: each
//! example deserialises into its generated type, and serialising that value and
//! deserialising it again gives an equal value.

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

include!(concat!(env!("OUT_DIR"), "/roundtrip.rs"));
