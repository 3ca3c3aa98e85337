#!/usr/bin/env bash
# Regenerates the README's report images from the street-scene examples (the demo's program): the
# decision page and the scorecard page of the PDF (pdftoppm). Run from the repo root; ANNOGOV
# overrides the command (e.g. ANNOGOV="python -m annogov").
set -euo pipefail
annogov=${ANNOGOV:-.venv/bin/annogov}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
$annogov taxonomy examples/taxonomy/old.csv examples/taxonomy/new.csv --mapping examples/taxonomy/mapping.csv \
  --dataset examples/taxonomy/dataset.csv --format json > "$out/taxonomy.json"
args=(--scorecard examples/scorecard-wide.xlsx --switching examples/scenario.yaml --taxonomy "$out/taxonomy.json"
      --contract examples/sla-terms.yaml --delivery examples/delivery.csv --audit examples/contract-profile.yaml
      --program "Street-scene object labels" --date 2026-11-26)
$annogov report "${args[@]}" --out "$out/report.pdf" >/dev/null
# the first page whose text holds a marker
find_page() {
  local pdf=$1 marker=$2 pages page=1
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  until [ "$page" -gt "$pages" ] || pdftotext -f "$page" -l "$page" "$pdf" - | grep -q "$marker"; do
    page=$((page + 1))
  done
  echo "$page"
}
pdftoppm -r 72 -png -f 1 -l 1 -singlefile "$out/report.pdf" docs/report-decision-page
page=$(find_page "$out/report.pdf" "Points by dimension")
pdftoppm -r 72 -png -f "$page" -l "$page" -singlefile "$out/report.pdf" docs/report-pdf-page
# docs/report-workbook.png is not regenerated here: the workbook now prints fit-to-page, so
# LibreOffice's print-out of the Scorecard sheet is too small to crop a readable image from.
ls -l docs/report-decision-page.png docs/report-pdf-page.png
