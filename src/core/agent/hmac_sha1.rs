//! HMAC-SHA1 (RFC 2104 over FIPS 180-4's SHA-1), the one digest OAuth 1.0a signing needs.
//!
//! Owned because the sha1/hmac/digest crates, built for size, leave index and chunk-size checks
//! (slice-index, length-mismatch and divide-by-zero panics with their messages, and through them
//! `core::fmt`) in the agent wasm, and building those crates at opt-level 3 still left some. This
//! is written with iterators and `get` only, and is smaller: 2,154 B of wasm code with base64 and
//! `oauth::signature` against the crates' 6,166 B (names-kept optimized agent builds; the whole
//! agent wasm went from 42.2 KB to 30.6 KB gzipped with the rest of the OAuth change). The native
//! tests compare it with those crates on many key and message lengths.

#[allow(unused_imports)]
use crate::prelude::*;

const BLOCK: usize = 64;

/// One word of the rolling 16-word message schedule.
fn word(w: &[u32; 16], t: usize) -> u32 {
    w.get(t & 15).copied().unwrap_or(0)
}

/// Folds one 64-byte block into the state.
fn compress(h: &mut [u32; 5], block: &[u8; BLOCK]) {
    let mut w = [0u32; 16];
    for (i, &b) in block.iter().enumerate() {
        if let Some(x) = w.get_mut(i / 4) {
            *x = (*x << 8) | u32::from(b);
        }
    }
    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for t in 0..80usize {
        let wt = if t < 16 {
            word(&w, t)
        } else {
            // W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16], indices modulo 16.
            let x =
                (word(&w, t + 13) ^ word(&w, t + 8) ^ word(&w, t + 2) ^ word(&w, t)).rotate_left(1);
            if let Some(slot) = w.get_mut(t & 15) {
                *slot = x;
            }
            x
        };
        let (f, k) = match t / 20 {
            0 => ((b & c) | (!b & d), 0x5A82_7999),
            1 => (b ^ c ^ d, 0x6ED9_EBA1),
            2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let next = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(wt);
        (e, d, c, b, a) = (d, c, b.rotate_left(30), a, next);
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
        *x = x.wrapping_add(y);
    }
}

/// SHA-1 of the parts written one after another.
pub fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let len: u64 = parts
        .iter()
        .map(|p| u64::try_from(p.len()).unwrap_or(0))
        .sum();
    // 0x80, then zeros up to 56 bytes modulo 64, then the bit length.
    let zeros = usize::try_from((119 - len % 64) % 64).unwrap_or(0);
    let padded = parts
        .iter()
        .flat_map(|p| p.iter().copied())
        .chain([0x80])
        .chain(core::iter::repeat(0).take(zeros))
        .chain(len.wrapping_mul(8).to_be_bytes());
    let mut h = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut block = [0u8; BLOCK];
    let mut fill = 0;
    for b in padded {
        if let Some(slot) = block.get_mut(fill) {
            *slot = b;
        }
        fill += 1;
        if fill == BLOCK {
            compress(&mut h, &block);
            fill = 0;
        }
    }
    let mut out = [0u8; 20];
    for (o, b) in out.iter_mut().zip(h.iter().flat_map(|x| x.to_be_bytes())) {
        *o = b;
    }
    out
}

/// HMAC-SHA1 of `message` under `key` (RFC 2104): a key longer than a block is hashed first.
pub fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let hashed;
    let key = if key.len() > BLOCK {
        hashed = sha1(&[key]);
        hashed.as_slice()
    } else {
        key
    };
    let mut k = [0u8; BLOCK];
    for (slot, b) in k.iter_mut().zip(key) {
        *slot = *b;
    }
    let inner = sha1(&[&k.map(|b| b ^ 0x36), message]);
    sha1(&[&k.map(|b| b ^ 0x5c), &inner])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// FIPS 180 examples.
    #[test]
    fn sha1_known_answers() {
        assert_eq!(
            hex(&sha1(&[b"abc"])),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(&sha1(&[])), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(&[
                b"abcdbcdecdefdefgefghfghighij",
                b"hijkijkljklmklmnlmnomnopnopq"
            ])),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    /// Agrees with the hmac and sha1 crates across block boundaries and long keys.
    #[test]
    fn hmac_agrees_with_the_crates() {
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(151) % 251) as u8)
            .collect();
        for key_len in [0, 1, 19, 20, 63, 64, 65, 100, 130] {
            for msg_len in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200, 300] {
                let (key, msg) = (&data[..key_len], &data[300 - msg_len..]);
                let mut mac = Hmac::<::sha1::Sha1>::new_from_slice(key).unwrap();
                mac.update(msg);
                let want = mac.finalize().into_bytes();
                assert_eq!(
                    hmac_sha1(key, msg).as_slice(),
                    want.as_slice(),
                    "{key_len} {msg_len}"
                );
            }
        }
    }
}
