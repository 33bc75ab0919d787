/**
 * At start, before anything relies on it: does this ECU still serve the pages that queue a command
 * (ecu-lan-protocol.md §3, §3.1)? Each page is posted once with no inverter named, which the ECU-3
 * sources answer ("nothing selected") without writing anything; any JSON answer means the page is there.
 * ECU-R 2160 and ECU-B have no web UI (§1): they are not asked. The finding goes into the log, the
 * bridge's attributes and every refusal; a page found still makes the control unverified, never confirmed.
 */
import { ecuModelOf } from "../protocol/ecu/info.ts";
import type { EcuModel } from "../protocol/ecu/types.ts";
import type { EcuTarget } from "./errors.ts";
import {
  type EcuHttpControl,
  type EcuPageResult,
  ecuHasWebUi,
  ecuMaxPowerRangeW,
  PAGE_MAX_POWER,
  PAGE_SWITCH,
  pageResultText,
} from "./http-control.ts";
import { EcuLink } from "./link.ts";

export interface EcuControlFinding {
  page: string;
  available: boolean;
  /** No capture shows these pages acting on an inverter with 2026 firmware. */
  status: "unverified";
  finding: string;
}

export interface EcuControlProbe {
  /** The pages' base URL. */
  where: string;
  ecuId?: string;
  ecuModel: EcuModel;
  /** From the ECU's 0001 answer; undefined when it did not answer at start. */
  firmware?: string;
  onOff: EcuControlFinding;
  maxPower: EcuControlFinding;
  /** W per input the max-power page takes on this model. */
  maxPowerRangeW: readonly [number, number];
  /** The ECU-C's export limit page writes the ECU's meter settings when posted: not probed, not used. */
  zeroExport: { available: false; finding: string };
  /** One line for the log and the bridge. */
  summary: string;
  at: number;
}

export interface EcuProbeInput {
  http: EcuHttpControl;
  /** What 0001 said (or the configured ECU id), when known. */
  ecuId?: string;
  ecuModel: EcuModel;
  firmware?: string;
  at: number;
}

export const ZERO_EXPORT_FINDING =
  "not probed and not used: posting the ECU-C's meter/set_meter_display_funcs page changes its export settings; localecu's own export limiter needs a command path without the ECU's 5-minute delay";

export async function probeEcuControl(o: EcuProbeInput): Promise<EcuControlProbe> {
  const web = ecuHasWebUi(o.ecuModel);
  const one = async (page: string): Promise<EcuControlFinding> => {
    if (web === false) {
      return {
        page,
        available: false,
        status: "unverified",
        finding: `the ${o.ecuModel} has no web UI (ecu-lan-protocol.md §1): not asked`,
      };
    }
    const r = await o.http.post(page, []);
    return { page, available: r.kind === "answer", status: "unverified", finding: findingOf(r) };
  };
  // One at a time: the ECU serves one thing at a time as well.
  const onOff = await one(PAGE_SWITCH);
  const maxPower = await one(PAGE_MAX_POWER);
  const model = o.ecuModel === "unknown" ? "ECU of unknown model" : o.ecuModel;
  const fw = o.firmware === undefined ? "firmware not read" : `firmware ${o.firmware}`;
  const word = (f: EcuControlFinding) =>
    f.available ? "available (unverified)" : `not available — ${f.finding}`;
  const any = onOff.available || maxPower.available;
  return {
    where: o.http.base,
    ...(o.ecuId === undefined ? {} : { ecuId: o.ecuId }),
    ecuModel: o.ecuModel,
    ...(o.firmware === undefined ? {} : { firmware: o.firmware }),
    onOff,
    maxPower,
    maxPowerRangeW: ecuMaxPowerRangeW(o.ecuModel),
    zeroExport: { available: false, finding: ZERO_EXPORT_FINDING },
    summary:
      `ECU control pages (${model}, ${fw}, ${o.http.base}): on/off ${word(onOff)}; max power ${word(maxPower)}` +
      (any ? "; the ECU applies a command at its next round (about 5 minutes)" : ""),
    at: o.at,
  };
}

function findingOf(r: EcuPageResult): string {
  switch (r.kind) {
    case "answer":
      return `the page answers (${pageResultText(r)})`;
    case "gone":
      return `${pageResultText(r)}: this firmware removed the web pages (ecu-lan-protocol.md §3.1)`;
    case "refused":
      return `${r.detail}: no web server there (no web UI, or the firmware turned it off)`;
    default:
      return pageResultText(r);
  }
}

export interface EcuStartProbeOptions {
  /** Port 8899, for 0001 (model and firmware). */
  ecu: EcuTarget;
  http: EcuHttpControl;
  /** site.yaml's ecu_id, for the model when 0001 does not answer. */
  ecuId?: string;
  now(): number;
  /** Per 8899 request (default the client's 10 s). */
  timeoutMs?: number;
}

/**
 * Reads 0001 once (the model from the ECU id, the firmware) and probes the pages. An ECU that does not
 * answer 8899 at start is probed anyway, its model taken from site.yaml's ecu_id when given.
 */
export async function probeEcuAtStart(
  o: EcuStartProbeOptions,
): Promise<EcuControlProbe & { infoError?: string }> {
  const link = new EcuLink(o.ecu, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs });
  let ecuId = o.ecuId;
  let firmware: string | undefined;
  let infoError: string | undefined;
  try {
    const info = await link.readInfo();
    ecuId = info.ecuId;
    firmware = info.firmware;
  } catch (e) {
    infoError = (e as Error).message;
  } finally {
    link.close();
  }
  const probe = await probeEcuControl({
    http: o.http,
    ...(ecuId === undefined ? {} : { ecuId }),
    ecuModel: ecuId === undefined ? "unknown" : ecuModelOf(ecuId),
    ...(firmware === undefined ? {} : { firmware }),
    at: o.now(),
  });
  return infoError === undefined ? probe : { ...probe, infoError };
}
