// The edge writes its own prediction into the backend's answer, rounded for people like every ms value.
import { METADATA_HEADER } from "@tinyscale/shared";
import { describe, expect, it } from "vitest";
import { annotatePlannedMs } from "./annotate-plan.js";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe("annotatePlannedMs", () => {
  it("writes planned_ms rounded to 0.1 ms into a JSON body", () => {
    const { body } = annotatePlannedMs(
      [["content-type", "application/json"]],
      json({ planned_ms: null, n: 2 }),
      50.394999999999996,
    );
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual({ planned_ms: 50.4, n: 2 });
  });

  it("writes it into the metadata header of a bytes answer", () => {
    const { headers } = annotatePlannedMs(
      [
        ["content-type", "image/png"],
        [METADATA_HEADER, JSON.stringify({ planned_ms: null })],
      ],
      new ArrayBuffer(4),
      12.3456,
    );
    expect(JSON.parse(headers[1]?.[1] ?? "null")).toEqual({ planned_ms: 12.3 });
  });
});
