// The /docs page's inline script, run against a minimal DOM with the real /openapi.json from the edge:
// it must compile, render one entry per operation with a prefilled body, and send a request on "Send".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_SECRET, startTestEdge, type TestEdge } from "./helpers/edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  edge = await startTestEdge([backend.url]);
});
afterAll(async () => {
  await edge?.close();
  await backend?.close();
});

class FakeNode {
  children: FakeNode[] = [];
  attributes: Record<string, string> = {};
  textContent = "";
  value = "";
  parentNode: FakeNode | null = null;
  onclick: (() => void) | null = null;
  onchange: ((event: { target: FakeNode }) => void) | null = null;
  constructor(readonly tag: string) {}
  appendChild(child: FakeNode): FakeNode {
    child.parentNode = this;
    this.children.push(child);
    return child;
  }
  insertBefore(child: FakeNode, before: FakeNode): FakeNode {
    child.parentNode = this;
    this.children.splice(Math.max(0, this.children.indexOf(before)), 0, child);
    return child;
  }
  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }
  all(tag: string): FakeNode[] {
    return this.children.flatMap((child) => [...(child.tag === tag ? [child] : []), ...child.all(tag)]);
  }
}

describe("GET /docs", () => {
  it("renders every operation of /openapi.json and its try-it form sends requests with the key", async () => {
    const html = await (await edge.fetch("/docs")).text();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
    expect(script).toBeDefined();
    const spec = (await (await edge.fetch("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(spec.paths).flatMap((methods) => Object.keys(methods));

    const byId: Record<string, FakeNode> = {};
    for (const id of ["title", "intro", "ops", "token"]) byId[id] = new FakeNode("div");
    const created = await edge.createKey();
    (byId.token as FakeNode).value = created.key;
    const sent: { url: string; init: RequestInit }[] = [];
    const pageFetch = (url: string, init: RequestInit = {}) => {
      if (url !== "/openapi.json") sent.push({ url, init });
      return edge.fetch(url, init);
    };
    const document = {
      createElement: (tag: string) => new FakeNode(tag),
      createTextNode: (text: string) => Object.assign(new FakeNode("#text"), { textContent: text }),
      getElementById: (id: string) => byId[id],
    };
    new Function("document", "fetch", "window", "localStorage", script ?? "")(
      document,
      pageFetch,
      {},
      undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const entries = (byId.ops as FakeNode).children.filter((node) => node.tag === "details");
    expect(entries).toHaveLength(operations.length);
    expect((byId.title as FakeNode).textContent).toBe("tinyscale");

    const usageEntry = entries.find((entry) =>
      entry.all("summary")[0]?.children[1]?.textContent.includes("/v1/usage"),
    );
    expect(usageEntry).toBeDefined();
    const send = usageEntry?.all("button")[0];
    send?.onclick?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent.at(-1)?.url).toBe("/v1/usage");
    expect(new Headers(sent.at(-1)?.init.headers).get("authorization")).toBe(`Bearer ${created.key}`);
    expect(usageEntry?.all("pre")[0]?.textContent).toMatch(/^200 /);

    const generateEntry = entries.find((entry) =>
      entry.all("summary")[0]?.children[1]?.textContent.startsWith("/v1/generate"),
    );
    const body = JSON.parse(generateEntry?.all("textarea")[0]?.value ?? "null") as { prompt?: unknown };
    expect(typeof body.prompt).toBe("string");
  });
});
