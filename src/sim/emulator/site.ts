/**
 * The simulated site behind `localecu emulate`: the demo site, or the given serials on the demo
 * house's roof (demo location, 400 Wp modules, inverters alternating between its south and west faces).
 */
import { isSerial } from "../../protocol/ids.ts";
import { modelForSerial } from "../../protocol/models.ts";
import { createDemoSite, DEMO_LOCATION, DEMO_MODULE, DEMO_ROOF_FACES } from "../demo-site.ts";
import { SimSite } from "../site.ts";
import type { TelemetryEmitted } from "./types.ts";

/** Throws RangeError naming the bad serial when one cannot be simulated. */
export function emulatorSite(serials: readonly string[] | undefined, seed: number): SimSite {
  if (!serials) return createDemoSite({ seed });
  const seen = new Set<string>();
  const inverters = serials.map((serial, i) => {
    if (!isSerial(serial)) throw new RangeError(`'${serial}' is not a 12-digit inverter serial`);
    if (seen.has(serial)) throw new RangeError(`inverter ${serial} is listed twice`);
    seen.add(serial);
    const model = modelForSerial(serial);
    if (!model || model.family === "yc1000") {
      throw new RangeError(
        `cannot simulate ${serial}: use a QS1 (801 802 804 805), QS1A (806), YC600 (406–409) or DS3 (703 704) serial`,
      );
    }
    const face = DEMO_ROOF_FACES[i % 2 === 0 ? "south" : "west"];
    return { serial, panels: Array.from({ length: model.channels }, () => ({ ...DEMO_MODULE, ...face })) };
  });
  return new SimSite({ ...DEMO_LOCATION, seed, inverters });
}

/**
 * One `--truth` line: the exact (unquantised) values the stick encoded into a telemetry reply, keyed like
 * `localecu decode` output so decoded and true values line up field by field.
 */
export function truthLine(e: TelemetryEmitted): Record<string, unknown> {
  const t = e.truth;
  return {
    serial: t.serial,
    model: t.model,
    time: new Date(e.tMs).toISOString(),
    short_address: `0x${e.shortAddress.toString(16).padStart(4, "0").toUpperCase()}`,
    temperature_c: t.temperatureC,
    frequency_hz: t.frequencyHz,
    ac_voltage_v: t.acVoltageV,
    uptime_s: t.uptimeS,
    ac_power_w: t.acPowerW,
    reactive_power_var: t.reactivePowerVar,
    status_raw: Buffer.from(t.statusBytes).toString("hex"),
    channels: t.channels.map((c, i) => ({
      channel: i + 1,
      voltage_v: c.voltageV,
      current_a: c.currentA,
      energy_counter: c.energyCounter,
    })),
    limit_w: t.limitW,
    on: t.on,
  };
}
