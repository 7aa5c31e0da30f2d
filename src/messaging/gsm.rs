//! The GSM 03.38 default alphabet and its extension table, as one septet per octet (the
//! unpacked form SMPP carries with data_coding 0).

/// The escape septet that introduces an extension-table character.
pub const ESCAPE: u8 = 0x1B;

/// The basic table: the character of each septet. 0x1B is the escape, never a character.
pub const BASIC: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The extension table: (septet after the escape, character).
pub const EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// Septets per ASCII character: 1 basic, 2 extension, 0 not in GSM 03.38. Built at compile
/// time so the hot path is one table load per byte.
pub const ASCII_SEPTETS: [u8; 128] = ascii_septets();

const fn ascii_septets() -> [u8; 128] {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        if i != ESCAPE as usize && (BASIC[i] as u32) < 128 {
            table[BASIC[i] as usize] = 1;
        }
        i += 1;
    }
    let mut j = 0;
    while j < EXTENSION.len() {
        let c = EXTENSION[j].1 as u32;
        if c < 128 {
            table[c as usize] = 2;
        }
        j += 1;
    }
    table
}

/// The septets `c` takes: 1 (basic), 2 (escape + extension), or None when GSM lacks it.
#[inline]
pub fn septets(c: char) -> Option<u8> {
    if c.is_ascii() {
        return match ASCII_SEPTETS[c as usize] {
            0 => None,
            n => Some(n),
        };
    }
    if c == '€' {
        return Some(2);
    }
    BASIC.contains(&c).then_some(1)
}

/// The septet(s) of `c`: (first, optional second).
pub fn encode_char(c: char) -> Option<(u8, Option<u8>)> {
    if c != '\u{1B}' {
        if let Some(index) = BASIC.iter().position(|&b| b == c) {
            return u8::try_from(index).ok().map(|s| (s, None));
        }
    }
    EXTENSION
        .iter()
        .find(|(_, e)| *e == c)
        .map(|(code, _)| (ESCAPE, Some(*code)))
}

/// The character of an extension code, if the table has one.
pub fn extension_char(code: u8) -> Option<char> {
    EXTENSION
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, ch)| *ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_basic_character_costs_one_septet_and_extensions_two() {
        for (i, &c) in BASIC.iter().enumerate() {
            if i != usize::from(ESCAPE) {
                assert_eq!(septets(c), Some(1), "{c:?}");
                assert_eq!(encode_char(c), Some((i as u8, None)));
            }
        }
        for (code, c) in EXTENSION {
            assert_eq!(septets(c), Some(2), "{c:?}");
            assert_eq!(encode_char(c), Some((ESCAPE, Some(code))));
        }
        for c in ['`', '\t', 'á', 'ç', '“', '😀', '\u{1B}'] {
            assert_eq!(septets(c), None, "{c:?}");
        }
    }
}
