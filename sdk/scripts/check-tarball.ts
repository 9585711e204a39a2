// The checks a packed SDK tarball must pass before it is published: publint (package.json against the
// files really in the tarball) and are-the-types-wrong (types resolve and match the JavaScript under
// node10, node16 CJS and ESM, and bundlers). `tsx sdk/scripts/check-tarball.ts <file.tgz>` prints them.
import { readFile } from "node:fs/promises";
import { checkPackage, createPackageFromTarballData, type Problem } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

/** Every finding of both tools, one line each; empty means the tarball is fit to publish. */
export async function tarballProblems(tarballPath: string): Promise<string[]> {
  const bytes = new Uint8Array(await readFile(tarballPath));
  const problems: string[] = [];

  // strict: publint's warnings count as errors; level "suggestion" keeps its suggestions too.
  const lint = await publint({ pack: { tarball: bytes.slice().buffer }, level: "suggestion", strict: true });
  for (const message of lint.messages) {
    problems.push(
      `publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`,
    );
  }

  const analysis = await checkPackage(createPackageFromTarballData(bytes));
  if (!analysis.types) problems.push("attw: the package ships no types");
  else problems.push(...analysis.problems.map((problem) => `attw: ${describeProblem(problem)}`));
  return problems;
}

function describeProblem(problem: Problem): string {
  const where =
    "entrypoint" in problem
      ? `${problem.entrypoint} under ${problem.resolutionKind}`
      : "typesFileName" in problem
        ? `${problem.typesFileName} for ${problem.implementationFileName}`
        : problem.fileName;
  return `${problem.kind} (${where})`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tarball = process.argv[2];
  if (!tarball) {
    console.error("usage: tsx sdk/scripts/check-tarball.ts <file.tgz>");
    process.exit(2);
  }
  const problems = await tarballProblems(tarball);
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? `${tarball}: publint and are-the-types-wrong clean` : "");
  process.exit(problems.length === 0 ? 0 : 1);
}
