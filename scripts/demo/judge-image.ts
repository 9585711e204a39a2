// Decodes a served PNG and asks the shapes world's judge (the TypeScript port of shapeeval) whether it
// obeys the prompt, so the demo shows verdicts on a fresh clone without the export tool's Python venv.
import sharp from "sharp";
import { judge, type Verdict } from "../../bench/src/shapes/shapeeval.js";

export async function judgeImage(png: Uint8Array, prompt: string): Promise<Verdict> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return judge({ width: info.width, height: info.height, data: new Uint8Array(data) }, prompt);
}

export const verdictText = (v: Verdict): string => (v.correct ? "correct" : v.reasons.join("; "));
