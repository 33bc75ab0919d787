/**
 * What the stick emulator needs from the rest of the simulation, kept as small interfaces so the
 * emulator can be tested with a trivial fake; the real inverter physics (src/sim/inverter.ts) fits as is.
 */
import type { ZnpFrame } from "../../protocol/znp/frame.ts";
import type { SimGridSettings } from "../grid-profile.ts";
import type { TelemetryTruth } from "../truth.ts";

/**
 * One simulated inverter as the radio sees it. `InverterSim` (src/sim/inverter.ts) satisfies it as is;
 * tests use small fakes.
 */
export interface EmulatedInverter {
  readonly serial: string;
  /**
   * What it answers at tMs, or null when nothing leaves it (asleep at night, dead, reply dropped).
   * The emulator also uses it as "is anyone there" for pairing and limit queries.
   */
  reply(tMs: number): TelemetryTruth | null;
  /** W per panel (QS1/YC600) or per inverter (DS3); false when it cannot hear the command. */
  setMaxPower(watts: number, tMs: number): boolean;
  setOn(on: boolean, tMs: number): boolean;
  /**
   * The grid-protection settings it holds (V, Hz, s… keyed by vendor code), answered on the protection
   * pages. Absent: APsystems' EN50549-1 profile (src/sim/grid-profile.ts).
   */
  gridSettings?(): Readonly<SimGridSettings>;
}

/** Injected timers so tests and the CLI control real-time delays; never blocks. */
export interface EmulatorTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_TIMERS: EmulatorTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Reply delays in real milliseconds after the request reached the stick. Realistic values are ours
 * (ESP-ECU listens ~2 s after a request and sees the whole answer well inside that); 0 everywhere makes
 * the emulator answer synchronously, which unit tests use.
 */
export interface EmulatorDelays {
  /** SRSP to any SREQ. */
  srspMs: number;
  /** AF_DATA_CONFIRM for a delivered frame. */
  confirmMs: number;
  /** AF_DATA_CONFIRM 0xCD: Z-Stack reports no route only after its route discovery gave up. */
  noRouteMs: number;
  /** AF_INCOMING_MSG from the inverter (base + up to `replyJitterMs`, seeded). */
  replyMs: number;
  replyJitterMs: number;
  /** SYS_RESET_IND after SYS_RESET_REQ (the stick reboots). */
  resetMs: number;
  /** Between ZB_START_REQUEST's SRSP and each ZDO_STATE_CHANGE_IND. */
  stateMs: number;
}

export const ZERO_DELAYS: EmulatorDelays = {
  srspMs: 0,
  confirmMs: 0,
  noRouteMs: 0,
  replyMs: 0,
  replyJitterMs: 0,
  resetMs: 0,
  stateMs: 0,
};

export const REALISTIC_DELAYS: EmulatorDelays = {
  srspMs: 2,
  confirmMs: 15,
  noRouteMs: 250,
  replyMs: 45,
  replyJitterMs: 40,
  resetMs: 400,
  stateMs: 120,
};

/** What a telemetry reply carried, reported so `--truth` and tests can compare decoded with true. */
export interface TelemetryEmitted {
  tMs: number;
  shortAddress: number;
  truth: TelemetryTruth;
}

/** One frame the stick will put on the UART `afterMs` real ms from now; `effect` runs as it goes out. */
export interface Emission {
  afterMs: number;
  frame: ZnpFrame;
  effect?: () => void;
}
