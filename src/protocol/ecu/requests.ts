/**
 * Requests to the ECU's LAN port 8899 (ecu-lan-protocol.md §2.2–2.3). All ASCII:
 *
 *   "APS" "11" LLLL CCCC [ECU id, 12 digits] "END" { argument "END" } [LF]
 *
 * LLLL counts the characters from the A of APS through the D of the last END (the LF is not counted):
 * `APS1100160001END` = 16; `APS1100280002216000061728END` = 28. The ECU id goes in every request but
 * 0001 (which is how a client learns it). The HA and ioBroker integrations end with a LF, the vendor's
 * own tool does not; ECUs answer both. We send the LF by default, as the most-used integrations do.
 */
import { FrameError } from "../errors.ts";
import type { EcuEnergyPeriod } from "./types.ts";

export interface EcuRequest {
  command: string;
  ecuId?: string;
  args: string[];
  /** The length field as sent, and whether it matches the characters present (ECUs do not check it). */
  length: number;
  lengthOk: boolean;
  lf: boolean;
}

function checkEcuId(ecuId: string): string {
  if (!/^\d{12}$/.test(ecuId)) {
    throw new FrameError(
      "serial",
      `ECU id must be the 12 digits the ECU reports in its 0001 answer (e.g. 216000061728), got '${ecuId}'`,
    );
  }
  return ecuId;
}

/** Any request: command code, the ECU id (omit only for 0001) and argument groups. */
export function buildEcuRequest(
  command: string,
  opts: { ecuId?: string; args?: string[]; lf?: boolean } = {},
): string {
  if (!/^\d{4}$/.test(command)) {
    throw new FrameError("command", `an 8899 command code is 4 decimal digits (e.g. 0002), got '${command}'`);
  }
  if (opts.ecuId === undefined && command !== "0001") {
    throw new FrameError("serial", `command ${command} needs the ECU id (read it with 0001 first)`);
  }
  const id = opts.ecuId === undefined ? "" : checkEcuId(opts.ecuId);
  for (const a of opts.args ?? []) {
    if (!/^[0-9A-Za-z]*$/.test(a) || a.includes("END")) {
      throw new FrameError(
        "range",
        `request arguments are plain letters and digits without "END", got '${a}'`,
      );
    }
  }
  const tail = `${command}${id}END${(opts.args ?? []).map((a) => `${a}END`).join("")}`;
  const length = 9 + tail.length;
  if (length > 9999)
    throw new FrameError("range", `a request of ${length} characters does not fit the 4-digit length`);
  return `APS11${String(length).padStart(4, "0")}${tail}${opts.lf === false ? "" : "\n"}`;
}

/** 0001 — ECU information (the only request without the ECU id): `APS1100160001END`. */
export const infoRequest = (opts: { lf?: boolean } = {}) => buildEcuRequest("0001", opts);

/** 0002 — real-time data of every inverter. */
export const realtimeRequest = (ecuId: string, opts: { lf?: boolean } = {}) =>
  buildEcuRequest("0002", { ...opts, ecuId });

/** 0030 — signal level per inverter. */
export const signalRequest = (ecuId: string, opts: { lf?: boolean } = {}) =>
  buildEcuRequest("0030", { ...opts, ecuId });

/** 0012 — the ECU's clock. */
export const clockRequest = (ecuId: string, opts: { lf?: boolean } = {}) =>
  buildEcuRequest("0012", { ...opts, ecuId });

/** 0003 — power of one day; `day` as `YYYY-MM-DD` or `YYYYMMDD`. */
export function powerOfDayRequest(ecuId: string, day: string, opts: { lf?: boolean } = {}): string {
  const d = day.replace(/-/g, "");
  if (!/^\d{8}$/.test(d)) {
    throw new FrameError("range", `the day for 0003 is YYYY-MM-DD or YYYYMMDD, got '${day}'`);
  }
  return buildEcuRequest("0003", { ...opts, ecuId, args: [d] });
}

/** 0004 period codes (npeter lib/ecu.js; vendor tool). */
export const ENERGY_PERIOD_CODE: Record<EcuEnergyPeriod, string> = { week: "00", month: "01", year: "02" };

/** 0004 — energy per day of the last week or month, or per month of the last year. */
export const energyHistoryRequest = (ecuId: string, period: EcuEnergyPeriod, opts: { lf?: boolean } = {}) =>
  buildEcuRequest("0004", { ...opts, ecuId, args: [ENERGY_PERIOD_CODE[period]] });

/**
 * Reads a request back (what the ECU, and so our ECU emulator, receives). The ECU id is recognised as
 * 12 digits before the first END; the length field is reported, not enforced, as the ECUs do.
 */
export function parseEcuRequest(text: string): EcuRequest {
  const lf = text.endsWith("\n");
  const body = lf ? text.slice(0, -1) : text;
  const head = /^APS11(\d{4})(\d{4})/.exec(body);
  // Arguments never contain "END", so splitting on it is exact (and cannot backtrack like a regex would).
  const parts = body.slice(13).split("END");
  const idPart = parts[0] ?? "";
  const args = parts.slice(1, -1);
  if (
    head === null ||
    parts.length < 2 ||
    parts.at(-1) !== "" ||
    !/^(\d{12})?$/.test(idPart) ||
    args.some((a) => !/^[0-9A-Za-z]*$/.test(a))
  ) {
    throw new FrameError(
      "sof",
      `a request is "APS11" + 4-digit length + 4-digit command + [12-digit ECU id] + "END" + arguments each ending "END", got '${body.slice(0, 40)}'`,
      0,
    );
  }
  const length = Number(head[1]);
  return {
    command: head[2]!,
    ...(idPart === "" ? {} : { ecuId: idPart }),
    args,
    length,
    lengthOk: length === body.length,
    lf,
  };
}
