//! The open messages (not final: `done_at` is null) get a partial index of their own in place
//! of the index on `status`.
//!
//! The status index was a poor one. On PostgreSQL the planner combined it with the message id
//! index for the writer's ENROUTE and final-status updates ("where message_id in (…) and
//! status = 'accepted'"), and that index's 'accepted' range holds every row version the
//! updates left behind. Each batch then scanned all of them, and the time per commit grew
//! with the table. On SQLite each status change rewrote its entry. The readers that need open
//! messages (recovery after a restart) filter on `done_at is null` and use the partial index;
//! a status change leaves it alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Messages {
    Table,
    Status,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_messages_status")
                    .table(Messages::Table)
                    .to_owned(),
            )
            .await?;
        // sea-query has no partial indexes; the statement reads the same on both databases.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_messages_open ON messages (id) WHERE done_at IS NULL",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_messages_open")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_status")
                    .table(Messages::Table)
                    .col(Messages::Status)
                    .to_owned(),
            )
            .await
    }
}
