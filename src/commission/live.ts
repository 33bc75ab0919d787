/**
 * What commission asks of the radio, one inverter at a time: a poll (does it answer, from where, how
 * well, and what each input produces), the info query, and the protection pages. Read only: nothing
 * here writes to an inverter.
 */

import { FrameError } from "../protocol/errors.ts";
import type { ProtectionReading } from "../protocol/protection/types.ts";
import type { InfoReply } from "../protocol/types.ts";
import type { InverterInput } from "../radio/inverters.ts";
import type { PollOutcome } from "../radio/scheduler.ts";
import type { InverterConfig } from "../site/config/types.ts";
import type { InverterObservation } from "./report.ts";

/** The part of the stick commission uses (src/radio/stick.ts). */
export interface CommissionRadio {
  addInverter(i: InverterInput): unknown;
  poll(serial: string): Promise<PollOutcome>;
  queryInfo(serial: string): Promise<InfoReply | undefined>;
  readProtection(serial: string): Promise<ProtectionReading>;
}

export async function observeInverter(
  radio: CommissionRadio,
  inv: InverterConfig,
  expectedShort: number | undefined,
  progress: (line: string) => void,
): Promise<InverterObservation> {
  const o: InverterObservation = { serial: inv.serial, poll: { kind: "silent", reason: "not paired" } };
  if (expectedShort === undefined) return o;
  o.expectedShort = expectedShort;
  const entry: InverterInput = { serial: inv.serial, shortAddress: expectedShort };
  if (inv.model) entry.model = inv.model;
  radio.addInverter(entry);
  progress(`${inv.serial}: polling`);
  const out = await radio.poll(inv.serial);
  if (out.kind === "reading") {
    const reply = out.reading.reply;
    o.poll = {
      kind: "answered",
      shortAddress: out.reading.shortAddress,
      linkQuality: out.reading.linkQuality,
      powers:
        reply.kind === "telemetry" ? reply.channels.map((c) => ({ input: c.input, powerW: c.powerW })) : [],
    };
  } else if (out.kind === "error") {
    // A reply carrying another serial means the stored short address now belongs to another inverter.
    const stale = out.error instanceof FrameError && out.error.code === "serial";
    o.poll = {
      kind: "silent",
      reason: stale ? out.error.message.replace(/^serial: /, "") : out.error.message,
    };
  } else if (out.kind === "no-route") {
    o.poll = {
      kind: "silent",
      reason:
        "no route (AF_DATA_CONFIRM 0xCD): not paired to this ECU id, out of range, or the short address is wrong",
    };
  } else {
    o.poll = { kind: "silent", reason: "delivered but not answered: is there daylight on its panels?" };
  }
  if (o.poll.kind !== "answered") return o;
  if (radio.queryInfo) {
    progress(`${inv.serial}: info query`);
    try {
      const info = await radio.queryInfo(inv.serial);
      o.info = info
        ? {
            modelCode: info.modelCode,
            raw: info.raw,
            ...(info.modelName ? { modelName: info.modelName } : {}),
          }
        : { error: "no answer" };
    } catch (e) {
      o.info = { error: (e as Error).message };
    }
  }
  if (radio.readProtection) {
    progress(`${inv.serial}: reading the protection pages`);
    try {
      o.protection = await radio.readProtection(inv.serial);
    } catch (e) {
      o.protection = { error: (e as Error).message };
    }
  } else {
    o.protection = { error: "this build has no protection read" };
  }
  return o;
}
