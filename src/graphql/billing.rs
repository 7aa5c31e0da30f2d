//! Rate cards, carrier fees and the message preview in the API.

use async_graphql::{
    ComplexObject, Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::error::ResultExt;
use super::guard::{caller, RoleGuard, CUSTOMER_READERS, FINANCE};
use super::parse_id;
use crate::billing::carrier_fees::{self, NewCarrierFee};
use crate::billing::money::{from_micros, Money};
use crate::billing::quote::{quote, QuoteRequest};
use crate::billing::rate_store::{self, NewRateCard, RateCardUpdate, RateInput};
use crate::billing::rating::{ChargeKind, Direction, MessageKind};
use crate::compliance::numbers::NumberKind;
use crate::db::entities::{carrier_fee, rate_card};
use crate::error::AppError;
use crate::messaging::fragments::{encoding_for_text, fragment, non_gsm_characters, Encoding};

/// The longest text a preview takes (the most one message_payload can carry).
const MAX_PREVIEW_BYTES: usize = 65_535;

/// A rate card: a customer's prices over a period, or the rack card.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RateCard {
    pub id: ID,
    pub name: String,
    /// Null for a rack card.
    pub customer_id: Option<ID>,
    pub currency: String,
    pub effective_from: DateTime<Utc>,
    /// Exclusive; null while the card runs on.
    pub effective_to: Option<DateTime<Utc>>,
    pub non_gsm_international: bool,
    pub udh_octets: i16,
    #[graphql(skip)]
    key: i64,
}

impl From<rate_card::Model> for RateCard {
    fn from(m: rate_card::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            name: m.name,
            customer_id: m.customer_id.map(|id| ID(id.to_string())),
            currency: m.currency,
            effective_from: m.effective_from,
            effective_to: m.effective_to,
            non_gsm_international: m.non_gsm_international,
            udh_octets: m.udh_octets,
            key: m.id,
        }
    }
}

/// A price per fragment.
#[derive(SimpleObject)]
pub struct Rate {
    pub id: ID,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    /// ISO 3166 alpha-2, `*` (any) or `INTL` (the international rate).
    pub jurisdiction: String,
    pub unit_price: Money,
}

impl From<crate::billing::rating::Rate> for Rate {
    fn from(r: crate::billing::rating::Rate) -> Self {
        Self {
            id: ID(r.id.to_string()),
            message_kind: r.kind,
            direction: r.direction,
            number_kind: r.number_kind,
            jurisdiction: r.jurisdiction,
            unit_price: Money(r.unit_price),
        }
    }
}

#[ComplexObject]
impl RateCard {
    async fn rates(&self, ctx: &Context<'_>) -> Result<Vec<Rate>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::rates_of(db, self.key)
            .await
            .gql()?
            .into_iter()
            .map(Rate::from)
            .collect())
    }

    /// The rates as CSV (`message_kind,direction,number_kind,jurisdiction,unit_price`).
    async fn rates_csv(&self, ctx: &Context<'_>) -> Result<String> {
        let db = ctx.data::<DatabaseConnection>()?;
        rate_store::export_rates(db, self.key).await.gql()
    }
}

/// A carrier's pass-through fees.
#[derive(SimpleObject)]
pub struct CarrierFee {
    pub id: ID,
    pub carrier_id: ID,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub currency: String,
    /// Per message, that is per fragment.
    pub per_message: Money,
    pub per_filing: Money,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

impl From<carrier_fee::Model> for CarrierFee {
    fn from(m: carrier_fee::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            carrier_id: ID(m.carrier_id.to_string()),
            message_kind: m.message_kind,
            direction: m.direction,
            currency: m.currency,
            per_message: Money(from_micros(m.per_message_micros)),
            per_filing: Money(from_micros(m.per_filing_micros)),
            effective_from: m.effective_from,
            effective_to: m.effective_to,
        }
    }
}

#[derive(InputObject)]
#[graphql(name = "NewRateCardInput")]
pub struct NewRateCardInput {
    pub name: String,
    /// Omit for a rack card.
    pub customer_id: Option<ID>,
    pub currency: String,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
    #[graphql(default)]
    pub non_gsm_international: bool,
    #[graphql(default = 6)]
    pub udh_octets: i16,
}

#[derive(InputObject)]
#[graphql(name = "RateCardUpdateInput")]
pub struct RateCardUpdateInput {
    pub name: Option<String>,
    pub effective_from: Option<DateTime<Utc>>,
    /// null makes the card open-ended.
    pub effective_to: MaybeUndefined<DateTime<Utc>>,
    pub non_gsm_international: Option<bool>,
    pub udh_octets: Option<i16>,
}

#[derive(InputObject)]
#[graphql(name = "RateInput")]
pub struct RateInputObject {
    pub rate_card_id: ID,
    pub message_kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    pub jurisdiction: String,
    pub unit_price: Money,
}

#[derive(InputObject)]
#[graphql(name = "NewCarrierFeeInput")]
pub struct NewCarrierFeeInput {
    pub carrier_id: ID,
    pub message_kind: MessageKind,
    pub direction: Direction,
    #[graphql(default_with = "String::from(\"USD\")")]
    pub currency: String,
    pub per_message: Money,
    pub per_filing: Money,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
}

/// One fragment of a previewed message.
#[derive(SimpleObject)]
pub struct FragmentPreview {
    pub text: String,
    /// Septets (GSM7) or code units (UCS2) used.
    pub units: u32,
}

/// A character that forces UCS-2, with the GSM text that would replace it.
#[derive(SimpleObject)]
pub struct NonGsmCharacter {
    pub character: String,
    /// Null when no common replacement exists; empty when the character can be dropped.
    pub replacement: Option<String>,
}

/// One line of a previewed price.
#[derive(SimpleObject)]
pub struct ChargePreview {
    pub kind: ChargeKind,
    pub quantity: u32,
    pub unit_price: Money,
    pub amount: Money,
    /// True when the international rate applied because of non-GSM content.
    pub international: bool,
}

/// How a text would be sent and, given a customer and destination, what it would cost.
#[derive(SimpleObject)]
pub struct MessagePreview {
    pub encoding: Encoding,
    pub fragment_count: u32,
    pub fragments: Vec<FragmentPreview>,
    pub non_gsm_characters: Vec<NonGsmCharacter>,
    /// The total that would be charged (null without customer and destination).
    pub price: Option<Money>,
    pub currency: Option<String>,
    pub charges: Vec<ChargePreview>,
}

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// Rate cards, newest period first: a customer's, the rack cards, or all.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn rate_cards(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        #[graphql(default)] rack_only: bool,
    ) -> Result<Vec<RateCard>> {
        let customer_id = customer_id
            .map(|id| parse_id(&id, "customerId"))
            .transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::list_cards(db, customer_id, rack_only)
            .await
            .gql()?
            .into_iter()
            .map(RateCard::from)
            .collect())
    }

    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn rate_card(&self, ctx: &Context<'_>, id: ID) -> Result<RateCard> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::get_card(db, id).await.gql()?.into())
    }

    /// Carrier fee schedules, optionally of one carrier.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn carrier_fees(
        &self,
        ctx: &Context<'_>,
        carrier_id: Option<ID>,
    ) -> Result<Vec<CarrierFee>> {
        let carrier_id = carrier_id
            .map(|id| parse_id(&id, "carrierId"))
            .transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(carrier_fees::list(db, carrier_id)
            .await
            .gql()?
            .into_iter()
            .map(CarrierFee::from)
            .collect())
    }

    /// The encoding, fragments and non-GSM characters of a text; with a customer and a
    /// destination, the price an MT SMS would be charged now. A customer key prices for
    /// itself.
    #[graphql(guard = "RoleGuard::new(CUSTOMER_READERS)")]
    async fn message_preview(
        &self,
        ctx: &Context<'_>,
        text: String,
        #[graphql(default = 6)] udh_octets: i16,
        customer_id: Option<ID>,
        destination: Option<String>,
        #[graphql(default_with = "NumberKind::LongCode")] number_kind: NumberKind,
    ) -> Result<MessagePreview> {
        if text.len() > MAX_PREVIEW_BYTES {
            return Err(AppError::invalid_field(
                "text",
                "is longer than 65,535 bytes",
            ))
            .gql();
        }
        let udh = u8::try_from(udh_octets)
            .ok()
            .filter(|u| rate_store::UDH_OCTETS.contains(&i16::from(*u)))
            .ok_or_else(|| AppError::invalid_field("udh_octets", "must be 6 or 7"))
            .gql()?;
        let encoding = encoding_for_text(&text);
        let fragments = fragment(&text, encoding, udh);
        let fragment_count = u32::try_from(fragments.len()).unwrap_or(u32::MAX);
        let mut preview = MessagePreview {
            encoding,
            fragment_count,
            fragments: fragments
                .into_iter()
                .map(|f| FragmentPreview {
                    text: f.text,
                    units: f.units,
                })
                .collect(),
            non_gsm_characters: non_gsm_characters(&text)
                .into_iter()
                .map(|n| NonGsmCharacter {
                    character: n.character.to_string(),
                    replacement: n.replacement,
                })
                .collect(),
            price: None,
            currency: None,
            charges: Vec::new(),
        };
        let own = caller(ctx)?.customer_id;
        let customer_id = match (customer_id, own) {
            (Some(id), Some(own)) => {
                let id = parse_id(&id, "customerId")?;
                if id != own {
                    return Err(AppError::NotFound(format!("customer {id}"))).gql();
                }
                Some(id)
            }
            (Some(id), None) => Some(parse_id(&id, "customerId")?),
            (None, own) => own,
        };
        if let (Some(customer_id), Some(destination)) = (customer_id, destination.as_deref()) {
            let db = ctx.data::<DatabaseConnection>()?;
            let priced = quote(
                db,
                QuoteRequest {
                    customer_id,
                    number_kind,
                    kind: MessageKind::Sms,
                    destination,
                    text: &text,
                    encoding,
                    fragments: fragment_count,
                    at: Utc::now(),
                },
            )
            .await
            .gql()?;
            preview.price = Some(Money(priced.total));
            preview.currency = Some(priced.currency);
            preview.charges = priced
                .lines
                .into_iter()
                .map(|l| ChargePreview {
                    kind: l.kind,
                    quantity: l.quantity,
                    unit_price: Money(l.unit_price),
                    amount: Money(l.amount),
                    international: l.international,
                })
                .collect();
        }
        Ok(preview)
    }
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn create_rate_card(
        &self,
        ctx: &Context<'_>,
        input: NewRateCardInput,
    ) -> Result<RateCard> {
        let new = NewRateCard {
            name: input.name,
            customer_id: input
                .customer_id
                .map(|id| parse_id(&id, "customerId"))
                .transpose()?,
            currency: input.currency,
            effective_from: input.effective_from,
            effective_to: input.effective_to,
            non_gsm_international: input.non_gsm_international,
            udh_octets: input.udh_octets,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::create_card(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn update_rate_card(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: RateCardUpdateInput,
    ) -> Result<RateCard> {
        let id = parse_id(&id, "id")?;
        let change = RateCardUpdate {
            name: input.name,
            effective_from: input.effective_from,
            effective_to: match input.effective_to {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(to) => Some(Some(to)),
            },
            non_gsm_international: input.non_gsm_international,
            udh_octets: input.udh_octets,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::update_card(db, caller(ctx)?, id, change)
            .await
            .gql()?
            .into())
    }

    /// Sets one rate (replacing the price of the same key); returns the card's rates.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn set_rate(&self, ctx: &Context<'_>, input: RateInputObject) -> Result<Vec<Rate>> {
        let card_id = parse_id(&input.rate_card_id, "rateCardId")?;
        let rate = RateInput {
            kind: input.message_kind,
            direction: input.direction,
            number_kind: input.number_kind,
            jurisdiction: input.jurisdiction,
            unit_price: input.unit_price.0,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(rate_store::set_rate(db, caller(ctx)?, card_id, rate)
            .await
            .gql()?
            .into_iter()
            .map(Rate::from)
            .collect())
    }

    /// Removes a rate; returns the id of its card.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn delete_rate(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let id = parse_id(&id, "id")?;
        let db = ctx.data::<DatabaseConnection>()?;
        let card = rate_store::delete_rate(db, caller(ctx)?, id).await.gql()?;
        Ok(ID(card.to_string()))
    }

    /// Imports a rates CSV into a card, all or nothing; returns how many rates it set.
    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn import_rates(
        &self,
        ctx: &Context<'_>,
        rate_card_id: ID,
        csv: String,
        #[graphql(default)] replace: bool,
    ) -> Result<u64> {
        let card_id = parse_id(&rate_card_id, "rateCardId")?;
        let db = ctx.data::<DatabaseConnection>()?;
        rate_store::import_rates(db, caller(ctx)?, card_id, &csv, replace)
            .await
            .gql()
    }

    #[graphql(guard = "RoleGuard::new(FINANCE)")]
    async fn create_carrier_fee(
        &self,
        ctx: &Context<'_>,
        input: NewCarrierFeeInput,
    ) -> Result<CarrierFee> {
        let new = NewCarrierFee {
            carrier_id: parse_id(&input.carrier_id, "carrierId")?,
            kind: input.message_kind,
            direction: input.direction,
            currency: input.currency,
            per_message: input.per_message.0,
            per_filing: input.per_filing.0,
            effective_from: input.effective_from,
            effective_to: input.effective_to,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(carrier_fees::create(db, caller(ctx)?, new)
            .await
            .gql()?
            .into())
    }
}
