/**
 * The snake_case JSON shape users see from `decode`, `probe` and logs. Numbers are rounded to the wire
 * resolution so output is stable and readable; the decoders themselves keep full precision.
 */
import type { DecodedMessage } from "../protocol/dump.ts";
import { activeFaults } from "../protocol/status.ts";
import type { PairingReply, Reply, StatusFlags } from "../protocol/types.ts";
import { formatSettings } from "./format-protection.ts";

const r = (v: number, digits: number) => Number(v.toFixed(digits));

export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function statusJson(s: StatusFlags): Record<string, boolean> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [snake(k), v]));
}

export function formatReply(reply: Reply | PairingReply): Record<string, unknown> {
  const serial = reply.serial === "" ? null : reply.serial;
  switch (reply.kind) {
    case "telemetry":
      return {
        serial,
        model: reply.model,
        kind: reply.kind,
        temperature_c: r(reply.temperatureC, 1),
        frequency_hz: r(reply.frequencyHz, 3),
        ac_voltage_v: r(reply.acVoltageV, 1),
        uptime_s: reply.uptimeS,
        ac_power_w: r(reply.acPowerW, 1),
        ac_power_source: reply.acPowerSource,
        ...(reply.reactivePowerVar === undefined ? {} : { reactive_power_var: reply.reactivePowerVar }),
        status: statusJson(reply.status),
        faults: activeFaults(reply.status).map(snake),
        status_raw: reply.statusRaw,
        channels: reply.channels.map((c) => ({
          channel: c.channel,
          input: c.input,
          voltage_v: r(c.voltageV, 2),
          current_a: r(c.currentA, 3),
          power_w: r(c.powerW, 1),
          energy_wh: r(c.energyWh, 2),
          energy_counter: c.energyCounter,
        })),
      };
    case "limit":
      return {
        serial,
        model: reply.model,
        kind: reply.kind,
        ...(reply.limitPer === "panel"
          ? { limit_w_per_panel: r(reply.limitW, 1) }
          : { limit_w: r(reply.limitW, 1) }),
        limit_raw: reply.limitRaw,
        ...(reply.protection
          ? { page: reply.protection.page, settings: formatSettings(reply.protection.settings) }
          : {}),
      };
    case "protection":
      return {
        serial,
        model: reply.model,
        kind: reply.kind,
        page: reply.page,
        settings: formatSettings(reply.settings),
      };
    case "pairing":
      return { serial, kind: reply.kind, short_address: hex4(reply.shortAddress) };
    case "info":
      return {
        serial,
        kind: reply.kind,
        model_code: reply.modelCode,
        model: reply.modelName ?? null,
        raw: reply.raw,
      };
    case "ack":
      return { serial, kind: reply.kind, ok: reply.ok };
    case "encrypted":
      return { serial, kind: reply.kind, message: reply.reason };
    case "unknown":
      return { serial, kind: reply.kind, cmd: hex2(reply.cmd), l2: reply.l2 };
  }
}

export function formatMessage(m: DecodedMessage): Record<string, unknown> {
  const out = formatReply(m.reply);
  if (m.shortAddress !== undefined && m.reply.kind !== "pairing") out.short_address = hex4(m.shortAddress);
  if (m.linkQuality !== undefined) out.link_quality = m.linkQuality;
  return out;
}

export function hex4(v: number): string {
  return `0x${v.toString(16).padStart(4, "0").toUpperCase()}`;
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, "0").toUpperCase();
}
