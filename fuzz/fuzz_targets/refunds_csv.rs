#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    capekit_fuzz::refunds("fuzz.csv", data);
    capekit_fuzz::recognize("fuzz.csv", data);
});
