// The TypeScript judge against the Python one: the same images (vectors.json, written by the export
// tool's `python -m shapes.spec` from rendered scenes and noise) must get the same objects, verdicts
// and reasons word for word.
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { detect, judge } from "../src/shapes/shapeeval.js";
import { PromptError, parsePrompt, WORLD } from "../src/shapes/world.js";

interface Vector {
  prompt: string;
  png_b64: string;
  correct: boolean;
  reasons: string[];
  objects: [string | null, string, number, number, number][];
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../src/shapes/generated/vectors.json", import.meta.url), "utf8"),
);

async function decode(b64: string) {
  const { data, info } = await sharp(Buffer.from(b64, "base64"))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

describe("shapeeval port", () => {
  it("has vectors of both verdicts", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
    expect(vectors.some((v) => v.correct)).toBe(true);
    expect(vectors.some((v) => !v.correct)).toBe(true);
  });

  it("finds the objects the Python judge finds and gives its verdicts and reasons", async () => {
    for (const v of vectors) {
      const img = await decode(v.png_b64);
      const found = detect(img).map((o) => [o.shape, o.colour, o.x, o.y, o.area]);
      expect(found, v.prompt).toEqual(v.objects);
      const verdict = judge(img, v.prompt);
      expect({ correct: verdict.correct, reasons: verdict.reasons }, v.prompt).toEqual({
        correct: v.correct,
        reasons: v.reasons,
      });
    }
  });

  it("parses every demo prompt and refuses prompts outside the world", () => {
    expect(WORLD.demoPrompts.map((p) => parsePrompt(p).task)).toEqual(WORLD.tasks);
    expect(parsePrompt("A photo of an  orange square").text).toBe("a photo of an orange square");
    expect(parsePrompt("a photo of a orange square").text).toBe("a photo of an orange square");
    for (const v of vectors) expect(parsePrompt(v.prompt).text).toBe(v.prompt);
    for (const bad of [
      "a photo of a cat",
      "a photo of a circle and a circle",
      "a photo of a red circle left of a square",
    ]) {
      expect(() => parsePrompt(bad)).toThrow(PromptError);
    }
  });
});
