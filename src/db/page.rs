//! Keyset pagination by id: stable under inserts, and each page costs one indexed query.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

/// Which way a list runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    OldestFirst,
    NewestFirst,
}

/// One page of rows and whether more follow.
#[derive(Debug)]
pub struct Page<M> {
    pub items: Vec<M>,
    pub has_next: bool,
}

/// Fetches up to `first` rows after the row with id `after`, ordered by `id_column`.
pub async fn keyset<E, C>(
    conn: &C,
    select: Select<E>,
    id_column: E::Column,
    after: Option<i64>,
    first: u64,
    direction: Direction,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let (select, order) = match (direction, after) {
        (Direction::OldestFirst, Some(id)) => (select.filter(id_column.gt(id)), Order::Asc),
        (Direction::NewestFirst, Some(id)) => (select.filter(id_column.lt(id)), Order::Desc),
        (Direction::OldestFirst, None) => (select, Order::Asc),
        (Direction::NewestFirst, None) => (select, Order::Desc),
    };
    let mut items = select
        .order_by(id_column, order)
        .limit(first + 1)
        .all(conn)
        .await?;
    let has_next = items.len() as u64 > first;
    items.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok(Page { items, has_next })
}
