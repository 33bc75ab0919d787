/**
 * The built converter in a REAL zigbee2mqtt (2.14, with its own zigbee-herdsman and
 * zigbee-herdsman-converters): captured inverter replies enter as zigbee-herdsman adapter events
 * (injector.ts) and we check what zigbee2mqtt publishes on MQTT — the state and the Home Assistant
 * discovery. Expected numbers are worked out below from the captured bytes with the published formulas
 * (src/protocol/telemetry-qs1.ts, telemetry-ds3.ts and limit.ts cite their sources), never with our codec.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captures } from "../fixtures/captures.ts";
import { discoveryOf } from "./discovery.ts";
import { type Published, type RunningZ2m, type SeededInverter, startZigbee2mqtt } from "./harness.ts";
import { AES_PAYLOAD, DROPPED_PAYLOAD, DS3_PAYLOAD, INV, QS1A_PAYLOAD } from "./inverters.ts";

let z2m: RunningZ2m;
const states: Record<string, Record<string, unknown>> = {};

/** Inject, then wait for zigbee2mqtt's state publication of that device. */
async function deliver(inv: SeededInverter, inject: () => void): Promise<Record<string, unknown>> {
  const since = z2m.published.length;
  inject();
  const msg: Published = await z2m.next(`zigbee2mqtt/${inv.friendlyName}`, since);
  const state = JSON.parse(msg.payload) as Record<string, unknown>;
  states[inv.friendlyName] = state;
  return state;
}

beforeAll(async () => {
  z2m = await startZigbee2mqtt(Object.values(INV));
  const a = z2m.adapter;
  await deliver(INV.qs1, () => expect(a.injectUart(captures.qs1Johan.hex)).toBe(1));
  await deliver(INV.qs1a, () => a.injectPayload(INV.qs1a.nwkAddr, QS1A_PAYLOAD, 94));
  await deliver(INV.yc600, () => expect(a.injectUart(captures.yc600Case0.hex)).toBe(1));
  await deliver(INV.ds3, () => a.injectPayload(INV.ds3.nwkAddr, DS3_PAYLOAD, 120));
  await deliver(INV.ds3Limit, () => expect(a.injectUart(captures.ds3Limit600.hex)).toBe(1));
  await deliver(INV.aes, () => a.injectPayload(INV.aes.nwkAddr, AES_PAYLOAD, 80));
  await deliver(INV.yc600, () => expect(a.injectUart(captures.yc600Limit300.hex)).toBe(1));
  a.injectPayload(INV.dropped.nwkAddr, DROPPED_PAYLOAD, 120);
  // Home Assistant discovery comes 5 s after start (zigbee2mqtt waits for retained discovery first), one
  // device after the other, each ending with the linkquality sensor zigbee2mqtt adds.
  await Promise.all(
    Object.values(INV).map((inv) =>
      z2m.next(`homeassistant/sensor/${inv.ieeeAddr}/linkquality/config`, 0, 15_000),
    ),
  );
}, 40_000);

afterAll(async () => {
  await z2m?.stop();
});

/** `expected` within half the last published digit: zigbee2mqtt/our catalog round what they publish. */
function near(actual: unknown, expected: number, decimals: number): void {
  expect(typeof actual).toBe("number");
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}

/** How herdsman delivered a device's messages, from zigbee2mqtt's own debug log. */
function receivedTypes(inv: SeededInverter): string[] {
  const re = new RegExp(
    `^z2m: Received Zigbee message from '${inv.friendlyName}', type '(\\w+)', cluster '262'`,
  );
  return z2m.logs.flatMap((l) => re.exec(l.message)?.[1] ?? []);
}

describe(`zigbee2mqtt (real controller) with the built converter`, () => {
  it("is zigbee2mqtt 2.14 with its own zigbee-herdsman-converters 26.105", () => {
    expect(z2m.version).toMatch(/^2\.14\./);
    expect(z2m.zhcVersion).toMatch(/^26\./);
  });

  it("matches every seeded inverter to its model and never says 'No converter available'", () => {
    const devices = JSON.parse(
      [...z2m.published].reverse().find((p) => p.topic === "zigbee2mqtt/bridge/devices")!.payload,
    ) as { friendly_name: string; definition?: { model: string; vendor: string } }[];
    const model = (n: string) => devices.find((d) => d.friendly_name === n)?.definition?.model;
    expect(["qs1", "qs1a", "yc600", "ds3", "ds3_limit"].map(model)).toEqual([
      "QS1",
      "QS1A",
      "YC600",
      "DS3",
      "DS3",
    ]);
    expect(z2m.logs.filter((l) => /No converter available/.test(l.message))).toEqual([]);
    expect(z2m.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("takes both herdsman paths: raw (numeric cluster) for QS1/QS1A/YC600/AES, ZCL 'read' (\"262\") for DS3", () => {
    expect(receivedTypes(INV.qs1)).toEqual(["raw"]);
    expect(receivedTypes(INV.qs1a)).toEqual(["raw"]);
    expect(receivedTypes(INV.yc600)).toEqual(["raw", "raw"]);
    expect(receivedTypes(INV.ds3)).toEqual(["read"]);
    expect(receivedTypes(INV.ds3Limit)).toEqual(["read"]);
    // 80 20 00 is a ZCL read header too, but 6 + 6 + 16·n bytes leave an odd attribute list: raw
    expect(receivedTypes(INV.aes)).toEqual(["raw"]);
  });

  it("QS1: the captured reply's values (worked out from the bytes)", () => {
    const s = states.qs1!;
    expect(s.status).toBe("producing");
    expect(s.linkquality).toBe(94); // AF_INCOMING_MSG link quality byte 0x5E
    // temperature: bytes 10–11 = 03 EB = 1003 → 1003 · 0.2752 − 258.7 = 17.33 °C
    near(s.temperature, 17.33, 1);
    // frequency: bytes 12–14 = 0F 41 93 = 999827 → 50 000 000 / 999827 = 50.0087 Hz
    near(s.ac_frequency, 50.0087, 2);
    // AC voltage: bytes 28–29 = 04 B8 = 1208 → 1208 / 1.3277 / 4 = 227.46 V
    near(s.ac_voltage, 227.46, 1);
    // channel k at offset A=25, B=22, C=19, D=16: b0 b1 b2 → I = ((b1 & 0F) << 8 | b0) · 27.5/4096,
    // V = (b2 << 4 | b1 >> 4) · 82.5/4096
    // ch1 C1 20 68: I = 0x0C1 = 193 → 1.2958 A; V = 0x682 = 1666 → 33.556 V; P = 43.48 W
    near(s.dc_current_ch1, 1.2958, 3);
    near(s.dc_voltage_ch1, 33.556, 2);
    near(s.dc_power_ch1, 43.48, 1);
    // ch2 C7 C0 68: I = 0x0C7 = 199 → 1.3361 A; V = 0x68C = 1676 → 33.757 V
    near(s.dc_current_ch2, 1.3361, 3);
    near(s.dc_voltage_ch2, 33.757, 2);
    // ch3 D9 F0 68: I = 0x0D9 = 217 → 1.4569 A; V = 0x68F = 1679 → 33.818 V
    near(s.dc_current_ch3, 1.4569, 3);
    near(s.dc_voltage_ch3, 33.818, 2);
    // ch4 CA F0 69: I = 0x0CA = 202 → 1.3562 A; V = 0x69F = 1695 → 34.140 V
    near(s.dc_current_ch4, 1.3562, 3);
    near(s.dc_voltage_ch4, 34.14, 2);
    // first poll of a power-up: AC power = 0.95 · Σ V·I = 0.95 · (43.481 + 45.102 + 49.269 + 46.301) = 174.95 W
    near(s.power, 174.95, 1);
    // energy A: bytes 37–41 = 01 BB 38 13 4D = 7435981645 · 3.756e-11 kWh = 0.27930 kWh
    near(s.energy_today_ch1, 0.2793, 4);
    // zigbee2mqtt rounds `energy*` to 2 decimals (its default energy precision)
    near(s.energy_ch1, 0.2793, 2);
  });

  it("QS1A: the same bytes under a QS1A serial give the same values, on four channels", () => {
    const s = states.qs1a!;
    expect(s.status).toBe("producing");
    near(s.dc_voltage_ch4, 34.14, 2);
    near(s.dc_current_ch3, 1.4569, 3);
    near(s.power, 174.95, 1);
  });

  it("YC600: the captured reply's values (worked out from the bytes), two channels", () => {
    const s = states.yc600!;
    expect(s.status).toBe("producing");
    // temperature 03 D4 = 980 → 10.996 °C; frequency 0F 41 17 = 999703 → 50.0149 Hz; AC 04 96 = 1174 → 221.06 V
    near(s.temperature, 10.996, 1);
    // 50.0149 is rounded twice: to 3 decimals by the catalog (50.015), then to 2 by zigbee2mqtt's default
    // ac_frequency precision (50.02) — one unit of the last digit off, not half
    expect(Math.abs((s.ac_frequency as number) - 50.0149)).toBeLessThanOrEqual(0.01);
    near(s.ac_voltage, 221.06, 1);
    // ch1 (A, offset 25) 73 D0 6B: I = 0x073 = 115 → 0.7721 A; V = 0x6BD = 1725 → 34.744 V
    near(s.dc_current_ch1, 0.7721, 3);
    near(s.dc_voltage_ch1, 34.744, 2);
    // ch2 (B, offset 22) 76 70 6A: I = 0x076 = 118 → 0.7922 A; V = 0x6A7 = 1703 → 34.301 V
    near(s.dc_current_ch2, 0.7922, 3);
    near(s.dc_voltage_ch2, 34.301, 2);
    // 0.95 · (26.826 + 27.175) = 51.30 W
    near(s.power, 51.3, 1);
    // energy A 01 72 07 2D 88 = 6208040328 · 3.756e-11 = 0.23317 kWh
    near(s.energy_today_ch1, 0.23317, 4);
    expect(s).not.toHaveProperty("dc_voltage_ch3");
  });

  it("YC600 limit read-back: max_power 300 W (capture source: 0x21DB → 300 W), telemetry kept", () => {
    const s = states.yc600!;
    expect(s.max_power).toBe(300);
    near(s.dc_voltage_ch1, 34.744, 2); // the DE reply adds max_power; the state cache keeps the rest
  });

  it("DS3 (delivered as a ZCL 'read' on cluster \"262\"): the captured reply's values", () => {
    const s = states.ds3!;
    expect(s.status).toBe("producing");
    // cmd BB; offsets from the byte after cmd: V1 0x10 = 06 F5 = 1781 · 0.02 = 35.62 V; V2 06 F9 = 35.70 V
    near(s.dc_voltage_ch1, 35.62, 2);
    near(s.dc_voltage_ch2, 35.7, 2);
    // I1 0x14 = 00 2E = 46 · 0.01172 = 0.5391 A; I2 00 34 = 52 · 0.01172 = 0.6094 A
    near(s.dc_current_ch1, 0.5391, 3);
    near(s.dc_current_ch2, 0.6094, 3);
    // AC 0x18 = 03 60 = 864 · 0.268 = 231.55 V; 0x1A = 13 8A = 5002 · 0.01 = 50.02 Hz; power 0x1E = 00 24 = 36 W
    near(s.ac_voltage, 231.55, 1);
    near(s.ac_frequency, 50.02, 2);
    expect(s.power).toBe(36);
    // energy A 0x28 = 00 16 F6 2B = 1504811 · 1.674e-8 = 0.02519 kWh
    near(s.energy_today_ch1, 0.02519, 4);
  });

  it("DS3 limit read-back: max_power 600 W (capture source: 0x26E2 → 600 W)", () => {
    expect(states.ds3_limit!.max_power).toBe(600);
  });

  it("an AES-scrambled reply publishes status encrypted, nothing else of substance, and a warning in the log", () => {
    const s = states.qs1_aes!;
    expect(s.status).toBe("encrypted");
    for (const k of ["power", "ac_voltage", "dc_voltage_ch1", "energy"]) expect(s[k] ?? null).toBeNull();
    const warnings = z2m.logs.filter((l) => l.level === "warning" && l.message.includes("802000123456"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/AES/);
  });

  it("herdsman answers each ZCL-parsed reply with a ZCL readRsp to the inverter (the raw ones get none)", () => {
    const sentTo = (nwk: number) => z2m.adapter.sent.filter((f) => f.networkAddress === nwk);
    expect(sentTo(INV.ds3.nwkAddr).map((f) => [f.kind, f.clusterId, f.commandName])).toEqual([
      ["zcl", 262, "readRsp"],
    ]);
    expect(sentTo(INV.qs1.nwkAddr)).toEqual([]);
    expect(sentTo(INV.yc600.nwkAddr)).toEqual([]);
  });

  it("a serial whose 5th–6th digits spell another ZCL global command is dropped by herdsman (a known limit)", () => {
    expect(receivedTypes(INV.dropped)).toEqual([]);
    expect(z2m.published.some((p) => p.topic === `zigbee2mqtt/${INV.dropped.friendlyName}`)).toBe(false);
  });
});

const discovery = (inv: SeededInverter) => discoveryOf(z2m.published, inv.ieeeAddr);

/** What Home Assistant needs per key (HA sensor docs: device classes, state classes, units). */
const HA: Record<string, [deviceClass: string, stateClass: string, unit: string]> = {
  power: ["power", "measurement", "W"],
  ac_voltage: ["voltage", "measurement", "V"],
  ac_frequency: ["frequency", "measurement", "Hz"],
  temperature: ["temperature", "measurement", "°C"],
  energy: ["energy", "total_increasing", "kWh"],
  energy_today: ["energy", "total_increasing", "kWh"],
  dc_voltage: ["voltage", "measurement", "V"],
  dc_current: ["current", "measurement", "A"],
  dc_power: ["power", "measurement", "W"],
};

describe("Home Assistant discovery published by zigbee2mqtt", () => {
  it.each([INV.qs1, INV.qs1a, INV.yc600, INV.ds3])(
    "$friendlyName: every discovered entity has a value in the state",
    (inv) => {
      const missing = [...discovery(inv).keys()].filter((k) => states[inv.friendlyName]![k] == null);
      expect(missing).toEqual([]);
    },
  );

  it("the AES-paired inverter's status 'encrypted' is one of its enum options", () => {
    expect(discovery(INV.aes).get("status")?.options).toContain("encrypted");
  });

  it.each([
    [INV.qs1, 4],
    [INV.qs1a, 4],
    [INV.yc600, 2],
    [INV.ds3, 2],
  ])("$friendlyName: classes, units and distinct names for every sensor and channel", (inv, channels) => {
    const d = discovery(inv);
    for (const [key, [dc, sc, unit]] of Object.entries(HA)) {
      const keys = key.startsWith("dc_")
        ? Array.from({ length: channels }, (_, i) => `${key}_ch${i + 1}`)
        : [key];
      for (const k of keys) {
        expect(d.get(k), k).toMatchObject({
          component: "sensor",
          device_class: dc,
          state_class: sc,
          unit_of_measurement: unit,
          state_topic: `zigbee2mqtt/${inv.friendlyName}`,
        });
        expect(d.get(k)!.value_template).toContain(k);
      }
    }
    for (let c = 1; c <= channels; c++) {
      expect(d.get(`energy_ch${c}`)).toMatchObject({
        device_class: "energy",
        state_class: "total_increasing",
      });
      expect(d.get(`dc_voltage_ch${c}`)!.name).toMatch(new RegExp(`ch${c}\\b`));
    }
    expect(d.has(`dc_voltage_ch${channels + 1}`)).toBe(false);
    // HA: an enum sensor lists its options, has no state class or unit, and rejects a state not listed
    const status = d.get("status")!;
    expect(status).toMatchObject({ component: "sensor", device_class: "enum" });
    expect(status.state_class).toBeUndefined();
    expect(status.unit_of_measurement).toBeUndefined();
    expect(status.options).toEqual(
      expect.arrayContaining(["producing", "idle", "sleeping", "fault", "encrypted"]),
    );
    expect(status.options).toContain(states[inv.friendlyName]!.status);
    for (const f of [
      "fault_ground",
      "fault_grid_voltage",
      "fault_grid_frequency",
      "fault_over_temperature",
      "fault_dc",
    ])
      expect(d.get(f), f).toMatchObject({ component: "binary_sensor", device_class: "problem" });
    // zigbee2mqtt drops names when a device class is set; every entity here must still have its own name
    const names = [...d.values()].map((x) => x.name);
    expect(names.every((n) => typeof n === "string" && n.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    // read-only: no controls
    expect([...d.values()].filter((x) => ["number", "switch", "button"].includes(x.component))).toEqual([]);
    // zigbee2mqtt shows the definition's description as the device model: one short line, marked read-only
    const model = d.get("power")?.device?.model ?? "";
    expect(model).toMatch(/microinverter.*read-only in zigbee2mqtt/);
    expect(model.length).toBeLessThanOrEqual(80);
  });
});
