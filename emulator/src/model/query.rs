//! A request's query, as the pairs the HTTP layer parsed, in order.

/// The last value of a query parameter, if present.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
