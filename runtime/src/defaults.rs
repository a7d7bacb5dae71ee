//! Default values of optional properties, as functions `#[serde(default = "…")]` can
//! name. Const generics let one function serve every literal.

/// The boolean `V`.
pub fn bool<const V: bool>() -> bool {
    V
}

/// The integer `V` as `i64`.
pub fn i64<const V: i64>() -> i64 {
    V
}

/// The integer `V` as `i32`.
pub fn i32<const V: i32>() -> i32 {
    V
}

/// The integer `V` as `u64`.
pub fn u64<const V: u64>() -> u64 {
    V
}

/// The integer `V` as `u32`.
pub fn u32<const V: u32>() -> u32 {
    V
}

#[cfg(test)]
mod tests {
    #[test]
    fn yields_the_literal() {
        assert!(super::bool::<true>());
        assert_eq!(super::i64::<-7>(), -7);
        assert_eq!(super::u32::<10>(), 10);
    }
}
