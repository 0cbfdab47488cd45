#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds, one after another (one job at a time: the machines
# this runs on are shared), and prints each target's libFuzzer summary. Needs the nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
#
#   fuzz/run.sh 600            # ten minutes per target
#   fuzz/run.sh 60 entries_csv # one target
set -euo pipefail
seconds="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(declaration claims_csv claims_xlsx entries_csv entries_xlsx refunds_csv)
fi
[ -d corpus ] || ./seed.sh
mkdir -p logs
status=0
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s ($(date -u +%H:%M:%S) UTC)"
  # One job (-jobs=1: libFuzzer runs it in a child that logs to fuzz-0.log); -rss_limit_mb: a
  # reader must stay within 2 GiB whatever the input; -max_len: inputs up to 64 KiB, enough for
  # a workbook sheet of a few hundred cells.
  if ! cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -jobs=1 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 > "logs/$t.run.log" 2>&1; then
    status=1
  fi
  mv -f fuzz-0.log "logs/$t.log" 2>/dev/null || true
  grep -E '^(stat::|SUMMARY|artifact_prefix)|Done [0-9]+ runs' "logs/$t.log" || true
  echo "corpus/$t: $(ls "corpus/$t" | wc -l) inputs"
  ls "artifacts/$t" 2>/dev/null | sed 's/^/artifact: /' || true
done
exit "$status"
