//! The invoice PDF: the Typst template in `reports/invoice.typ`, compiled in-process with the
//! fonts embedded in the binary (typst-assets), so the same invoice gives the same bytes on
//! every machine.

use std::sync::OnceLock;

use typst::foundations::{Dict, IntoValue};
use typst::layout::PagedDocument;
use typst_as_lib::TypstEngine;

static TEMPLATE: &str = include_str!("../../reports/invoice.typ");

fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(typst_assets::fonts())
            .build()
    })
}

/// Renders an invoice's data (see `documents::invoice_data`) to PDF. CPU-bound: call it off
/// the async threads.
pub fn render(data: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.to_string().into_value());
    let document: PagedDocument = engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| format!("the invoice template failed: {e:?}"))?;
    // No timestamp and an identifier derived from the content: deterministic bytes.
    let options = typst_pdf::PdfOptions::default();
    typst_pdf::pdf(&document, &options).map_err(|e| format!("PDF export failed: {e:?}"))
}
