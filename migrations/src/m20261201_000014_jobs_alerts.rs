//! Scheduled jobs and alert delivery: `job_runs` (one row per run; the unique job and
//! scheduled time is how instances sharing a database run a tick once), and alerts for
//! everyone who needs one: a customer's account manager or, with no customer, the operators,
//! with a severity, a recipient, a key that stops duplicates, and their email's delivery
//! state and retries.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum JobRuns {
    Table,
    Id,
    Job,
    ScheduledFor,
    AsOf,
    Trigger,
    Instance,
    StartedAt,
    HeartbeatAt,
    FinishedAt,
    Outcome,
    RowsTouched,
    AlertsCreated,
    EmailsSent,
    Detail,
    Error,
}

#[derive(DeriveIden, Clone, Copy)]
enum Alerts {
    Table,
    Id,
    CustomerId,
    Kind,
    Severity,
    Subject,
    Detail,
    LeaseId,
    Recipient,
    DedupeKey,
    State,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    AcknowledgedAt,
    AcknowledgedBy,
    EmailedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ShortCodeLeases {
    Table,
    Id,
}

/// The columns alerts gain, as added to an existing table.
fn added_columns() -> Vec<ColumnDef> {
    use Alerts as A;
    vec![
        string_len(A::Severity, 16).default("info").take(),
        string_len_null(A::Recipient, 320).take(),
        string_len_null(A::DedupeKey, 300).take(),
        string_len(A::State, 16).default("pending").take(),
        integer(A::Attempts).default(0).take(),
        timestamp_with_time_zone_null(A::NextAttemptAt).take(),
        text_null(A::LastError).take(),
        string_len_null(A::AcknowledgedBy, 200).take(),
    ]
}

/// The names of `alert_indexes`, in order.
const ALERT_INDEXES: [&str; 4] = [
    "idx_alerts_customer",
    "idx_alerts_lease",
    "uq_alerts_dedupe_key",
    "idx_alerts_state",
];

fn alert_indexes() -> Vec<IndexCreateStatement> {
    use Alerts as A;
    vec![
        Index::create()
            .name("idx_alerts_customer")
            .table(A::Table)
            .col(A::CustomerId)
            .take(),
        Index::create()
            .name("idx_alerts_lease")
            .table(A::Table)
            .col(A::LeaseId)
            .take(),
        Index::create()
            .name("uq_alerts_dedupe_key")
            .table(A::Table)
            .col(A::DedupeKey)
            .unique()
            .take(),
        Index::create()
            .name("idx_alerts_state")
            .table(A::Table)
            .col(A::State)
            .col(A::NextAttemptAt)
            .take(),
    ]
}

/// The alerts table as it is after this migration (SQLite rebuilds it: it cannot drop a
/// NOT NULL).
fn alerts_table(customer_nullable: bool) -> TableCreateStatement {
    use Alerts as A;
    let mut table = Table::create();
    table
        .table(A::Table)
        .col(big_integer(A::Id).auto_increment().primary_key())
        .col(if customer_nullable {
            big_integer_null(A::CustomerId)
        } else {
            big_integer(A::CustomerId)
        })
        .col(string_len(A::Kind, 32))
        .col(string_len(A::Subject, 200))
        .col(text(A::Detail))
        .col(big_integer_null(A::LeaseId))
        .col(timestamp_with_time_zone(A::CreatedAt))
        .col(timestamp_with_time_zone_null(A::AcknowledgedAt))
        .col(timestamp_with_time_zone_null(A::EmailedAt))
        .foreign_key(
            ForeignKey::create()
                .name("fk_alerts_customer")
                .from(A::Table, A::CustomerId)
                .to(Customers::Table, Customers::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_alerts_lease")
                .from(A::Table, A::LeaseId)
                .to(ShortCodeLeases::Table, ShortCodeLeases::Id)
                .on_delete(ForeignKeyAction::Restrict),
        );
    if customer_nullable {
        for mut column in added_columns() {
            table.col(&mut column);
        }
    }
    table.take()
}

const V1_COLUMNS: &str =
    "id, customer_id, kind, subject, detail, lease_id, created_at, acknowledged_at, emailed_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use JobRuns as J;
        manager
            .create_table(
                Table::create()
                    .table(J::Table)
                    .col(big_integer(J::Id).auto_increment().primary_key())
                    .col(string_len(J::Job, 32))
                    .col(timestamp_with_time_zone(J::ScheduledFor))
                    .col(string_len(J::AsOf, 10))
                    .col(string_len(J::Trigger, 16))
                    .col(string_len(J::Instance, 100))
                    .col(timestamp_with_time_zone(J::StartedAt))
                    .col(timestamp_with_time_zone(J::HeartbeatAt))
                    .col(timestamp_with_time_zone_null(J::FinishedAt))
                    .col(string_len(J::Outcome, 16))
                    .col(big_integer(J::RowsTouched))
                    .col(big_integer(J::AlertsCreated))
                    .col(big_integer(J::EmailsSent))
                    .col(text_null(J::Detail))
                    .col(text_null(J::Error))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_job_runs_tick")
                    .table(J::Table)
                    .col(J::Job)
                    .col(J::ScheduledFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_runs_outcome")
                    .table(J::Table)
                    .col(J::Outcome)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("ALTER TABLE alerts RENAME TO alerts_v1")
                .await?;
            db.execute_unprepared("DROP INDEX idx_alerts_customer")
                .await?;
            db.execute_unprepared("DROP INDEX idx_alerts_lease").await?;
            manager.create_table(alerts_table(true)).await?;
            db.execute_unprepared(&format!(
                "INSERT INTO alerts ({V1_COLUMNS}, state) SELECT {V1_COLUMNS}, \
                 CASE WHEN emailed_at IS NULL THEN 'pending' ELSE 'sent' END FROM alerts_v1"
            ))
            .await?;
            db.execute_unprepared("DROP TABLE alerts_v1").await?;
            for index in alert_indexes() {
                manager.create_index(index).await?;
            }
        } else {
            let mut alter = Table::alter();
            alter.table(Alerts::Table).modify_column(
                ColumnDef::new(Alerts::CustomerId)
                    .big_integer()
                    .null()
                    .take(),
            );
            for mut column in added_columns() {
                alter.add_column(&mut column);
            }
            manager.alter_table(alter.take()).await?;
            db.execute_unprepared("UPDATE alerts SET state = 'sent' WHERE emailed_at IS NOT NULL")
                .await?;
            for index in alert_indexes().into_iter().skip(2) {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobRuns::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        // Alerts without a customer have no place in the earlier table.
        db.execute_unprepared("DELETE FROM alerts WHERE customer_id IS NULL")
            .await?;
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("ALTER TABLE alerts RENAME TO alerts_v2")
                .await?;
            for name in ALERT_INDEXES {
                db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
            }
            manager.create_table(alerts_table(false)).await?;
            db.execute_unprepared(&format!(
                "INSERT INTO alerts ({V1_COLUMNS}) SELECT {V1_COLUMNS} FROM alerts_v2"
            ))
            .await?;
            db.execute_unprepared("DROP TABLE alerts_v2").await?;
            for index in alert_indexes().into_iter().take(2) {
                manager.create_index(index).await?;
            }
        } else {
            for name in &ALERT_INDEXES[2..] {
                db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
            }
            let mut alter = Table::alter();
            alter.table(Alerts::Table).modify_column(
                ColumnDef::new(Alerts::CustomerId)
                    .big_integer()
                    .not_null()
                    .take(),
            );
            for column in [
                Alerts::Severity,
                Alerts::Recipient,
                Alerts::DedupeKey,
                Alerts::State,
                Alerts::Attempts,
                Alerts::NextAttemptAt,
                Alerts::LastError,
                Alerts::AcknowledgedBy,
            ] {
                alter.drop_column(column);
            }
            manager.alter_table(alter.take()).await?;
        }
        Ok(())
    }
}
