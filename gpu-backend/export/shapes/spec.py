"""Writes the world's constants and the judge's test vectors as JSON for the TypeScript side.

The demo judges served images in TypeScript (a fresh clone has no Python venv). Its port reads the
palette, shapes and thresholds from `generated/world.json` instead of repeating them, and
`generated/vectors.json` holds images with this judge's verdicts, which the port must reproduce exactly.

    python -m shapes.spec            # rewrite both files
    python -m shapes.spec --check    # exit 1 when a committed file is stale
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from . import shapeeval, world

OUT = Path(__file__).resolve().parents[3] / "bench" / "src" / "shapes" / "generated"
WORLD_JSON, VECTORS_JSON = OUT / "world.json", OUT / "vectors.json"


def world_spec() -> dict:
    rng = np.random.default_rng(2026)
    return {
        "image_size": world.IMAGE_SIZE,
        "background": list(world.BACKGROUND),
        "shapes": list(world.SHAPES),
        "colours": {k: list(v) for k, v in world.COLOURS.items()},
        "count_words": {str(k): v for k, v in world.COUNT_WORDS.items()},
        "relations": list(world.RELATIONS),
        "tasks": list(world.TASKS),
        "judge": {
            "min_area": shapeeval.MIN_AREA,
            "foreground_alpha": shapeeval.FOREGROUND_ALPHA,
            "core_alpha": shapeeval.CORE_ALPHA,
            "shape_min_iou": shapeeval.SHAPE_MIN_IOU,
            "listed": shapeeval.LISTED,
            "size_range": list(shapeeval.SIZE_RANGE),
        },
        # one held-out prompt per task: what the demo asks for
        "demo_prompts": [world.sample_prompt(rng, task, "heldout").text for task in world.TASKS],
    }


def _png_b64(image: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def _odd_image(rng: np.random.Generator) -> np.ndarray:
    """Not a rendered scene: smeared colour noise over the background, like an untrained generator."""
    img = np.full((world.IMAGE_SIZE, world.IMAGE_SIZE, 3), world.BACKGROUND, np.float64)
    low = rng.uniform(0, 255, (8, 8, 3))
    big = np.kron(low, np.ones((8, 8, 1)))
    keep = np.kron(rng.random((8, 8)) < 0.35, np.ones((8, 8)))[..., None]
    img = img * (1 - keep) + big * keep
    return np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)


def vectors() -> list[dict]:
    rng = np.random.default_rng(99)
    out = []
    for i in range(36):
        spec = world.sample_prompt(rng, world.TASKS[i % len(world.TASKS)])
        scene = world.sample_scene_for_prompt(rng, spec) if i % 2 else world.random_scene(rng)
        image = world.render(scene, jitter=float(rng.uniform(0, 1)), blur=float(rng.uniform(0, 0.8)), rng=rng)
        out.append((spec, image))
    for _ in range(6):
        out.append((world.sample_prompt(rng), _odd_image(rng)))
    rows = []
    for spec, image in out:
        v = shapeeval.judge(image, spec)
        rows.append({
            "prompt": spec.text,
            "png_b64": _png_b64(image),
            "correct": v.correct,
            "reasons": v.reasons,
            "objects": [[o.shape, o.colour, o.x, o.y, o.area] for o in v.objects],
        })
    return rows


def _dump(obj) -> str:
    return json.dumps(obj, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args(argv)
    files = {WORLD_JSON: _dump(world_spec()), VECTORS_JSON: _dump(vectors())}
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for p in stale:
            print(f"stale: {p} (run python -m shapes.spec)", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p, text in files.items():
        p.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
