//! Identifiers the emulator hands out, and the shape it accepts back.

use rand::Rng;

/// URL-safe base64 alphabet: the ids look like the real server's (e.g. `I2NzQ2YzBkZGEzZDMzYjIx`).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Length of vid, sid and contextId: 16 random bytes in unpadded base64.
const TOKEN_LEN: usize = 22;

/// A fresh random token for a visitor id, session id or engagement context id.
pub fn new_token() -> String {
    let mut rng = rand::rng();
    (0..TOKEN_LEN)
        .map(|_| {
            let i = rng.random_range(0..ALPHABET.len());
            ALPHABET.get(i).map_or('A', |b| char::from(*b))
        })
        .collect()
}

/// A page id: a numeric string of ten digits, like `1899669462`.
pub fn new_page_id() -> String {
    rand::rng()
        .random_range(1_000_000_000u64..=2_147_483_647)
        .to_string()
}

/// Whether a vid or sid sent by a client has an acceptable shape: `^[A-Za-z0-9_-]{1,64}$`.
pub fn is_well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_accepted_shape() {
        let a = new_token();
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(is_well_formed(&a));
        assert_ne!(a, new_token());
    }

    #[test]
    fn page_ids_are_numeric() {
        let p = new_page_id();
        assert_eq!(p.len(), 10);
        assert!(p.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn shape_check() {
        assert!(is_well_formed("I2NzQ2YzBkZGEzZDMzYjIx"));
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("has space"));
        assert!(!is_well_formed("a.b"));
        assert!(!is_well_formed(&"x".repeat(65)));
    }
}
