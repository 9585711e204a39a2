"""export_report.json beside the manifest: per graph its compute precision, largest measured |activation|
(and where), file size and error against torch; the same facts as the table the command prints."""

from __future__ import annotations

import json
from pathlib import Path

from .configs import BundleConfig

REPORT_FILE = "export_report.json"


def write_report(out: Path, cfg: BundleConfig, dtype: str, rows, fp16_max: float) -> None:
    report = {
        "config": cfg.name,
        "bundle_id": cfg.bundle_id,
        "requested_dtype": dtype,
        "fp16_max": fp16_max,
        "rule": "a graph is exported in fp16 only when every measured activation is within ±fp16_max; bf16 and fp32 as requested",
        "graphs": {
            r.graph: {
                "precision": r.precision,
                "peak_abs_activation": r.peak_activation,
                "peak_module": r.peak_module,
                "fp16_headroom": (fp16_max / r.peak_activation) if r.peak_activation > 0 else None,
                "max_rel_error": r.max_rel_error if r.max_rel_error == r.max_rel_error else None,
                "file_bytes": r.file_bytes,
                "params": r.params,
            }
            for r in rows
        },
    }
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n")
