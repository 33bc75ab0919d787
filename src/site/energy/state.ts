/** The accountant's state and results: plain data, so the store can persist it column by column. */

export interface ChannelState {
  /** Raw counter at the current anchor; null = no baseline yet (new, or carried over). */
  counter: number | null;
  lifetimeWh: number;
  /** Energy of `InverterState.day` so far. */
  dayWh: number;
  /** The last good anchor, kept after an anomaly so a one-off garbage value costs nothing. */
  fallbackCounter: number | null;
  fallbackAtMs: number | null;
}

export interface InverterState {
  serial: string;
  /** Wall-clock time and uptime of the last reading; null before the first one. */
  atMs: number | null;
  uptimeS: number | null;
  /** Local day (`YYYY-MM-DD`) the channels' `dayWh` belong to. */
  day: string | null;
  /** Index = channel − 1. */
  channels: ChannelState[];
  /** Serial of the unit that replaced this one, once replaced. */
  retiredBy: string | null;
}

export type SessionKind = "first" | "continued" | "restart";

export type EnergyEventCode =
  | "restart"
  | "uptime-wrap"
  | "counter-wrap"
  | "implausible"
  | "counter-down"
  | "recovered"
  | "invalid"
  | "clock-anomaly"
  | "carry-over";

export interface EnergyEvent {
  level: "debug" | "warn";
  code: EnergyEventCode;
  serial: string;
  channel?: number;
  atMs: number;
  message: string;
}

export type EnergyLogger = (event: EnergyEvent) => void;

export interface ChannelResult {
  channel: number;
  voltageV: number;
  currentA: number;
  powerW: number;
  /** Calibrated Wh added by this reading (0 when rejected). */
  deltaWh: number;
  lifetimeWh: number;
  todayWh: number;
  /** Why the reading's energy was not added, or null. */
  rejected: string | null;
}

export interface AccountingResult {
  serial: string;
  atMs: number;
  /** Local day the energy was booked on. */
  day: string;
  session: SessionKind;
  deltaWh: number;
  lifetimeWh: number;
  todayWh: number;
  acPowerW: number;
  acPowerSource: "reported" | "counters" | "estimate";
  channels: ChannelResult[];
  events: EnergyEvent[];
}

export interface Totals {
  inverterWh: number;
  channelsWh: number[];
}

export function emptyChannel(): ChannelState {
  return { counter: null, lifetimeWh: 0, dayWh: 0, fallbackCounter: null, fallbackAtMs: null };
}

export function cloneState(s: InverterState): InverterState {
  return { ...s, channels: s.channels.map((c) => ({ ...c })) };
}

export function totalsOf(s: InverterState): Totals {
  const channelsWh = s.channels.map((c) => c.lifetimeWh);
  return { inverterWh: channelsWh.reduce((a, b) => a + b, 0), channelsWh };
}
