#!/usr/bin/env bash
# The hand-written baseline: every report through the papermill CLI, then
# nbconvert to HTML without code, one after the other.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
OUT="$(realpath -m "${1:-/tmp/cxbench-loop}")"
cd "$REPO/notebooks"
mkdir -p "$OUT/en"
papermill commentary_report.ipynb "$OUT/en/benchmark.ipynb" -y '{commentary_path: ../data/commentary, data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector}'
jupyter nbconvert --to html --no-input "$OUT/en/benchmark.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-automotive.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Automotive]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-automotive.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-energy.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Energy]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-energy.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-finance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Finance]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-finance.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-healthcare.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Healthcare]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-healthcare.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-insurance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Insurance]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-insurance.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-manufacturing.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Manufacturing]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-manufacturing.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-online-retail.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Online retail]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-online-retail.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-public-sector.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Public sector]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-public-sector.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-telecom.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Telecom]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-telecom.ipynb"
mkdir -p "$OUT/en"
papermill sector_comparison.ipynb "$OUT/en/sector-travel-hospitality.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: en, min_n: 5, sector_column: sector, sectors: [Travel & hospitality]}'
jupyter nbconvert --to html --no-input "$OUT/en/sector-travel-hospitality.ipynb"
mkdir -p "$OUT/tr"
papermill commentary_report.ipynb "$OUT/tr/benchmark.ipynb" -y '{commentary_path: ../data/commentary, data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector}'
jupyter nbconvert --to html --no-input "$OUT/tr/benchmark.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-automotive.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Automotive]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-automotive.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-energy.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Energy]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-energy.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-finance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Finance]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-finance.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-healthcare.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Healthcare]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-healthcare.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-insurance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Insurance]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-insurance.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-manufacturing.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Manufacturing]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-manufacturing.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-online-retail.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Online retail]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-online-retail.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-public-sector.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Public sector]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-public-sector.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-telecom.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Telecom]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-telecom.ipynb"
mkdir -p "$OUT/tr"
papermill sector_comparison.ipynb "$OUT/tr/sector-travel-hospitality.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: tr, min_n: 5, sector_column: sector, sectors: [Travel & hospitality]}'
jupyter nbconvert --to html --no-input "$OUT/tr/sector-travel-hospitality.ipynb"
mkdir -p "$OUT/ru"
papermill commentary_report.ipynb "$OUT/ru/benchmark.ipynb" -y '{commentary_path: ../data/commentary, data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector}'
jupyter nbconvert --to html --no-input "$OUT/ru/benchmark.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-automotive.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Automotive]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-automotive.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-energy.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Energy]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-energy.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-finance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Finance]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-finance.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-healthcare.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Healthcare]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-healthcare.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-insurance.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Insurance]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-insurance.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-manufacturing.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Manufacturing]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-manufacturing.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-online-retail.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Online retail]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-online-retail.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-public-sector.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Public sector]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-public-sector.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-telecom.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Telecom]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-telecom.ipynb"
mkdir -p "$OUT/ru"
papermill sector_comparison.ipynb "$OUT/ru/sector-travel-hospitality.ipynb" -y '{data_path: ../data, edition: 2023, instrument: digital-cx-2023, labels_path: ../data/labels.yaml, language: ru, min_n: 5, sector_column: sector, sectors: [Travel & hospitality]}'
jupyter nbconvert --to html --no-input "$OUT/ru/sector-travel-hospitality.ipynb"
