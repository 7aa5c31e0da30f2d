//! Carriers and their routes in the database: creating carriers, importing route CSVs and
//! looking a destination up with one indexed query per table.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::address::{parse_e164, E164};
use super::carriers::{
    candidate_prefixes, choose, parse_routes_csv, valid_carrier_code, RouteKind, RouteMatch,
};
use crate::audit;
use crate::auth::RequestContext;
use crate::db::entities::{carrier, carrier_prefix, ported_number};
use crate::error::{AppError, FieldError};

/// Adds a carrier; its code is how CSV files and rules name it.
pub async fn create(
    db: &DatabaseConnection,
    actor: &RequestContext,
    code: &str,
    name: &str,
) -> Result<carrier::Model, AppError> {
    let code = code.trim();
    if !valid_carrier_code(code) {
        return Err(AppError::invalid_field(
            "code",
            "must be 2 to 16 upper-case letters, digits or _",
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    if find_by_code(db, code).await?.is_some() {
        return Err(AppError::Conflict(format!("carrier {code} already exists")));
    }
    let txn = db.begin().await?;
    let created = carrier::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "createCarrier",
        "carrier",
        created.id,
        json!({ "code": code, "name": name }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// The carrier with this code.
pub async fn find_by_code(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<carrier::Model>, AppError> {
    Ok(carrier::Entity::find()
        .filter(carrier::Column::Code.eq(code))
        .one(conn)
        .await?)
}

/// Every carrier, by code (a short list).
pub async fn list(db: &DatabaseConnection) -> Result<Vec<carrier::Model>, AppError> {
    Ok(carrier::Entity::find()
        .order_by_asc(carrier::Column::Code)
        .all(db)
        .await?)
}

/// How many routes an import wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub prefixes: u64,
    pub ported_numbers: u64,
}

/// Imports a routes CSV all or nothing: an existing prefix or ported number moves to the
/// carrier the file names.
pub async fn import_routes(
    db: &DatabaseConnection,
    actor: &RequestContext,
    csv: &str,
) -> Result<ImportSummary, AppError> {
    let rows = parse_routes_csv(csv).map_err(AppError::Validation)?;
    let carriers: HashMap<String, i64> = list(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let unknown: Vec<FieldError> = rows
        .iter()
        .filter(|r| !carriers.contains_key(&r.carrier_code))
        .map(|r| FieldError {
            field: format!("line {}: carrier", r.line),
            message: format!("no carrier with code {}", r.carrier_code),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::Validation(unknown));
    }
    let mut summary = ImportSummary::default();
    let txn = db.begin().await?;
    for row in &rows {
        let carrier_id = carriers[&row.carrier_code];
        match row.kind {
            RouteKind::Prefix => {
                carrier_prefix::Entity::insert(carrier_prefix::ActiveModel {
                    prefix: Set(row.number.clone()),
                    carrier_id: Set(carrier_id),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(carrier_prefix::Column::Prefix)
                        .update_column(carrier_prefix::Column::CarrierId)
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
                summary.prefixes += 1;
            }
            RouteKind::Ported => {
                ported_number::Entity::insert(ported_number::ActiveModel {
                    number: Set(row.number.clone()),
                    carrier_id: Set(carrier_id),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(ported_number::Column::Number)
                        .update_column(ported_number::Column::CarrierId)
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
                summary.ported_numbers += 1;
            }
        }
    }
    audit::record(
        &txn,
        actor,
        "importCarrierRoutes",
        "carrier_routes",
        "csv",
        json!({ "prefixes": summary.prefixes, "ported_numbers": summary.ported_numbers }),
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}

/// A destination's carrier, with how it was decided.
#[derive(Clone, Debug)]
pub struct Lookup {
    pub destination: E164,
    pub route: RouteMatch,
    pub carrier: Option<carrier::Model>,
}

/// Finds the carrier serving `destination`.
pub async fn lookup(conn: &impl ConnectionTrait, destination: &str) -> Result<Lookup, AppError> {
    let destination = parse_e164(destination)
        .map_err(|e| AppError::invalid_field("destination", e.to_string()))?;
    let ported = ported_number::Entity::find()
        .filter(ported_number::Column::Number.eq(&destination.e164))
        .one(conn)
        .await?
        .map(|p| p.carrier_id);
    let prefixes: Vec<(String, i64)> = if ported.is_some() {
        Vec::new()
    } else {
        carrier_prefix::Entity::find()
            .filter(carrier_prefix::Column::Prefix.is_in(candidate_prefixes(&destination.e164)))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.prefix, p.carrier_id))
            .collect()
    };
    let route = choose(ported, &prefixes);
    let carrier = match route.carrier_id {
        Some(id) => carrier::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(Lookup {
        destination,
        route,
        carrier,
    })
}
