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
///
/// Validity and country follow libphonenumber's rules as the `phonenumber` crate applies them
/// (`is_valid` and `country().id()`), but against number plans compiled once here: the crate
/// matches every pattern through one global, locked 100-entry regex cache, which serialised
/// the gateway's sessions and took a fifth of its CPU (and recompiles patterns once traffic
/// spans more countries than the cache holds).
pub fn parse_e164(input: &str) -> Result<E164, NotAPhoneNumber> {
    let number = phonenumber::parse(Some(Id::US), input.trim()).map_err(|_| NotAPhoneNumber)?;
    let national = number.national().to_string();
    let country = match plans::source_for(number.code().value(), &national) {
        // A region the crate does not name is not valid for it either.
        plans::Source::Region(plan) if plan.is_valid(&national) => {
            Some(plan.country().ok_or(NotAPhoneNumber)?)
        }
        // A non-geographic code (satellite, global services): the crate's own path.
        plans::Source::NonGeographic if number.is_valid() => None,
        _ => return Err(NotAPhoneNumber),
    };
    Ok(E164 {
        // What the crate's E.164 formatter writes, without the format-pattern matching it
        // does first for every mode and E.164 never uses.
        e164: format!("+{}{national}", number.code().value()),
        country,
    })
}

/// libphonenumber's number plans, compiled once per region on first use.
mod plans {
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock, RwLock};

    use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
    use regex::{Regex, RegexBuilder};

    /// A metadata pattern compiled as the crate reads it (whitespace ignored), anchored at the
    /// start: the crate accepts a match only at offset 0.
    fn anchored(pattern: &str) -> Option<Regex> {
        RegexBuilder::new(&format!("^(?:{pattern})"))
            .ignore_whitespace(true)
            .build()
            .ok()
    }

    /// A national-number pattern and the lengths it allows.
    struct Pattern {
        lengths: Vec<u16>,
        regex: Regex,
    }

    impl Pattern {
        fn new(d: &Descriptor) -> Option<Self> {
            Some(Self {
                lengths: d.possible_length().to_vec(),
                regex: anchored(d.national_number().as_str())?,
            })
        }

        fn is_match(&self, national: &str) -> bool {
            let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
            (self.lengths.is_empty() || self.lengths.contains(&length))
                && self.regex.is_match(national)
        }
    }

    /// One region's plan: which numbers of its calling code are its own, and which are valid.
    pub struct Plan {
        id: &'static str,
        leading_digits: Option<Regex>,
        general: Option<Pattern>,
        /// Every number type's pattern: a valid number matches the general one and one of these.
        types: Vec<Pattern>,
    }

    impl Plan {
        fn compile(meta: &'static Metadata) -> Self {
            let d = meta.descriptors();
            let types = [
                d.premium_rate(),
                d.toll_free(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ];
            Self {
                id: meta.id(),
                leading_digits: meta.leading_digits().and_then(|r| anchored(r.as_str())),
                general: Pattern::new(d.general()),
                types: types
                    .into_iter()
                    .flatten()
                    .filter_map(Pattern::new)
                    .collect(),
            }
        }

        /// libphonenumber's "number type is not unknown".
        pub fn is_valid(&self, national: &str) -> bool {
            self.general.as_ref().is_some_and(|g| g.is_match(national))
                && self.types.iter().any(|t| t.is_match(national))
        }

        /// The region as ISO 3166 alpha-2, when it is one the crate names.
        pub fn country(&self) -> Option<String> {
            self.id
                .parse::<phonenumber::country::Id>()
                .ok()
                .map(|id| id.as_ref().to_owned())
        }
    }

    fn compiled(region: &'static str) -> Option<Arc<Plan>> {
        static PLANS: OnceLock<RwLock<HashMap<&'static str, Arc<Plan>>>> = OnceLock::new();
        let plans = PLANS.get_or_init(Default::default);
        if let Some(plan) = plans.read().unwrap_or_else(|p| p.into_inner()).get(region) {
            return Some(plan.clone());
        }
        let meta: &'static Metadata = DATABASE.by_id(region)?;
        let plan = Arc::new(Plan::compile(meta));
        plans
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(meta.id(), plan.clone());
        Some(plan)
    }

    /// Where a national number of a calling code belongs.
    pub enum Source {
        Region(Arc<Plan>),
        /// A code of no country ("001"), left to the crate.
        NonGeographic,
        /// An unknown code, or no region of the code claims the number: not valid.
        Unclaimed,
    }

    /// The crate's `source_for`: the only region of the code, else the first whose leading
    /// digits match, else the first (without leading digits) under whose plan it is valid.
    pub fn source_for(code: u16, national: &str) -> Source {
        let Some(regions) = DATABASE.region(&code) else {
            return Source::Unclaimed;
        };
        if let [only] = regions.as_slice() {
            if *only == "001" {
                return Source::NonGeographic;
            }
            return compiled(only).map_or(Source::Unclaimed, Source::Region);
        }
        for plan in regions.into_iter().filter_map(compiled) {
            let belongs = match &plan.leading_digits {
                Some(leading) => leading.is_match(national),
                None => plan.is_valid(national),
            };
            if belongs {
                return Source::Region(plan);
            }
        }
        Source::Unclaimed
    }
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

    /// The crate's own answer, which `parse_e164` must give faster. One known difference: for
    /// a national number with a leading zero (Italy's, say) the crate's `country()` looks the
    /// region up without the zero and finds none (`+39 06 …`, Rome, has no country there),
    /// while validity is decided with it. The plans use the number as validated, so there the
    /// country must only be one of the calling code's regions.
    fn assert_agrees_with_the_crate(input: &str) {
        let ours = parse_e164(input);
        let theirs = phonenumber::parse(Some(Id::US), input.trim())
            .ok()
            .filter(|n| n.is_valid());
        let Some(number) = theirs else {
            assert_eq!(ours, Err(NotAPhoneNumber), "{input}");
            return;
        };
        let ours = ours.unwrap_or_else(|_| panic!("{input} is valid for the crate"));
        assert_eq!(
            ours.e164,
            number.format().mode(phonenumber::Mode::E164).to_string()
        );
        let country = number.country().id().map(|id| id.as_ref().to_owned());
        if number.national().zeros() == 0 || country.is_some() {
            assert_eq!(ours.country, country, "{input}");
        } else {
            let regions = phonenumber::metadata::DATABASE
                .region(&number.code().value())
                .unwrap_or_default();
            assert!(
                ours.country
                    .as_deref()
                    .is_some_and(|c| regions.contains(&c)),
                "{input}: {:?} is not a region of its code",
                ours.country
            );
        }
    }

    #[test]
    fn the_compiled_plans_agree_with_the_crate_on_every_example_number_and_its_neighbours() {
        use phonenumber::metadata::DATABASE;
        let mut checked = 0;
        for meta in DATABASE.iter() {
            let d = meta.descriptors();
            let examples = [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.short_code(),
            ];
            for example in examples.into_iter().flatten().filter_map(|d| d.example()) {
                let code = meta.country_code();
                // The example itself, one digit more or less, and its last digit changed.
                let mut variants = vec![
                    example.to_owned(),
                    format!("{example}5"),
                    example[..example.len() - 1].to_owned(),
                ];
                for last in ['0', '9'] {
                    variants.push(format!("{}{last}", &example[..example.len() - 1]));
                }
                for national in variants {
                    assert_agrees_with_the_crate(&format!("+{code}{national}"));
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} numbers checked");
    }

    proptest::proptest! {
        #[test]
        fn the_compiled_plans_agree_with_the_crate_on_any_digits(
            code in proptest::sample::select(vec![1u16, 7, 33, 44, 49, 52, 61, 81, 86, 91, 234, 263, 358, 420, 599, 672, 880, 971, 979, 882]),
            national in "[0-9]{3,14}",
        ) {
            assert_agrees_with_the_crate(&format!("+{code}{national}"));
        }
    }

    #[test]
    fn an_international_smpp_address_is_its_e164_form() {
        assert_eq!(from_smpp(TON_INTERNATIONAL, "12065550100"), "+12065550100");
        assert_eq!(from_smpp(TON_INTERNATIONAL, "+12065550100"), "+12065550100");
        assert_eq!(from_smpp(3, "55501"), "55501");
        assert_eq!(from_smpp(5, "DEMOCO"), "DEMOCO");
    }
}
