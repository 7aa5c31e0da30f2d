//! Messaging numbers and sender IDs: what each kind looks like and what it may do. Pure rules,
//! no I/O; the store and every entry path (API, SMPP, bulk) call these.

use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};

use crate::messaging::address::{parse_e164, E164};

/// Countries whose numbers are NANP long codes here, and where alphanumeric senders are
/// never allowed.
pub const NANP_HOME_COUNTRIES: [&str; 2] = ["US", "CA"];

/// Toll-free area codes that can be text-enabled.
pub const TOLL_FREE_AREA_CODES: [&str; 7] = ["800", "833", "844", "855", "866", "877", "888"];

/// The four kinds of sender the contract knows.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NumberKind {
    /// A 10-digit US or Canadian number.
    #[sea_orm(string_value = "long_code")]
    LongCode,
    /// A +1 8XX toll-free number.
    #[sea_orm(string_value = "toll_free")]
    TollFree,
    /// 5 or 6 digits, leased to one customer.
    #[sea_orm(string_value = "short_code")]
    ShortCode,
    /// 1 to 11 letters and digits; one-way, never to the US or Canada.
    #[sea_orm(string_value = "alphanumeric")]
    Alphanumeric,
}

/// How a short code's digits were chosen (vanity codes cost more).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum ShortCodeType {
    #[sea_orm(string_value = "random")]
    Random,
    #[sea_orm(string_value = "vanity")]
    Vanity,
}

/// A sender address checked against its kind, in its stored form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderAddress {
    pub kind: NumberKind,
    /// E.164 for long codes and toll-free numbers, digits for short codes, the ID itself for
    /// alphanumeric senders.
    pub address: String,
    /// ISO 3166 alpha-2; `None` for alphanumeric IDs, which belong to no country.
    pub country: Option<String>,
}

/// Why an address is not a valid sender of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NumberError {
    #[error("is not a valid phone number")]
    NotAPhoneNumber,
    #[error("must be a US or Canadian 10-digit number")]
    NotNanpLongCode,
    #[error("is a toll-free number; register it as TOLL_FREE")]
    TollFreeAsLongCode,
    #[error("must be +1 with a toll-free area code (800, 833, 844, 855, 866, 877, 888)")]
    NotTollFree,
    #[error("must be 5 or 6 digits")]
    BadShortCode,
    #[error("must be 1 to 11 ASCII letters and digits with at least one letter")]
    BadAlphanumeric,
}

/// Parses and checks `input` as a sender of `kind`, returning its stored form.
pub fn parse_sender(kind: NumberKind, input: &str) -> Result<SenderAddress, NumberError> {
    let input = input.trim();
    match kind {
        NumberKind::LongCode => {
            let number = parse_e164(input).map_err(|_| NumberError::NotAPhoneNumber)?;
            if !number.is_nanp_home() {
                return Err(NumberError::NotNanpLongCode);
            }
            if is_toll_free(&number) {
                return Err(NumberError::TollFreeAsLongCode);
            }
            Ok(phone_sender(kind, number))
        }
        NumberKind::TollFree => {
            let number = parse_e164(input).map_err(|_| NumberError::NotAPhoneNumber)?;
            if !is_toll_free(&number) {
                return Err(NumberError::NotTollFree);
            }
            Ok(phone_sender(kind, number))
        }
        NumberKind::ShortCode => {
            let digits =
                (5..=6).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_digit());
            if !digits {
                return Err(NumberError::BadShortCode);
            }
            Ok(SenderAddress {
                kind,
                address: input.to_owned(),
                country: Some("US".into()),
            })
        }
        NumberKind::Alphanumeric => {
            let ok = (1..=11).contains(&input.len())
                && input.bytes().all(|b| b.is_ascii_alphanumeric())
                && input.bytes().any(|b| b.is_ascii_alphabetic());
            if !ok {
                return Err(NumberError::BadAlphanumeric);
            }
            Ok(SenderAddress {
                kind,
                address: input.to_owned(),
                country: None,
            })
        }
    }
}

fn phone_sender(kind: NumberKind, number: E164) -> SenderAddress {
    SenderAddress {
        kind,
        country: number.country.clone(),
        address: number.e164,
    }
}

fn is_toll_free(number: &E164) -> bool {
    number.e164.len() == 12
        && number.e164.starts_with("+1")
        && TOLL_FREE_AREA_CODES.contains(&&number.e164[2..5])
}

/// Why a number may not be set up or enabled as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnablementError {
    #[error("FTEU (free to end user) programs are not supported")]
    FteuNotSupported,
    #[error("alphanumeric sender IDs are one-way only")]
    AlphanumericTwoWay,
    #[error("alphanumeric sender IDs send SMS only")]
    AlphanumericMms,
    #[error("a short code needs a type: RANDOM or VANITY")]
    ShortCodeTypeMissing,
    #[error("only short codes have a short code type")]
    ShortCodeTypeNotApplicable,
    #[error("the owner attestation must be recorded before messaging is enabled")]
    NotAttested,
    #[error("the sender's written authorization must be on file before the ID is enabled")]
    NoAuthorization,
}

/// What a number is asked to be.
#[derive(Clone, Copy, Debug)]
pub struct NumberSetup {
    pub kind: NumberKind,
    pub two_way: bool,
    pub fteu: bool,
    pub short_code_type: Option<ShortCodeType>,
}

/// Checks a number's setup; each error names the field it is about.
pub fn check_setup(setup: NumberSetup) -> Result<(), (&'static str, EnablementError)> {
    if setup.fteu {
        return Err(("fteu", EnablementError::FteuNotSupported));
    }
    if setup.kind == NumberKind::Alphanumeric && setup.two_way {
        return Err(("two_way", EnablementError::AlphanumericTwoWay));
    }
    match (setup.kind, setup.short_code_type) {
        (NumberKind::ShortCode, None) => {
            Err(("short_code_type", EnablementError::ShortCodeTypeMissing))
        }
        (kind, Some(_)) if kind != NumberKind::ShortCode => Err((
            "short_code_type",
            EnablementError::ShortCodeTypeNotApplicable,
        )),
        _ => Ok(()),
    }
}

/// What enabling needs to know about a number.
#[derive(Clone, Copy, Debug)]
pub struct EnablementFacts {
    pub kind: NumberKind,
    pub attested: bool,
    pub authorization_on_file: bool,
}

/// Checks a request to turn SMS and MMS on or off. Turning everything off is always allowed.
pub fn check_enablement(
    facts: EnablementFacts,
    sms: bool,
    mms: bool,
) -> Result<(), (&'static str, EnablementError)> {
    if !sms && !mms {
        return Ok(());
    }
    if facts.kind == NumberKind::Alphanumeric && mms {
        return Err(("mms", EnablementError::AlphanumericMms));
    }
    if !facts.attested {
        return Err(("attestation", EnablementError::NotAttested));
    }
    if facts.kind == NumberKind::Alphanumeric && !facts.authorization_on_file {
        return Err(("authorization", EnablementError::NoAuthorization));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_codes_are_us_or_canadian_and_stored_e164() {
        let us = parse_sender(NumberKind::LongCode, "(206) 555-0100").unwrap();
        assert_eq!(us.address, "+12065550100");
        assert_eq!(us.country.as_deref(), Some("US"));
        let ca = parse_sender(NumberKind::LongCode, "+14165550100").unwrap();
        assert_eq!(ca.country.as_deref(), Some("CA"));
        assert_eq!(
            parse_sender(NumberKind::LongCode, "+18765550100"),
            Err(NumberError::NotNanpLongCode),
            "Jamaica shares +1 but is not a US/Canadian long code"
        );
        assert_eq!(
            parse_sender(NumberKind::LongCode, "+442071838750"),
            Err(NumberError::NotNanpLongCode)
        );
        assert_eq!(
            parse_sender(NumberKind::LongCode, "+1206555010"),
            Err(NumberError::NotAPhoneNumber)
        );
        assert_eq!(
            parse_sender(NumberKind::LongCode, "+18885550100"),
            Err(NumberError::TollFreeAsLongCode)
        );
    }

    #[test]
    fn toll_free_numbers_have_an_8xx_toll_free_area_code() {
        for code in TOLL_FREE_AREA_CODES {
            let n = parse_sender(NumberKind::TollFree, &format!("+1{code}5550100")).unwrap();
            assert_eq!(n.address, format!("+1{code}5550100"));
        }
        assert_eq!(
            parse_sender(NumberKind::TollFree, "+18085550100").unwrap_err(),
            NumberError::NotTollFree
        );
        assert_eq!(
            parse_sender(NumberKind::TollFree, "+12065550100").unwrap_err(),
            NumberError::NotTollFree
        );
    }

    #[test]
    fn short_codes_are_five_or_six_digits() {
        assert!(parse_sender(NumberKind::ShortCode, "55501").is_ok());
        assert!(parse_sender(NumberKind::ShortCode, "555012").is_ok());
        for bad in ["5550", "5550123", "5550a", "+55501", ""] {
            assert_eq!(
                parse_sender(NumberKind::ShortCode, bad),
                Err(NumberError::BadShortCode),
                "{bad}"
            );
        }
    }

    #[test]
    fn alphanumeric_ids_are_ascii_with_a_letter() {
        for good in ["DEMOCO", "A", "Shop24", "ABCDEFGHIJK"] {
            assert!(
                parse_sender(NumberKind::Alphanumeric, good).is_ok(),
                "{good}"
            );
        }
        for bad in ["", "12345", "ABCDEFGHIJKL", "DEMO CO", "CAFÉ", "A-B"] {
            assert_eq!(
                parse_sender(NumberKind::Alphanumeric, bad),
                Err(NumberError::BadAlphanumeric),
                "{bad}"
            );
        }
    }

    #[test]
    fn setup_rules_name_their_field() {
        let setup = |kind, two_way, fteu, short_code_type| NumberSetup {
            kind,
            two_way,
            fteu,
            short_code_type,
        };
        assert_eq!(
            check_setup(setup(NumberKind::LongCode, true, true, None)),
            Err(("fteu", EnablementError::FteuNotSupported))
        );
        assert_eq!(
            check_setup(setup(NumberKind::Alphanumeric, true, false, None)),
            Err(("two_way", EnablementError::AlphanumericTwoWay))
        );
        assert_eq!(
            check_setup(setup(NumberKind::ShortCode, true, false, None))
                .unwrap_err()
                .0,
            "short_code_type"
        );
        assert_eq!(
            check_setup(setup(
                NumberKind::LongCode,
                false,
                false,
                Some(ShortCodeType::Vanity)
            ))
            .unwrap_err()
            .0,
            "short_code_type"
        );
        assert!(check_setup(setup(
            NumberKind::ShortCode,
            true,
            false,
            Some(ShortCodeType::Random)
        ))
        .is_ok());
    }

    #[test]
    fn enabling_needs_attestation_and_for_alphanumeric_an_authorization() {
        let facts = |kind, attested, authorization_on_file| EnablementFacts {
            kind,
            attested,
            authorization_on_file,
        };
        assert_eq!(
            check_enablement(facts(NumberKind::LongCode, false, false), true, false),
            Err(("attestation", EnablementError::NotAttested))
        );
        assert!(check_enablement(facts(NumberKind::LongCode, true, false), true, true).is_ok());
        assert_eq!(
            check_enablement(facts(NumberKind::Alphanumeric, true, false), true, false),
            Err(("authorization", EnablementError::NoAuthorization))
        );
        assert!(check_enablement(facts(NumberKind::Alphanumeric, true, true), true, false).is_ok());
        assert_eq!(
            check_enablement(facts(NumberKind::Alphanumeric, true, true), true, true)
                .unwrap_err()
                .0,
            "mms"
        );
        assert!(
            check_enablement(facts(NumberKind::Alphanumeric, false, false), false, false).is_ok(),
            "disabling is always allowed"
        );
    }
}
