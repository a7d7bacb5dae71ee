//! Routing among operations that share a path and method, told apart by the query
//! string their path keys hold (`/rest?method=flickr.photos.search`, not valid
//! OpenAPI, but found in real documents).

use crate::param::Query;

/// One operation's query: each name with its fixed value, or `None` where any value
/// will do (a `{parameter}` placeholder of the path key).
pub type QueryKeys<'a> = &'a [(&'a str, Option<&'a str>)];

/// The index of the operation among `candidates` that a request with the raw query
/// `query` is for: of those whose every name is present with its fixed value (if it
/// has one), the one with the most names (the most specific), the first of a tie.
/// `None` when no candidate matches.
pub fn select(query: Option<&str>, candidates: &[QueryKeys<'_>]) -> Option<usize> {
    let query = Query::parse(query);
    let matches = |keys: QueryKeys<'_>| {
        keys.iter().all(|(name, fixed)| {
            query
                .pairs()
                .any(|(n, v)| n == *name && fixed.is_none_or(|fixed| v == fixed))
        })
    };
    let mut best: Option<(usize, usize)> = None;
    for (i, keys) in candidates.iter().enumerate() {
        if matches(keys) && best.is_none_or(|(_, len)| keys.len() > len) {
            best = Some((i, keys.len()));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLICKR: &[QueryKeys<'static>] = &[
        &[("method", Some("flickr.favorites.getList"))],
        &[("method", Some("flickr.photos.search"))],
    ];

    #[test]
    fn fixed_values_select_their_operation() {
        assert_eq!(
            select(Some("method=flickr.photos.search&x=1"), FLICKR),
            Some(1)
        );
        assert_eq!(
            select(Some("method=flickr.favorites.getList"), FLICKR),
            Some(0)
        );
        assert_eq!(
            select(Some("method=flickr%2Ephotos.search"), FLICKR),
            Some(1)
        );
        assert_eq!(select(Some("method=other"), FLICKR), None);
        assert_eq!(select(None, FLICKR), None);
    }

    #[test]
    fn the_most_specific_match_wins() {
        // weatherbit.io: `/current?city={city}&country={country}` and `/current?city={city}`.
        let candidates: &[QueryKeys<'static>] =
            &[&[("city", None)], &[("city", None), ("country", None)], &[]];
        assert_eq!(select(Some("city=Paris&country=FR"), candidates), Some(1));
        assert_eq!(select(Some("city=Paris"), candidates), Some(0));
        assert_eq!(select(Some("lat=1"), candidates), Some(2));
    }
}
