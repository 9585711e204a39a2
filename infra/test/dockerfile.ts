// A small Dockerfile reader for the infra tests: instructions with continuations joined, comments
// dropped, stages named. Enough to check COPY sources, ENV, CMD and HEALTHCHECK against the repo.
import { readFileSync } from "node:fs";

export interface Instruction {
  keyword: string;
  args: string;
  stage: string;
}

export interface Dockerfile {
  instructions: Instruction[];
  /** Build ARG defaults declared before the first FROM. */
  args: Record<string, string>;
}

export function readDockerfile(path: string): Dockerfile {
  const lines = readFileSync(path, "utf8").split("\n");
  const joined: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trimStart().startsWith("#") && current === "") continue;
    if (line.trimStart().startsWith("#")) continue; // comment inside a continuation
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== "") joined.push(current.trim());
    current = "";
  }
  const instructions: Instruction[] = [];
  const args: Record<string, string> = {};
  let stage = "";
  let index = 0;
  for (const text of joined) {
    const space = text.search(/\s/);
    const keyword = (space === -1 ? text : text.slice(0, space)).toUpperCase();
    const rest = space === -1 ? "" : text.slice(space + 1).trim();
    if (keyword === "FROM") {
      const alias = /\sAS\s+(\S+)$/i.exec(rest);
      stage = alias?.[1] ?? `stage-${index}`;
      index++;
    }
    if (keyword === "ARG" && stage === "") {
      const [name, value] = rest.split("=", 2);
      if (name !== undefined && value !== undefined) args[name] = value;
    }
    instructions.push({ keyword, args: rest, stage });
  }
  return { instructions, args };
}

export function stageOf(file: Dockerfile, stage: string): Instruction[] {
  return file.instructions.filter((i) => i.stage === stage);
}

/** The last stage: what `docker build` produces without --target. */
export function finalStage(file: Dockerfile): Instruction[] {
  const last = file.instructions.at(-1)?.stage;
  return file.instructions.filter((i) => i.stage === last);
}

/** ENV values of a stage, `ENV A=1 B=2` (with quotes) form only. */
export function envOf(instructions: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of instructions.filter((x) => x.keyword === "ENV")) {
    for (const match of i.args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) {
      const name = match[1];
      if (name !== undefined) env[name] = match[3] ?? match[2] ?? "";
    }
  }
  return env;
}

/** The exec-form JSON array of the last instruction with this keyword (CMD, ENTRYPOINT). */
export function execForm(instructions: Instruction[], keyword: "CMD" | "ENTRYPOINT"): string[] | undefined {
  const found = instructions.filter((i) => i.keyword === keyword).at(-1);
  if (!found) return undefined;
  const parsed: unknown = JSON.parse(found.args);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
    throw new Error(`${keyword} must be the exec form (a JSON array of strings): ${found.args}`);
  }
  return parsed;
}

/** HEALTHCHECK's command in exec form (after `CMD`), with its options. */
export function healthcheck(instructions: Instruction[]): { options: string; command: string[] } | undefined {
  const found = instructions.filter((i) => i.keyword === "HEALTHCHECK").at(-1);
  if (!found) return undefined;
  const at = found.args.indexOf("CMD ");
  const command: unknown = JSON.parse(found.args.slice(at + 4));
  if (!Array.isArray(command) || !command.every((x) => typeof x === "string")) {
    throw new Error(`HEALTHCHECK CMD must be the exec form: ${found.args}`);
  }
  return { options: found.args.slice(0, at).trim(), command };
}

/** Sources of `COPY` lines that read the build context (not --from another stage). */
export function contextCopySources(file: Dockerfile): string[] {
  const sources: string[] = [];
  for (const i of file.instructions.filter((x) => x.keyword === "COPY" && !x.args.includes("--from="))) {
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    sources.push(...parts.slice(0, -1));
  }
  return sources;
}
