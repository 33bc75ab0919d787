/**
 * The grid profile in Home Assistant: one diagnostic sensor per inverter whose state sums up the
 * grid-protection settings read from it, with every setting (code, meaning, value, unit, or why it is not
 * readable) as the `settings` attribute. Read once after start or pairing (src/controller), read only.
 */
import { describeSettings } from "../../protocol/protection/describe.ts";
import { protectionReadInfo } from "../../protocol/protection/evidence.ts";
import type { ProtectionReading } from "../../protocol/protection/types.ts";
import type { InverterSnapshot } from "../snapshot.ts";
import type { EntityDescription } from "./types.ts";

/** "U 196–264 V · f 47.5–52 Hz · 20 read, 9 not readable": the trip window and how much was readable. */
export function gridProfileSummary(r: ProtectionReading): string {
  const v = (code: keyof ProtectionReading["settings"]) => {
    const x = r.settings[code];
    return x?.kind === "value" ? Number(x.value.toFixed(2)) : undefined;
  };
  const parts: string[] = [];
  const [uLow, uHigh, fLow, fHigh] = [v("AC"), v("AD"), v("AE"), v("AF")];
  if (uLow !== undefined && uHigh !== undefined) parts.push(`U ${uLow}–${uHigh} V`);
  if (fLow !== undefined && fHigh !== undefined) parts.push(`f ${fLow}–${fHigh} Hz`);
  const all = Object.values(r.settings);
  const unread = all.filter((x) => x.kind === "not-readable").length;
  parts.push(`${all.length - unread} read, ${unread} not readable`);
  return parts.join(" · ");
}

export const GRID_PROFILE_ENTITY: EntityDescription<InverterSnapshot> = {
  key: "grid_profile",
  name: "Grid profile",
  platform: "sensor",
  entityCategory: "diagnostic",
  icon: "mdi:transmission-tower",
  description:
    "The grid-protection settings read from the inverter (trip limits and times, reconnection window): the trip window in short; every setting with its code, meaning, value and unit, or why it is not readable, is the `settings` attribute. Read once after start or pairing; localecu never writes them",
  attributesKey: "grid_profile_settings",
  attributesName: "settings",
  value: (s) => (s.protection ? gridProfileSummary(s.protection) : undefined),
  attributes: (s) => (s.protection ? describeSettings(s.protection.settings) : undefined),
};

export const READ_GRID_PROFILE_ENTITY: EntityDescription<InverterSnapshot> = {
  key: "read_grid_profile",
  name: "Read grid profile",
  platform: "button",
  icon: "mdi:transmission-tower-import",
  entityCategory: "diagnostic",
  description: "Read the inverter's grid-protection settings again now (read only: nothing is written)",
  control: { command: "read_grid_profile", status: (s) => protectionReadInfo(s.model.model).status },
};
