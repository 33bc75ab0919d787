/** fast-check generators for site.yaml fuzzing: the example as data, bad values, and mutations of it. */
import fc from "fast-check";
import { parse } from "yaml";
import { EXAMPLE } from "../site/config/fixtures.ts";

type Node = Record<string, unknown> | unknown[];

/** examples/site.yaml as plain data (a fresh copy each call: mutations edit it in place). */
export function exampleObject(): Record<string, unknown> {
  return parse(EXAMPLE) as Record<string, unknown>;
}

/** Values a user (or a broken editor) puts where something else belongs. */
export function garbageValue(): fc.Arbitrary<unknown> {
  const deep = fc.integer({ min: 20, max: 200 }).map((n) => {
    let v: unknown = "bottom";
    for (let i = 0; i < n; i++) v = i % 2 === 0 ? { k: v } : [v];
    return v;
  });
  return fc.oneof(
    fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      1e308,
      -1e308,
      2 ** 53 + 1,
      Number.MAX_SAFE_INTEGER,
      "NaN",
      ".nan",
      "Infinity",
      "-.inf",
      "1e999",
      "",
      " ",
      "~",
      "null",
      "true",
      "0x1F",
      "801000012345",
      "8010000123450000",
      "/nonexistent/dir/secret",
      "../../../../etc/shadow",
      "tcp://host:99999",
      "tcp://[::1]:0",
      "Europe/Atlantis",
      "sensor.",
      "#/not/a/path",
      null,
      true,
      false,
      [],
      {},
    ),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 1000, maxLength: 5000 }),
    deep,
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );
}

/** The paths of every number in `root` (the places a NaN can go). */
export function numericLeaves(root: unknown): (string | number)[][] {
  return paths(root).filter((p) => {
    let cur: unknown = root;
    for (const seg of p) cur = (cur as Record<string | number, unknown>)[seg];
    return typeof cur === "number";
  });
}

/** Every container and leaf of `root`, as a path of keys / indices. */
function paths(root: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(root)) for (const [i, v] of root.entries()) paths(v, [...at, i], out);
  else if (root !== null && typeof root === "object")
    for (const [k, v] of Object.entries(root)) paths(v, [...at, k], out);
  return out;
}

function parentOf(root: Node, path: (string | number)[]): [Node, string | number] | undefined {
  if (path.length === 0) return undefined;
  let cur: unknown = root;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[seg];
  if (cur === null || typeof cur !== "object") return undefined;
  return [cur as Node, path[path.length - 1]!];
}

type Mutation =
  | { kind: "replace"; pick: number; value: unknown }
  | { kind: "delete"; pick: number }
  | { kind: "unknownKey"; pick: number; key: string; value: unknown }
  | { kind: "duplicate"; pick: number }
  | { kind: "copyInverter"; from: number }
  | { kind: "secret"; which: number; value: unknown };

const SECRET_SLOTS: readonly [string, string][] = [
  ["mqtt", "password_file"],
  ["mqtt", "password_env"],
  ["mqtt", "password"],
  ["homeassistant", "token_file"],
  ["homeassistant", "token_env"],
  ["homeassistant", "token"],
  ["mqtt", "tls"],
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("replace" as const), pick: fc.nat(), value: garbageValue() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("unknownKey" as const),
      pick: fc.nat(),
      key: fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("__proto__", "constructor", "toString", "serail"),
      ),
      value: garbageValue(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("copyInverter" as const), from: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("secret" as const), which: fc.nat(), value: garbageValue() }),
  },
);

function apply(root: Record<string, unknown>, m: Mutation): void {
  const all = paths(root);
  if (m.kind === "secret") {
    const [section, key] = SECRET_SLOTS[m.which % SECRET_SLOTS.length]!;
    const s = root[section];
    if (s !== null && typeof s === "object" && !Array.isArray(s))
      (s as Record<string, unknown>)[key] = m.value;
    else root[section] = { [key]: m.value };
    return;
  }
  if (m.kind === "copyInverter") {
    const invs = root.inverters;
    if (Array.isArray(invs) && invs.length > 0) invs.push(structuredClone(invs[m.from % invs.length]));
    return;
  }
  const path = all[m.pick % all.length]!;
  if (m.kind === "replace" && path.length === 0) return; // the whole document: the text fuzz covers it
  const target = parentOf(root, path);
  if (m.kind === "unknownKey") {
    let node: unknown = root;
    for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
    if (node !== null && typeof node === "object" && !Array.isArray(node))
      Object.defineProperty(node, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return;
  }
  if (!target) return;
  const [parent, key] = target;
  if (m.kind === "replace") (parent as Record<string | number, unknown>)[key] = m.value;
  else if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, unknown>)[key as string];
  } else if (m.kind === "duplicate" && Array.isArray(parent))
    parent.push(structuredClone(parent[Number(key)]));
}

/** The example with one to four mutations applied. */
export function mutatedExample(): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(mutationArb, { minLength: 1, maxLength: 4 }).map((ms) => {
    const root = exampleObject();
    for (const m of ms) apply(root, m);
    return root;
  });
}
