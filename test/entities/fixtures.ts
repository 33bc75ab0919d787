/**
 * Snapshots for the entity tests, built on telemetry decoded from real captures (test/fixtures/captures.ts)
 * so the state and discovery tests see the values a real QS1, YC600 and DS3 produce.
 */
import type { DiscoveryContext } from "../../src/entities/discovery.ts";
import type { InverterSnapshot, SiteSnapshot } from "../../src/entities/snapshot.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { coordinatorIeee, parseEcuId } from "../../src/protocol/ids.ts";
import { modelForSerial } from "../../src/protocol/models.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { captures } from "../fixtures/captures.ts";

export function telemetryOf(hex: string): Telemetry {
  const r = decodeDump(fromHex(hex));
  const reply = r.messages[0]?.reply;
  if (reply?.kind !== "telemetry") throw new Error(`capture is not telemetry: ${reply?.kind}`);
  return reply;
}

export const TELEMETRY = {
  /** QS1 801000085070 ("johan" capture), 4 panels. */
  qs1: telemetryOf(captures.qs1Johan.hex),
  /** YC600 408000158215, 2 panels. */
  yc600: telemetryOf(captures.yc600Case0.hex),
  /** DS3 703000021300, 2 panels, reports its own AC power. */
  ds3: telemetryOf(captures.ds3Telemetry.hex),
};

/** A producing inverter with the capture's reading, energies accounted and controls known. */
export function producing(
  kind: keyof typeof TELEMETRY,
  name: string,
  extra: Partial<InverterSnapshot> = {},
): InverterSnapshot {
  const t = TELEMETRY[kind];
  const model = modelForSerial(t.serial);
  if (!model) throw new Error(`no model for ${t.serial}`);
  return {
    serial: t.serial,
    name,
    model,
    status: "producing",
    telemetry: t,
    acPowerW: t.acPowerW,
    lifetimeWh: 1_234_567,
    todayWh: 3_456,
    channels: t.channels.map((_, i) => ({ lifetimeWh: 300_000 + i * 1000, todayWh: 800 + i * 10 })),
    linkQuality: 180,
    lastSeenMs: Date.UTC(2024, 5, 21, 10, 30, 0),
    maxPowerW: kind === "ds3" ? 600 : 300,
    on: true,
    shortAddress: 0x05c0,
    ...extra,
  };
}

/** The same inverter at night: the last reading kept, status sleeping. */
export function sleeping(s: InverterSnapshot): InverterSnapshot {
  return { ...s, status: "sleeping" };
}

export const SITE: SiteSnapshot = {
  name: "Home solar",
  powerW: 812.34,
  lifetimeWh: 9_876_543,
  todayWh: 12_345,
  producing: 3,
  inverters: 3,
};

export const ECU_ID = "D8A3011B9780";

export const CTX: DiscoveryContext = {
  baseTopic: "localecu",
  discoveryPrefix: "homeassistant",
  bridgeId: ECU_ID,
  origin: { name: "localecu", sw: "0.1.0", url: "https://example.invalid/localecu" },
  coordinatorIeee: coordinatorIeee(parseEcuId(ECU_ID)),
};
