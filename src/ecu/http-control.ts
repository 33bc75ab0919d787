/**
 * The Linux ECUs' web pages that queue an inverter command (ecu-lan-protocol.md §3): ECU-R-Pro (2162) and
 * ECU-C (215x) serve `index.php/configuration/...`; form-encoded POSTs with `X-Requested-With:
 * XMLHttpRequest`, no login, answered with JSON `{"value": n, "message": "..."}` where 0 = accepted.
 * The ECU only queues the command: the inverter acts after its next ZigBee round ("See the results
 * 5 minutes later"). No capture shows these pages working on 2026 firmware, and several firmwares
 * removed them (§3.1): every control here is unverified.
 */
import type { EcuModel } from "../protocol/ecu/types.ts";

/** The ECU's web server (plain HTTP on port 80). */
export const ECU_HTTP_PORT = 80;
/** The pages answer at once (they only write a table row); a slow one is a busy or hung ECU. */
export const ECU_HTTP_TIMEOUT_MS = 10_000;

export const PAGE_SWITCH = "configuration/set_switch_state";
export const PAGE_MAX_POWER = "configuration/set_maxpower";

/** What one POST gave. */
export type EcuPageResult =
  /** 200 with the JSON answer; `value` 0 = accepted. */
  | { kind: "answer"; value: number; message: string }
  /** 404 (or another 4xx): the firmware has no such page (removed in 2025–2026). */
  | { kind: "gone"; status: number; detail: string }
  /** Nothing listens for HTTP there: no web UI (ECU-R 2160, ECU-B), or the web server is off. */
  | { kind: "refused"; detail: string }
  /** An answer that is not the pages' JSON (an HTML page, a 5xx, a cut body). */
  | { kind: "bad-answer"; status: number; detail: string }
  /** No answer in time, or the host cannot be reached. */
  | { kind: "no-answer"; detail: string };

export interface EcuHttpTarget {
  host: string;
  /** Default ECU_HTTP_PORT. */
  port?: number;
}

/**
 * Max power per input the page accepts: 20–500 W on ECU-R-Pro / ECU-C (bolkedebruin in ecu_reader#137),
 * 20–300 W in the ECU-3 sources; an ECU of unknown model gets the narrower one.
 */
export function ecuMaxPowerRangeW(model: EcuModel): readonly [number, number] {
  return model === "ECU-R-Pro" || model === "ECU-C" ? [20, 500] : [20, 300];
}

/** Whether the model has the web UI at all (§1: ECU-R 2160 and ECU-B have none). */
export function ecuHasWebUi(model: EcuModel): boolean | undefined {
  if (model === "ECU-R" || model === "ECU-B") return false;
  if (model === "ECU-R-Pro" || model === "ECU-C" || model === "ECU-3") return true;
  return undefined;
}

export class EcuHttpControl {
  readonly base: string;

  constructor(
    readonly target: EcuHttpTarget,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    const host = target.host.includes(":") && !target.host.startsWith("[") ? `[${target.host}]` : target.host;
    this.base = `http://${host}:${target.port ?? ECU_HTTP_PORT}/index.php/`;
  }

  /** Queues one inverter on or off (rejects a UID that is not 12 digits): `ids[]` = UID + `1` (on) or `2` (off). */
  async setSwitchState(uid: string, on: boolean): Promise<EcuPageResult> {
    checkUid(uid);
    return this.post(PAGE_SWITCH, [["ids[]", `${uid}${on ? "1" : "2"}`]]);
  }

  /** Queues one inverter's max power, W per DC input, a whole number inside `range`. */
  async setMaxPower(
    uid: string,
    wattsPerInput: number,
    range: readonly [number, number],
  ): Promise<EcuPageResult> {
    checkUid(uid);
    const [lo, hi] = range;
    if (!Number.isInteger(wattsPerInput) || wattsPerInput < lo || wattsPerInput > hi) {
      throw new RangeError(
        `the ECU's max-power page takes whole watts per input from ${lo} to ${hi}, got ${wattsPerInput}: send a value in that range`,
      );
    }
    return this.post(PAGE_MAX_POWER, [
      ["id", uid],
      ["maxpower", String(wattsPerInput)],
    ]);
  }

  /** One form POST, as the ECU's own pages send it. Never throws for what the ECU does. */
  async post(page: string, form: [string, string][]): Promise<EcuPageResult> {
    const body = new URLSearchParams(form).toString();
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.base + page, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
          "X-Requested-With": "XMLHttpRequest",
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? ECU_HTTP_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (e) {
      return networkFailure(e as Error, this.base + page);
    }
    return readAnswer(res.status, text);
  }
}

function checkUid(uid: string): void {
  if (!/^\d{12}$/.test(uid)) {
    throw new RangeError(`an inverter UID is the 12 digits on its label, got '${uid}'`);
  }
}

/** The pages' JSON, or what else came back. */
export function readAnswer(status: number, text: string): EcuPageResult {
  const head = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  if (status >= 400 && status < 500) {
    return {
      kind: "gone",
      status,
      detail: `HTTP ${status}${/not found/i.test(text) ? " Page Not Found" : ""}`,
    };
  }
  if (status !== 200) return { kind: "bad-answer", status, detail: `HTTP ${status}: ${head.trim()}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "bad-answer", status, detail: `not the page's JSON answer: ${JSON.stringify(head)}` };
  }
  const o = parsed as { value?: unknown; message?: unknown } | null;
  const value = typeof o?.value === "string" && /^-?\d+$/.test(o.value) ? Number(o.value) : o?.value;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return {
      kind: "bad-answer",
      status,
      detail: `JSON without a whole-number "value": ${JSON.stringify(head)}`,
    };
  }
  return { kind: "answer", value, message: typeof o?.message === "string" ? o.message : "" };
}

function networkFailure(e: Error, url: string): EcuPageResult {
  if (e.name === "TimeoutError" || e.name === "AbortError") {
    return { kind: "no-answer", detail: `no answer from ${url} in time` };
  }
  const code = (e.cause as { code?: string } | undefined)?.code ?? (e as { code?: string }).code;
  if (code === "ECONNREFUSED") return { kind: "refused", detail: `connection refused at ${url}` };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
    return { kind: "bad-answer", status: 0, detail: `the connection to ${url} was cut (${code})` };
  }
  return {
    kind: "no-answer",
    detail: `${url}: ${code ?? (e.cause as Error | undefined)?.message ?? e.message}`,
  };
}

/** One line for an answer, for logs and command results. */
export function pageResultText(r: EcuPageResult): string {
  switch (r.kind) {
    case "answer":
      return `answered value ${r.value}${r.message ? ` "${r.message}"` : ""}`;
    case "gone":
      return `page gone (${r.detail})`;
    default:
      return r.detail;
  }
}
