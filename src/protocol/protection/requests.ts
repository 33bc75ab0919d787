/**
 * Protection-page queries (grid-protection.md §1; OA ProtectionQueryFrames, VEN get_parameters_from_inverter):
 * 13-byte L2 frames with a zero body, sent unicast like the telemetry poll.
 *
 *   A  FB FB 06 DD 00 00 00 00 00 00 E3 FE FE
 *   B  FB FB 06 DE 00 00 00 00 00 00 E4 FE FE   (also the limit read-back after a set-power)
 *   C  FB FB 06 D9 00 00 00 00 00 00 DF FE FE
 *
 * Which model answers which page (§2): DS3 A and B (page C is not decoded by anyone, no capture);
 * QS1/QS1A A, B and C; YC600 A (vendor source only) and B; YC1000 nothing we decode.
 */
import { L2_CMD } from "../commands.ts";
import { buildL2 } from "../l2.ts";
import type { Family } from "../models.ts";
import type { ProtectionPage } from "./types.ts";

export const PROTECTION_QUERY_CMD: Readonly<Record<ProtectionPage, number>> = {
  A: L2_CMD.PAGE_DD,
  B: L2_CMD.QUERY_DE,
  C: 0xd9,
};

export function buildProtectionQuery(page: ProtectionPage): Uint8Array {
  return buildL2(PROTECTION_QUERY_CMD[page], [0, 0, 0, 0, 0]);
}

const PAGES: Readonly<Record<Family, readonly ProtectionPage[]>> = {
  ds3: ["A", "B"],
  qs1: ["A", "B", "C"],
  yc600: ["A", "B"],
  yc1000: [],
};

/** The pages worth asking a family for, in the order the vendor ECU asks them. */
export function protectionPagesOf(family: Family): readonly ProtectionPage[] {
  return PAGES[family];
}
