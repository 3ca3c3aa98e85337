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
pdftoppm -r 72 -png -f 1 -l 1 -singlefile "$out/report.pdf" docs/report-decision-page
pdftoppm -r 72 -png -f 3 -l 3 -singlefile "$out/report.pdf" docs/report-pdf-page
soffice "-env:UserInstallation=file://$out/profile" --headless --convert-to pdf \
  --outdir "$out/sheet" "$out/report.xlsx" >/dev/null
# the Scorecard sheet's page of the print-out (Summary and Weights come first)
pages=$(pdfinfo "$out/sheet/report.pdf" | awk '/^Pages:/ {print $2}')
page=1
until [ "$page" -gt "$pages" ] || pdftotext -f "$page" -l "$page" "$out/sheet/report.pdf" - | grep -q "Band set by"; do
  page=$((page + 1))
done
pdftoppm -r 240 -png -f "$page" -l "$page" -x 170 -y 215 -W 1230 -H 420 -singlefile \
  "$out/sheet/report.pdf" docs/report-workbook
ls -l docs/report-decision-page.png docs/report-pdf-page.png docs/report-workbook.png
