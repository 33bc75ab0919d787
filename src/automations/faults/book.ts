/**
 * The findings ledger: debounces suspected conditions into findings, keeps one finding per key, clears it
 * when its family says the condition is gone, and repeats open ones after the repeat time.
 */
import type { Finding } from "./types.ts";

/** A finding as a family drafts it; the ledger adds the times. */
export type Draft = Omit<Finding, "openedAtMs" | "clearedAtMs" | "notifiedAtMs">;

/**
 * A family's word on one key this round: `bad` (with how many looks open it), `ok` (judged and fine).
 * Keys a family does not mention could not be judged (night, not polled): their state is held.
 */
export type Verdict =
  | { key: string; bad: Draft; openAfter: number; recheck?: string[] }
  | { key: string; ok: true }
  /** Cannot tell from this look: held as it is, and these serials should be polled again soon. */
  | { key: string; unsure: true; recheck: string[] };

interface Entry {
  streak: number;
  finding: Finding | undefined;
}

export class FindingBook {
  private readonly entries = new Map<string, Entry>();
  readonly opened: Finding[] = [];
  readonly cleared: Finding[] = [];
  readonly recheck = new Set<string>();

  isOpen(key: string): boolean {
    return this.entries.get(key)?.finding !== undefined;
  }

  get(key: string): Finding | undefined {
    return this.entries.get(key)?.finding;
  }

  /** Starts a new update: forgets what the last one reported. */
  begin(): void {
    this.opened.length = 0;
    this.cleared.length = 0;
    this.recheck.clear();
  }

  apply(verdicts: readonly Verdict[], atMs: number): void {
    for (const v of verdicts) {
      const e = this.entries.get(v.key) ?? { streak: 0, finding: undefined };
      this.entries.set(v.key, e);
      if ("unsure" in v) {
        for (const s of v.recheck) this.recheck.add(s);
        continue;
      }
      if ("ok" in v) {
        e.streak = 0;
        if (e.finding) this.close(e, atMs);
        continue;
      }
      e.streak++;
      if (e.finding) {
        // Same problem, possibly worse (a danger after a warning): keep the opening time, refresh the words.
        if (e.finding.severity !== v.bad.severity || e.finding.kind !== v.bad.kind) {
          e.finding = { ...e.finding, ...v.bad };
        }
        continue;
      }
      if (e.streak >= v.openAfter) {
        e.finding = { ...v.bad, openedAtMs: atMs, notifiedAtMs: atMs };
        this.opened.push(e.finding);
      } else for (const s of v.recheck ?? (v.bad.serial ? [v.bad.serial] : [])) this.recheck.add(s);
    }
  }

  /** Open findings due for a repeat, marked as reported now. */
  repeats(atMs: number, repeatHours: number): Finding[] {
    if (repeatHours <= 0) return [];
    const out: Finding[] = [];
    for (const e of this.entries.values()) {
      const f = e.finding;
      if (!f || this.opened.includes(f)) continue;
      if (atMs - f.notifiedAtMs >= repeatHours * 3_600_000) {
        e.finding = { ...f, notifiedAtMs: atMs };
        out.push(e.finding);
      }
    }
    return out;
  }

  restore(f: Finding): void {
    this.entries.set(f.key, { streak: 0, finding: { ...f, clearedAtMs: undefined } });
  }

  open(): Finding[] {
    return [...this.entries.values()]
      .flatMap((e) => (e.finding ? [e.finding] : []))
      .sort((a, b) => a.openedAtMs - b.openedAtMs);
  }

  private close(e: Entry, atMs: number): void {
    this.cleared.push({ ...e.finding!, clearedAtMs: atMs });
    e.finding = undefined;
  }
}
