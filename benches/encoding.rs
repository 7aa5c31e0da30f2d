//! Encoding detection plus fragment counting, and the destination's parse to E.164: the
//! per-message work of admission. Run: `cargo bench --bench encoding`.

use backoffice::messaging::address::parse_e164;
use backoffice::messaging::fragments::{analyze, DEFAULT_UDH_OCTETS};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn messages() -> [(&'static str, String); 4] {
    let gsm_160 = "Your verification code is 482913. It expires in 10 minutes. If you did not ask for it, ignore this message. Reply STOP to opt out of these alerts now ok"
        .chars()
        .cycle()
        .take(160)
        .collect();
    [
        ("short GSM", "Your code is 482913".to_owned()),
        ("160-character GSM", gsm_160),
        (
            "300-character GSM with an extension",
            format!("{}{{ok}}{}", "a".repeat(150), "b".repeat(146)),
        ),
        (
            "emoji UCS-2",
            "Happy birthday! 🎉🎂 See you at 7 👍🏽 — love, the team 😀".repeat(2),
        ),
    ]
}

fn encoding_and_fragments(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Elements(1));
    for (name, text) in messages() {
        group.bench_function(name, |b| {
            b.iter(|| analyze(black_box(&text), DEFAULT_UDH_OCTETS))
        });
    }
    group.finish();
}

/// Destinations as SMPP brings them (international, `+` added) and as a person types them.
fn destinations(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_e164");
    group.throughput(Throughput::Elements(1));
    for number in [
        "+14255550123",
        "+447700900123",
        "+4915123456789",
        "(206) 555-0100",
    ] {
        group.bench_function(number, |b| b.iter(|| parse_e164(black_box(number))));
    }
    group.finish();
}

criterion_group!(benches, encoding_and_fragments, destinations);
criterion_main!(benches);
