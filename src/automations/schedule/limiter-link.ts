/**
 * The export limiter's view of the stick while a schedule runs beside it, so the two never fight
 * (combine.ts). The limiter module is untouched: the controller hands it this stick instead of the
 * real one, and this link as its neighbour (the reason names the schedule when the schedule's cap binds).
 *
 * Per inverter the link keeps what the limiter believes is set — its last write, or the first limit it
 * was shown, exactly as its core adopts them — and gives that to the schedule as the limiter's claim.
 * - A limiter write while the schedule's lower cap binds is not sent: the limiter is told it is in
 *   place ("unchanged"), and the schedule writes it when its cap ends. Other writes go out one at a
 *   time with the schedule's own writes for that inverter.
 * - A read-back of the schedule's binding cap is shown to the limiter as its own belief: the cap is a
 *   known constraint, not a foreign limit. Before the limiter has a belief (a restart inside a window)
 *   its belief becomes the inverter's maximum — what the inverter runs at once the cap ends.
 * - Any other read-back goes to the limiter unchanged, so a real stranger (the vendor app) still alarms.
 */

import type { CommandResult } from "../../radio/events.ts";
import type { LimiterNeighbour, LimiterStick } from "../export-limit/module.ts";
import type { ScheduleModule } from "./module.ts";

export class LimiterLink implements LimiterNeighbour {
  readonly stick: LimiterStick;
  /** What the limiter believes is set per inverter, whole W. */
  private readonly belief = new Map<string, number>();
  /** Limiter writes on their way per inverter: a read-back meanwhile may predate them (as in its core). */
  private readonly writing = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly schedule: ScheduleModule,
    stick: LimiterStick,
  ) {
    this.stick = {
      setMaxPower: (serial, unitW) => this.setMaxPower(stick, serial, unitW),
      queryLimit: (serial) => stick.queryLimit(serial),
      poll: (serial) => stick.poll(serial),
      events: {
        onCommandResult: (fn) => stick.events.onCommandResult((r) => fn(this.shown(r))),
      },
    };
    schedule.onChange(() => this.changed());
  }

  /** "schedule holds 4 inverters at 80 W (rule 'noon' 12:10–12:20)"; undefined while its cap binds nowhere. */
  note(): string | undefined {
    const held = this.schedule.serials().filter((s) => this.capBinds(s) !== undefined);
    if (held.length === 0) return undefined;
    const caps = held.map((s) => ({ capW: this.capBinds(s)!, spec: this.schedule.spec(s)! }));
    const atMin = caps.every(({ capW, spec }) => capW <= spec.minW + Math.max(spec.units, 2));
    const n = held.length === 1 ? "1 inverter" : `${held.length} inverters`;
    const at = atMin ? "at their minimum" : `at ${Math.round(caps.reduce((n, c) => n + c.capW, 0))} W`;
    return `schedule holds ${n} ${at} (${this.schedule.decisionReason()})`;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The limiter's own state and reason (without this link's note), for the schedule's reason. */
  limiterSaid(state: string, reason: string): void {
    this.schedule.setLimiterReason(`export limiter ${state}: ${reason}`);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** The schedule's cap for this inverter, whole W, when it is below what the limiter believes. */
  private capBinds(serial: string): number | undefined {
    const c = this.schedule.combinedFor(serial);
    const spec = this.schedule.spec(serial);
    // Switched off by command, the limit is the limiter's to set: the inverter resumes with it.
    if (!c || !spec || !c.schedule.target.on) return undefined;
    const cap = c.schedule.target.limitW;
    const tol = Math.max(spec.units, 2);
    return cap < (this.belief.get(serial) ?? spec.maxW) - tol ? cap : undefined;
  }

  private believe(serial: string, wholeW: number): void {
    this.belief.set(serial, wholeW);
    this.schedule.setLimiterClaim(serial, wholeW);
    this.changed();
  }

  private async setMaxPower(stick: LimiterStick, serial: string, unitW: number): Promise<CommandResult> {
    const units = this.schedule.spec(serial)?.units;
    if (units === undefined) return stick.setMaxPower(serial, unitW);
    this.writing.set(serial, (this.writing.get(serial) ?? 0) + 1);
    const before = this.belief.get(serial);
    try {
      // Claimed before it is sent, so the schedule never writes the old claim back meanwhile.
      this.believe(serial, unitW * units);
      const cap = this.capBinds(serial);
      if (cap !== undefined) {
        return {
          command: { kind: "set-max-power", serial, watts: unitW },
          serial,
          outcome: "unchanged",
          control: this.schedule.maxPowerStatus(serial),
          evidence: "",
          writes: 0,
          message: `not sent: the schedule's lower cap of ${Math.round(cap)} W holds (${this.schedule.decisionReason()}); it is written when the cap ends`,
          at: this.schedule.nowMs(),
        };
      }
      const r = await this.schedule.guardWrite(serial, () => stick.setMaxPower(serial, unitW));
      const ok = r.outcome === "applied" || r.outcome === "unchanged" || r.outcome === "sent";
      // A failed write leaves the limiter's core believing what it believed before.
      if (!ok && before !== undefined) this.believe(serial, before);
      return r;
    } finally {
      this.writing.set(serial, this.writing.get(serial)! - 1);
    }
  }

  /** A command result as the limiter should see it (see the file comment). */
  private shown(r: CommandResult): CommandResult {
    const spec = this.schedule.spec(r.serial);
    if (!r.limit || !spec) return r;
    const readW = r.limit.limitW * spec.units;
    const cap = this.capBinds(r.serial);
    const tol = Math.max(spec.units, 2);
    if (cap !== undefined && Math.abs(readW - cap) <= tol) {
      if (!this.belief.has(r.serial)) this.believe(r.serial, spec.maxW);
      const ownW = this.belief.get(r.serial)!;
      return { ...r, limit: { ...r.limit, limitW: ownW / spec.units } };
    }
    // The limiter's core adopts the first limit it is shown, unless a write of its own is on its way.
    if (!this.belief.has(r.serial) && !this.writing.get(r.serial)) this.believe(r.serial, readW);
    return r;
  }
}
