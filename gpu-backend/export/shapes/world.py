"""The shapes world: fixed palette and shapes, GenEval-style prompts, scenes that obey them, a renderer.

Everything here is deterministic given a numpy Generator, so a training run, the judge's tests and the
evaluation all see the same world. The judge (`shapeeval`) reads pixels only; `truth()` reads a scene.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

import numpy as np

IMAGE_SIZE = 64
BACKGROUND = (245, 245, 245)
SHAPES = ("circle", "square", "triangle")
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 50, 50),
    "green": (50, 160, 70),
    "blue": (50, 90, 220),
    "yellow": (230, 200, 40),
    "purple": (150, 70, 190),
    "orange": (240, 140, 40),
}
COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
RELATIONS = ("left of", "right of", "above", "below")
TASKS = ("single_object", "two_object", "counting", "colors", "position", "color_attr")

MIN_SIZE, MAX_SIZE = 10.0, 20.0  # px across (bounding-box width)
GAP = 2.0  # minimum distance between two objects' bounding boxes
MAX_OBJECTS = 4
# A position prompt's scene puts the centres at least this far apart along the named axis, so a
# one-pixel rendering error never flips the truth of a training example.
POSITION_MARGIN = 4.0
# Held-out prompts: color_attr has 180 distinct prompts, enough to keep a fifth of them unseen in
# training. The other tasks have 3–24 prompts in all (the world is small), so their held-out set is
# new (prompt, seed) instances of the same prompts.
HELD_OUT_TASKS = ("color_attr",)
HELD_OUT_FRACTION = 5  # one in this many


@dataclass(frozen=True)
class Obj:
    """One solid object; (x, y) is the centre of its bounding box in pixels, size its width."""

    shape: str
    colour: str
    x: float
    y: float
    size: float

    @property
    def height(self) -> float:
        return self.size * math.sqrt(3) / 2 if self.shape == "triangle" else self.size

    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in continuous pixel coordinates."""
        return (self.x - self.size / 2, self.y - self.height / 2, self.x + self.size / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Scene:
    objects: tuple[Obj, ...]


@dataclass(frozen=True)
class Wanted:
    """One named object of a prompt: its shape, colour (None = free) and count."""

    shape: str
    colour: str | None = None
    count: int = 1


@dataclass(frozen=True)
class PromptSpec:
    task: str
    wanted: tuple[Wanted, ...]
    relation: str | None = None  # position only: first object RELATION second
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", prompt_text(self))


def _noun(shape: str, count: int) -> str:
    return shape if count == 1 else f"{shape}s"


def _phrase(w: Wanted) -> str:
    if w.count > 1:
        return f"{COUNT_WORDS[w.count]} {_noun(w.shape, w.count)}"
    words = f"{w.colour} {w.shape}" if w.colour else w.shape
    return f"{_article(words)} {words}"


def _article(words: str) -> str:
    return "an" if words[0] in "aeiou" else "a"


def prompt_text(spec: PromptSpec) -> str:
    if spec.task == "position":
        a, b = spec.wanted
        return f"a photo of {_phrase(a)} {spec.relation} {_phrase(b)}"
    return "a photo of " + " and ".join(_phrase(w) for w in spec.wanted)


_COLOUR_RE = "|".join(COLOURS)
_SHAPE_RE = "|".join(SHAPES)
_COUNT_RE = "|".join(COUNT_WORDS.values())
_OBJ = rf"an? (?:({_COLOUR_RE}) )?({_SHAPE_RE})"
_PATTERNS = (
    ("counting", re.compile(rf"^a photo of ({_COUNT_RE}) ({_SHAPE_RE})s$")),
    ("position", re.compile(rf"^a photo of {_OBJ} ({'|'.join(RELATIONS)}) {_OBJ}$")),
    ("pair", re.compile(rf"^a photo of {_OBJ} and {_OBJ}$")),
    ("one", re.compile(rf"^a photo of {_OBJ}$")),
)


class PromptError(ValueError):
    """The text is not one of the world's six prompt forms."""


def parse_prompt(text: str) -> PromptSpec:
    """The inverse of `prompt_text` (case, blanks and a/an ignored; `.text` is the canonical phrasing,
    so the held-out split cannot be dodged by spelling); PromptError otherwise."""
    t = " ".join(text.strip().lower().split())
    for kind, pattern in _PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        g = m.groups()
        if kind == "counting":
            count = {v: k for k, v in COUNT_WORDS.items()}[g[0]]
            return PromptSpec("counting", (Wanted(g[1], None, count),))
        if kind == "position":
            if g[0] or g[3]:
                raise PromptError(f"position prompts name no colours: {text!r}")
            if g[1] == g[4]:
                raise PromptError(f"a position prompt names two different shapes: {text!r}")
            return PromptSpec("position", (Wanted(g[1]), Wanted(g[4])), g[2])
        if kind == "pair":
            if bool(g[0]) != bool(g[2]):
                raise PromptError(f"name both colours or neither: {text!r}")
            if g[1] == g[3] or (g[0] and g[0] == g[2]):
                raise PromptError(f"a two-object prompt names two different shapes and colours: {text!r}")
            task = "color_attr" if g[0] else "two_object"
            return PromptSpec(task, (Wanted(g[1], g[0]), Wanted(g[3], g[2])))
        task = "colors" if g[0] else "single_object"
        return PromptSpec(task, (Wanted(g[1], g[0]),))
    raise PromptError(f"not a prompt of the shapes world: {text!r}")


def all_prompts(task: str) -> list[PromptSpec]:
    """Every distinct prompt of a task, in a fixed order."""
    out: list[PromptSpec] = []
    if task == "single_object":
        out = [PromptSpec(task, (Wanted(s),)) for s in SHAPES]
    elif task == "two_object":
        out = [PromptSpec(task, (Wanted(a), Wanted(b))) for a in SHAPES for b in SHAPES if a != b]
    elif task == "counting":
        out = [PromptSpec(task, (Wanted(s, None, n),)) for n in COUNT_WORDS for s in SHAPES]
    elif task == "colors":
        out = [PromptSpec(task, (Wanted(s, c),)) for c in COLOURS for s in SHAPES]
    elif task == "position":
        out = [
            PromptSpec(task, (Wanted(a), Wanted(b)), r) for r in RELATIONS for a in SHAPES for b in SHAPES if a != b
        ]
    elif task == "color_attr":
        out = [
            PromptSpec(task, (Wanted(a, ca), Wanted(b, cb)))
            for a in SHAPES
            for b in SHAPES
            if a != b
            for ca in COLOURS
            for cb in COLOURS
            if ca != cb
        ]
    else:
        raise PromptError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    return out


def is_held_out(prompt: PromptSpec | str) -> bool:
    """Whether this prompt text is reserved for evaluation (never used in training)."""
    spec = parse_prompt(prompt) if isinstance(prompt, str) else prompt
    if spec.task not in HELD_OUT_TASKS:
        return False
    digest = hashlib.sha256(spec.text.encode()).digest()
    return digest[0] % HELD_OUT_FRACTION == 0


def prompt_split(task: str, split: str) -> list[PromptSpec]:
    """The prompts of a task usable for `split` ('train' or 'heldout')."""
    if split not in ("train", "heldout"):
        raise ValueError(f"split must be 'train' or 'heldout', not {split!r}")
    prompts = all_prompts(task)
    if task not in HELD_OUT_TASKS:
        return prompts
    want = split == "heldout"
    return [p for p in prompts if is_held_out(p) == want]


def sample_prompt(rng: np.random.Generator, task: str | None = None, split: str = "train") -> PromptSpec:
    """A uniformly drawn prompt of `task` (or of a uniformly drawn task) from `split`."""
    task = task or TASKS[int(rng.integers(len(TASKS)))]
    choices = prompt_split(task, split)
    return choices[int(rng.integers(len(choices)))]


def _apart(a: Obj, b: Obj) -> bool:
    ax0, ay0, ax1, ay1 = a.bbox()
    bx0, by0, bx1, by1 = b.bbox()
    return ax1 + GAP <= bx0 or bx1 + GAP <= ax0 or ay1 + GAP <= by0 or by1 + GAP <= ay0


def _random_obj(rng: np.random.Generator, shape: str, colour: str) -> Obj:
    size = float(rng.uniform(MIN_SIZE, MAX_SIZE))
    height = size * math.sqrt(3) / 2 if shape == "triangle" else size
    # one pixel of border inside the image keeps blur from cutting objects at the edge
    x = float(rng.uniform(1 + size / 2, IMAGE_SIZE - 1 - size / 2))
    y = float(rng.uniform(1 + height / 2, IMAGE_SIZE - 1 - height / 2))
    return Obj(shape, colour, x, y, size)


def place(rng: np.random.Generator, kinds: list[tuple[str, str]], tries: int = 200) -> Scene | None:
    """Objects of the given (shape, colour) kinds at random non-overlapping places, or None."""
    objs: list[Obj] = []
    for shape, colour in kinds:
        for _ in range(tries):
            o = _random_obj(rng, shape, colour)
            if all(_apart(o, p) for p in objs):
                objs.append(o)
                break
        else:
            return None
    return Scene(tuple(objs))


def random_colour(rng: np.random.Generator) -> str:
    return list(COLOURS)[int(rng.integers(len(COLOURS)))]


def random_shape(rng: np.random.Generator) -> str:
    return SHAPES[int(rng.integers(len(SHAPES)))]


def random_scene(rng: np.random.Generator, n: int | None = None) -> Scene:
    """1–4 objects of random shapes and colours (not tied to any prompt)."""
    while True:
        k = n or int(rng.integers(1, MAX_OBJECTS + 1))
        scene = place(rng, [(random_shape(rng), random_colour(rng)) for _ in range(k)])
        if scene is not None:
            return scene


def _position_holds(a: Obj, b: Obj, relation: str, margin: float = 0.0) -> bool:
    dx, dy = a.x - b.x, a.y - b.y  # image y grows downwards
    return {"left of": -dx, "right of": dx, "above": -dy, "below": dy}[relation] > margin


def sample_scene_for_prompt(rng: np.random.Generator, spec: PromptSpec) -> Scene:
    """A scene with exactly the named objects, obeying the prompt; colours, sizes, places free."""
    while True:
        kinds = [(w.shape, w.colour or random_colour(rng)) for w in spec.wanted for _ in range(w.count)]
        scene = place(rng, kinds)
        if scene is None:
            continue
        if spec.task == "position":
            a, b = scene.objects
            assert spec.relation is not None
            if not _position_holds(a, b, spec.relation, POSITION_MARGIN):
                continue
        return scene


def truth(scene: Scene, spec: PromptSpec) -> bool:
    """GenEval's rule, read from the scene itself: what the judge must find from pixels."""
    by_shape: dict[str, list[Obj]] = {}
    for o in scene.objects:
        by_shape.setdefault(o.shape, []).append(o)
    if spec.task == "counting":
        w = spec.wanted[0]
        return len(by_shape.get(w.shape, [])) == w.count
    for w in spec.wanted:
        if not any(w.colour in (None, o.colour) for o in by_shape.get(w.shape, [])):
            return False
    if spec.task == "position":
        a, b = spec.wanted
        assert spec.relation is not None
        return any(
            _position_holds(oa, ob, spec.relation) for oa in by_shape[a.shape] for ob in by_shape[b.shape]
        )
    return True


# --- rendering -------------------------------------------------------------------------------------

_SUPERSAMPLE = 4


def coverage(obj: Obj) -> np.ndarray:
    """Fraction of each pixel covered by the object ([64, 64] float32), by 4×4 supersampling."""
    n = IMAGE_SIZE * _SUPERSAMPLE
    c = (np.arange(n, dtype=np.float32) + 0.5) / _SUPERSAMPLE
    px, py = c[None, :], c[:, None]
    r = obj.size / 2
    if obj.shape == "circle":
        inside = (px - obj.x) ** 2 + (py - obj.y) ** 2 <= r * r
    elif obj.shape == "square":
        inside = (np.abs(px - obj.x) <= r) & (np.abs(py - obj.y) <= r)
    else:
        h = obj.height
        top = obj.y - h / 2
        depth = py - top  # 0 at the apex, h at the base
        inside = (depth >= 0) & (depth <= h) & (np.abs(px - obj.x) <= depth / h * r)
    return inside.reshape(IMAGE_SIZE, _SUPERSAMPLE, IMAGE_SIZE, _SUPERSAMPLE).mean(axis=(1, 3), dtype=np.float32)


def _gaussian_blur(img: np.ndarray, sigma: float) -> np.ndarray:
    radius = max(1, int(math.ceil(3 * sigma)))
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k = (k / k.sum()).astype(np.float32)
    pad = np.pad(img, ((radius, radius), (radius, radius), (0, 0)), mode="edge")
    rows = sum(k[i] * pad[:, i : i + img.shape[1]] for i in range(len(k)))
    return sum(k[i] * rows[i : i + img.shape[0]] for i in range(len(k)))


def render(
    scene: Scene,
    jitter: float = 0.0,
    blur: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """uint8 [64, 64, 3]. jitter ∈ [0, 1] scales colour shifts (±12 per channel per object, ±4 for the
    background) and pixel noise (σ 4); blur is a Gaussian σ in pixels (≤ 0.8 is "slight")."""
    if jitter and rng is None:
        raise ValueError("jitter needs an rng")
    canvas = np.empty((IMAGE_SIZE, IMAGE_SIZE, 3), np.float32)
    bg = np.array(BACKGROUND, np.float32)
    if jitter:
        bg = bg + rng.uniform(-4, 4, 3).astype(np.float32) * jitter
    canvas[:] = bg
    for obj in scene.objects:
        colour = np.array(COLOURS[obj.colour], np.float32)
        if jitter:
            colour = colour + rng.uniform(-12, 12, 3).astype(np.float32) * jitter
        cov = coverage(obj)[..., None]
        canvas = canvas * (1 - cov) + colour * cov
    if blur > 0:
        canvas = _gaussian_blur(canvas, blur)
    if jitter:
        canvas = canvas + rng.normal(0, 4 * jitter, canvas.shape).astype(np.float32)
    return np.clip(np.rint(canvas), 0, 255).astype(np.uint8)


# --- captions --------------------------------------------------------------------------------------


def _where(o: Obj) -> str:
    third = IMAGE_SIZE / 3
    row = ("top", "middle", "bottom")[min(2, int(o.y // third))]
    col = ("left", "centre", "right")[min(2, int(o.x // third))]
    return "in the centre" if (row, col) == ("middle", "centre") else f"at the {row} {col}"


def _size_word(o: Obj) -> str:
    return "small" if o.size < 13.5 else "large" if o.size > 16.5 else "medium"


def describe(scene: Scene) -> str:
    """A caption naming every object's size, colour, shape and place, left to right (for aligning
    a verifier's connector with the language model before it learns yes/no)."""
    if not scene.objects:
        return "an empty picture"
    objs = sorted(scene.objects, key=lambda o: (o.x, o.y))
    parts = [f"{_article(_size_word(o))} {_size_word(o)} {o.colour} {o.shape} {_where(o)}" for o in objs]
    n = len(objs)
    head = "one object" if n == 1 else f"{COUNT_WORDS.get(n, str(n))} objects"
    return f"{head}: " + "; ".join(parts)
