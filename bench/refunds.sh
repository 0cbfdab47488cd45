#!/usr/bin/env bash
# End-to-end benchmark of `capekit refunds`: the release binary, as a whole process, reading a
# generated REV-615 "CAPE Details Refunds" of 1,000,000 rows from disk, recording it in a ledger
# that holds 1,000,000 accepted entries with their ES-003 data, reconciling, and writing every
# output (refunds.xlsx, one page per importer, the terminal report). Each run starts from a fresh
# copy of that ledger (made before the clock starts). Results go to BENCHMARKS.md by hand.
#
#   bench/refunds.sh                               # 1,000,000 rows, 3 runs
#   CAPEKIT_BENCH_ROWS=200000 bench/refunds.sh     # fewer rows
#   CAPEKIT_BENCH_DIR=/var/tmp/cr bench/refunds.sh # keep the data for the next run
#   CAPEKIT_BENCH_FORMAT=json bench/refunds.sh     # the JSON report on stdout instead of text
#
# Every run prints its wall and CPU time, its peak resident memory and the load average before
# and after it; the last run is repeated with CAPEKIT_TIMINGS=1 for the time of each phase.
# Every output is checked to exist and be non-empty, so that no figure comes from a run that
# skipped one. Needs: cargo, /usr/bin/time (GNU time).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${CAPEKIT_BENCH_ROWS:-1000000}
RUNS=${CAPEKIT_BENCH_RUNS:-3}
FORMAT=${CAPEKIT_BENCH_FORMAT:-text}
WORK=${CAPEKIT_BENCH_DIR:-$(mktemp -d)}
AS_OF=2026-11-24
IMPORTERS=100
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "bench/refunds.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

cd "$ROOT"
if [ -z "${CAPEKIT_BENCH_NO_BUILD:-}" ]; then
    cargo build --release -p capekit --bin capekit --example refunds_data
fi
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/capekit
DATA=$TARGET/release/examples/refunds_data

# Data, made once per folder.
TEMPLATE=$WORK/ledger-$ROWS.sqlite3
if [ ! -f "$TEMPLATE" ]; then
    echo "generating a ledger of $ROWS accepted entries with their entry data..." >&2
    rm -f "$TEMPLATE.tmp" "$TEMPLATE.tmp-wal" "$TEMPLATE.tmp-shm"
    "$DATA" ledger "$TEMPLATE.tmp" "$ROWS"
    mv "$TEMPLATE.tmp" "$TEMPLATE"
fi
REV615=$WORK/rev615-$ROWS.csv
if [ ! -f "$REV615" ]; then
    "$DATA" rev615 "$REV615.tmp" "$ROWS" && mv "$REV615.tmp" "$REV615"
fi
LEDGER=$WORK/run.sqlite3
OUT=$WORK/out

fresh() {
    rm -rf "$OUT" "$LEDGER" "$LEDGER-wal" "$LEDGER-shm"
    cp "$TEMPLATE" "$LEDGER"
    # The copy and the input in the page cache, as after a download: the run times capekit,
    # not the disk's first read.
    cat "$LEDGER" "$REV615" > /dev/null
}

check_outputs() {
    local f
    for f in "$OUT/refunds-$AS_OF.xlsx" "$WORK/stdout.txt" "$LEDGER"; do
        [ -s "$f" ] || { echo "missing or empty output: $f" >&2; exit 1; }
    done
    local pages
    pages=$(find "$OUT" -name 'refunds-*.html' -size +0 | wc -l)
    local want=$IMPORTERS
    [ "$ROWS" -lt "$IMPORTERS" ] && want=$ROWS
    [ "$pages" -eq "$want" ] || { echo "$pages non-empty importer pages, expected $want" >&2; exit 1; }
    for f in "$OUT"/*; do
        [ -s "$f" ] || { echo "empty output: $f" >&2; exit 1; }
    done
}

run() { # $1: "timed" or "phases"
    fresh
    local before after
    before=$(cut -d' ' -f1-3 /proc/loadavg)
    set +e
    if [ "$1" = phases ]; then
        CAPEKIT_TIMINGS=1 /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" \
            "$BIN" --ledger "$LEDGER" refunds "$REV615" --as-of "$AS_OF" --out "$OUT" --format "$FORMAT" \
            > "$WORK/stdout.txt" 2> "$WORK/stderr.txt"
    else
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" \
            "$BIN" --ledger "$LEDGER" refunds "$REV615" --as-of "$AS_OF" --out "$OUT" --format "$FORMAT" \
            > "$WORK/stdout.txt" 2> "$WORK/stderr.txt"
    fi
    local code=$?
    set -e
    after=$(cut -d' ' -f1-3 /proc/loadavg)
    if [ "$code" != 0 ]; then
        echo "capekit refunds: exit $code" >&2
        cat "$WORK/stderr.txt" >&2
        exit 1
    fi
    check_outputs
    local wall user sys rss
    read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
    printf '%s: %s s wall, %s s user + %s s sys, peak %s MB; load before %s, after %s\n' \
        "$1" "$wall" "$user" "$sys" "$((rss / 1000))" "$before" "$after"
    if [ "$1" = phases ]; then
        sed -n 's/^capekit: timing /  /p' "$WORK/stderr.txt"
    fi
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GiB, $(rustc --version)"
echo "data: $(stat -c %s "$REV615") bytes of REV-615 ($ROWS rows), ledger of $(stat -c %s "$TEMPLATE") bytes; format $FORMAT"
echo "command: capekit --ledger COPY refunds $(basename "$REV615") --as-of $AS_OF --out OUT --format $FORMAT"
for i in $(seq "$RUNS"); do
    run timed
done
run phases
echo "outputs of the last run: $(find "$OUT" -type f | wc -l) files, $(du -sh "$OUT" | cut -f1); refunds-$AS_OF.xlsx $(stat -c %s "$OUT/refunds-$AS_OF.xlsx") bytes; stdout $(stat -c %s "$WORK/stdout.txt") bytes"
echo "data kept in $WORK" >&2
