/**
 * One poll the honest way: the simulator's answer (TelemetryTruth) encoded to the bytes a real inverter
 * sends (src/sim/wire, the emulator's own encoder), then decoded by the codec (src/protocol) into the
 * Telemetry the diagnosis takes. AES-paired inverters send scrambled bytes the codec reports as such.
 */
import type { FaultInput } from "../../src/automations/faults/types.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { aesPayload, telemetryPayload } from "../../src/sim/emulator/replies.ts";
import type { InverterSim } from "../../src/sim/inverter.ts";
import type { Rng } from "../../src/sim/random.ts";

export function poll(inv: InverterSim, atMs: number, rng: Rng): FaultInput {
  const truth = inv.reply(atMs);
  if (!truth) return { kind: "no-reply", atMs, serial: inv.serial };
  const plain = telemetryPayload(truth);
  const reply = decodeReply(truth.encrypted ? aesPayload(plain, rng) : plain);
  if (reply.kind === "encrypted") return { kind: "no-reply", atMs, serial: inv.serial, encrypted: true };
  if (reply.kind !== "telemetry")
    throw new Error(`bench: ${inv.serial} answered a poll with a ${reply.kind} reply`);
  return { kind: "reading", atMs, telemetry: reply };
}
