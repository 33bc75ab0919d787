/**
 * Whether reading each protection page was seen on air for a model (grid-protection.md §2, §4): the
 * "confirmed / unverified" every hardware interaction states.
 */
import type { ControlInfo, ModelName } from "../models.ts";
import type { ProtectionPage } from "./types.ts";

export const PROTECTION_READ_EVIDENCE: Readonly<
  Record<ModelName, Partial<Record<ProtectionPage, ControlInfo>>>
> = {
  DS3: {
    A: { status: "confirmed", evidence: "openaps live capture of a DS3 page A (2026-05-22)" },
    B: { status: "confirmed", evidence: "openaps and ESP32-read-APS-inverters captures of DS3 page B" },
  },
  QS1A: {
    A: { status: "confirmed", evidence: "openaps capture of QS1A 806000042582 page A (DB)" },
    B: { status: "confirmed", evidence: "openaps capture of a QS1A page B (DE)" },
    C: { status: "confirmed", evidence: "openaps capture of a QS1A page C (D9)" },
  },
  QS1: {
    A: { status: "unverified", evidence: "openaps decodes QS1 like QS1A; no QS1 page captured" },
    B: { status: "unverified", evidence: "openaps decodes QS1 like QS1A; no QS1 page captured" },
    C: { status: "unverified", evidence: "openaps decodes QS1 like QS1A; no QS1 page captured" },
  },
  YC600: {
    A: { status: "unverified", evidence: "vendor ECU source (2017) only; no page captured" },
    B: {
      status: "confirmed",
      evidence: "ESP32-read-APS-inverters capture and five ECU-C sniffs of YC600 page B",
    },
  },
  YC1000: {},
};

/** One claim for the whole read: confirmed only when every page the model answers is. */
export function protectionReadInfo(model: ModelName): ControlInfo {
  const pages = Object.entries(PROTECTION_READ_EVIDENCE[model]) as [ProtectionPage, ControlInfo][];
  if (pages.length === 0)
    return { status: "unverified", evidence: `no protection page is decoded for the ${model}` };
  const confirmed = pages.every(([, c]) => c.status === "confirmed");
  return {
    status: confirmed ? "confirmed" : "unverified",
    evidence: pages.map(([p, c]) => `page ${p}: ${c.status} (${c.evidence})`).join("; "),
  };
}
