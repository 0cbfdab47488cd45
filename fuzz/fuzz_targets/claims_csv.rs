#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    capekit_fuzz::claims("fuzz.csv", data);
});
