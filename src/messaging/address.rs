//! Phone-number addresses: parsing to E.164 with libphonenumber's metadata, and the SMPP
//! forms of the same number.

use phonenumber::country::Id;

use crate::compliance::numbers::NANP_HOME_COUNTRIES;

/// A valid phone number in E.164 form, with the country its number plan assigns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct E164 {
    /// `+` and digits, e.g. `+12065550100`.
    pub e164: String,
    /// ISO 3166 alpha-2, when the number plan names one.
    pub country: Option<String>,
}

impl E164 {
    /// True for US and Canadian numbers (not the other +1 countries).
    pub fn is_nanp_home(&self) -> bool {
        self.country
            .as_deref()
            .is_some_and(|c| NANP_HOME_COUNTRIES.contains(&c))
    }
}

/// Why a string is not a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid phone number")]
pub struct NotAPhoneNumber;

/// Parses a number written in any common form; without `+` it is read as North American.
pub fn parse_e164(input: &str) -> Result<E164, NotAPhoneNumber> {
    let number = phonenumber::parse(Some(Id::US), input.trim()).map_err(|_| NotAPhoneNumber)?;
    if !number.is_valid() {
        return Err(NotAPhoneNumber);
    }
    let country = number.country().id().map(|id| id.as_ref().to_owned());
    Ok(E164 {
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        country,
    })
}

/// SMPP type of number: international.
pub const TON_INTERNATIONAL: u8 = 1;

/// The stored form of an SMPP address: with TON international, `12065550100` is the same
/// number as `+12065550100`; other TONs (short codes, alphanumeric) are kept as sent.
pub fn from_smpp(ton: u8, address: &str) -> String {
    if ton == TON_INTERNATIONAL && !address.starts_with('+') {
        format!("+{address}")
    } else {
        address.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_parse_to_e164_with_their_country() {
        for input in [
            "+12065550100",
            "12065550100",
            "(206) 555-0100",
            "206.555.0100",
        ] {
            let n = parse_e164(input).unwrap();
            assert_eq!(n.e164, "+12065550100", "{input}");
            assert_eq!(n.country.as_deref(), Some("US"));
            assert!(n.is_nanp_home());
        }
        let gb = parse_e164("+44 20 7183 8750").unwrap();
        assert_eq!(
            (gb.e164.as_str(), gb.country.as_deref()),
            ("+442071838750", Some("GB"))
        );
        assert!(!gb.is_nanp_home());
        assert_eq!(parse_e164("555"), Err(NotAPhoneNumber));
        assert_eq!(parse_e164("hello"), Err(NotAPhoneNumber));
    }

    #[test]
    fn an_international_smpp_address_is_its_e164_form() {
        assert_eq!(from_smpp(TON_INTERNATIONAL, "12065550100"), "+12065550100");
        assert_eq!(from_smpp(TON_INTERNATIONAL, "+12065550100"), "+12065550100");
        assert_eq!(from_smpp(3, "55501"), "55501");
        assert_eq!(from_smpp(5, "DEMOCO"), "DEMOCO");
    }
}
