// shapeeval in TypeScript: the export tool's Python judge (gpu-backend/export/shapes/shapeeval.py),
// step for step, so the demo can judge served images without the Python venv. It must give the same
// verdicts and reasons: bench/test/shapeeval-port.test.ts replays the Python judge's own vectors.
import { type PromptSpec, parsePrompt, type Rgb, WORLD } from "./world.js";

export interface RgbImage {
  width: number;
  height: number;
  /** RGB interleaved, row-major, 3 bytes a pixel. */
  data: Uint8Array;
}

export interface Detected {
  shape: string | null;
  colour: string;
  x: number;
  y: number;
  width: number;
  height: number;
  area: number;
  shapeIou: number;
}

export interface Verdict {
  correct: boolean;
  reasons: string[];
  objects: Detected[];
}

const {
  min_area: MIN_AREA,
  foreground_alpha,
  core_alpha,
  shape_min_iou,
  listed: LISTED,
  size_range,
} = WORLD.judge;
const NAMES = Object.keys(WORLD.colours);
const PALETTE: Rgb[] = Object.values(WORLD.colours);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The median border pixel per channel (Python: rows 0 and -1, then columns 0 and -1). */
function background(img: RgbImage): Rgb {
  const { width: w, height: h, data } = img;
  const border: number[] = [];
  for (let x = 0; x < w; x++) border.push(x);
  for (let x = 0; x < w; x++) border.push((h - 1) * w + x);
  for (let y = 0; y < h; y++) border.push(y * w);
  for (let y = 0; y < h; y++) border.push(y * w + w - 1);
  const bg = [0, 1, 2].map((c) => median(border.map((p) => data[p * 3 + c] as number))) as unknown as Rgb;
  const fixed = WORLD.background;
  if (Math.hypot(bg[0] - fixed[0], bg[1] - fixed[1], bg[2] - fixed[2]) > 60) return fixed;
  return bg;
}

interface PixelClasses {
  best: Int32Array;
  alpha: Float64Array;
  /** [P × colours] distance of each pixel to each colour's line from the background. */
  resid: Float64Array;
}

function classifyPixels(img: RgbImage): PixelClasses {
  const bg = background(img);
  const n = img.width * img.height;
  const k = PALETTE.length;
  const v = PALETTE.map((c) => [c[0] - bg[0], c[1] - bg[1], c[2] - bg[2]] as const);
  const vv = v.map((x) => x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
  const best = new Int32Array(n);
  const alpha = new Float64Array(n);
  const resid = new Float64Array(n * k);
  for (let p = 0; p < n; p++) {
    const d0 = (img.data[p * 3] as number) - bg[0];
    const d1 = (img.data[p * 3 + 1] as number) - bg[1];
    const d2 = (img.data[p * 3 + 2] as number) - bg[2];
    let bestK = 0;
    let bestR = Number.POSITIVE_INFINITY;
    let bestA = 0;
    for (let j = 0; j < k; j++) {
      const vj = v[j] as readonly [number, number, number];
      const a = Math.max(0, (d0 * vj[0] + d1 * vj[1] + d2 * vj[2]) / (vv[j] as number));
      const r = Math.sqrt((d0 - a * vj[0]) ** 2 + (d1 - a * vj[1]) ** 2 + (d2 - a * vj[2]) ** 2);
      resid[p * k + j] = r;
      if (r < bestR) {
        bestR = r;
        bestK = j;
        bestA = a;
      }
    }
    best[p] = bestK;
    alpha[p] = bestA;
  }
  return { best, alpha, resid };
}

/** 4-connected components of a mask, numbered 1..n in raster order of their first pixel. */
function components(mask: Uint8Array, w: number, h: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h);
  let count = 0;
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || labels[start]) continue;
    count++;
    labels[start] = count;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % w;
      const y = (p - x) / w;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < w - 1 ? p + 1 : -1,
        y > 0 ? p - w : -1,
        y < h - 1 ? p + w : -1,
      ]) {
        if (q >= 0 && mask[q] && !labels[q]) {
          labels[q] = count;
          stack.push(q);
        }
      }
    }
  }
  return { labels, count };
}

/** The ideal shape filling the box, as pixels at least half covered (4×4 samples a pixel). */
function inTemplate(
  shape: string,
  x0: number,
  y0: number,
  bw: number,
  bh: number,
  px: number,
  py: number,
): boolean {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = ((px * 4 + sx + 0.5) / 4 - x0) / bw;
      const v = ((py * 4 + sy + 0.5) / 4 - y0) / bh;
      let inside: boolean;
      if (shape === "circle") inside = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
      else if (shape === "square") inside = u >= 0 && u <= 1 && v >= 0 && v <= 1;
      else inside = v >= 0 && v <= 1 && Math.abs(u - 0.5) <= v / 2;
      if (inside) hits++;
    }
  }
  return hits / 16 >= 0.5;
}

interface Box {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number;
}

function boxOf(mask: Uint8Array, w: number): Box {
  const box = { x0: Number.POSITIVE_INFINITY, y0: Number.POSITIVE_INFINITY, x1: -1, y1: -1 };
  mask.forEach((on, p) => {
    if (!on) return;
    const x = p % w;
    const y = (p - x) / w;
    box.x0 = Math.min(box.x0, x);
    box.y0 = Math.min(box.y0, y);
    box.x1 = Math.max(box.x1, x + 1);
    box.y1 = Math.max(box.y1, y + 1);
  });
  return box;
}

/** Best ideal shape by IoU within the mask's box (see the Python for why these templates). */
export function classifyShape(mask: Uint8Array, w: number, h: number): { shape: string | null; iou: number } {
  const b = boxOf(mask, w);
  const bw = b.x1 - b.x0;
  const bh = b.y1 - b.y0;
  let best: string | null = null;
  let bestIou = 0;
  for (const shape of WORLD.shapes) {
    if (shape !== "triangle" && !(bw / bh >= 0.75 && bw / bh <= 1.33)) continue;
    const [x0, y0, tw, th] =
      shape === "triangle" ? [b.x0 - 1, b.y0 - 1, bw + 2, bh + 1] : [b.x0, b.y0, bw, bh];
    let inter = 0;
    let union = 0;
    for (let py = 0; py < h; py++) {
      for (let px = 0; px < w; px++) {
        const m = mask[py * w + px] === 1;
        const t = inTemplate(shape, x0, y0, tw, th, px, py);
        if (m && t) inter++;
        if (m || t) union++;
      }
    }
    const iou = union ? inter / union : 0;
    if (iou > bestIou) {
      best = shape;
      bestIou = iou;
    }
  }
  // The world draws objects 10–20 px across on 64 px: specks and smears are blobs whatever their outline.
  const scale = w / WORLD.imageSize;
  const [lo, hi] = size_range as [number, number];
  const sized = [bw, bh].every((side) => side >= lo * scale && side <= hi * scale);
  return { shape: bestIou >= shape_min_iou && sized ? best : null, iou: bestIou };
}

function bump(counts: Float64Array, j: number): void {
  counts[j] = (counts[j] ?? 0) + 1;
}

function splitByColour(comp: Uint8Array, core: Uint8Array, classes: PixelClasses, w: number, h: number) {
  const k = PALETTE.length;
  const counts = new Float64Array(k);
  comp.forEach((on, p) => {
    if (on && core[p]) bump(counts, classes.best[p] as number);
  });
  if (counts.every((c) => c === 0)) {
    comp.forEach((on, p) => {
      if (on) bump(counts, classes.best[p] as number);
    });
  }
  const main = counts.indexOf(Math.max(...counts));
  const top = counts[main] as number;
  const strong = [...counts].flatMap((c, j) => (c >= MIN_AREA && c >= 0.3 * top ? [j] : []));
  if (strong.length <= 1) return [{ colour: main, mask: comp }];
  const parts: { colour: number; mask: Uint8Array }[] = [];
  const nearest = new Int32Array(w * h).fill(-1);
  comp.forEach((on, p) => {
    if (!on) return;
    let bestJ = strong[0] as number;
    for (const j of strong)
      if ((classes.resid[p * k + j] as number) < (classes.resid[p * k + bestJ] as number)) bestJ = j;
    nearest[p] = bestJ;
  });
  for (const j of strong) {
    const sub = Uint8Array.from(nearest, (c) => (c === j ? 1 : 0));
    const { labels, count } = components(sub, w, h);
    for (let i = 1; i <= count; i++)
      parts.push({ colour: j, mask: Uint8Array.from(labels, (l) => (l === i ? 1 : 0)) });
  }
  return parts;
}

/** Every object in the image, top-left first. */
export function detect(img: RgbImage): Detected[] {
  const { width: w, height: h } = img;
  if (img.data.length !== w * h * 3) throw new Error(`expected ${w}×${h}×3 bytes, got ${img.data.length}`);
  const classes = classifyPixels(img);
  const fg = Uint8Array.from(classes.alpha, (a) => (a >= foreground_alpha ? 1 : 0));
  const core = Uint8Array.from(classes.alpha, (a) => (a >= core_alpha ? 1 : 0));
  const { labels, count } = components(fg, w, h);
  const found: Detected[] = [];
  for (let i = 1; i <= count; i++) {
    const comp = Uint8Array.from(labels, (l) => (l === i ? 1 : 0));
    if (comp.reduce((s, x) => s + x, 0) < MIN_AREA) continue;
    for (const part of splitByColour(comp, core, classes, w, h)) {
      const area = part.mask.reduce((s, x) => s + x, 0);
      if (area < MIN_AREA) continue;
      const b = boxOf(part.mask, w);
      const { shape, iou } = classifyShape(part.mask, w, h);
      found.push({
        shape,
        colour: NAMES[part.colour] as string,
        x: (b.x0 + b.x1) / 2,
        y: (b.y0 + b.y1) / 2,
        width: b.x1 - b.x0,
        height: b.y1 - b.y0,
        area,
        shapeIou: iou,
      });
    }
  }
  return found.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Python's `f"{x:.0f}"`: round half to even (box centres are often exact halves). */
function fmt0(x: number): string {
  const r = Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
  return String(r === 0 ? 0 : r);
}

const nameOf = (o: Detected) => `${o.colour} ${o.shape ?? "blob"} at (${fmt0(o.x)}, ${fmt0(o.y)})`;

function listing(objs: Detected[]): string {
  if (!objs.length) return "nothing";
  const named = objs.slice(0, LISTED).map(nameOf).join(", ");
  return objs.length <= LISTED ? named : `${named} and ${objs.length - LISTED} more`;
}

function holds(a: Detected, b: Detected, relation: string): boolean {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  const side: Record<string, number> = { "left of": -dx, "right of": dx, above: -dy, below: dy };
  return (side[relation] ?? 0) > 0;
}

/** GenEval's rules on detected objects, with the Python judge's reasons word for word. */
export function judgeObjects(objs: Detected[], spec: PromptSpec): Verdict {
  const reasons: string[] = [];
  const of = (shape: string) => objs.filter((o) => o.shape === shape);
  if (spec.task === "counting") {
    const w = spec.wanted[0] as PromptSpec["wanted"][number];
    const got = of(w.shape).length;
    if (got !== w.count) {
      reasons.push(
        `expected ${WORLD.countWords[String(w.count)]} ${w.shape}s, found ${got} (found: ${listing(objs)})`,
      );
    }
    return { correct: !reasons.length, reasons, objects: objs };
  }
  for (const w of spec.wanted) {
    const same = of(w.shape);
    if (!same.length) reasons.push(`no ${w.shape} (found: ${listing(objs)})`);
    else if (w.colour && !same.some((o) => o.colour === w.colour)) {
      const colours = [...new Set(same.map((o) => o.colour))].sort().join(", ");
      reasons.push(`no ${w.colour} ${w.shape}: the ${w.shape}s found are ${colours}`);
    }
  }
  if (spec.task === "position" && !reasons.length && spec.relation) {
    const [a, b] = spec.wanted as [PromptSpec["wanted"][number], PromptSpec["wanted"][number]];
    const relation = spec.relation;
    const as = of(a.shape);
    const bs = of(b.shape);
    if (!as.some((oa) => bs.some((ob) => holds(oa, ob, relation)))) {
      const pa = as[0] as Detected;
      const pb = bs[0] as Detected;
      reasons.push(
        `the ${a.shape} at (${fmt0(pa.x)}, ${fmt0(pa.y)}) is not ${relation} the ${b.shape} at (${fmt0(pb.x)}, ${fmt0(pb.y)})`,
      );
    }
  }
  return { correct: !reasons.length, reasons, objects: objs };
}

/** Whether the image obeys the prompt, and why not. */
export function judge(img: RgbImage, prompt: string | PromptSpec): Verdict {
  const spec = typeof prompt === "string" ? parsePrompt(prompt) : prompt;
  return judgeObjects(detect(img), spec);
}
