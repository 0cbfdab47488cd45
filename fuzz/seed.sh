#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the project's fixtures: check fixtures for the
# declaration reader, Claim Details for the claim readers, ES-003 exports for the entry readers.
# The XLSX targets fuzz a sheet's XML, so their seeds are those CSV files written as sheet XML
# (plus a few cell kinds Excel writes: shared strings, numbers, dates, booleans, errors).
# Corpora are generated, never committed: run this before `run.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus"
mkdir -p "$corpus"/{declaration,claims_csv,claims_xlsx,entries_csv,entries_xlsx,refunds_csv}

cp "$root"/tests/fixtures/check/*.csv "$root"/tests/fixtures/check/*.txt \
   "$root"/tests/fixtures/check/ledger/earlier-declaration.csv \
   "$root"/crates/capekit/demo/declaration.csv "$root"/crates/capekit/demo/corrected.txt \
   "$corpus/declaration/"
claims=("$root"/crates/capekit/demo/claim-details.csv
        "$root"/tests/fixtures/check/ledger/accepted-claim-details.csv)
cp "${claims[@]}" "$corpus/claims_csv/"
# A Validation Result File and a Claim Details with title rows, as the readers' tests know them.
printf 'Entry Number,Claim Status,Error Description\r\nB76-0324527-8,Failed,ENTRY ON DRAWBACK\r\nABC12345676,Accepted,\r\n' \
  > "$corpus/claims_csv/validation-result.csv"
printf 'Claim Details Report\r\nRun 11/24/2026\r\nENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\r\nB7603245278,100000241223,Failed,PROTEST ON ENTRY\r\n' \
  > "$corpus/claims_csv/title-rows.csv"
entries=("$root"/crates/capekit-io/tests/fixtures/entries/*.csv "$root"/crates/capekit/demo/es003.csv)
cp "${entries[@]}" "$corpus/entries_csv/"
cp "$root"/tests/fixtures/refunds/*.csv "$root"/tests/fixtures/reader/D0*.csv "$corpus/refunds_csv/"

python3 - "$corpus" "${claims[@]}" "$corpus/claims_csv/validation-result.csv" -- "${entries[@]}" <<'PY'
import csv, io, os, sys
from xml.sax.saxutils import escape

corpus = sys.argv[1]
split = sys.argv.index("--")
groups = {"claims_xlsx": sys.argv[2:split], "entries_xlsx": sys.argv[split + 1:]}

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def sheet(rows):
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            if v == "":
                continue
            ref = f"{col(c)}{r}"
            v = v.removeprefix('="').removesuffix('"')
            try:
                float(v.replace(",", "").replace("$", ""))
                num = v.replace(",", "").replace("$", "")
                cells.append(f'<c r="{ref}"><v>{num}</v></c>')
            except ValueError:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)

for target, files in groups.items():
    for path in files:
        text = open(path, encoding="utf-8-sig", errors="replace").read()
        rows = list(csv.reader(io.StringIO(text)))[:60]
        name = os.path.splitext(os.path.basename(path))[0] + ".xml"
        with open(os.path.join(corpus, target, name), "w") as f:
            f.write(sheet(rows))
    # Cell kinds: a shared string, a date-formatted serial, a boolean, an error, a formula.
    with open(os.path.join(corpus, target, "cell-kinds.xml"), "w") as f:
        f.write('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                '<c r="C1" t="inlineStr"><is><t>Liquidation Date</t></is></c></row>'
                '<row r="2"><c r="A2" t="inlineStr"><is><t>B7603245278</t></is></c>'
                '<c r="B2" t="b"><v>1</v></c><c r="C2" s="1"><v>45931</v></c>'
                '<c r="D2" t="e"><v>#N/A</v></c><c r="E2"><f>1+1</f><v>2</v></c></row>')
PY
for d in "$corpus"/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
