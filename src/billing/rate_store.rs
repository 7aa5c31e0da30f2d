//! Rate cards and rates in the database, and what rating reads from it: the cards in force
//! for a customer at an instant.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    ModelTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::csv::{jurisdiction, parse_rates_csv, rates_csv};
use super::money::{from_micros, to_micros};
use super::rating::{periods_overlap, Direction, MessageKind, Rate, RateCard};
use crate::audit;
use crate::auth::RequestContext;
use crate::compliance::numbers::NumberKind;
use crate::db::entities::{customer, rate, rate_card};
use crate::error::AppError;
use rust_decimal::Decimal;

/// User-data header sizes a card may set: 8-bit (6) or 16-bit (7) concatenation references.
pub const UDH_OCTETS: [i16; 2] = [6, 7];

/// A card to create.
#[derive(Clone, Debug)]
pub struct NewRateCard {
    pub name: String,
    /// None: a rack card.
    pub customer_id: Option<i64>,
    pub currency: String,
    pub effective_from: DateTime<Utc>,
    pub effective_to: Option<DateTime<Utc>>,
    pub non_gsm_international: bool,
    pub udh_octets: i16,
}

/// Changes to a card; absent fields stay. `effective_to: Some(None)` makes it open-ended.
#[derive(Clone, Debug, Default)]
pub struct RateCardUpdate {
    pub name: Option<String>,
    pub effective_from: Option<DateTime<Utc>>,
    pub effective_to: Option<Option<DateTime<Utc>>>,
    pub non_gsm_international: Option<bool>,
    pub udh_octets: Option<i16>,
}

/// One rate to set.
#[derive(Clone, Debug)]
pub struct RateInput {
    pub kind: MessageKind,
    pub direction: Direction,
    pub number_kind: NumberKind,
    pub jurisdiction: String,
    pub unit_price: Decimal,
}

fn check_card(card: &rate_card::Model) -> Result<(), AppError> {
    let name = card.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    if iso_currency::Currency::from_code(&card.currency).is_none() {
        return Err(AppError::invalid_field(
            "currency",
            "must be an ISO 4217 currency code such as USD",
        ));
    }
    if card
        .effective_to
        .is_some_and(|to| to <= card.effective_from)
    {
        return Err(AppError::invalid_field(
            "effective_to",
            "must be after effective_from",
        ));
    }
    if !UDH_OCTETS.contains(&card.udh_octets) {
        return Err(AppError::invalid_field("udh_octets", "must be 6 or 7"));
    }
    Ok(())
}

/// Refuses a card whose period overlaps another card of the same customer (or, for rack
/// cards, another rack card in the same currency): at any instant one card applies.
async fn check_no_overlap(
    conn: &impl ConnectionTrait,
    card: &rate_card::Model,
) -> Result<(), AppError> {
    let mut siblings = rate_card::Entity::find().filter(rate_card::Column::Id.ne(card.id));
    siblings = match card.customer_id {
        Some(customer_id) => siblings.filter(rate_card::Column::CustomerId.eq(customer_id)),
        None => siblings
            .filter(rate_card::Column::CustomerId.is_null())
            .filter(rate_card::Column::Currency.eq(card.currency.clone())),
    };
    for other in siblings.all(conn).await? {
        if periods_overlap(
            card.effective_from,
            card.effective_to,
            other.effective_from,
            other.effective_to,
        ) {
            return Err(AppError::Conflict(format!(
                "the period overlaps rate card {} ({:?})",
                other.id, other.name
            )));
        }
    }
    Ok(())
}

async fn check_customer_currency(
    conn: &impl ConnectionTrait,
    card: &rate_card::Model,
) -> Result<(), AppError> {
    if let Some(customer_id) = card.customer_id {
        let owner = customer::Entity::find_by_id(customer_id)
            .one(conn)
            .await?
            .ok_or_else(|| AppError::invalid_field("customer_id", "no such customer"))?;
        if owner.currency != card.currency {
            return Err(AppError::invalid_field(
                "currency",
                format!("must be the customer's currency, {}", owner.currency),
            ));
        }
    }
    Ok(())
}

/// Creates a card (without rates).
pub async fn create_card(
    db: &DatabaseConnection,
    actor: &RequestContext,
    new: NewRateCard,
) -> Result<rate_card::Model, AppError> {
    let now = Utc::now();
    let draft = rate_card::Model {
        id: 0,
        name: new.name.trim().to_owned(),
        customer_id: new.customer_id,
        currency: new.currency,
        effective_from: new.effective_from,
        effective_to: new.effective_to,
        non_gsm_international: new.non_gsm_international,
        udh_octets: new.udh_octets,
        created_at: now,
        updated_at: now,
    };
    check_card(&draft)?;
    check_customer_currency(db, &draft).await?;
    let txn = db.begin().await?;
    check_no_overlap(&txn, &draft).await?;
    let created = rate_card::ActiveModel {
        name: Set(draft.name),
        customer_id: Set(draft.customer_id),
        currency: Set(draft.currency),
        effective_from: Set(draft.effective_from),
        effective_to: Set(draft.effective_to),
        non_gsm_international: Set(draft.non_gsm_international),
        udh_octets: Set(draft.udh_octets),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createRateCard",
        "rate_card",
        created.id,
        json!({ "name": created.name, "customer_id": created.customer_id, "currency": created.currency,
                "effective_from": created.effective_from, "effective_to": created.effective_to,
                "non_gsm_international": created.non_gsm_international, "udh_octets": created.udh_octets }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a card's name, period or settings; the period is checked against its siblings.
pub async fn update_card(
    db: &DatabaseConnection,
    actor: &RequestContext,
    id: i64,
    change: RateCardUpdate,
) -> Result<rate_card::Model, AppError> {
    let mut card = get_card(db, id).await?;
    if let Some(name) = change.name {
        card.name = name.trim().to_owned();
    }
    if let Some(from) = change.effective_from {
        card.effective_from = from;
    }
    if let Some(to) = change.effective_to {
        card.effective_to = to;
    }
    if let Some(flag) = change.non_gsm_international {
        card.non_gsm_international = flag;
    }
    if let Some(udh) = change.udh_octets {
        card.udh_octets = udh;
    }
    card.updated_at = Utc::now();
    check_card(&card)?;
    let txn = db.begin().await?;
    check_no_overlap(&txn, &card).await?;
    let detail = json!({ "name": card.name, "effective_from": card.effective_from,
        "effective_to": card.effective_to, "non_gsm_international": card.non_gsm_international,
        "udh_octets": card.udh_octets });
    let mut active: rate_card::ActiveModel = card.into();
    for column in [
        rate_card::Column::Name,
        rate_card::Column::EffectiveFrom,
        rate_card::Column::EffectiveTo,
        rate_card::Column::NonGsmInternational,
        rate_card::Column::UdhOctets,
        rate_card::Column::UpdatedAt,
    ] {
        active.reset(column);
    }
    let updated = active.update(&txn).await?;
    audit::record(&txn, actor, "updateRateCard", "rate_card", id, detail).await?;
    txn.commit().await?;
    Ok(updated)
}

/// One card.
pub async fn get_card(conn: &impl ConnectionTrait, id: i64) -> Result<rate_card::Model, AppError> {
    rate_card::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rate card {id}")))
}

/// Cards, newest period first: of one customer, or the rack cards (`customer_id` None and
/// `rack_only`), or all.
pub async fn list_cards(
    db: &DatabaseConnection,
    customer_id: Option<i64>,
    rack_only: bool,
) -> Result<Vec<rate_card::Model>, AppError> {
    let mut select = rate_card::Entity::find().order_by_desc(rate_card::Column::EffectiveFrom);
    if let Some(customer_id) = customer_id {
        select = select.filter(rate_card::Column::CustomerId.eq(customer_id));
    } else if rack_only {
        select = select.filter(rate_card::Column::CustomerId.is_null());
    }
    Ok(select.all(db).await?)
}

fn to_rate(model: rate::Model) -> Rate {
    Rate {
        id: model.id,
        kind: model.message_kind,
        direction: model.direction,
        number_kind: model.number_kind,
        jurisdiction: model.jurisdiction,
        unit_price: from_micros(model.unit_price_micros),
    }
}

/// A card's rates.
pub async fn rates_of(conn: &impl ConnectionTrait, card_id: i64) -> Result<Vec<Rate>, AppError> {
    Ok(rate::Entity::find()
        .filter(rate::Column::RateCardId.eq(card_id))
        .order_by_asc(rate::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_rate)
        .collect())
}

fn rate_row(card_id: i64, input: &RateInput) -> Result<rate::ActiveModel, AppError> {
    let jurisdiction = jurisdiction(&input.jurisdiction)
        .map_err(|m| AppError::invalid_field("jurisdiction", m))?;
    if input.unit_price.is_sign_negative() && !input.unit_price.is_zero() {
        return Err(AppError::invalid_field(
            "unit_price",
            "must not be negative",
        ));
    }
    let micros = to_micros(input.unit_price)
        .map_err(|e| AppError::invalid_field("unit_price", e.to_string()))?;
    Ok(rate::ActiveModel {
        rate_card_id: Set(card_id),
        message_kind: Set(input.kind),
        direction: Set(input.direction),
        number_kind: Set(input.number_kind),
        jurisdiction: Set(jurisdiction),
        unit_price_micros: Set(micros),
        ..Default::default()
    })
}

async fn upsert_rate(conn: &impl ConnectionTrait, row: rate::ActiveModel) -> Result<(), AppError> {
    rate::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                rate::Column::RateCardId,
                rate::Column::MessageKind,
                rate::Column::Direction,
                rate::Column::NumberKind,
                rate::Column::Jurisdiction,
            ])
            .update_column(rate::Column::UnitPriceMicros)
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Sets one rate on a card (replacing the price of the same key).
pub async fn set_rate(
    db: &DatabaseConnection,
    actor: &RequestContext,
    card_id: i64,
    input: RateInput,
) -> Result<Vec<Rate>, AppError> {
    let row = rate_row(card_id, &input)?;
    get_card(db, card_id)
        .await
        .map_err(|_| AppError::invalid_field("rate_card_id", "no such rate card"))?;
    let txn = db.begin().await?;
    upsert_rate(&txn, row).await?;
    audit::record(
        &txn,
        actor,
        "setRate",
        "rate_card",
        card_id,
        json!({ "message_kind": input.kind.to_value(), "direction": input.direction.to_value(),
                "number_kind": input.number_kind.to_value(), "jurisdiction": input.jurisdiction,
                "unit_price": input.unit_price.to_string() }),
    )
    .await?;
    txn.commit().await?;
    rates_of(db, card_id).await
}

/// Removes one rate.
pub async fn delete_rate(
    db: &DatabaseConnection,
    actor: &RequestContext,
    rate_id: i64,
) -> Result<i64, AppError> {
    let row = rate::Entity::find_by_id(rate_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rate {rate_id}")))?;
    let card_id = row.rate_card_id;
    let txn = db.begin().await?;
    row.delete(&txn).await?;
    audit::record(
        &txn,
        actor,
        "deleteRate",
        "rate_card",
        card_id,
        json!({ "rate_id": rate_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(card_id)
}

/// Imports a rates CSV into a card, all or nothing; with `replace` the card's other rates go.
pub async fn import_rates(
    db: &DatabaseConnection,
    actor: &RequestContext,
    card_id: i64,
    csv: &str,
    replace: bool,
) -> Result<u64, AppError> {
    let rows = parse_rates_csv(csv).map_err(AppError::Validation)?;
    get_card(db, card_id).await?;
    let txn = db.begin().await?;
    if replace {
        rate::Entity::delete_many()
            .filter(rate::Column::RateCardId.eq(card_id))
            .exec(&txn)
            .await?;
    }
    for row in &rows {
        let input = RateInput {
            kind: row.kind,
            direction: row.direction,
            number_kind: row.number_kind,
            jurisdiction: row.jurisdiction.clone(),
            unit_price: row.unit_price,
        };
        upsert_rate(&txn, rate_row(card_id, &input)?).await?;
    }
    audit::record(
        &txn,
        actor,
        "importRates",
        "rate_card",
        card_id,
        json!({ "rates": rows.len(), "replace": replace }),
    )
    .await?;
    txn.commit().await?;
    Ok(rows.len() as u64)
}

/// A card's rates as CSV.
pub async fn export_rates(conn: &impl ConnectionTrait, card_id: i64) -> Result<String, AppError> {
    Ok(rates_csv(&rates_of(conn, card_id).await?))
}

async fn load_card(
    conn: &impl ConnectionTrait,
    card: rate_card::Model,
) -> Result<RateCard, AppError> {
    let rates = rates_of(conn, card.id).await?;
    Ok(RateCard {
        id: card.id,
        customer_id: card.customer_id,
        currency: card.currency,
        effective_from: card.effective_from,
        effective_to: card.effective_to,
        non_gsm_international: card.non_gsm_international,
        udh_octets: u8::try_from(card.udh_octets).unwrap_or(6),
        rates,
    })
}

/// The cards rating uses for a customer at `at`: the customer's card and the rack card in
/// the customer's currency, each if one is in force.
pub async fn cards_in_force(
    conn: &impl ConnectionTrait,
    customer: &customer::Model,
    at: DateTime<Utc>,
) -> Result<(Option<RateCard>, Option<RateCard>), AppError> {
    let in_force = |select: sea_orm::Select<rate_card::Entity>| {
        select
            .filter(rate_card::Column::EffectiveFrom.lte(at))
            .filter(
                sea_orm::Condition::any()
                    .add(rate_card::Column::EffectiveTo.is_null())
                    .add(rate_card::Column::EffectiveTo.gt(at)),
            )
    };
    let own =
        in_force(rate_card::Entity::find().filter(rate_card::Column::CustomerId.eq(customer.id)))
            .one(conn)
            .await?;
    let rack = in_force(
        rate_card::Entity::find()
            .filter(rate_card::Column::CustomerId.is_null())
            .filter(rate_card::Column::Currency.eq(customer.currency.clone())),
    )
    .one(conn)
    .await?;
    let own = match own {
        Some(card) => Some(load_card(conn, card).await?),
        None => None,
    };
    let rack = match rack {
        Some(card) => Some(load_card(conn, card).await?),
        None => None,
    };
    Ok((own, rack))
}
