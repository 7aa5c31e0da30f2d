//! SMPP data codings: decoding a short message's bytes to text and encoding text back. A
//! byte sequence that is not valid in its coding is an error naming the coding, never a
//! panic: these bytes come from customers.

use super::gsm;

/// The data_coding values the gateway accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataCoding {
    /// 0: the SMSC default alphabet, GSM 03.38, one septet per octet.
    Gsm7,
    /// 1: IA5 / ASCII.
    Ascii,
    /// 3: ISO-8859-1.
    Latin1,
    /// 8: UCS-2, big-endian; surrogate pairs are accepted (UTF-16).
    Ucs2,
    /// 14: KS C 5601 (EUC-KR).
    Ksc5601,
}

impl DataCoding {
    /// How the service itself sends a text it composed (bulk rows, injected MO): GSM 03.38
    /// when every character is in it, else UCS-2, as `fragments::encoding_for_text` decides.
    pub fn for_text(text: &str) -> Self {
        Self::sending(super::fragments::encoding_for_text(text))
    }

    /// The coding a text already judged to need `encoding` is sent in.
    pub fn sending(encoding: super::fragments::Encoding) -> Self {
        match encoding {
            super::fragments::Encoding::Gsm7 => DataCoding::Gsm7,
            _ => DataCoding::Ucs2,
        }
    }

    /// The coding of a data_coding octet.
    pub fn from_octet(value: u8) -> Result<Self, EncodingError> {
        match value {
            0 => Ok(DataCoding::Gsm7),
            1 => Ok(DataCoding::Ascii),
            3 => Ok(DataCoding::Latin1),
            8 => Ok(DataCoding::Ucs2),
            14 => Ok(DataCoding::Ksc5601),
            other => Err(EncodingError::Unsupported(other)),
        }
    }

    pub fn octet(self) -> u8 {
        match self {
            DataCoding::Gsm7 => 0,
            DataCoding::Ascii => 1,
            DataCoding::Latin1 => 3,
            DataCoding::Ucs2 => 8,
            DataCoding::Ksc5601 => 14,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DataCoding::Gsm7 => "GSM 03.38",
            DataCoding::Ascii => "ASCII",
            DataCoding::Latin1 => "Latin-1",
            DataCoding::Ucs2 => "UCS-2",
            DataCoding::Ksc5601 => "KSC5601",
        }
    }
}

/// Why bytes or text do not fit a coding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    #[error("data_coding {0} is not supported (0, 1, 3, 8 or 14)")]
    Unsupported(u8),
    #[error("invalid {coding} bytes at offset {offset}: {reason}")]
    InvalidBytes {
        coding: &'static str,
        offset: usize,
        reason: &'static str,
    },
    #[error("{character:?} cannot be encoded in {coding}")]
    Unencodable {
        coding: &'static str,
        character: char,
    },
}

fn invalid(coding: DataCoding, offset: usize, reason: &'static str) -> EncodingError {
    EncodingError::InvalidBytes {
        coding: coding.name(),
        offset,
        reason,
    }
}

fn unencodable(coding: DataCoding, character: char) -> EncodingError {
    EncodingError::Unencodable {
        coding: coding.name(),
        character,
    }
}

/// Decodes a short message's bytes.
pub fn decode(coding: DataCoding, bytes: &[u8]) -> Result<String, EncodingError> {
    match coding {
        DataCoding::Gsm7 => {
            let mut text = String::with_capacity(bytes.len());
            let mut i = 0;
            while let Some(&septet) = bytes.get(i) {
                if septet >= 0x80 {
                    return Err(invalid(coding, i, "octet above 0x7F"));
                }
                if septet == gsm::ESCAPE {
                    let code = bytes
                        .get(i + 1)
                        .ok_or_else(|| invalid(coding, i, "escape at the end"))?;
                    let c = gsm::extension_char(*code)
                        .ok_or_else(|| invalid(coding, i + 1, "unknown extension character"))?;
                    text.push(c);
                    i += 2;
                } else {
                    text.push(gsm::BASIC[usize::from(septet)]);
                    i += 1;
                }
            }
            Ok(text)
        }
        DataCoding::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
            Some(offset) => Err(invalid(coding, offset, "octet above 0x7F")),
            None => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        },
        DataCoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        DataCoding::Ucs2 => {
            if !bytes.len().is_multiple_of(2) {
                return Err(invalid(coding, bytes.len() - 1, "odd number of octets"));
            }
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            let mut text = String::with_capacity(bytes.len() / 2);
            for (index, decoded) in char::decode_utf16(units).enumerate() {
                let c = decoded.map_err(|_| invalid(coding, index * 2, "unpaired surrogate"))?;
                text.push(c);
            }
            Ok(text)
        }
        DataCoding::Ksc5601 => encoding_rs::EUC_KR
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or_else(|| invalid(coding, 0, "not a valid EUC-KR sequence")),
    }
}

/// Encodes text in a coding, or names the first character it cannot hold.
pub fn encode(coding: DataCoding, text: &str) -> Result<Vec<u8>, EncodingError> {
    match coding {
        DataCoding::Gsm7 => {
            let mut bytes = Vec::with_capacity(text.len());
            for c in text.chars() {
                let (first, second) = gsm::encode_char(c).ok_or_else(|| unencodable(coding, c))?;
                bytes.push(first);
                bytes.extend(second);
            }
            Ok(bytes)
        }
        DataCoding::Ascii => text
            .chars()
            .map(|c| {
                u8::try_from(c)
                    .ok()
                    .filter(u8::is_ascii)
                    .ok_or_else(|| unencodable(coding, c))
            })
            .collect(),
        DataCoding::Latin1 => text
            .chars()
            .map(|c| u8::try_from(c).map_err(|_| unencodable(coding, c)))
            .collect(),
        DataCoding::Ucs2 => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        DataCoding::Ksc5601 => {
            let (bytes, _, had_errors) = encoding_rs::EUC_KR.encode(text);
            if had_errors {
                let c = text
                    .chars()
                    .find(|c| encoding_rs::EUC_KR.encode(&c.to_string()).2)
                    .unwrap_or('\u{FFFD}');
                return Err(unencodable(coding, c));
            }
            Ok(bytes.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: [DataCoding; 5] = [
        DataCoding::Gsm7,
        DataCoding::Ascii,
        DataCoding::Latin1,
        DataCoding::Ucs2,
        DataCoding::Ksc5601,
    ];

    #[test]
    fn each_coding_decodes_what_it_encodes() {
        let samples = [
            (DataCoding::Gsm7, "Hello @ £5 {ok} €"),
            (DataCoding::Ascii, "Hello `world` {}"),
            (DataCoding::Latin1, "Olá, ça va? ÿ"),
            (DataCoding::Ucs2, "Привет 😀👍🏽"),
            (DataCoding::Ksc5601, "안녕하세요 abc"),
        ];
        for (coding, text) in samples {
            let bytes = encode(coding, text).unwrap();
            assert_eq!(decode(coding, &bytes).unwrap(), text, "{coding:?}");
        }
        assert_eq!(encode(DataCoding::Gsm7, "{").unwrap(), [0x1B, 0x28]);
        assert_eq!(
            encode(DataCoding::Ucs2, "😀").unwrap(),
            [0xD8, 0x3D, 0xDE, 0x00]
        );
    }

    #[test]
    fn bad_bytes_are_errors_naming_the_coding() {
        let cases: [(DataCoding, &[u8]); 7] = [
            (DataCoding::Gsm7, &[0x41, 0x80]),
            (DataCoding::Gsm7, &[0x41, 0x1B]),
            (DataCoding::Gsm7, &[0x1B, 0x41]),
            (DataCoding::Ascii, &[0xC3]),
            (DataCoding::Ucs2, &[0x00, 0x41, 0x00]),
            (DataCoding::Ucs2, &[0xD8, 0x3D, 0x00, 0x41]),
            (DataCoding::Ksc5601, &[0xB0]),
        ];
        for (coding, bytes) in cases {
            let err = decode(coding, bytes).unwrap_err();
            assert!(err.to_string().contains(coding.name()), "{err}");
        }
        let err = encode(DataCoding::Latin1, "😀").unwrap_err();
        assert_eq!(err.to_string(), "'😀' cannot be encoded in Latin-1");
        assert!(encode(DataCoding::Ksc5601, "😀").is_err());
        assert!(encode(DataCoding::Gsm7, "`").is_err());
        assert_eq!(
            DataCoding::from_octet(4),
            Err(EncodingError::Unsupported(4))
        );
        for coding in ALL {
            assert_eq!(DataCoding::from_octet(coding.octet()), Ok(coding));
        }
    }

    fn gsm_text() -> impl Strategy<Value = String> {
        let alphabet: Vec<char> = gsm::BASIC
            .iter()
            .copied()
            .filter(|&c| c != '\u{1B}')
            .chain(gsm::EXTENSION.iter().map(|(_, c)| *c))
            .collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..400)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn gsm_round_trips(text in gsm_text()) {
            prop_assert_eq!(decode(DataCoding::Gsm7, &encode(DataCoding::Gsm7, &text).unwrap()).unwrap(), text);
        }

        #[test]
        fn ascii_round_trips(text in "[\\x00-\\x7F]{0,300}") {
            prop_assert_eq!(decode(DataCoding::Ascii, &encode(DataCoding::Ascii, &text).unwrap()).unwrap(), text);
        }

        #[test]
        fn latin1_round_trips(text in "[\\x00-\\u{FF}]{0,300}") {
            prop_assert_eq!(decode(DataCoding::Latin1, &encode(DataCoding::Latin1, &text).unwrap()).unwrap(), text);
        }

        #[test]
        fn ucs2_round_trips(text in any::<String>()) {
            prop_assert_eq!(decode(DataCoding::Ucs2, &encode(DataCoding::Ucs2, &text).unwrap()).unwrap(), text);
        }

        #[test]
        fn ksc5601_round_trips(text in "[가-힣a-z0-9 ]{0,200}") {
            prop_assert_eq!(decode(DataCoding::Ksc5601, &encode(DataCoding::Ksc5601, &text).unwrap()).unwrap(), text);
        }

        #[test]
        fn no_bytes_make_decoding_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            for coding in ALL {
                let _ = decode(coding, &bytes);
            }
        }
    }
}
