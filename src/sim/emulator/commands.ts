/**
 * What an emulated inverter does with an APS request that reached it: `<ECU rev 6> <L2 13 bytes>` on
 * cluster 0x0006. Commands per DESIGN.md §2 / src/protocol/commands.ts:
 *
 *   BB poll → telemetry      DC info → info reply (unverified)
 *   DD / DE / D9 protection pages A / B / C from the inverter's grid settings (B carries the limit)
 *   1C/2C 8C 02 <v BE16> 00  QS1/YC600 max power, W = v·256/7395 per panel
 *   AA/AB 27 00 00 <v BE16>  DS3 max power, W = v·0.06027
 *   C1/A1, C2/A2             on / off
 */
import { readUintBE } from "../../protocol/bytes.ts";
import { L2_CMD } from "../../protocol/commands.ts";
import { type L2Frame, parseL2 } from "../../protocol/l2.ts";
import { modelForSerial } from "../../protocol/models.ts";
import { SIM_EN50549_1 } from "../grid-profile.ts";
import type { Rng } from "../random.ts";
import type { TelemetryTruth } from "../truth.ts";
import { limitWattsOfWord } from "../wire/limit.ts";
import { encodeProtectionPage } from "../wire/protection.ts";
import {
  aesPayload,
  controlAckPayload,
  infoPayload,
  modelOf,
  protectionPayload,
  telemetryPayload,
} from "./replies.ts";
import type { EmulatedInverter } from "./types.ts";

/** Page C query (grid-protection.md §1); A is DD, B is DE. */
const PAGE_C_QUERY = 0xd9;

export interface Outcome {
  /** The inverter's radio took the frame (MAC ack): AF_DATA_CONFIRM 00; otherwise 0xCD. */
  heard: boolean;
  /** AF payload it answers with on cluster 0x0106. */
  payload?: Uint8Array;
  /** Set when `payload` is a plain telemetry reply carrying these values. */
  telemetry?: TelemetryTruth;
}

export interface CommandContext {
  rng: Rng;
  /** Answer unicast controls with the DE ack seen on air (see controlAckPayload). */
  controlAck: boolean;
  log: (message: string) => void;
}

/**
 * Runs one request on one inverter at tMs. `ecuOk`: the payload starts with the ECU bytes the inverter is
 * bonded to (else it hears the frame but ignores it). `unicast`: broadcasts get no control ack.
 */
export function execute(
  inv: EmulatedInverter,
  payload: Uint8Array,
  ecuOk: boolean,
  unicast: boolean,
  tMs: number,
  ctx: CommandContext,
): Outcome {
  const probe = (): Outcome => ({ heard: inv.reply(tMs) !== null });
  if (!ecuOk) return probe();
  let l2: L2Frame;
  try {
    l2 = parseL2(payload.subarray(6));
  } catch (e) {
    ctx.log(`inverter ${inv.serial} ignores a request whose L2 does not parse: ${(e as Error).message}`);
    return probe();
  }
  const family = modelForSerial(inv.serial)?.family;
  const b = l2.body;
  switch (l2.cmd) {
    case L2_CMD.POLL:
      return answer(inv, tMs, ctx, (t) => telemetryPayload(t), true);
    case L2_CMD.PAGE_DD:
      return page(inv, tMs, ctx, "A");
    case L2_CMD.QUERY_DE:
      return page(inv, tMs, ctx, "B");
    case PAGE_C_QUERY:
      return page(inv, tMs, ctx, "C");
    case L2_CMD.INFO:
      return answer(inv, tMs, ctx, (t) => infoPayload(inv.serial, t.model));
    case L2_CMD.SET_POWER_QS1:
    case L2_CMD.SET_POWER_QS1_BROADCAST:
      if ((family !== "qs1" && family !== "yc600") || b[0] !== 0x8c || b[1] !== 0x02) return probe();
      return control(inv, unicast, ctx, () =>
        inv.setMaxPower(limitWattsOfWord(family, readUintBE(b, 2, 2)), tMs),
      );
    case L2_CMD.SET_POWER_DS3:
    case L2_CMD.SET_POWER_DS3_BROADCAST:
      if (family !== "ds3" || b[0] !== 0x27) return probe();
      return control(inv, unicast, ctx, () =>
        inv.setMaxPower(limitWattsOfWord(family, readUintBE(b, 3, 2)), tMs),
      );
    case L2_CMD.ON:
    case L2_CMD.ON_BROADCAST:
      return control(inv, unicast, ctx, () => inv.setOn(true, tMs));
    case L2_CMD.OFF:
    case L2_CMD.OFF_BROADCAST:
      return control(inv, unicast, ctx, () => inv.setOn(false, tMs));
    default:
      return probe();
  }
}

/** A protection-page query (DD / DE / D9); page B also carries the stored limit. Silent where the model has no such page. */
function page(inv: EmulatedInverter, tMs: number, ctx: CommandContext, p: "A" | "B" | "C"): Outcome {
  const family = modelOf(inv.serial).family;
  const settings = inv.gridSettings?.() ?? SIM_EN50549_1;
  const probe = encodeProtectionPage(family, p, settings, 0);
  if (!probe) return { heard: inv.reply(tMs) !== null };
  return answer(inv, tMs, ctx, (t) => protectionPayload(inv.serial, p, settings, t.limitW, t.model));
}

function answer(
  inv: EmulatedInverter,
  tMs: number,
  ctx: CommandContext,
  build: (t: TelemetryTruth) => Uint8Array,
  isTelemetry = false,
): Outcome {
  const truth = inv.reply(tMs);
  if (!truth) return { heard: false };
  const plain = build(truth);
  if (truth.encrypted) return { heard: true, payload: aesPayload(plain, ctx.rng) };
  return isTelemetry ? { heard: true, payload: plain, telemetry: truth } : { heard: true, payload: plain };
}

function control(inv: EmulatedInverter, unicast: boolean, ctx: CommandContext, run: () => boolean): Outcome {
  let heard: boolean;
  try {
    heard = run();
  } catch (e) {
    // The wire value decodes outside what the model accepts: the inverter hears it and refuses.
    ctx.log(`inverter ${inv.serial} refuses a command: ${(e as Error).message}`);
    return { heard: true };
  }
  if (!heard) return { heard: false };
  return unicast && ctx.controlAck
    ? { heard: true, payload: controlAckPayload(inv.serial) }
    : { heard: true };
}
