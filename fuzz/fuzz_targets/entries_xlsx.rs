#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if capekit_fuzz::addresses_fit(data) {
        capekit_fuzz::entries("fuzz.xlsx", &capekit_fuzz::workbook(data));
    }
});
