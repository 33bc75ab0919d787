import { describe, expect, it } from "vitest";
import { applyEntityEvent } from "../../src/ha/entity-states.ts";
import type { HaEntityState } from "../../src/ha/types.ts";

// Messages in HA's compressed form (websocket_api/messages.py: compressed_state_dict_add, _state_diff).
describe("HA compressed entity events", () => {
  it("add, change (state, attribute added and removed, lu only), remove", () => {
    const states = new Map<string, HaEntityState>();
    expect(
      applyEntityEvent(states, {
        a: {
          "sensor.grid": {
            s: "-120",
            a: { unit_of_measurement: "W", friendly_name: "Grid" },
            c: "01HXYZ",
            lc: 1_764_633_600.5,
          },
        },
      }),
    ).toEqual(["sensor.grid"]);
    expect(states.get("sensor.grid")).toEqual({
      entityId: "sensor.grid",
      state: "-120",
      attributes: { unit_of_measurement: "W", friendly_name: "Grid" },
      lastUpdatedMs: 1_764_633_600_500, // lc (no lu: last_updated == last_changed)
    });
    const first = states.get("sensor.grid");

    applyEntityEvent(states, {
      c: {
        "sensor.grid": {
          "+": { s: "0.3", lc: 1_764_633_610, a: { unit_of_measurement: "kW" } },
          "-": { a: ["friendly_name"] },
        },
      },
    });
    expect(states.get("sensor.grid")).toEqual({
      entityId: "sensor.grid",
      state: "0.3",
      attributes: { unit_of_measurement: "kW" },
      lastUpdatedMs: 1_764_633_610_000,
    });
    expect(first?.attributes).toEqual({ unit_of_measurement: "W", friendly_name: "Grid" }); // not mutated

    // Same state, attributes touched: HA sends lu (last_changed stays).
    applyEntityEvent(states, { c: { "sensor.grid": { "+": { lu: 1_764_633_620.25, c: "01HABC" } } } });
    expect(states.get("sensor.grid")).toMatchObject({ state: "0.3", lastUpdatedMs: 1_764_633_620_250 });

    // A change for an entity never added is ignored; a removal deletes.
    expect(applyEntityEvent(states, { c: { "sensor.x": { "+": { s: "1" } } } })).toEqual([]);
    expect(applyEntityEvent(states, { r: ["sensor.grid", "sensor.never"] })).toEqual(["sensor.grid"]);
    expect(states.size).toBe(0);
  });

  it("a full state equal to the known one keeps its object (a new subscription re-sends everything)", () => {
    const states = new Map<string, HaEntityState>();
    const add = { a: { "sensor.p": { s: "7", a: { unit_of_measurement: "W" }, c: "x", lc: 100 } } };
    applyEntityEvent(states, add);
    const before = states.get("sensor.p");
    expect(applyEntityEvent(states, { a: { "sensor.p": { ...add.a["sensor.p"], c: "y" } } })).toEqual([]);
    expect(states.get("sensor.p")).toBe(before);
    expect(applyEntityEvent(states, { a: { "sensor.p": { s: "8", a: {}, c: "z", lc: 101 } } })).toEqual([
      "sensor.p",
    ]);
  });

  it("shapes HA never sends are skipped entry by entry and described, never turned into a state", () => {
    const states = new Map<string, HaEntityState>();
    applyEntityEvent(states, { a: { "sensor.p": { s: "7", a: { unit_of_measurement: "W" }, lc: 100 } } });
    const problems: string[] = [];
    expect(
      applyEntityEvent(
        states,
        {
          a: { "sensor.q": { s: 5 }, "sensor.r": null },
          c: { "sensor.p": { "+": { s: [5] } } },
          r: "sensor.p",
        },
        problems,
      ),
    ).toEqual([]);
    expect(states.get("sensor.p")?.state).toBe("7");
    expect(states.has("sensor.q")).toBe(false);
    expect(problems).toEqual([
      "sensor.q: a state value that is not text (5)",
      "sensor.r: a state that is not an object (null)",
      "sensor.p: a state value that is not text ([5])",
      'a removal that is not a list of entity ids ("sensor.p")',
    ]);
    expect(applyEntityEvent(states, null, problems)).toEqual([]);
    expect(applyEntityEvent(states, { c: { "sensor.p": { "-": { a: 5 } } } }, problems)).toEqual([]);
    expect(problems.slice(4)).toEqual([
      "an entity event that is not an object (null)",
      "sensor.p: removed attributes that are not a list of names (5)",
    ]);
  });
});
