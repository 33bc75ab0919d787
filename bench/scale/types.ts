/** What the scale bench's parent and its per-run child processes say to each other. */

export interface RunSpec {
  inverters: number;
  /** The compressed poll interval, real ms: each inverter is polled this often instead of every 60 s. */
  pollMs: number;
  /** Poll intervals in the measured window. */
  rounds: number;
  /** An external broker (mosquitto); without it the child runs the embedded aedes broker itself. */
  brokerUrl?: string;
}

export interface WindowMark {
  /** process.hrtime in ms (CLOCK_MONOTONIC, shared by both processes). */
  atMs: number;
  /** process.cpuUsage user + system, µs, whole process. */
  cpuUs: number;
  /** Of that, inside the stick emulator (inverter physics and reply frames). */
  emulatorCpuUs: number;
  /** Telemetry replies the emulator had sent by then. */
  replies: number;
}

export interface ChildResult {
  kind: "result";
  /** hrtime ms just before runController was called. */
  t0: number;
  /** runController resolved, ms after t0. */
  startedMs: number;
  /** Warm-up done (pairing, first round, one plain round), ms after t0. */
  warmMs: number;
  window: { start: WindowMark; end: WindowMark };
  /** Poll intervals the window lasted: rounds done should equal it. */
  plannedRounds: number;
  /** [inverter index, hrtime ms] of every telemetry reply the emulator sent. */
  emitted: [number, number][];
  /** [inverter index, hrtime ms] of every state message the controller handed to its MQTT client. */
  handed: [number, number][];
  rssPeakMb: number;
  /** RSS (MB) when runController resolved, after warm-up, and at the end of the window. */
  rssAtMb: { started: number; warm: number; end: number };
  /** When the RSS sampled every 100 ms was highest, ms after t0: start-up burst or the rounds. */
  rssPeakAtMs: number;
  heapUsedMb: number;
}
