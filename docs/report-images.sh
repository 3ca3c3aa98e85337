#!/usr/bin/env bash
# Regenerates the README's report images from the examples: a PDF page (pdftoppm) and the
# workbook's Scorecard sheet as LibreOffice renders it after recalculating. Run from the repo root.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=(--scorecard examples/report/scorecard.json --switching examples/report/switching.json
      --taxonomy examples/report/taxonomy.json --sla examples/report/sla.json
      --section examples/report/sections.json --program "Perception labels 2027" --date 2026-11-26)
.venv/bin/annogov report "${args[@]}" --out "$out/report.pdf"
.venv/bin/annogov report "${args[@]}" --out "$out/report.xlsx"
pdftoppm -r 72 -png -f 3 -l 3 -singlefile "$out/report.pdf" docs/report-pdf-page
soffice "-env:UserInstallation=file://$out/profile" --headless --convert-to pdf \
  --outdir "$out/sheet" "$out/report.xlsx" >/dev/null
# page 3 of the workbook print-out is the Scorecard sheet (Summary and Weights come first)
pdftoppm -r 240 -png -f 3 -l 3 -x 170 -y 215 -W 1230 -H 420 -singlefile \
  "$out/sheet/report.pdf" docs/report-workbook
ls -l docs/report-pdf-page.png docs/report-workbook.png
