//! How a text is carried: its encoding, and the fragments it is split into. Each fragment is
//! one billable message, so this is where the count of charges comes from. Pure code.
//!
//! Limits: one fragment holds 160 GSM septets, 70 UCS-2 code units (KSC5601: 70 characters)
//! or 140 Latin-1 octets. A longer message reserves `udh_octets` of user-data header in every
//! fragment (6 by default: 153 / 67 / 134; 7 with 16-bit references: 152 / 66 / 133).
//! Placement is greedy; an escape pair, a surrogate pair and a whole grapheme cluster are
//! never split: a piece that does not fit moves whole to the next fragment.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::gsm;

/// The user-data header size most concatenated messages use (8-bit reference).
pub const DEFAULT_UDH_OCTETS: u8 = 6;
/// Octets of user data in one SMS.
const USER_DATA_OCTETS: u32 = 140;

/// How a message's characters are carried, which decides its fragment size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum Encoding {
    /// GSM 03.38 septets; extension characters take two.
    #[graphql(name = "GSM7")]
    Gsm7,
    /// UTF-16 code units (UCS-2 with surrogate pairs).
    #[graphql(name = "UCS2")]
    Ucs2,
    /// One octet per character.
    #[graphql(name = "LATIN1")]
    Latin1,
    /// Double-byte: counted in characters, 70 a message.
    #[graphql(name = "KSC5601")]
    Ksc5601,
}

/// Units one fragment may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentLimits {
    /// When the whole message fits one fragment (no header).
    pub single: u32,
    /// Each fragment of a longer message, after the header.
    pub multi: u32,
}

/// The limits of an encoding with a header of `udh_octets`.
pub fn limits(encoding: Encoding, udh_octets: u8) -> FragmentLimits {
    let payload = USER_DATA_OCTETS.saturating_sub(u32::from(udh_octets));
    match encoding {
        Encoding::Gsm7 => FragmentLimits {
            single: 160,
            multi: payload * 8 / 7,
        },
        Encoding::Ucs2 | Encoding::Ksc5601 => FragmentLimits {
            single: 70,
            multi: payload / 2,
        },
        Encoding::Latin1 => FragmentLimits {
            single: 140,
            multi: payload,
        },
    }
    .at_least_one()
}

impl FragmentLimits {
    fn at_least_one(self) -> Self {
        Self {
            single: self.single,
            multi: self.multi.max(1),
        }
    }
}

/// The encoding text is sent in: GSM 03.38 when every character is in its tables, else UCS-2.
pub fn encoding_for_text(text: &str) -> Encoding {
    if gsm_septets(text).is_some() {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Septets the text takes in GSM 03.38, or None when a character is not in it.
pub fn gsm_septets(text: &str) -> Option<u32> {
    if text.is_ascii() {
        return ascii_gsm_septets(text.as_bytes());
    }
    text.chars()
        .map(gsm::septets)
        .try_fold(0u32, |total, s| s.map(|s| total + u32::from(s)))
}

/// The ASCII fast path: one septet a byte, plus one per extension character, unless a byte
/// is not in GSM at all. Written as comparisons, not table loads, so it vectorises.
fn ascii_gsm_septets(bytes: &[u8]) -> Option<u32> {
    let mut extensions = 0u32;
    let mut missing = false;
    for chunk in bytes.chunks(64) {
        let mut chunk_extensions = 0u8;
        for &b in chunk {
            let extension = matches!(
                b,
                b'^' | b'{' | b'}' | b'\\' | b'[' | b'~' | b']' | b'|' | 0x0C
            );
            let control = b < 0x20 && b != b'\n' && b != b'\r' && b != 0x0C;
            chunk_extensions += u8::from(extension);
            missing |= control | (b == b'`') | (b >= 0x7F);
        }
        extensions += u32::from(chunk_extensions);
    }
    let len = u32::try_from(bytes.len()).ok()?;
    (!missing).then_some(len + extensions)
}

/// True when the message carries characters outside GSM 03.38 (what "non-GSM content" means
/// for rating): it is sent in another encoding, or its text has such a character.
pub fn is_non_gsm(encoding: Encoding, text: &str) -> bool {
    encoding != Encoding::Gsm7 || gsm_septets(text).is_none()
}

/// One fragment: its text and the units it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub units: u32,
}

/// The indivisible pieces of a text in an encoding, with their cost in units.
fn pieces(text: &str, encoding: Encoding, limits: FragmentLimits) -> Vec<(&str, u32)> {
    match encoding {
        Encoding::Gsm7 => text
            .char_indices()
            .map(|(i, c)| {
                let end = i + c.len_utf8();
                (&text[i..end], u32::from(gsm::septets(c).unwrap_or(1)))
            })
            .collect(),
        Encoding::Latin1 | Encoding::Ksc5601 => text
            .char_indices()
            .map(|(i, c)| (&text[i..i + c.len_utf8()], 1))
            .collect(),
        Encoding::Ucs2 => {
            let mut out = Vec::new();
            for cluster in text.graphemes(true) {
                let units = utf16_units(cluster);
                if units <= limits.multi {
                    out.push((cluster, units));
                } else {
                    // A cluster longer than a fragment must be cut; cut between code points,
                    // so a surrogate pair still stays whole.
                    for (i, c) in cluster.char_indices() {
                        let len = c.len_utf8();
                        out.push((&cluster[i..i + len], utf16_units(&cluster[i..i + len])));
                    }
                }
            }
            out
        }
    }
}

fn utf16_units(s: &str) -> u32 {
    s.chars().map(|c| c.len_utf16() as u32).sum()
}

/// Splits text into the fragments it is sent and billed as.
pub fn fragment(text: &str, encoding: Encoding, udh_octets: u8) -> Vec<Fragment> {
    let limits = limits(encoding, udh_octets);
    let pieces = pieces(text, encoding, limits);
    let total: u32 = pieces.iter().map(|(_, u)| u).sum();
    if total <= limits.single {
        return vec![Fragment {
            text: text.to_owned(),
            units: total,
        }];
    }
    let mut fragments: Vec<Fragment> = Vec::new();
    let mut current = Fragment {
        text: String::new(),
        units: 0,
    };
    for (piece, units) in pieces {
        if current.units + units > limits.multi && current.units > 0 {
            fragments.push(std::mem::replace(
                &mut current,
                Fragment {
                    text: String::new(),
                    units: 0,
                },
            ));
        }
        current.text.push_str(piece);
        current.units += units;
    }
    if current.units > 0 {
        fragments.push(current);
    }
    fragments
}

/// The number of fragments, without building them (the admission hot path): the same greedy
/// placement as `fragment`, with no allocation.
pub fn fragment_count(text: &str, encoding: Encoding, udh_octets: u8) -> u32 {
    let limits = limits(encoding, udh_octets);
    let total = match encoding {
        Encoding::Gsm7 => gsm_septets(text).unwrap_or_else(|| count_chars(text)),
        Encoding::Ucs2 => utf16_units(text),
        Encoding::Latin1 | Encoding::Ksc5601 => count_chars(text),
    };
    if total <= limits.single {
        return 1;
    }
    let mut greedy = Greedy::new(limits.multi);
    match encoding {
        Encoding::Gsm7 => {
            // Without extension characters every piece is one septet: plain division.
            if text.is_ascii() && total == count_chars(text) {
                return total.div_ceil(limits.multi);
            }
            text.chars()
                .for_each(|c| greedy.place(u32::from(gsm::septets(c).unwrap_or(1))));
        }
        Encoding::Latin1 | Encoding::Ksc5601 => return total.div_ceil(limits.multi),
        Encoding::Ucs2 => {
            for cluster in text.graphemes(true) {
                let units = utf16_units(cluster);
                if units <= limits.multi {
                    greedy.place(units);
                } else {
                    cluster
                        .chars()
                        .for_each(|c| greedy.place(c.len_utf16() as u32));
                }
            }
        }
    }
    greedy.count
}

fn count_chars(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Greedy placement of pieces into fragments of `capacity` units, counting fragments.
struct Greedy {
    capacity: u32,
    used: u32,
    count: u32,
}

impl Greedy {
    fn new(capacity: u32) -> Self {
        Self {
            capacity,
            used: 0,
            count: 1,
        }
    }

    fn place(&mut self, units: u32) {
        if self.used + units > self.capacity && self.used > 0 {
            self.count += 1;
            self.used = 0;
        }
        self.used += units;
    }
}

/// The encoding and fragment count of a text: what rating needs to know.
pub fn analyze(text: &str, udh_octets: u8) -> (Encoding, u32) {
    let encoding = encoding_for_text(text);
    (encoding, fragment_count(text, encoding, udh_octets))
}

/// A character that forces UCS-2, and the GSM text that would replace it, if a common one
/// exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonGsmCharacter {
    pub character: char,
    /// `Some("")` means the character can simply be dropped (zero-width characters).
    pub replacement: Option<String>,
}

/// Replacements senders usually mean: typographic punctuation and spaces.
fn common_replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2004}' | '\u{2005}' | '\u{2006}'
        | '\u{2007}' | '\u{2008}' | '\u{2009}' | '\u{200A}' | '\u{202F}' | '\u{205F}'
        | '\u{3000}' | '\t' => " ",
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => "",
        '\u{2022}' | '\u{00B7}' => "-",
        'ç' => "Ç",
        _ => return None,
    })
}

/// Every character of `text` outside GSM 03.38, once each in order of appearance, with a GSM
/// replacement where a common one exists (typographic marks; accented letters by their base
/// letter when GSM has it).
pub fn non_gsm_characters(text: &str) -> Vec<NonGsmCharacter> {
    let mut seen = Vec::new();
    for c in text.chars() {
        if gsm::septets(c).is_some() || seen.iter().any(|n: &NonGsmCharacter| n.character == c) {
            continue;
        }
        let replacement = common_replacement(c).map(str::to_owned).or_else(|| {
            let base: String = c.nfd().filter(|d| gsm::septets(*d).is_some()).collect();
            let decomposes = c.nfd().count() > 1;
            (decomposes && base.chars().count() == 1).then_some(base)
        });
        seen.push(NonGsmCharacter {
            character: c,
            replacement,
        });
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn count(text: &str, udh: u8) -> u32 {
        let (encoding, count) = analyze(text, udh);
        let fragments = fragment(text, encoding, udh);
        assert_eq!(
            fragments.len() as u32,
            count,
            "counting and splitting agree"
        );
        count
    }

    #[test]
    fn gsm_fits_160_septets_then_153_or_152() {
        assert_eq!(count(&"a".repeat(160), 6), 1);
        assert_eq!(count(&"a".repeat(161), 6), 2);
        assert_eq!(count(&"a".repeat(306), 6), 2);
        assert_eq!(count(&"a".repeat(307), 6), 3);
        assert_eq!(count(&"a".repeat(304), 7), 2);
        assert_eq!(count(&"a".repeat(305), 7), 3);
        assert_eq!(
            limits(Encoding::Gsm7, 6),
            FragmentLimits {
                single: 160,
                multi: 153
            }
        );
        assert_eq!(
            limits(Encoding::Gsm7, 7),
            FragmentLimits {
                single: 160,
                multi: 152
            }
        );
    }

    #[test]
    fn an_extension_character_counts_two_and_its_escape_pair_is_never_split() {
        assert_eq!(count(&"{".repeat(80), 6), 1, "80 × 2 = 160 septets");
        assert_eq!(
            count(&format!("{}{{", "a".repeat(159)), 6),
            2,
            "159 + 2 = 161"
        );
        let text = format!("{}{{{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(count(&text, 6), 3, "the brace moves whole to fragment 2");
        let fragments = fragment(&text, Encoding::Gsm7, 6);
        assert_eq!(fragments[0].units, 152);
        assert!(fragments[1].text.starts_with('{'));
    }

    #[test]
    fn ucs2_fits_70_units_then_67_or_66() {
        assert_eq!(count(&"ж".repeat(70), 6), 1);
        assert_eq!(count(&"ж".repeat(71), 6), 2);
        assert_eq!(count(&"ж".repeat(134), 6), 2);
        assert_eq!(count(&"ж".repeat(135), 6), 3);
        assert_eq!(count(&"ж".repeat(132), 7), 2);
        assert_eq!(count(&"ж".repeat(133), 7), 3);
    }

    #[test]
    fn surrogate_pairs_and_emoji_sequences_are_never_split() {
        // 66 units of text, then a 2-unit emoji: it does not fit the 67 left, so it moves.
        let text = format!("{}😀{}", "ж".repeat(66), "ж".repeat(10));
        let fragments = fragment(&text, Encoding::Ucs2, 6);
        assert_eq!(fragments.len(), 2);
        assert_eq!(fragments[0].units, 66);
        assert!(fragments[1].text.starts_with('😀'));
        // A family emoji is one grapheme of 11 code units.
        let family = "👨‍👩‍👧‍👦";
        let text = format!("{}{family}", "ж".repeat(60));
        let fragments = fragment(&text, Encoding::Ucs2, 6);
        assert_eq!(fragments.len(), 2);
        assert_eq!(fragments[1].text, family);
        assert_eq!(fragments[1].units, 11);
    }

    #[test]
    fn latin1_and_ksc5601_have_their_own_limits() {
        assert_eq!(fragment_count(&"a".repeat(140), Encoding::Latin1, 6), 1);
        assert_eq!(fragment_count(&"a".repeat(141), Encoding::Latin1, 6), 2);
        assert_eq!(fragment_count(&"a".repeat(268), Encoding::Latin1, 6), 2);
        assert_eq!(fragment_count(&"a".repeat(269), Encoding::Latin1, 6), 3);
        assert_eq!(fragment_count(&"a".repeat(266), Encoding::Latin1, 7), 2);
        assert_eq!(fragment_count(&"한".repeat(70), Encoding::Ksc5601, 6), 1);
        assert_eq!(fragment_count(&"한".repeat(71), Encoding::Ksc5601, 6), 2);
        assert_eq!(fragment_count(&"한".repeat(134), Encoding::Ksc5601, 6), 2);
        assert_eq!(fragment_count(&"한".repeat(133), Encoding::Ksc5601, 7), 3);
    }

    #[test]
    fn one_non_gsm_character_makes_the_message_ucs2() {
        assert_eq!(analyze("Hello", 6), (Encoding::Gsm7, 1));
        assert_eq!(analyze("", 6), (Encoding::Gsm7, 1));
        assert_eq!(
            analyze(&format!("{}’", "a".repeat(69)), 6),
            (Encoding::Ucs2, 1)
        );
        assert_eq!(
            analyze(&format!("{}’", "a".repeat(70)), 6),
            (Encoding::Ucs2, 2)
        );
    }

    #[test]
    fn non_gsm_content_is_any_character_outside_gsm_or_any_other_encoding() {
        assert!(!is_non_gsm(Encoding::Gsm7, "Plain {GSM} €"));
        assert!(is_non_gsm(Encoding::Gsm7, "It’s"));
        assert!(is_non_gsm(Encoding::Ucs2, "Plain"));
        assert!(is_non_gsm(Encoding::Latin1, "Plain"));
    }

    #[test]
    fn non_gsm_characters_are_listed_once_with_replacements() {
        let found = non_gsm_characters("It’s “great” — really… ok’ 😀 á\u{00A0}");
        let listed: Vec<(char, Option<&str>)> = found
            .iter()
            .map(|n| (n.character, n.replacement.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ('’', Some("'")),
                ('“', Some("\"")),
                ('”', Some("\"")),
                ('—', Some("-")),
                ('…', Some("...")),
                ('😀', None),
                ('á', Some("a")),
                ('\u{00A0}', Some(" ")),
            ]
        );
        assert!(non_gsm_characters("Plain GSM {text} €").is_empty());
    }

    fn message() -> impl Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "a",
            "Z",
            " ",
            "{",
            "€",
            "é",
            "ж",
            "😀",
            "👍🏽",
            "👨‍👩‍👧‍👦",
            "\r\n",
            "한",
            "’",
        ]);
        proptest::collection::vec(pieces, 0..250).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn fragments_reassemble_fit_their_limit_and_are_greedy(text in message(), udh in 6u8..=7) {
            let encoding = encoding_for_text(&text);
            let limits = limits(encoding, udh);
            let fragments = fragment(&text, encoding, udh);
            prop_assert_eq!(fragments.iter().map(|f| f.text.as_str()).collect::<String>(), text.clone());
            prop_assert_eq!(fragments.len() as u32, fragment_count(&text, encoding, udh));
            let limit = if fragments.len() == 1 { limits.single } else { limits.multi };
            for f in &fragments {
                prop_assert!(f.units <= limit, "{} units > {}", f.units, limit);
                let recount = match encoding {
                    Encoding::Gsm7 => gsm_septets(&f.text).unwrap_or(0),
                    _ => utf16_units(&f.text),
                };
                prop_assert_eq!(f.units, recount);
            }
            // Greedy: the next fragment's first piece would not have fitted in this one.
            for pair in fragments.windows(2) {
                let next = pieces(&pair[1].text, encoding, limits)[0].1;
                prop_assert!(pair[0].units + next > limits.multi);
            }
        }
    }
}
