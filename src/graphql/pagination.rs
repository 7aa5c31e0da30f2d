//! Cursor connections over keyset pages.

use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{ErrorExtensions, OutputType, Result};

use super::error::{code, coded};
use crate::db::page::Page;

/// The most rows one page may ask for.
pub const MAX_PAGE: usize = 100;

/// A list's cursor: the id of the last row seen, opaque to clients.
pub type Cursor = OpaqueCursor<i64>;

/// Checks `first` and decodes `after`, naming the argument that is wrong.
pub fn page_args(first: usize, after: Option<&str>) -> Result<(u64, Option<i64>)> {
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(invalid_arg(
            "first",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let after = after
        .map(|c| {
            <Cursor as async_graphql::connection::CursorType>::decode_cursor(c)
                .map(|c| c.0)
                .map_err(|_| invalid_arg("after", "is not a cursor from this list".into()))
        })
        .transpose()?;
    Ok((first as u64, after))
}

fn invalid_arg(field: &str, message: String) -> async_graphql::Error {
    let fields = async_graphql::Value::from_json(
        serde_json::json!([{ "field": field, "message": message }]),
    )
    .unwrap_or_default();
    coded(
        code::VALIDATION,
        format!("invalid input: {field}: {message}"),
    )
    .extend_with(|_, e| e.set("fields", fields.clone()))
}

/// Turns a page of rows into a connection of nodes.
pub fn connection<M, N: OutputType>(
    page: Page<M>,
    after: Option<i64>,
    id: impl Fn(&M) -> i64,
    node: impl Fn(M) -> N,
) -> Connection<Cursor, N> {
    let mut connection = Connection::new(after.is_some(), page.has_next);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|m| Edge::new(OpaqueCursor(id(&m)), node(m))),
    );
    connection
}
