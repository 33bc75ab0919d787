/**
 * A `localecu control` message → the command the controller would accept, checked here with the
 * controller's own validation (src/entities/commands.ts and site-commands.ts: the published JSON
 * schemas through ajv, then the model's range), so a bad message is refused before anything is sent.
 */
import { validateCommand } from "../entities/commands.ts";
import { validateSiteCommand } from "../entities/site-commands.ts";
import type { LimiterSnapshot } from "../entities/snapshot.ts";
import type { AnnouncedDevice } from "./devices.ts";
import { deviceModel } from "./devices.ts";

/** The commands the node's editor offers; "" = msg.payload holds a whole command object. */
export const INVERTER_COMMANDS = ["max_power", "state", "poll"] as const;
export const SITE_COMMANDS = ["export_limit", "export_limit_target", "export_limit_mode"] as const;

export type Built = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

/** msg.payload (+ the node's chosen command) → the JSON object to send. */
export function commandBody(command: string, payload: unknown): Built {
  if (command === "") {
    let v = payload;
    if (typeof payload === "string") {
      try {
        v = JSON.parse(payload);
      } catch {
        return {
          ok: false,
          error: `msg.payload is not JSON: ${payload.slice(0, 60)} — send an object such as {"max_power": 300}, or choose a command in the node`,
        };
      }
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      return {
        ok: false,
        error: `msg.payload must be a command object such as {"max_power": 300} or {"state": "OFF"}, got ${typeof v === "object" ? JSON.stringify(v) : typeof v} — or choose a command in the node and send a bare value`,
      };
    return { ok: true, body: { ...(v as Record<string, unknown>) } };
  }
  // A poll needs no value: any trigger (an inject's timestamp) asks for a reading.
  if (command === "poll") return { ok: true, body: { poll: true } };
  if (payload === undefined || payload === null || payload === "")
    return {
      ok: false,
      error: `msg.payload is empty — send the value for ${command}, e.g. ${example(command)}`,
    };
  return { ok: true, body: { [command]: payload } };
}

function example(command: string): string {
  const e: Record<string, string> = {
    max_power: "300",
    state: '"OFF"',
    export_limit: '"ON"',
    export_limit_target: "0",
    export_limit_mode: '"zero_export"',
  };
  return e[command] ?? "a value";
}

export type Checked = { ok: true; text: string } | { ok: false; error: string };

/** An inverter command, checked against the announced inverter's model. */
export function checkInverterCommand(
  topic: string,
  body: Record<string, unknown>,
  device: AnnouncedDevice,
  on: boolean | undefined,
): Checked {
  const model = deviceModel(device);
  if (!model)
    return {
      ok: false,
      error: `${device.name}: the controller announces no known model for it (${device.model ?? "none"}), so its range cannot be checked`,
    };
  const text = JSON.stringify(body);
  const r = validateCommand({
    topic,
    payload: text,
    retained: false,
    model,
    ...(on !== undefined ? { on } : {}),
  });
  return r.ok ? { ok: true, text } : { ok: false, error: r.error };
}

/** A site command, checked against the limiter's retained state (undefined: the site has no limiter). */
export function checkSiteCommand(
  topic: string,
  body: Record<string, unknown>,
  limiter: LimiterSnapshot | undefined,
): Checked {
  const text = JSON.stringify(body);
  const r = validateSiteCommand({ topic, payload: text, retained: false, limiter });
  return r.ok ? { ok: true, text } : { ok: false, error: r.error };
}

/**
 * The limiter's part of the site state, as the site command check needs it. The upper end of the allowed
 * export is not in the state; the controller checks it and its refusal comes back as the result.
 */
export function limiterFromSiteState(text: string | undefined): LimiterSnapshot | undefined {
  if (!text) return undefined;
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (s.export_limit === undefined) return undefined;
  return {
    enabled: s.export_limit === "ON",
    targetW: Number(s.export_limit_target ?? 0),
    mode: (s.export_limit_mode as LimiterSnapshot["mode"]) ?? "export_limit",
    state: (s.export_limit_state as LimiterSnapshot["state"]) ?? "idle",
    reason: String(s.export_limit_reason ?? ""),
    writesToday: Number(s.export_limit_writes_today ?? 0),
    maxTargetW: Number.POSITIVE_INFINITY,
  };
}

/** The inverter's output state from its retained state, for TOGGLE. */
export function onFromState(text: string | undefined): boolean | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as { state?: unknown };
    return s.state === "ON" ? true : s.state === "OFF" ? false : undefined;
  } catch {
    return undefined;
  }
}
