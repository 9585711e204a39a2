// The shapes world as the TypeScript side sees it: constants read from world.json (written by the
// export tool's `python -m shapes.spec`, never edited by hand) and the prompt grammar of the six tasks.
import spec from "./generated/world.json" with { type: "json" };

export type Rgb = readonly [number, number, number];

export const WORLD = {
  imageSize: spec.image_size,
  background: spec.background as unknown as Rgb,
  shapes: spec.shapes,
  colours: Object.fromEntries(Object.entries(spec.colours).map(([k, v]) => [k, v as unknown as Rgb])),
  countWords: spec.count_words as Record<string, string>,
  relations: spec.relations,
  tasks: spec.tasks,
  judge: spec.judge,
  demoPrompts: spec.demo_prompts,
} as const;

export interface Wanted {
  shape: string;
  colour: string | null;
  count: number;
}

export interface PromptSpec {
  task: string;
  wanted: Wanted[];
  relation: string | null;
  text: string;
}

export class PromptError extends Error {
  override name = "PromptError";
}

const colourRe = Object.keys(WORLD.colours).join("|");
const shapeRe = WORLD.shapes.join("|");
const countRe = Object.values(WORLD.countWords).join("|");
const obj = `an? (?:(${colourRe}) )?(${shapeRe})`;
const COUNTING = new RegExp(`^a photo of (${countRe}) (${shapeRe})s$`);
const POSITION = new RegExp(`^a photo of ${obj} (${WORLD.relations.join("|")}) ${obj}$`);
const PAIR = new RegExp(`^a photo of ${obj} and ${obj}$`);
const ONE = new RegExp(`^a photo of ${obj}$`);

const one = (shape: string, colour: string | undefined = undefined, count = 1): Wanted => ({
  shape,
  colour: colour ?? null,
  count,
});

function phrase(w: Wanted): string {
  if (w.count > 1) return `${WORLD.countWords[String(w.count)]} ${w.shape}s`;
  const words = w.colour ? `${w.colour} ${w.shape}` : w.shape;
  return `${"aeiou".includes(words[0] ?? "") ? "an" : "a"} ${words}`;
}

/** The world's phrasing of a prompt (GenEval's, with "an" before a vowel). */
export function promptText(spec: Omit<PromptSpec, "text">): string {
  const [a, b] = spec.wanted;
  if (spec.task === "position" && a && b) return `a photo of ${phrase(a)} ${spec.relation} ${phrase(b)}`;
  return `a photo of ${spec.wanted.map(phrase).join(" and ")}`;
}

/** The inverse of `promptText` (case, blanks and a/an ignored; `text` is the canonical phrasing);
 * PromptError otherwise. */
export function parsePrompt(text: string): PromptSpec {
  const spec = parseLoose(text);
  return { ...spec, text: promptText(spec) };
}

function parseLoose(text: string): PromptSpec {
  const t = text.trim().toLowerCase().split(/\s+/).join(" ");
  let m = COUNTING.exec(t);
  if (m) {
    const [, word = "", shape = ""] = m;
    const count = Number(Object.entries(WORLD.countWords).find(([, w]) => w === word)?.[0]);
    return { task: "counting", wanted: [one(shape, undefined, count)], relation: null, text: t };
  }
  m = POSITION.exec(t);
  if (m) {
    const [, c1, s1 = "", relation = "", c2, s2 = ""] = m;
    if (c1 || c2) throw new PromptError(`position prompts name no colours: ${JSON.stringify(text)}`);
    if (s1 === s2)
      throw new PromptError(`a position prompt names two different shapes: ${JSON.stringify(text)}`);
    return { task: "position", wanted: [one(s1), one(s2)], relation, text: t };
  }
  m = PAIR.exec(t);
  if (m) {
    const [, c1, s1 = "", c2, s2 = ""] = m;
    if (Boolean(c1) !== Boolean(c2))
      throw new PromptError(`name both colours or neither: ${JSON.stringify(text)}`);
    if (s1 === s2 || (c1 && c1 === c2)) {
      throw new PromptError(
        `a two-object prompt names two different shapes and colours: ${JSON.stringify(text)}`,
      );
    }
    return {
      task: c1 ? "color_attr" : "two_object",
      wanted: [one(s1, c1), one(s2, c2)],
      relation: null,
      text: t,
    };
  }
  m = ONE.exec(t);
  if (m) {
    const [, c1, s1 = ""] = m;
    return { task: c1 ? "colors" : "single_object", wanted: [one(s1, c1)], relation: null, text: t };
  }
  throw new PromptError(`not a prompt of the shapes world: ${JSON.stringify(text)}`);
}
