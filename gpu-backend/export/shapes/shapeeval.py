"""shapeeval: the shapes world's rule-based judge, GenEval's rules on pixels alone.

Colour segmentation against the palette, connected components, shape by geometry, then the prompt's
rules. It never sees a scene, only an image, so it judges generated images and renders alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .world import BACKGROUND, COLOURS, COUNT_WORDS, IMAGE_SIZE, SHAPES, PromptSpec, parse_prompt

_PALETTE_NAMES = tuple(COLOURS)
# float64 throughout, so the TypeScript port (plain JS numbers) reproduces every threshold decision
_PALETTE = np.array([COLOURS[c] for c in _PALETTE_NAMES], np.float64)  # [6, 3]
MIN_AREA = 12  # px; a 10-px triangle covers ≈ 43, so smaller specks are noise
FOREGROUND_ALPHA = 0.5  # a pixel belongs to an object when it is at least half object colour
CORE_ALPHA = 0.75


@dataclass(frozen=True)
class Detected:
    """One object found in an image. shape is None when its geometry matches no known shape."""

    shape: str | None
    colour: str
    x: float  # bounding-box centre, pixels
    y: float
    width: int
    height: int
    area: int
    fill: float  # area / bounding-box area
    shape_iou: float  # overlap with the best ideal shape drawn in the same box

    def name(self) -> str:
        return f"{self.colour} {self.shape or 'blob'} at ({self.x:.0f}, {self.y:.0f})"


@dataclass(frozen=True)
class Verdict:
    correct: bool
    reasons: list[str] = field(default_factory=list)  # empty when correct
    objects: list[Detected] = field(default_factory=list)

    def summary(self) -> str:
        return "correct" if self.correct else "; ".join(self.reasons)


def _background(img: np.ndarray) -> np.ndarray:
    """The image's background colour: the median border pixel (objects sit inside the frame)."""
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    bg = np.median(border, axis=0)
    # a border that is mostly object (a broken image) must not become "background"
    if np.linalg.norm(bg - np.array(BACKGROUND, np.float64)) > 60:
        bg = np.array(BACKGROUND, np.float64)
    return bg


def _classify_pixels(img: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pixel: the palette colour whose line from the background passes nearest, how far along
    that line the pixel is (alpha: 0 background, 1 full colour), and its distance to every line.
    Blending with the background (anti-aliasing, blur) moves a pixel along its colour's line, so
    edges keep their colour."""
    bg = _background(img)
    d = img.reshape(-1, 3) - bg  # [P, 3]
    v = _PALETTE - bg  # [6, 3]
    alpha = np.clip((d @ v.T) / (v * v).sum(1), 0.0, None)  # [P, 6]
    resid = np.linalg.norm(d[:, None, :] - alpha[..., None] * v[None], axis=-1)  # [P, 6]
    best = resid.argmin(1)
    a = alpha[np.arange(len(best)), best]
    h, w = img.shape[:2]
    return best.reshape(h, w), a.reshape(h, w), resid.reshape(h, w, -1)


def _components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected component labels (0 = not in mask, 1..n, numbered in raster order).

    Each pixel points at a pixel of its component (its "parent"); every round hooks each pixel's
    root onto the smallest parent among its neighbours, then compresses paths by pointer jumping,
    so snake-like blobs in generated images take a few rounds, not one per pixel of their length."""
    h, w = mask.shape
    idx = np.arange(h * w).reshape(h, w)
    parent = idx.ravel().copy()
    fg = mask.ravel()
    pairs = []  # 4-neighbour pairs inside the mask
    for a, b in ((idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])):
        both = mask[tuple(np.unravel_index(a, mask.shape))] & mask[tuple(np.unravel_index(b, mask.shape))]
        pairs.append((a[both], b[both]))
    a = np.concatenate([p[0] for p in pairs])
    b = np.concatenate([p[1] for p in pairs])
    while True:
        ra, rb = parent[a], parent[b]
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        if not (lo != hi).any():
            break
        np.minimum.at(parent, hi, lo)  # hook the larger root under the smaller
        while True:  # compress: every pixel points straight at its root
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                break
            parent = nxt
    roots = np.where(fg, parent, -1)
    uniq, inverse = np.unique(roots, return_inverse=True)
    labels = inverse.reshape(h, w).astype(np.int32)
    if uniq[0] == -1:
        return labels, len(uniq) - 1  # -1 (background) sorted first: its label is 0 already
    return labels + 1, len(uniq)


SHAPE_MIN_IOU = 0.7  # below this against every ideal shape, an object is a "blob"
SIZE_RANGE = (7, 24)  # px on a 64-px image: the world's 10–20 px with room for blur and jitter


def _template(shape: str, x0: float, y0: float, w: float, h: float, hw: tuple[int, int]) -> np.ndarray:
    """The ideal shape filling the box (x0, y0, w, h), as a mask of pixels at least half covered."""
    ss = 4
    py = ((np.arange(hw[0] * ss) + 0.5) / ss)[:, None]
    px = ((np.arange(hw[1] * ss) + 0.5) / ss)[None, :]
    u, v = (px - x0) / w, (py - y0) / h  # 0..1 inside the box
    if shape == "circle":
        inside = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
    elif shape == "square":
        inside = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
    else:  # upright triangle: apex at the top centre, base along the bottom
        inside = (v >= 0) & (v <= 1) & (np.abs(u - 0.5) <= v / 2)
    cov = inside.reshape(hw[0], ss, hw[1], ss).mean(axis=(1, 3))
    return cov >= 0.5


def classify_shape(mask: np.ndarray) -> tuple[str | None, float]:
    """(best shape or None, its IoU) for one object's mask: each ideal shape is drawn into the
    mask's bounding box and compared by IoU. A square and a circle of one box overlap by
    π/4 ≈ 0.79 and a triangle covers half the box, so the right template wins by a wide margin even
    on 10-px objects. Circles and squares must be about as tall as wide; blur blunts a triangle's
    corners, so its box may be a little off the equilateral 0.87 : 1."""
    ys, xs = np.nonzero(mask)
    x0, y0 = float(xs.min()), float(ys.min())
    w, h = float(xs.max() + 1 - x0), float(ys.max() + 1 - y0)
    best, best_iou = None, 0.0
    for shape in SHAPES:
        if shape != "triangle" and not 0.75 <= w / h <= 1.33:
            continue
        if shape == "triangle":
            # the apex and base corners are thinner than a pixel: they fade below half cover first,
            # so the true triangle reaches about a pixel beyond the mask's box on three sides
            template = _template(shape, x0 - 1, y0 - 1, w + 2, h + 1, mask.shape)
        else:
            template = _template(shape, x0, y0, w, h, mask.shape)
        inter = np.logical_and(template, mask).sum()
        union = np.logical_or(template, mask).sum()
        iou = float(inter / union) if union else 0.0
        if iou > best_iou:
            best, best_iou = shape, iou
    # the world draws objects 10–20 px across on 64 px; far smaller or larger specks and smears
    # (an untrained generator's stripes) are blobs whatever their outline
    scale = mask.shape[1] / IMAGE_SIZE
    sized = all(SIZE_RANGE[0] * scale <= side <= SIZE_RANGE[1] * scale for side in (w, h))
    return (best if best_iou >= SHAPE_MIN_IOU and sized else None), best_iou


def _split_by_colour(comp: np.ndarray, core: np.ndarray, colour_idx: np.ndarray, resid: np.ndarray):
    """One foreground component → [(colour index, mask)]: one part normally; touching objects of two
    colours (possible in generated images) split where their core colours say."""
    counts = np.bincount(colour_idx[comp & core], minlength=len(_PALETTE_NAMES))
    if counts.sum() == 0:  # no pixel reaches full colour: vote with all of them
        counts = np.bincount(colour_idx[comp], minlength=len(_PALETTE_NAMES))
    main = int(counts.argmax())
    strong = [k for k in range(len(counts)) if counts[k] >= MIN_AREA and counts[k] >= 0.3 * counts[main]]
    if len(strong) <= 1:
        return [(main, comp)]
    nearest = np.array(strong)[resid[..., strong].argmin(-1)]
    parts = []
    for k in strong:
        sub_mask = comp & (nearest == k)
        labels, n = _components(sub_mask)
        parts += [(k, labels == i) for i in range(1, n + 1)]
    return parts


def detect(image: np.ndarray) -> list[Detected]:
    """Every object in a uint8 [H, W, 3] image, top-left first."""
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an [H, W, 3] image, got shape {image.shape}")
    img = image.astype(np.float64)
    colour_idx, alpha, resid = _classify_pixels(img)
    fg = alpha >= FOREGROUND_ALPHA
    core = alpha >= CORE_ALPHA
    labels, n = _components(fg)
    found: list[Detected] = []
    for i in range(1, n + 1):
        comp = labels == i
        if comp.sum() < MIN_AREA:
            continue
        for k, part in _split_by_colour(comp, core, colour_idx, resid):
            area = int(part.sum())
            if area < MIN_AREA:
                continue
            ys, xs = np.nonzero(part)
            shape, iou = classify_shape(part)
            w, h = int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
            found.append(
                Detected(
                    shape=shape,
                    colour=_PALETTE_NAMES[k],
                    x=float(xs.min() + xs.max() + 1) / 2,
                    y=float(ys.min() + ys.max() + 1) / 2,
                    width=w,
                    height=h,
                    area=area,
                    fill=round(area / (w * h), 3),
                    shape_iou=round(iou, 3),
                )
            )
    found.sort(key=lambda o: (o.y, o.x))
    return found


def _holds(a: Detected, b: Detected, relation: str) -> bool:
    dx, dy = a.x - b.x, a.y - b.y
    return {"left of": -dx, "right of": dx, "above": -dy, "below": dy}[relation] > 0


LISTED = 6  # objects named in a reason; the rest are counted


def _listing(objs: list[Detected]) -> str:
    if not objs:
        return "nothing"
    named = ", ".join(o.name() for o in objs[:LISTED])
    return named if len(objs) <= LISTED else f"{named} and {len(objs) - LISTED} more"


def judge_objects(objs: list[Detected], spec: PromptSpec) -> Verdict:
    """GenEval's rules on detected objects: named objects present (counting: exactly that many),
    named colours right, position by bounding-box centres."""
    reasons: list[str] = []
    of = {s: [o for o in objs if o.shape == s] for s in {w.shape for w in spec.wanted}}
    if spec.task == "counting":
        w = spec.wanted[0]
        got = len(of[w.shape])
        if got != w.count:
            reasons.append(f"expected {COUNT_WORDS[w.count]} {w.shape}s, found {got} (found: {_listing(objs)})")
        return Verdict(not reasons, reasons, objs)
    for w in spec.wanted:
        if not of[w.shape]:
            reasons.append(f"no {w.shape} (found: {_listing(objs)})")
        elif w.colour and not any(o.colour == w.colour for o in of[w.shape]):
            colours = ", ".join(sorted({o.colour for o in of[w.shape]}))
            reasons.append(f"no {w.colour} {w.shape}: the {w.shape}s found are {colours}")
    if spec.task == "position" and not reasons:
        a, b = spec.wanted
        assert spec.relation is not None
        if not any(_holds(oa, ob, spec.relation) for oa in of[a.shape] for ob in of[b.shape]):
            pa, pb = of[a.shape][0], of[b.shape][0]
            reasons.append(
                f"the {a.shape} at ({pa.x:.0f}, {pa.y:.0f}) is not {spec.relation} "
                f"the {b.shape} at ({pb.x:.0f}, {pb.y:.0f})"
            )
    return Verdict(not reasons, reasons, objs)


def judge(image: np.ndarray, prompt: str | PromptSpec) -> Verdict:
    """Whether `image` obeys `prompt`, and why not."""
    spec = parse_prompt(prompt) if isinstance(prompt, str) else prompt
    return judge_objects(detect(image), spec)
