"""Reading a delivery (CSV, JSONL, Parquet, xlsx, Label Studio/COCO boxes) into per-item count
tables, with the label order fixed by the terms.
"""
