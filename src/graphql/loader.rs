//! DataLoaders: one batched query per relation and request, instead of one per row.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::customers::Customer;
use crate::db::entities::customer;

/// Customers by id.
pub struct CustomerLoader {
    pub db: DatabaseConnection,
}

impl Loader<i64> for CustomerLoader {
    type Value = Customer;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Customer>, Self::Error> {
        let rows = customer::Entity::find()
            .filter(customer::Column::Id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| (m.id, Customer::from(m)))
            .collect())
    }
}
