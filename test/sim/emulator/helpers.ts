/** Test helpers for the stick emulator: a host that writes frames and collects what comes back. */
import type { Duplex } from "node:stream";
import { bringUpSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { encodeZnpFrame, type ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import type { EmulatedInverter } from "../../../src/sim/emulator/types.ts";
import type { TelemetryTruth } from "../../../src/sim/truth.ts";

export const settle = () => new Promise<void>((r) => setImmediate(r));

export class TestHost {
  private chunks: Buffer[] = [];
  readonly parser = new ZnpStreamParser();
  ended = false;

  constructor(readonly stream: Duplex) {
    stream.on("data", (c: Buffer) => this.chunks.push(c));
    stream.on("end", () => {
      this.ended = true;
    });
  }

  /** Writes one frame (or raw bytes) and returns every byte the stick sent back meanwhile. */
  async sendRaw(bytes: Uint8Array): Promise<Uint8Array> {
    this.chunks = [];
    this.stream.write(Buffer.from(bytes));
    await settle();
    await settle();
    return this.take();
  }

  async send(frame: ZnpFrame | Uint8Array): Promise<ZnpFrame[]> {
    const raw = await this.sendRaw(frame instanceof Uint8Array ? frame : encodeZnpFrame(frame));
    return frames(raw);
  }

  /** Bytes received since the last call. */
  take(): Uint8Array {
    const out = new Uint8Array(Buffer.concat(this.chunks));
    this.chunks = [];
    return out;
  }

  chunkCount(): number {
    return this.chunks.length;
  }
}

export function frames(raw: Uint8Array): ZnpFrame[] {
  const p = new ZnpStreamParser();
  return p.push(raw).flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
}

/** ESP-ECU's coordinator bring-up for `ecuId`, ending with the start; returns every answer. */
export async function bringUp(host: TestHost, ecuId = "D8A3011B9780"): Promise<ZnpFrame[]> {
  const out: ZnpFrame[] = [];
  for (const step of bringUpSequence(fromHex(ecuId))) {
    out.push(...(await host.send(step.frame)));
  }
  return out;
}

/** A QS1 (4 inputs) or DS3/YC600 (2 inputs) truth with easy numbers. */
export function sampleTruth(
  serial: string,
  model: TelemetryTruth["model"],
  channels: number,
): TelemetryTruth {
  return {
    serial,
    model,
    temperatureC: 31.5,
    frequencyHz: 50.01,
    acVoltageV: 231.4,
    uptimeS: 12_345,
    acPowerW: 450,
    reactivePowerVar: 0,
    channels: Array.from({ length: channels }, (_, i) => ({
      voltageV: 33 + i,
      currentA: 4 + i / 2,
      energyCounter: 1_000_000 * (i + 1),
      // Wh per counter step: 3.756e-8 (QS1/YC600), 1.674e-5 (DS3) — DESIGN.md §2.
      energyWh: 1_000_000 * (i + 1) * (model === "DS3" ? 1.674e-5 : 3.756e-8),
    })),
    statusBytes: new Uint8Array(model === "DS3" ? 5 : 4),
    encrypted: false,
    limitW: model === "DS3" ? 600 : 300,
    on: true,
  };
}

/** A trivial inverter: answers with a fixed truth while awake, records commands. */
export class FakeInverter implements EmulatedInverter {
  awake = true;
  truth: TelemetryTruth;
  readonly commands: string[] = [];

  constructor(
    readonly serial: string,
    model: TelemetryTruth["model"] = "QS1",
  ) {
    this.truth = sampleTruth(serial, model, model === "QS1" || model === "QS1A" ? 4 : 2);
  }

  reply(_tMs: number): TelemetryTruth | null {
    return this.awake ? { ...this.truth } : null;
  }

  setMaxPower(watts: number, _tMs: number): boolean {
    if (!this.awake) return false;
    this.commands.push(`limit ${watts.toFixed(2)}`);
    this.truth.limitW = watts;
    return true;
  }

  setOn(on: boolean, _tMs: number): boolean {
    if (!this.awake) return false;
    this.commands.push(on ? "on" : "off");
    this.truth.on = on;
    return true;
  }
}
