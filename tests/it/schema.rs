//! Drift checks: `schema.graphql` against the code, entities against the migrations, and
//! migrations down and up again.

use backoffice::auth::Role;
use backoffice::billing::rating::{Direction, MessageKind};
use backoffice::compliance::filings::{FilingKind, FilingStatus};
use backoffice::compliance::leases::LeaseState;
use backoffice::compliance::numbers::{NumberKind, ShortCodeType};
use backoffice::compliance::use_cases::UseCaseStatus;
use backoffice::customers::CustomerStatus;
use backoffice::db::entities::{
    alert, api_key, att_ratio_alert, audit_log, billing_daily, carrier, carrier_fee,
    carrier_filing, carrier_prefix, credit_note, credit_note_line, customer, delivery_daily,
    delivery_times, forecast, invoice, invoice_line, invoice_run, invoice_sequence, job_run,
    lease_event, message, message_handoff, message_part, mm7_account, mms_use_case, number,
    one_time_charge, one_time_price, opt_out, ported_number, rate, rate_card, receipt, send_batch,
    send_batch_row, sender_authorization, short_code_lease, smpp_account,
};
use backoffice::messaging::status::MessageStatus;
use chrono::{SubsecRound, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, Set, Statement,
};

use crate::helpers::{Backend, TestDb};
use crate::on_both_databases;

#[test]
fn schema_graphql_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = backoffice::graphql::sdl();
    if committed != current {
        let diff: Vec<String> = diff_lines(&committed, &current);
        panic!(
            "schema.graphql differs from the code:\n{}\n\nRun: cargo run -q -- export-schema > schema.tmp && mv schema.tmp schema.graphql",
            diff.join("\n")
        );
    }
}

/// Lines only in one of the two texts, marked `-` (committed) and `+` (code).
fn diff_lines(committed: &str, current: &str) -> Vec<String> {
    let old: std::collections::HashSet<&str> = committed.lines().collect();
    let new: std::collections::HashSet<&str> = current.lines().collect();
    let removed = committed
        .lines()
        .filter(|l| !new.contains(l))
        .map(|l| format!("-{l}"));
    let added = current
        .lines()
        .filter(|l| !old.contains(l))
        .map(|l| format!("+{l}"));
    removed.chain(added).collect()
}

on_both_databases!(
    every_entity_round_trips_through_the_migrated_schema,
    migrations_go_down_and_up_again,
);

async fn migrated(backend: Backend) -> Option<(TestDb, DatabaseConnection)> {
    let test_db = TestDb::create(backend).await?;
    let settings = crate::helpers::test_settings(&test_db.url);
    let db = backoffice::db::connect(&settings.database).await.unwrap();
    backoffice::db::migrate(&db).await.unwrap();
    Some((test_db, db))
}

/// Inserts a row and reads it back unchanged: every column's type fits the migrated table.
async fn round_trip<A>(db: &DatabaseConnection, row: A) -> <A::Entity as EntityTrait>::Model
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + PartialEq + std::fmt::Debug,
{
    let inserted = row.insert(db).await.unwrap();
    let stored = <A::Entity as EntityTrait>::find().all(db).await.unwrap();
    assert!(
        stored.contains(&inserted),
        "{inserted:?} read back as {stored:?}"
    );
    inserted
}

async fn every_entity_round_trips_through_the_migrated_schema(backend: Backend) {
    let Some((test_db, db)) = migrated(backend).await else {
        return;
    };
    // Microseconds: what PostgreSQL keeps of a timestamp.
    let now = Utc::now().trunc_subsecs(6);
    let customer = round_trip(
        &db,
        customer::ActiveModel {
            name: Set("Round Trip".into()),
            account_manager_email: Set("am@example.com".into()),
            billing_email: Set("b@example.com".into()),
            currency: Set("JPY".into()),
            status: Set(CustomerStatus::Suspended),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        api_key::ActiveModel {
            name: Set("k".into()),
            role: Set(Role::AccountManager),
            customer_id: Set(Some(customer.id)),
            key_prefix: Set("bo_abcdefgh".into()),
            key_hash: Set("f".repeat(64)),
            created_at: Set(now),
            revoked_at: Set(Some(now)),
            email: Set(Some("am@example.com".into())),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        audit_log::ActiveModel {
            actor: Set("cli".into()),
            actor_role: Set(Role::Compliance),
            action: Set("test".into()),
            entity_type: Set("customer".into()),
            entity_id: Set(customer.id.to_string()),
            detail: Set("{\"a\":1}".into()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let sender = round_trip(
        &db,
        number::ActiveModel {
            customer_id: Set(customer.id),
            kind: Set(NumberKind::ShortCode),
            address: Set("555012".into()),
            country: Set(Some("US".into())),
            short_code_type: Set(Some(ShortCodeType::Vanity)),
            two_way: Set(true),
            sms_enabled: Set(true),
            mms_enabled: Set(false),
            attested_by: Set(Some("owner".into())),
            attested_at: Set(Some(now)),
            per_second_limit: Set(Some(250)),
            per_day_limit: Set(Some(5_000_000_000)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        sender_authorization::ActiveModel {
            number_id: Set(sender.id),
            reference: Set("REF".into()),
            granted_by: Set("brand".into()),
            granted_at: Set(now),
            recorded_by: Set("cli".into()),
            recorded_at: Set(now),
            withdrawn_by: Set(Some("api-key:1".into())),
            withdrawn_at: Set(Some(now)),
            ..Default::default()
        },
    )
    .await;
    let att = round_trip(
        &db,
        carrier::ActiveModel {
            code: Set("ATT".into()),
            name: Set("AT&T".into()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        carrier_prefix::ActiveModel {
            prefix: Set("+1206555".into()),
            carrier_id: Set(att.id),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        ported_number::ActiveModel {
            number: Set("+12065550123".into()),
            carrier_id: Set(att.id),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        smpp_account::ActiveModel {
            customer_id: Set(customer.id),
            system_id: Set("abcdefghijklmno".into()),
            password_hash: Set("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            bind_types: Set("receiver,transceiver".into()),
            max_binds: Set(3),
            window_size: Set(64),
            allowed_networks: Set("10.0.0.0/8".into()),
            enabled: Set(false),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        opt_out::ActiveModel {
            sender: Set("+12065550100".into()),
            subscriber: Set("+14255550123".into()),
            keyword: Set("STOP".into()),
            opted_out_at: Set(now),
            opt_in_keyword: Set(Some("START".into())),
            opted_in_at: Set(Some(now)),
            ..Default::default()
        },
    )
    .await;
    let card = round_trip(
        &db,
        rate_card::ActiveModel {
            name: Set("Rack".into()),
            customer_id: Set(None),
            currency: Set("USD".into()),
            effective_from: Set(now),
            effective_to: Set(Some(now + chrono::Duration::days(90))),
            non_gsm_international: Set(true),
            udh_octets: Set(7),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        rate::ActiveModel {
            rate_card_id: Set(card.id),
            message_kind: Set(MessageKind::Mms),
            direction: Set(Direction::Mo),
            number_kind: Set(NumberKind::TollFree),
            jurisdiction: Set("INTL".into()),
            unit_price_micros: Set(9_223_372_036_854),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        carrier_fee::ActiveModel {
            carrier_id: Set(att.id),
            message_kind: Set(MessageKind::Sms),
            direction: Set(Direction::Mt),
            currency: Set("USD".into()),
            per_message_micros: Set(2_500),
            per_filing_micros: Set(150_000_000),
            effective_from: Set(now),
            effective_to: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        message::ActiveModel {
            message_id: Set("01a2305924efcd14000001".into()),
            customer_id: Set(customer.id),
            direction: Set(Direction::Mo),
            kind: Set(MessageKind::Sms),
            number_id: Set(Some(sender.id)),
            number_kind: Set(NumberKind::LongCode),
            source: Set("+14255550123".into()),
            destination: Set("+12065550100".into()),
            destination_country: Set(Some("US".into())),
            carrier_id: Set(Some(att.id)),
            status: Set(MessageStatus::Enroute),
            reject_reason: Set(None),
            error_code: Set(Some(88)),
            data_coding: Set(8),
            encoding: Set("ucs2".into()),
            fragment_count: Set(3),
            body: Set(Some("héllo".into())),
            concat_ref: Set(Some(65_535)),
            concat_total: Set(Some(3)),
            concat_seq: Set(Some(2)),
            registered_delivery: Set(true),
            charge_micros: Set(12_345),
            currency: Set("USD".into()),
            submitted_at: Set(now),
            done_at: Set(Some(now)),
            updated_at: Set(now),
            priority: Set(3),
            expires_at: Set(Some(now)),
            receipt_failure_only: Set(true),
            use_case_id: Set(Some(7)),
            subject: Set(Some("Hello".into())),
            invoice_id: Set(Some(3)),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        message_handoff::ActiveModel {
            message_id: Set("01a2305924efcd14000001".into()),
            connector: Set("att-smsc".into()),
            carrier_message_id: Set("1A2B3C".into()),
            sent_at: Set(now),
        },
    )
    .await;
    round_trip(
        &db,
        receipt::ActiveModel {
            message_id: Set("01a2305924efcd14000001".into()),
            customer_id: Set(customer.id),
            source: Set("+14255550123".into()),
            destination: Set("+12065550100".into()),
            text: Set(String::new()),
            message_state: Set(0),
            state: Set("pending".into()),
            attempts: Set(2),
            created_at: Set(now),
            sent_at: Set(Some(now)),
            acked_at: Set(None),
            kind: Set("mo".into()),
            esm_class: Set(0x40),
            data_coding: Set(8),
            payload: Set(Some("050003070201".into())),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        delivery_daily::ActiveModel {
            day: Set("2026-12-01".into()),
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            carrier_id: Set(0),
            direction: Set("mt".into()),
            received: Set(10),
            fragments: Set(12),
            delivered: Set(7),
            undeliverable: Set(1),
            expired: Set(1),
            rejected: Set(1),
            cancelled: Set(0),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        billing_daily::ActiveModel {
            customer_id: Set(customer.id),
            currency: Set("USD".into()),
            day: Set("2026-12-01".into()),
            invoice_id: Set(0),
            charge_kind: Set("usage".into()),
            message_kind: Set(MessageKind::Sms),
            direction: Set(Direction::Mt),
            number_kind: Set(NumberKind::LongCode),
            country: Set("US".into()),
            carrier_id: Set(att.id),
            unit_price_micros: Set(7_900),
            records: Set(3),
            quantity: Set(4),
            amount_micros: Set(31_600),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        delivery_times::ActiveModel {
            day: Set("2026-12-01".into()),
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            carrier_id: Set(att.id),
            measure: Set("ack".into()),
            bucket: Set(89),
            count: Set(4),
            ..Default::default()
        },
    )
    .await;
    let lease = round_trip(
        &db,
        short_code_lease::ActiveModel {
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            state: Set(LeaseState::Suspended),
            reapplication: Set(true),
            applied_at: Set(now),
            activated_on: Set(Some(chrono::NaiveDate::from_ymd_opt(2028, 2, 29).unwrap())),
            term: Set(3),
            term_ends_on: Set(Some(chrono::NaiveDate::from_ymd_opt(2028, 5, 29).unwrap())),
            notice_given_on: Set(None),
            ends_on: Set(None),
            suspended_from: Set(Some(LeaseState::NoticeGiven)),
            last_traffic_at: Set(Some(now)),
            warned_days: Set("60,80".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        lease_event::ActiveModel {
            lease_id: Set(lease.id),
            from_state: Set(Some(LeaseState::Active)),
            to_state: Set(LeaseState::CancelledInactivity),
            actor: Set("cli".into()),
            reason: Set(Some("silent".into())),
            at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        alert::ActiveModel {
            customer_id: Set(Some(customer.id)),
            kind: Set("inactivity_warning".into()),
            severity: Set("warning".into()),
            subject: Set("s".into()),
            detail: Set("d".into()),
            lease_id: Set(Some(lease.id)),
            recipient: Set(Some("am@example.com".into())),
            dedupe_key: Set(Some("inactivity_warning|1|1|s".into())),
            state: Set("failed".into()),
            attempts: Set(5),
            next_attempt_at: Set(Some(now)),
            last_error: Set(Some("554 refused".into())),
            created_at: Set(now),
            acknowledged_at: Set(Some(now)),
            acknowledged_by: Set(Some("key:1".into())),
            emailed_at: Set(None),
            ..Default::default()
        },
    )
    .await;
    // An operators' alert has no customer.
    round_trip(
        &db,
        alert::ActiveModel {
            customer_id: Set(None),
            kind: Set("job_failed".into()),
            severity: Set("critical".into()),
            subject: Set("Job retention failed".into()),
            detail: Set("d".into()),
            state: Set("pending".into()),
            attempts: Set(0),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let batch = round_trip(
        &db,
        send_batch::ActiveModel {
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            source: Set("555012".into()),
            name: Set("Spring sale".into()),
            file_name: Set("spring.xlsx".into()),
            state: Set(backoffice::messaging::bulk::BatchState::Cancelled),
            total_rows: Set(2),
            currency: Set("JPY".into()),
            quoted_micros: Set(7_900),
            created_by: Set("api-key:1".into()),
            created_at: Set(now),
            cancelled_at: Set(Some(now)),
            finished_at: Set(Some(now)),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        send_batch_row::ActiveModel {
            batch_id: Set(batch.id),
            row_number: Set(2),
            destination: Set("+14255550123".into()),
            text: Set("Hello Ada".into()),
            send_at: Set(Some(now)),
            priority: Set(3),
            fragments: Set(1),
            quoted_micros: Set(7_900),
            state: Set(backoffice::messaging::bulk::RowState::Sent),
            reason: Set(Some("r".into())),
            message_id: Set(Some("m-1".into())),
            claimed_at: Set(Some(now)),
            status: Set(Some(MessageStatus::Rejected)),
            charge_micros: Set(Some(7_900)),
            sent_at: Set(Some(now)),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        job_run::ActiveModel {
            job: Set("retention".into()),
            scheduled_for: Set(now),
            as_of: Set("2026-12-01".into()),
            trigger: Set("schedule".into()),
            instance: Set("host:1".into()),
            started_at: Set(now),
            heartbeat_at: Set(now),
            finished_at: Set(Some(now)),
            outcome: Set("succeeded".into()),
            rows_touched: Set(3),
            alerts_created: Set(1),
            emails_sent: Set(1),
            detail: Set(Some("{}".into())),
            error: Set(None),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        one_time_price::ActiveModel {
            customer_id: Set(Some(customer.id)),
            currency: Set("USD".into()),
            kind: Set("leasing".into()),
            variant: Set("vanity".into()),
            unit_price_micros: Set(4_500_000_000),
            effective_from: Set(now),
            effective_to: Set(Some(now)),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        one_time_charge::ActiveModel {
            customer_id: Set(customer.id),
            kind: Set("setup".into()),
            description: Set("Set-up".into()),
            quantity: Set(1),
            unit_price_micros: Set(500_000_000),
            amount_micros: Set(500_000_000),
            currency: Set("USD".into()),
            incurred_at: Set(now),
            lease_id: Set(Some(lease.id)),
            created_at: Set(now),
            invoice_id: Set(Some(9)),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        carrier_filing::ActiveModel {
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            carrier_id: Set(att.id),
            kind: Set(FilingKind::SmsAndMms),
            use_case: Set("alerts".into()),
            sample_messages: Set("[\"a\"]".into()),
            help_answer: Set("help".into()),
            stop_answer: Set("stop".into()),
            status: Set(FilingStatus::AmendmentRequired),
            decision_reason: Set(Some("use changed".into())),
            submitted_at: Set(Some(now)),
            decided_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        forecast::ActiveModel {
            customer_id: Set(customer.id),
            number_id: Set(sender.id),
            quarter: Set("2026-Q4".into()),
            revision: Set(2),
            expected_messages: Set(30_000),
            hourly_pattern: Set("[\"1\"]".into()),
            peak_per_second: Set(10),
            note: Set(Some("n".into())),
            submitted_by: Set("cli".into()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        mms_use_case::ActiveModel {
            customer_id: Set(customer.id),
            description: Set("d".into()),
            sample_content: Set("s".into()),
            number_ids: Set(format!("[{}]", sender.id)),
            media_types: Set("[\"audio/*\"]".into()),
            expected_monthly_volume: Set(10),
            att_exempt: Set(true),
            att_evidence: Set(Some("letter".into())),
            status: Set(UseCaseStatus::Revoked),
            decision_reason: Set(Some("r".into())),
            submitted_by: Set("cli".into()),
            decided_by: Set(Some("compliance".into())),
            submitted_at: Set(now),
            decided_at: Set(Some(now)),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        message_part::ActiveModel {
            message_id: Set("m-1".into()),
            seq: Set(2),
            content_type: Set("audio/amr".into()),
            content_id: Set(Some("p2".into())),
            filename: Set(Some("note.amr".into())),
            size_bytes: Set(3),
            content: Set(Some(vec![0, 255, 7])),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        mm7_account::ActiveModel {
            customer_id: Set(customer.id),
            username: Set("vasp".into()),
            password_hash: Set("$argon2id$x".into()),
            vasp_id: Set("VASP".into()),
            vas_id: Set(Some("svc".into())),
            delivery_url: Set(Some("https://vasp.example/mm7".into())),
            enabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        att_ratio_alert::ActiveModel {
            customer_id: Set(customer.id),
            cycle_start: Set(chrono::NaiveDate::from_ymd_opt(2026, 9, 2).unwrap()),
            level: Set("breach".into()),
            outgoing: Set(31),
            incoming: Set(10),
            recorded_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let inv = round_trip(
        &db,
        invoice::ActiveModel {
            customer_id: Set(customer.id),
            period: Set("2026-10".into()),
            period_start: Set(now),
            period_end: Set(now),
            currency: Set("JPY".into()),
            minor_digits: Set(0),
            state: Set(backoffice::billing::invoicing::InvoiceState::Void),
            number: Set(Some("INV-2026-000001".into())),
            total_micros: Set(1_000_000),
            issued_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let line = round_trip(
        &db,
        invoice_line::ActiveModel {
            invoice_id: Set(inv.id),
            seq: Set(1),
            section: Set("messages".into()),
            description: Set("SMS MT".into()),
            charge_kind: Set("usage".into()),
            message_kind: Set(Some(backoffice::billing::rating::MessageKind::Mms)),
            direction: Set(Some(backoffice::billing::rating::Direction::Mo)),
            number_kind: Set(Some(
                backoffice::compliance::numbers::NumberKind::Alphanumeric,
            )),
            country: Set(Some("US".into())),
            carrier_id: Set(Some(att.id)),
            one_time_charge_id: Set(Some(5)),
            late: Set(true),
            quantity: Set(3),
            unit_price_micros: Set(7_900),
            raw_micros: Set(23_700),
            amount_micros: Set(20_000),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        invoice_sequence::ActiveModel {
            prefix: Set("INV".into()),
            year: Set(2026),
            last: Set(12),
        },
    )
    .await;
    let note = round_trip(
        &db,
        credit_note::ActiveModel {
            invoice_id: Set(inv.id),
            number: Set("CN-2026-000001".into()),
            reason: Set("r".into()),
            amount_micros: Set(1_000_000),
            created_by: Set("cli".into()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        credit_note_line::ActiveModel {
            credit_note_id: Set(note.id),
            invoice_line_id: Set(Some(line.id)),
            amount_micros: Set(20_000),
            ..Default::default()
        },
    )
    .await;
    round_trip(
        &db,
        invoice_run::ActiveModel {
            period: Set("2026-10".into()),
            customer_id: Set(Some(customer.id)),
            started_by: Set("cli".into()),
            started_at: Set(now),
            finished_at: Set(Some(now)),
            status: Set("failed".into()),
            invoices: Set(2),
            error: Set(Some("e".into())),
            ..Default::default()
        },
    )
    .await;
    db.close().await.ok();
    test_db.drop_database().await;
}

async fn migrations_go_down_and_up_again(backend: Backend) {
    let Some((test_db, db)) = migrated(backend).await else {
        return;
    };
    Migrator::down(&db, None).await.unwrap();
    assert!(Migrator::get_applied_migrations(&db)
        .await
        .unwrap()
        .is_empty());
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        0
    );
    let unindexed = foreign_keys_without_index(&db, backend).await;
    assert!(
        unindexed.is_empty(),
        "foreign keys without an index: {unindexed:?}"
    );
    db.close().await.ok();
    test_db.drop_database().await;
}

/// Foreign-key columns that no index starts with: deletes and joins on them would scan.
async fn foreign_keys_without_index(db: &DatabaseConnection, backend: Backend) -> Vec<String> {
    let backend_kind = db.get_database_backend();
    let rows = match backend {
        Backend::Postgres => {
            db.query_all(Statement::from_string(
                backend_kind,
                "SELECT c.conrelid::regclass::text || '.' || a.attname AS fk
                 FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                 WHERE c.contype = 'f' AND NOT EXISTS (
                   SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])",
            ))
            .await
            .unwrap()
        }
        Backend::Sqlite => {
            db.query_all(Statement::from_string(
                backend_kind,
                "SELECT m.name || '.' || f.\"from\" AS fk
                 FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND NOT EXISTS (
                   SELECT 1 FROM pragma_index_list(m.name) il, pragma_index_info(il.name) ii
                   WHERE ii.seqno = 0 AND ii.name = f.\"from\")",
            ))
            .await
            .unwrap()
        }
    };
    rows.iter()
        .map(|r| r.try_get::<String>("", "fk").unwrap())
        .collect()
}
