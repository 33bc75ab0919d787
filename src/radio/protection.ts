/**
 * Reading an inverter's grid-protection pages (read only: nothing here writes a setting).
 *
 * Pacing as the openaps reader does it (grid-protection.md §1): one inverter at a time (replies of two
 * inverters otherwise cross-talk in the vendor's modem), 300 ms between pages, 500 ms before the next
 * inverter, and a second pass that fills pages lost in the first. We know which page answered, so the
 * second pass asks only for the missing ones instead of the whole set again: the same result for less
 * airtime. Each page request is an ordinary exchange on the shared air queue, at command priority and
 * inside the airtime budget.
 *
 * On air: page reads are captured for DS3 (A, B), QS1A (A, B, C) and YC600 (B); QS1 (non-A) shares the
 * QS1A decoder in openaps but no QS1 page was captured; YC600 page A is from the vendor source only.
 * See PROTECTION_READ_EVIDENCE.
 */
import {
  buildProtectionQuery,
  mergeProtectionPages,
  type ProtectionPage,
  type ProtectionPageReading,
  type ProtectionReading,
  protectionPagesOf,
} from "../protocol/index.ts";
import type { AirQueue } from "./air.ts";
import { type Clock, sleep, systemClock } from "./clock.ts";
import { decodeForEntry } from "./decode.ts";
import { RadioError } from "./errors.ts";
import type { RadioEvents } from "./events.ts";
import type { InverterEntry, InverterTable } from "./inverters.ts";
import { hexByte, type RadioLogger, silentLogger } from "./log.ts";

export interface ProtectionReadOptions {
  clock?: Clock;
  logger?: RadioLogger;
  /** Between two page requests to one inverter; openaps: 300 ms. */
  pageGapMs?: number;
  /** After one inverter's read before the next inverter's; openaps: 500 ms. */
  inverterGapMs?: number;
  /** Passes over the pages; a later pass asks only for pages still missing. openaps: 2. */
  passes?: number;
  /** How long to wait for each page. */
  replyTimeoutMs?: number;
}

/** Whether reading a page was seen on air per model: the codec's table (src/protocol/protection/evidence.ts). */
export { PROTECTION_READ_EVIDENCE } from "../protocol/protection/evidence.ts";

export class ProtectionReader {
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly air: AirQueue,
    private readonly table: InverterTable,
    private readonly events: RadioEvents,
    private readonly opts: ProtectionReadOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * Reads and merges one inverter's protection pages. Rejects with RadioError "unknown-inverter" (not
   * paired), "unsupported" (a model with no decoded pages) or "no-reply" (no page answered); a partial
   * answer resolves, its `pages` saying which pages came.
   */
  read(serial: string): Promise<ProtectionReading> {
    const run = this.chain.then(() => this.readOne(serial));
    this.chain = run.catch(() => undefined).then(() => sleep(this.clock, this.opts.inverterGapMs ?? 500));
    return run;
  }

  private async readOne(serial: string): Promise<ProtectionReading> {
    const e = this.table.require(serial);
    const wanted = protectionPagesOf(e.model.family);
    if (wanted.length === 0) {
      throw new RadioError(
        "unsupported",
        `${serial} is a ${e.model.model}: no protection page is decoded for it`,
      );
    }
    const got = new Map<ProtectionPage, ProtectionPageReading>();
    const why = new Map<ProtectionPage, string>();
    const passes = this.opts.passes ?? 2;
    let first = true;
    for (let pass = 1; pass <= passes; pass++) {
      for (const page of wanted.filter((p) => !got.has(p))) {
        if (!first) await sleep(this.clock, this.opts.pageGapMs ?? 300);
        first = false;
        const r = await this.readPage(e, page);
        if (typeof r === "string") why.set(page, r);
        else got.set(page, r);
      }
    }
    if (got.size === 0) {
      const reasons = [...why].map(([p, w]) => `page ${p}: ${w}`).join("; ");
      throw new RadioError(
        "no-reply",
        `${serial} answered no protection page in ${passes} passes (${reasons})`,
      );
    }
    const missing = wanted.filter((p) => !got.has(p));
    if (missing.length > 0) {
      this.logger.warn(
        `protection read of ${serial}: page(s) ${missing.join(", ")} did not answer (${missing.map((p) => why.get(p)).join("; ")})`,
      );
    }
    const reading = mergeProtectionPages(
      serial,
      e.model.model,
      wanted.flatMap((p) => got.get(p) ?? []),
    );
    this.events.emit("protectionRead", { reading, at: this.clock.now() });
    return reading;
  }

  /** One page, or why it did not come. */
  private async readPage(e: InverterEntry, page: ProtectionPage): Promise<ProtectionPageReading | string> {
    let decoded: ProtectionPageReading | undefined;
    const out = await this.air.exchange(
      {
        shortAddress: e.shortAddress,
        l2: buildProtectionQuery(page),
        accept: (payload) => {
          decoded = pageOf(payload, e, page);
          return decoded !== undefined;
        },
        replyTimeoutMs: this.opts.replyTimeoutMs,
      },
      "command",
    );
    if (out.kind === "reply" && decoded) return decoded;
    if (out.kind === "no-route") return `not delivered (AF_DATA_CONFIRM ${hexByte(out.status)})`;
    return "no reply";
  }
}

/** The page in a reply from this inverter, if it is the page asked for (page B arrives as the limit reply). */
function pageOf(
  payload: Uint8Array,
  e: InverterEntry,
  page: ProtectionPage,
): ProtectionPageReading | undefined {
  try {
    const r = decodeForEntry(payload, e);
    if (r.kind === "protection" && r.page === page) return { page: r.page, settings: r.settings, raw: r.raw };
    if (r.kind === "limit" && r.protection?.page === page) return r.protection;
  } catch {
    // Another inverter's reply, a cut page, a stale short address: not this page.
  }
  return undefined;
}
