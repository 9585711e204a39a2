"""Line charts of the evaluation as PNG, drawn with PIL alone (the export venv has no plotting library)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = {"VHS": (200, 40, 40), "CLIP": (40, 90, 200), "AE": (230, 150, 30), "random": (120, 120, 120),
           "oracle": (40, 150, 60), "none": (120, 120, 120)}
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 420, 60, 130, 40, 50


def line_chart(path: Path, title: str, xlabel: str, xs_labels: list[str], series: dict[str, list[float]]) -> Path:
    """Equally spaced x positions labelled xs_labels; y is accuracy in [0, 1]."""
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    x0, x1, y0, y1 = LEFT, W - RIGHT, H - BOTTOM, TOP
    d.text((LEFT, 12), title, fill="black")
    d.line([(x0, y0), (x1, y0)], fill="black")
    d.line([(x0, y0), (x0, y1)], fill="black")
    for k in range(6):
        v = k / 5
        y = y0 + (y1 - y0) * v
        d.line([(x0 - 4, y), (x1, y)], fill=(225, 225, 225) if k else "black")
        d.text((x0 - 34, y - 6), f"{v:.1f}", fill="black")
    step = (x1 - x0) / max(1, len(xs_labels) - 1)
    for i, lab in enumerate(xs_labels):
        d.text((x0 + i * step - 8, y0 + 8), lab, fill="black")
    d.text(((x0 + x1) // 2 - 40, H - 22), xlabel, fill="black")
    d.text((8, TOP - 20), "accuracy", fill="black")
    for j, (name, ys) in enumerate(series.items()):
        c = COLOURS.get(name.split()[0], (0, 0, 0))
        pts = [(x0 + i * step, y0 + (y1 - y0) * v) for i, v in enumerate(ys) if v == v]
        if len(pts) > 1:
            d.line(pts, fill=c, width=2)
        for px, py in pts:
            d.ellipse([px - 3, py - 3, px + 3, py + 3], fill=c)
        d.line([(x1 + 12, TOP + 16 * j + 6), (x1 + 30, TOP + 16 * j + 6)], fill=c, width=2)
        d.text((x1 + 34, TOP + 16 * j), name, fill="black")
    img.save(path)
    return path


def write_plots(result: dict, folder: Path, stem: str) -> list[Path]:
    t, ns = result["table"], result["ns"]
    by_n = {label: [t[f"{m}@{n}"]["accuracy"]["overall"] for n in ns]
            for m, label in (("vhs", "VHS"), ("clip", "CLIP"), ("ae", "AE"), ("random", "random"), ("oracle", "oracle"))}
    a = line_chart(folder / f"{stem}-best-of-n.png", f"Best-of-N accuracy ({result['bundle']}, held-out prompts)",
                   "N candidates", [str(n) for n in ns], by_n)
    budgets = list(result["budgets"])
    by_budget = {label: [result["budgets"][b][m]["accuracy"] for b in budgets]
                 for m, label in (("vhs", "VHS"), ("clip", "CLIP"), ("ae", "AE"), ("none", "none (Bo1)"))}
    b = line_chart(folder / f"{stem}-budget.png", f"Accuracy at equal wall-clock budget ({result['bundle']})",
                   "budget (ms)", budgets, by_budget)
    return [a, b]
