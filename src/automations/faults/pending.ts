/**
 * Notifications waiting for Home Assistant, one per finding key: the newest word on a finding replaces an
 * older one that has not gone out, so a finding that opened and cleared while HA was unreachable is told
 * once, as cleared (with what it was), never as open after its clear. Bounded: when full, refreshes and
 * repeats go first, then cleared notes, and opened findings last (oldest first); the caller logs what was
 * dropped.
 */
import type { Finding } from "./types.ts";

/** `refresh`: an open finding's persistent notification made again (HA forgets them when it restarts). */
export type PendingKind = "open" | "repeat" | "clear" | "refresh";

export interface Pending {
  kind: PendingKind;
  finding: Finding;
  /** A clear whose open notice never went out. */
  unannounced: boolean;
  /** Service targets ("notify.mobile_app_phone", "persistent_notification.create") still to call. */
  targets: string[];
  /** At least one target has it (set by the sender). */
  told: boolean;
}

export class PendingNotices {
  private readonly items = new Map<string, Pending>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.size;
  }

  /** Queues the newest word on a finding; returns what had to be dropped to stay within the limit. */
  put(kind: PendingKind, finding: Finding, targets: string[]): Pending[] {
    const before = this.items.get(finding.key);
    this.items.delete(finding.key);
    let k = kind;
    let unannounced = false;
    if (before?.kind === "open" && kind === "repeat") k = "open"; // never told: still news
    if (kind === "clear" && before) {
      // An open never told is told with its clear; a repeat never told was told once before.
      unannounced = (before.kind === "open" && !before.told) || before.unannounced;
    }
    this.items.set(finding.key, { kind: k, finding, unannounced, targets, told: false });
    return this.trim();
  }

  /** Queues a refresh unless newer news for the finding already waits (it carries the same and more). */
  refresh(finding: Finding, targets: string[]): Pending[] {
    if (this.items.has(finding.key)) return [];
    this.items.set(finding.key, { kind: "refresh", finding, unannounced: false, targets, told: false });
    return this.trim();
  }

  /** Oldest first (an item re-queued by newer news moves to the end). */
  list(): Pending[] {
    return [...this.items.values()];
  }

  /** Done with this item, unless newer news replaced it meanwhile. */
  done(p: Pending): void {
    if (this.items.get(p.finding.key) === p) this.items.delete(p.finding.key);
  }

  private trim(): Pending[] {
    const dropped: Pending[] = [];
    for (const kind of ["refresh", "repeat", "clear", "open"] as const) {
      for (const p of this.items.values()) {
        if (this.items.size <= this.limit) return dropped;
        if (p.kind !== kind) continue;
        this.items.delete(p.finding.key);
        dropped.push(p);
      }
    }
    return dropped;
  }
}
