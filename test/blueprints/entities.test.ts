/**
 * The localecu entities the blueprints expect are ones our discovery creates. Each input that takes our
 * entities names the one it expects in its description (`switch.<site>_export_limit`,
 * `number.<inverter>_max_power`); that name, the input's selector filter and every option or event type the
 * blueprint relies on are checked against the discovery of the example site from a real controller run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Blueprint, blueprintFiles, InputRef, readBlueprint } from "./blueprint-file.ts";
import { type DiscoveredEntity, exampleSiteDiscovery, type SiteDiscovery } from "./site-discovery.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NAMED = /`(\w+)\.<(site|inverter)>_(\w+)`/g;

let site: SiteDiscovery;
beforeAll(async () => {
  site = await exampleSiteDiscovery();
}, 60_000);

interface Expected {
  input: string;
  domain: string;
  device: "site" | "inverter";
  key: string;
}

/** Every `domain.<site|inverter>_key` named in an input's description. */
function expectedEntities(bp: Blueprint): Expected[] {
  const out: Expected[] = [];
  for (const [input, v] of bp.inputs)
    for (const m of String(v.description ?? "").matchAll(NAMED))
      out.push({ input, domain: m[1]!, device: m[2] as "site" | "inverter", key: m[3]! });
  return out;
}

/** Our entities of that kind: one on the site device, or one on each inverter. */
function matching(e: Expected): DiscoveredEntity[] {
  const re = new RegExp(`^${e.domain}\\.\\w+_${e.key}$`);
  return site.entities.filter((x) => x.device === e.device && x.platform === e.domain && re.test(x.entityId));
}

function entityFilter(bp: Blueprint, input: string): Record<string, unknown> | undefined {
  const sel = bp.inputs.get(input)?.selector as
    | { entity?: { filter?: Record<string, unknown>[] } }
    | undefined;
  return sel?.entity?.filter?.[0];
}

/** Service calls in the actions whose target is one input's entity: `{{ var }}` or `{{ repeat.item }}`. */
function callsOnInputs(bp: Blueprint): { input: string; action: string; data: Record<string, unknown> }[] {
  const vars = (bp.doc.variables ?? {}) as Record<string, unknown>;
  const inputOf = (template: unknown) => {
    const m = /^\{\{ (\w+) \}\}$/.exec(String(template));
    const v = m ? vars[m[1]!] : undefined;
    return v instanceof InputRef ? v.name : undefined;
  };
  const out: { input: string; action: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown, forEach?: string) => {
    if (Array.isArray(node)) for (const n of node) walk(n, forEach);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      const target = (o.target as { entity_id?: unknown } | undefined)?.entity_id;
      if (typeof o.action === "string" && target !== undefined) {
        const input = target === "{{ repeat.item }}" ? forEach : inputOf(target);
        if (input) out.push({ input, action: o.action, data: (o.data ?? {}) as Record<string, unknown> });
      }
      const each = (o.repeat as { for_each?: unknown } | undefined)?.for_each;
      for (const [k, v] of Object.entries(o)) walk(v, k === "repeat" && each ? inputOf(each) : forEach);
    }
  };
  walk(bp.doc.actions);
  return out;
}

describe("the entities the blueprints expect", () => {
  it("the example site's discovery has the site, four inverters and the automations' entities", () => {
    expect(site.inverterNames).toHaveLength(4);
    expect(
      site.entities.filter((e) => e.device === "inverter" && e.entityId.endsWith("_max_power")),
    ).toHaveLength(4);
  });

  describe.each(blueprintFiles(ROOT))("%s", (file) => {
    it("every localecu entity an input names exists, and the selector's filter lets it through", () => {
      const bp = readBlueprint(ROOT, file);
      const expected = expectedEntities(bp);
      expect(expected.length, "inputs that name our entities").toBeGreaterThan(0);
      for (const e of expected) {
        const found = matching(e);
        const want = e.device === "site" ? 1 : site.inverterNames.length;
        expect(found.length, `${e.input}: ${e.domain}.<${e.device}>_${e.key}`).toBe(want);
        const filter = entityFilter(bp, e.input);
        expect(filter?.integration, `${e.input}: filter on the MQTT integration`).toBe("mqtt");
        expect(filter?.domain, `${e.input}: filter domain`).toBe(e.domain);
        if (filter?.device_class !== undefined)
          for (const f of found)
            expect(f.deviceClass, `${e.input}: ${f.entityId} device_class`).toBe(filter.device_class);
      }
    });

    it("every call on our entities fits them: the domain, and the options it selects", () => {
      const bp = readBlueprint(ROOT, file);
      const expected = expectedEntities(bp);
      for (const call of callsOnInputs(bp)) {
        const e = expected.find((x) => x.input === call.input);
        expect(e, `${call.action} on input ${call.input}, which names no localecu entity`).toBeDefined();
        expect(call.action.split(".")[0], `${call.action} on ${call.input}`).toBe(e!.domain);
        if (call.action === "select.select_option")
          for (const f of matching(e!)) expect(f.options, `${f.entityId}`).toContain(call.data.option);
      }
    });
  });

  it("the fault blueprint offers exactly the event types our fault event entities fire", () => {
    const bp = readBlueprint(ROOT, "blueprints/automation/localecu/fault-notify.yaml");
    const offered = (
      bp.inputs.get("event_types")!.selector as { select: { options: { value: string }[] } }
    ).select.options.map((o) => o.value);
    const events = expectedEntities(bp).flatMap(matching);
    expect(events.length).toBe(site.inverterNames.length + 1);
    for (const ev of events)
      expect([...(ev.eventTypes ?? [])].sort(), ev.entityId).toEqual([...offered].sort());
  });
});
