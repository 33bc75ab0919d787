/**
 * Garbage for every `/set` topic, each wrong by the published contract (src/entities/schema/*.json and the
 * README's command table), never by asking the validator: a generated case is refused because its family
 * is, e.g. a max_power of 501 W per panel is above the QS1's 500 W (the QS1-EU datasheet's 20–500 W).
 */
import fc from "fast-check";

export interface Garbage {
  /** Topic after `<base>/`: `<name>/set`, `<name>/set/<key>`, `site/set`, `site/set/<key>`. */
  topic: string;
  payload: string;
  /** Sent instead of `payload` when set: bytes that are not UTF-8. */
  bytes?: Buffer;
  family: string;
}

/**
 * Payload text the contract never accepts as any command (not an object, or nothing a control holds). Never
 * empty: an empty payload is a cleared retained command, ignored without a reply (set-handler.ts). A JSON
 * value is always serialised — a JSON string "" sent raw was that empty payload.
 */
const notAnObject = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() !== "" && !s.trim().startsWith("{")),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
);

/** `{"k": [[[…]]]}` 50–400 deep: a parser-stack test, never a number. */
const deep = fc.integer({ min: 50, max: 400 }).map((n) => `${"[".repeat(n)}1${"]".repeat(n)}`);

/** Numbers a JSON payload can spell that are no whole watts in 20–500 (QS1 per panel). */
const badWatts = fc.oneof(
  fc.constantFrom("1e400", "-1e400", "1e308", "9007199254740993", "-0.5", "19", "501", "300.5", "-300", "0"),
  fc.integer({ min: 501, max: 2_000_000_000 }).map(String),
  fc.integer({ min: -2_000_000_000, max: 19 }).map(String),
  fc
    .double({ min: 20.0001, max: 499.999, noNaN: true })
    .filter((d) => !Number.isInteger(d))
    .map(String),
);

/** Any JSON value that is not a number (for a control expecting watts). */
const notNumber = fc.oneof(
  fc.constantFrom('"300"', '"NaN"', '"Infinity"', "null", "true", "{}", "[]", "[300]", '{"w":300}'),
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
  deep,
);

/** JSON values that are not one of the words a switch takes. */
const notOnOff = fc.oneof(
  fc.constantFrom(
    '"on"',
    '"off"',
    '"Off"',
    '"toggle"',
    "true",
    "false",
    "1",
    "0",
    "null",
    '["ON"]',
    '{"ON":1}',
  ),
  fc
    .string({ maxLength: 12 })
    .filter((s) => !["ON", "OFF", "TOGGLE"].includes(s))
    .map((s) => JSON.stringify(s)),
);

const unknownKey = fc
  .oneof(
    fc.constantFrom(
      "maxpower",
      "max_Power",
      "power",
      "limit",
      "__proto__",
      "constructor",
      "toString",
      "STATE",
      "",
    ),
    fc.string({ maxLength: 16 }),
  )
  .filter(
    (k) =>
      ![
        "max_power",
        "state",
        "poll",
        "transaction",
        "export_limit",
        "export_limit_target",
        "export_limit_mode",
        "schedule_override",
      ].includes(k),
  );

const json = (o: Record<string, string>) =>
  `{${Object.entries(o)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(",")}}`;

/** Inverter commands, on the JSON topic and the bare-value topics. */
function inverterGarbage(name: string): fc.Arbitrary<Garbage> {
  const set = `${name}/set`;
  return fc.oneof(
    notAnObject.map((v) => ({
      topic: set,
      payload: v,
      family: "not an object",
    })),
    badWatts.map((w) => ({ topic: set, payload: json({ max_power: w }), family: "max_power out of range" })),
    notNumber.map((v) => ({ topic: set, payload: json({ max_power: v }), family: "max_power not a number" })),
    notOnOff.map((v) => ({ topic: set, payload: json({ state: v }), family: "state not ON/OFF/TOGGLE" })),
    fc
      .constantFrom("false", "null", '"now"', "1", "{}")
      .map((v) => ({ topic: set, payload: json({ poll: v }), family: "poll not true" })),
    fc
      .tuple(unknownKey, fc.constantFrom('{"max_power":300', '{"poll":true', '{"state":"OFF"'))
      .map(([k, valid]) => ({
        topic: set,
        payload: `${valid},${JSON.stringify(k)}:1}`,
        family: "a valid control with an unknown key",
      })),
    fc.constant({ topic: set, payload: '{"max_power":300,"state":"OFF"}', family: "two controls" }),
    // Huge, within the embedded broker's 64 KiB packet limit (a bigger packet closes the sender's
    // connection at the broker, before the controller sees it): 60 000 digits (JSON reads them as
    // Infinity), and a valid control beside 60 kB of text.
    fc.constant({ topic: `${set}/max_power`, payload: "9".repeat(60_000), family: "huge number" }),
    fc.constant({
      topic: set,
      payload: `{"max_power":300,"note":"${"x".repeat(60_000)}"}`,
      family: "huge payload with an unknown key",
    }),
    // Not UTF-8: a lone continuation byte and an invalid lead byte around JSON.
    fc.constant({
      topic: set,
      payload: "(bytes)",
      bytes: Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0x22, 0x3a, 0x80, 0x7d]),
      family: "bytes that are not UTF-8",
    }),
    fc.constant({
      topic: set,
      payload: `{"poll":true,"transaction":"${"x".repeat(65)}"}`,
      family: "transaction too long",
    }),
    fc.constant({ topic: set, payload: '{"transaction":"abc"}', family: "no control" }),
    // The bare-value topics.
    badWatts.map((w) => ({ topic: `${set}/max_power`, payload: w, family: "bare max_power out of range" })),
    fc
      .constantFrom("abc", "NaN", "Infinity", "300W", "3e2.5", '"300"', "{}", "[300]", "null", "true")
      .map((v) => ({ topic: `${set}/max_power`, payload: v, family: "bare max_power not a number" })),
    fc
      .constantFrom("on", "off", "Toggle", "1", "0", "true", '"on"', "{}")
      .map((v) => ({ topic: `${set}/state`, payload: v, family: "bare state not ON/OFF/TOGGLE" })),
    fc
      .constantFrom("false", "0", "now", "null", "{}")
      .map((v) => ({ topic: `${set}/poll`, payload: v, family: "bare poll not true" })),
    fc
      .tuple(
        unknownKey.filter((k) => k !== "" && k !== "result" && !/[+#/\u0000]/.test(k)),
        fc.string({ minLength: 1, maxLength: 20 }),
      )
      .map(([k, v]) => ({ topic: `${set}/${k}`, payload: v, family: "unknown command key in the topic" })),
  );
}

/** Site commands: the limiter's switch, target and mode, and the schedule's override. */
const siteGarbage: fc.Arbitrary<Garbage> = fc.oneof(
  notAnObject.map((v) => ({
    topic: "site/set",
    payload: v,
    family: "site: not an object",
  })),
  notOnOff.map((v) => ({
    topic: "site/set",
    payload: json({ export_limit: v }),
    family: "export_limit not ON/OFF",
  })),
  fc
    .oneof(
      fc.constantFrom("-1", "-0.5", "1e400", "300.5", '"300"', "null", "[300]", "{}", "8001", "1e308"),
      fc.integer({ min: 8001, max: 2_000_000_000 }).map(String),
      notNumber,
    )
    .map((v) => ({
      topic: "site/set",
      payload: json({ export_limit_target: v }),
      family: "target out of 0–8000 W",
    })),
  fc
    .oneof(
      fc.constantFrom('"zero"', '"ZERO_EXPORT"', '"off"', "1", "null", "[]"),
      fc.string({ maxLength: 12 }).map((s) => JSON.stringify(`x${s}`)),
    )
    .map((v) => ({
      topic: "site/set",
      payload: json({ export_limit_mode: v }),
      family: "unknown limiter mode",
    })),
  fc
    .constantFrom(
      '"sometimes"',
      '"OFF"',
      "null",
      "1",
      '{"mode":"limit"}',
      '{"mode":"off","limit_w":100}',
      '{"mode":"limit","limit_w":100,"until":"14:00"}',
      '{"mode":"limit","limit_w":100,"until":"2026-06-21T14:00:00"}',
      '{"mode":"on","until":"not a time+02:00"}',
      '{"mode":"auto","extra":1}',
      '{"mode":"limit","limit_w":"100"}',
    )
    .map((v) => ({
      topic: "site/set",
      payload: json({ schedule_override: v }),
      family: "bad schedule override",
    })),
  fc
    .tuple(unknownKey, fc.constantFrom('{"export_limit":"OFF"', '{"export_limit_target":100'))
    .map(([k, valid]) => ({
      topic: "site/set",
      payload: `${valid},${JSON.stringify(k)}:1}`,
      family: "site: a valid control with an unknown key",
    })),
  fc.constant({
    topic: "site/set",
    payload: '{"export_limit":"OFF","export_limit_mode":"monitor"}',
    family: "site: two controls",
  }),
  fc.constantFrom("true", "null", "{}", "[]", `"${"t".repeat(65)}"`).map((t) => ({
    topic: "site/set",
    payload: `{"export_limit":"OFF","transaction":${t}}`,
    family: "site: transaction not a short string or a number",
  })),
  fc
    .constantFrom("-5", "abc", "1e400", "8001", "3.5")
    .map((v) => ({ topic: "site/set/export_limit_target", payload: v, family: "bare target out of range" })),
  fc
    .constantFrom("on", "1", "true", "{}")
    .map((v) => ({ topic: "site/set/export_limit", payload: v, family: "bare export_limit not ON/OFF" })),
  fc.constantFrom("sometimes", "OFF", "limit", "{}", "1").map((v) => ({
    topic: "site/set/schedule_override",
    payload: v,
    family: "bare override not auto/on/off",
  })),
  fc
    .tuple(
      unknownKey.filter((k) => k !== "" && k !== "result" && !/[+#/\u0000]/.test(k)),
      fc.string({ minLength: 1, maxLength: 20 }),
    )
    .map(([k, v]) => ({ topic: `site/set/${k}`, payload: v, family: "site: unknown key in the topic" })),
);

/** A name that is no inverter (and not `site`): even a valid command there must be refused. */
function unknownNameGarbage(names: readonly string[]): fc.Arbitrary<Garbage> {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom("801000099999", "802000012345", "inverter", "bridge", "South top", "west", "SITE"),
        fc.string({ minLength: 1, maxLength: 20 }),
      ),
      fc.constantFrom('{"max_power":300}', '{"state":"OFF"}', '{"poll":true}', "garbage"),
    )
    .filter(([n]) => !names.includes(n) && n !== "site" && !/[+#/\u0000]/.test(n) && !n.startsWith("$"))
    .map(([n, payload]) => ({ topic: `${n}/set`, payload, family: "unknown inverter" }));
}

export function commandGarbage(names: readonly string[]): fc.Arbitrary<Garbage> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).chain(inverterGarbage) },
    { weight: 3, arbitrary: siteGarbage },
    { weight: 1, arbitrary: unknownNameGarbage(names) },
  );
}
