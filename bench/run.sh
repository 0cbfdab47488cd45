#!/usr/bin/env bash
# End-to-end benchmark of the commands users run: the release binary, from files on disk, with
# every output, timed as whole processes (wall time and peak memory from /usr/bin/time), with
# the limits measured beside them in the same run (the csv crate reading the same bytes; a bare
# rusqlite insert of the same rows). Results go to BENCHMARKS.md by hand.
#
#   bench/run.sh                      # 1,000,000 claim rows, 10,000,000 ES-003 lines (~1.9 GB)
#   CAPEKIT_BENCH_LINES=1000000 bench/run.sh     # a smaller ES-003 file
#   CAPEKIT_BENCH_DIR=/var/tmp/cb bench/run.sh   # keep the data for the next run
#
# Each measurement runs CAPEKIT_BENCH_RUNS times (default 3); the table shows the fastest wall
# time and the largest peak. Every output file is checked to exist and be non-empty, so that a
# run cannot pass by skipping one. Needs: cargo, /usr/bin/time (GNU time), lscpu.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${CAPEKIT_BENCH_ROWS:-1000000}
CLAIMS=${CAPEKIT_BENCH_CLAIMS:-100}
LINES=${CAPEKIT_BENCH_LINES:-10000000}
RUNS=${CAPEKIT_BENCH_RUNS:-3}
# The plan of 10,000,000 lines takes minutes: once unless told.
PLAN_RUNS=${CAPEKIT_BENCH_PLAN_RUNS:-1}
WORK=${CAPEKIT_BENCH_DIR:-$(mktemp -d)}
AS_OF=2026-11-24
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

cd "$ROOT"
cargo build --release -p capekit --bin capekit -p capekit-io --example bench_data \
    -p capekit-ledger --example insert_limit
BIN=$ROOT/target/release/capekit
DATA=$ROOT/target/release/examples/bench_data
LIMIT=$ROOT/target/release/examples/insert_limit

# Data, made once per folder.
CLAIM_DIR=$WORK/claims-$ROWS-$CLAIMS
if [ ! -d "$CLAIM_DIR" ]; then
    "$DATA" claims "$CLAIM_DIR.tmp" "$ROWS" "$CLAIMS" && mv "$CLAIM_DIR.tmp" "$CLAIM_DIR"
fi
ES003=$WORK/es003-$LINES.csv
if [ ! -f "$ES003" ]; then
    "$DATA" es003 "$ES003.tmp" "$LINES" && mv "$ES003.tmp" "$ES003"
fi
DECL=$WORK/declaration-9999.csv
[ -f "$DECL" ] || "$DATA" declaration "$DECL" 9999
CLAIM_FILES=("$CLAIM_DIR"/*.csv)
ES003_BYTES=$(stat -L -c %s "$ES003")

RESULTS=$WORK/results.md
: > "$RESULTS"
PHASES=$WORK/phases.txt
: > "$PHASES"

# measure NAME EXPECTED_EXIT CHECK-FUNCTION COMMAND...: runs COMMAND $RUNS times (CHECK-FUNCTION
# before each run prepares, after each run verifies), keeps the best wall time and the largest
# peak resident set.
best_wall=""
best_cpu=""
max_rss=""
measure() {
    local name=$1 expect=$2 check=$3
    shift 3
    best_wall=""
    max_rss=0
    for i in $(seq "$RUNS"); do
        "$check" before
        local load
        load=$(cut -d' ' -f1 /proc/loadavg)
        set +e
        local t0 t1
        t0=$(date +%s%N)
        CAPEKIT_TIMINGS=1 /usr/bin/time -f "%U %S %M" -o "$WORK/time.txt" "$@" > "$WORK/stdout.txt" 2> "$WORK/stderr.txt"
        local code=$?
        t1=$(date +%s%N)
        set -e
        if [ "$code" != "$expect" ]; then
            echo "$name: exit $code, expected $expect" >&2
            cat "$WORK/stderr.txt" >&2
            exit 1
        fi
        "$check" after
        local user sys rss wall cpu
        read -r user sys rss < <(tail -1 "$WORK/time.txt")
        wall=$(awk "BEGIN{printf \"%.3f\", ($t1 - $t0) / 1e9}")
        cpu=$(awk "BEGIN{printf \"%.2f\", $user + $sys}")
        echo "  $name run $i: ${wall} s wall, ${cpu} s CPU, $((rss / 1000)) MB (load ${load})" >&2
        if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
            best_wall=$wall
            best_cpu=$cpu
        fi
        if [ "$rss" -gt "$max_rss" ]; then max_rss=$rss; fi
    done
    # The phases of the last run (CAPEKIT_TIMINGS=1: capekit's own lines on stderr).
    sed -n "s/^capekit: timing /  $name: /p" "$WORK/stderr.txt" >> "$PHASES"
}

nonempty() {
    for f in "$@"; do
        [ -s "$f" ] || { echo "missing or empty output: $f" >&2; exit 1; }
    done
}

row() { # what, wall, peak MB, throughput, target (the CPU time of the best run beside the wall)
    printf '| %s | %s s | %s s | %s MB | %s | %s |\n' "$1" "$2" "$best_cpu" "$(( $3 / 1000 ))" "$4" "$5" | tee -a "$RESULTS"
}

OUT=$WORK/out
LEDGER=$WORK/fresh.sqlite

triage_outputs() {
    case $1 in
        before) rm -rf "$OUT" "$LEDGER" "$LEDGER-wal" "$LEDGER-shm" ;;
        after)
            # Names carry the claims and the as-of date (refile-CLAIM-and-N-more-DATE-01.csv).
            nonempty "$WORK/stdout.txt"
            for kind in refile-*-01.csv worklist-*.csv worklist-*.xlsx report-*.html; do
                ls "$OUT"/$kind > /dev/null 2>&1 || { echo "triage wrote no $kind" >&2; exit 1; }
            done
            for f in "$OUT"/*; do nonempty "$f"; done
            ;;
    esac
}
triage_ledger_outputs() {
    triage_outputs "$@"
    [ "$1" = after ] && nonempty "$LEDGER"
    return 0
}
import_outputs() {
    case $1 in
        before) rm -f "$LEDGER" "$LEDGER-wal" "$LEDGER-shm" ;;
        after) nonempty "$LEDGER" ;;
    esac
}
plan_outputs() {
    case $1 in
        before) rm -rf "$OUT" ;;
        after)
            nonempty "$OUT"/plan-worklist-*-"$AS_OF".csv "$OUT"/plan-worklist-*-"$AS_OF".xlsx "$OUT"/plan-report-*-"$AS_OF".html "$WORK/stdout.txt"
            ls "$OUT"/declaration*.csv > /dev/null || { echo "plan wrote no declaration" >&2; exit 1; }
            ls "$OUT"/protest-*.xlsx "$OUT"/court-*.xlsx > /dev/null || { echo "plan wrote no packet" >&2; exit 1; }
            for f in "$OUT"/*; do nonempty "$f"; done
            ;;
    esac
}
no_outputs() { :; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GiB, $(rustc --version)" | tee -a "$RESULTS"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
echo "" | tee -a "$RESULTS"
echo "| what | wall (best of $RUNS; plan: of $PLAN_RUNS) | CPU (user + sys) | peak | throughput | target |" | tee -a "$RESULTS"
echo "|---|---|---|---|---|---|" | tee -a "$RESULTS"

measure "triage" 0 triage_outputs "$BIN" --no-ledger triage "${CLAIM_FILES[@]}" --out "$OUT" --as-of "$AS_OF"
row "\`capekit --no-ledger triage\`, $ROWS rows in $CLAIMS files, every output" "$best_wall" "$max_rss" \
    "$(awk "BEGIN{printf \"%.0f rows/s\", $ROWS / $best_wall}")" "1.5 s, 300 MB"

measure "triage with a fresh ledger" 0 triage_ledger_outputs "$BIN" --ledger "$LEDGER" triage "${CLAIM_FILES[@]}" --out "$OUT" --as-of "$AS_OF"
row "\`capekit --ledger fresh.sqlite triage\`, same files, every output" "$best_wall" "$max_rss" \
    "$(awk "BEGIN{printf \"%.0f rows/s\", $ROWS / $best_wall}")" "2.0 s, 350 MB"

measure "ledger import" 0 import_outputs "$BIN" --ledger "$LEDGER" ledger import "${CLAIM_FILES[@]}" --as-of "$AS_OF"
row "\`capekit ledger import\` of the same files into a fresh ledger" "$best_wall" "$max_rss" \
    "$(awk "BEGIN{printf \"%.0f rows/s\", $ROWS / $best_wall}")" "700,000 rows/s, 300 MB"

measure "bare rusqlite insert" 0 import_outputs "$LIMIT" "$LEDGER" "${CLAIM_FILES[@]}"
row "limit: bare rusqlite insert of the same rows (primary key, WAL, one transaction; read, insert in file order, insert in key order)" "$best_wall" "$max_rss" \
    "$(sed -n 's/.*file order [0-9.]* s (\([0-9]*\) rows\/s), in key order [0-9.]* s (\([0-9]*\) rows\/s).*/file order \1 rows\/s, key order \2 rows\/s (insert alone)/p' "$WORK/stdout.txt")" "-"

RUNS_ALL=$RUNS
RUNS=$PLAN_RUNS
measure "plan" 0 plan_outputs "$BIN" --no-ledger plan "$ES003" --out "$OUT" --as-of "$AS_OF"
row "\`capekit --no-ledger plan\`, $LINES ES-003 lines ($((ES003_BYTES / 1000000)) MB), every output" "$best_wall" "$max_rss" \
    "$(awk "BEGIN{printf \"%.0f MB/s\", $ES003_BYTES / 1e6 / $best_wall}")" "250 MB/s, 512 MB"

RUNS=$RUNS_ALL
measure "csv crate" 0 no_outputs "$DATA" csv-read "$ES003"
row "limit: the csv crate reading the same bytes (records only)" "$best_wall" "$max_rss" \
    "$(awk "BEGIN{printf \"%.0f MB/s\", $ES003_BYTES / 1e6 / $best_wall}")" "-"

# check exits 1: the declaration holds findings (every hundredth entry is printed with dashes).
measure "check" 1 no_outputs "$BIN" --no-ledger check "$DECL"
row "\`capekit check\` of a 9,999-entry declaration" "$best_wall" "$max_rss" "" "20 ms"

echo "" | tee -a "$RESULTS"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"

# Where the time goes: each phase of the last run of each command, with the peak memory so far
# (the outputs of triage and plan are built in parallel, so their phases overlap).
echo "" | tee -a "$RESULTS"
echo "phases (wall time of each, peak memory so far):" | tee -a "$RESULTS"
tee -a "$RESULTS" < "$PHASES"
echo "results in $RESULTS" >&2
