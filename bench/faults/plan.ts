/**
 * Which faults happen when: every kind injected several times at random daylight moments (seeded), one
 * injection per fault day, and clean days in between on which nothing is injected at all. A weak panel
 * (20 % shade) lasts a whole sunny day, as dirt or a new shadow would.
 */
import type { Cause } from "../../src/automations/faults/types.ts";
import { Rng } from "../../src/sim/random.ts";
import type { SimSite } from "../../src/sim/site.ts";
import { solarPosition } from "../../src/site/sun.ts";
import { INVERTERS, LOCATION, panelIds } from "./site.ts";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** Polls the controller misses on a healthy site: the energy benchmark's 2 %. */
export const BASE_LOSS = 0.02;

export interface KindSpec {
  kind: string;
  hard: boolean;
  times: number;
  durationMs: number;
  /** Who is hit: one inverter, one of its inputs, the site, or the stick. */
  scope: "inverter" | "channel" | "site" | "stick";
  /** Finding kinds that name it right, and the cause they should give. */
  expect: string[];
  cause: Cause;
}

export const KINDS: readonly KindSpec[] = [
  {
    kind: "gfdi",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["ground_fault"],
    cause: "dc",
  },
  {
    kind: "grid_over_voltage",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "site",
    expect: ["grid_site"],
    cause: "grid",
  },
  {
    kind: "grid_under_voltage",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "site",
    expect: ["grid_site"],
    cause: "grid",
  },
  {
    kind: "grid_over_frequency",
    hard: true,
    times: 3,
    durationMs: 30 * MINUTE,
    scope: "site",
    expect: ["grid_site"],
    cause: "grid",
  },
  {
    kind: "grid_under_frequency",
    hard: true,
    times: 3,
    durationMs: 30 * MINUTE,
    scope: "site",
    expect: ["grid_site"],
    cause: "grid",
  },
  {
    kind: "dead",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["no_data"],
    cause: "communication",
  },
  {
    kind: "comm_loss",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["no_data"],
    cause: "communication",
  },
  {
    kind: "dc_open",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "channel",
    expect: ["dc_open"],
    cause: "dc",
  },
  {
    kind: "stick_dead",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "stick",
    expect: ["stick_link"],
    cause: "controller",
  },
  {
    kind: "stick_deaf",
    hard: true,
    times: 3,
    durationMs: 90 * MINUTE,
    scope: "stick",
    expect: ["site_silent"],
    cause: "controller",
  },
  {
    kind: "no_output",
    hard: false,
    times: 2,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["not_producing"],
    cause: "inverter",
  },
  {
    kind: "no_output_2w",
    hard: false,
    times: 2,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["not_producing"],
    cause: "inverter",
  },
  {
    kind: "erratic",
    hard: false,
    times: 2,
    durationMs: 4 * HOUR,
    scope: "inverter",
    expect: ["erratic_data"],
    cause: "communication",
  },
  {
    kind: "overheat",
    hard: false,
    times: 2,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["over_temperature", "hot_heatsink"],
    cause: "installation",
  },
  {
    kind: "aes",
    hard: false,
    times: 2,
    durationMs: 90 * MINUTE,
    scope: "inverter",
    expect: ["encrypted"],
    cause: "communication",
  },
  {
    kind: "shade20",
    hard: false,
    times: 2,
    durationMs: 24 * HOUR,
    scope: "channel",
    expect: ["underperforming"],
    cause: "dc",
  },
];

export const CLEAN_DAYS = 30;

export interface Injection {
  spec: KindSpec;
  day: number;
  startMs: number;
  endMs: number;
  serial?: string;
  channel?: number;
  /** Finding keys that name this injection right. */
  keys: string[];
}

export interface Plan {
  days: number;
  startMs: number;
  injections: Injection[];
  cleanDays: number[];
  /** Days whose daylight hours average a clearness of at least 0.7. */
  sunny: Set<number>;
}

/** Local midnight of day `d` (the run starts 1 April 2026, Europe/Amsterdam = UTC+2 then). */
export function dayStartMs(startMs: number, d: number): number {
  return startMs + d * 24 * HOUR;
}

export function makePlan(seed: number, site: SimSite): Plan {
  const rng = new Rng(seed);
  const startMs = Date.UTC(2026, 3, 1) - 2 * HOUR;
  const faultDays = KINDS.reduce((n, k) => n + k.times, 0);
  const days = faultDays + CLEAN_DAYS;
  const sunny = new Set<number>();
  for (let d = 0; d < days; d++) if (meanClearness(site, dayStartMs(startMs, d)) >= 0.7) sunny.add(d);
  // Weak-panel days go on sunny days (the goal is "flagged within one sunny day"); the rest anywhere.
  const free = shuffle(
    rng,
    [...Array(days).keys()].filter((d) => d > 0),
  );
  const take = (want: (d: number) => boolean) => {
    const i = free.findIndex(want);
    if (i < 0) throw new Error("bench plan: not enough suitable days; raise CLEAN_DAYS or change the seed");
    return free.splice(i, 1)[0]!;
  };
  const injections: Injection[] = [];
  for (const spec of KINDS) {
    for (let n = 0; n < spec.times; n++) {
      const day = spec.kind === "shade20" ? take((d) => sunny.has(d)) : take(() => true);
      const midnight = dayStartMs(startMs, day);
      const startMs_ =
        spec.kind === "shade20"
          ? midnight
          : spec.kind === "erratic"
            ? midnight + rng.range(9, 13) * HOUR
            : daylightMoment(rng, midnight);
      const inj: Injection = { spec, day, startMs: startMs_, endMs: startMs_ + spec.durationMs, keys: [] };
      const inv = INVERTERS[Math.floor(rng.next() * INVERTERS.length)]!;
      if (spec.scope === "inverter" || spec.scope === "channel") inj.serial = inv.serial;
      if (spec.scope === "channel") {
        const ids = panelIds(inv.serial);
        inj.channel = Math.floor(rng.next() * ids.length);
        inj.keys = spec.expect.map((k) => `${k}:${ids[inj.channel!]}`);
      } else if (spec.scope === "inverter") inj.keys = spec.expect.map((k) => `${k}:${inv.serial}`);
      else inj.keys = spec.expect.map((k) => `${k}:site`);
      injections.push(inj);
    }
  }
  const used = new Set(injections.map((i) => i.day));
  const cleanDays = [...Array(days).keys()].filter((d) => !used.has(d));
  injections.sort((a, b) => a.startMs - b.startMs);
  return { days, startMs, injections, cleanDays, sunny };
}

/** A random minute with the sun at least 15° up. */
function daylightMoment(rng: Rng, midnight: number): number {
  for (;;) {
    const t = midnight + Math.floor(rng.range(4, 21) * 60) * MINUTE;
    if (solarPosition(t, LOCATION.latitudeDeg, LOCATION.longitudeDeg).elevationDeg >= 15) return t;
  }
}

function meanClearness(site: SimSite, midnight: number): number {
  let sum = 0;
  let n = 0;
  for (let t = midnight; t < midnight + 24 * HOUR; t += 15 * MINUTE) {
    if (solarPosition(t, LOCATION.latitudeDeg, LOCATION.longitudeDeg).elevationDeg < 20) continue;
    sum += site.env.clearness(t);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
