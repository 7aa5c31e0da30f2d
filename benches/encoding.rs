//! Encoding detection plus fragment counting, the per-message work of admission.
//! Run: `cargo bench --bench encoding`.

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

criterion_group!(benches, encoding_and_fragments);
criterion_main!(benches);
