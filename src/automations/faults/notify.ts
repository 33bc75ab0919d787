/**
 * Fault notifications through Home Assistant: every opened or repeated finding goes to the notify
 * services named in site.yaml automations.faults.notify and becomes a persistent notification (one per
 * finding, replaced by a repeat, dismissed by the clear, which also sends a short note).
 *
 * It follows the bus's faultFindings event and never blocks it. While the HA link is down the notices
 * wait (pending.ts: bounded, newest per finding wins) and go out when the bus says the link is up again.
 * Home Assistant keeps persistent notifications in memory only, so after the link was down (HA may have
 * restarted) the open findings' persistent notifications are made again, without a second push message.
 * A service HA refuses (unknown name, its own error) is logged once with how to fix it and not retried:
 * retrying a misspelt service name forever would only fill both logs.
 */
import type { EventBus } from "../../bus/event-bus.ts";
import type { HaLinkApi } from "../../ha/types.ts";
import type { Logger } from "../../log.ts";
import type { SiteConfig } from "../../site/config/types.ts";
import { clearedNotice, type Notice, notificationId, openNotice, repeatNotice } from "./notice.ts";
import { type Pending, PendingNotices } from "./pending.ts";
import type { FaultChanges, Finding } from "./types.ts";

export const PERSISTENT_CREATE = "persistent_notification.create";
export const PERSISTENT_DISMISS = "persistent_notification.dismiss";

export interface FaultNotifierOptions {
  bus: EventBus;
  ha: HaLinkApi;
  /** HA notify services, "notify.mobile_app_phone" (site.yaml automations.faults.notify). */
  notify: readonly string[];
  /** Also keep a persistent notification per open finding (default true). */
  persistent?: boolean;
  /** IANA zone for "since 10:42" (site.yaml site.timezone). */
  timezone: string;
  logger: Logger;
  /** Notices kept while HA is unreachable (default 200). */
  maxPending?: number;
}

export class FaultNotifier {
  private readonly pending: PendingNotices;
  private flushing = false;
  /** A flush was asked for while one ran (the link came back mid-call): run again after it. */
  private wanted = false;
  private running = false;
  /** Open findings after the last faultFindings event, by key. */
  private open = new Map<string, Finding>();
  /** The link was up at the last haLink event (false at start: the first "up" refreshes nothing yet). */
  private linkUp = false;
  /** Services whose refusal was logged; cleared when the service works again. */
  private readonly refused = new Set<string>();

  constructor(private readonly o: FaultNotifierOptions) {
    for (const s of o.notify) {
      if (!/^notify\.[a-z0-9_]+$/.test(s))
        throw new RangeError(
          `fault notifications: '${s}' is not a notify service; write it like notify.mobile_app_phone (site.yaml automations.faults.notify)`,
        );
    }
    this.pending = new PendingNotices(o.maxPending ?? 200);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.bus.on("faultFindings", this, ({ changes }) => this.take(changes));
    this.linkUp = this.o.ha.linkState.state === "up";
    this.o.bus.on("haLink", this, (s) => {
      const wasUp = this.linkUp;
      this.linkUp = s.state === "up";
      if (!this.linkUp) return;
      if (!wasUp) this.refreshPersistent();
      void this.flush();
    });
  }

  stop(): void {
    this.running = false;
    this.o.bus.removeListeners(this);
  }

  /** Notices not yet delivered (HA unreachable). */
  get waiting(): number {
    return this.pending.size;
  }

  private take(changes: FaultChanges): void {
    this.open = new Map(changes.open.map((f) => [f.key, f]));
    const persistent = this.o.persistent !== false;
    const open = persistent ? [...this.o.notify, PERSISTENT_CREATE] : [...this.o.notify];
    const clear = persistent ? [...this.o.notify, PERSISTENT_DISMISS] : [...this.o.notify];
    if (open.length === 0) return;
    for (const f of changes.opened) this.dropped(this.pending.put("open", f, [...open]));
    for (const f of changes.repeated) this.dropped(this.pending.put("repeat", f, [...open]));
    for (const f of changes.cleared) this.dropped(this.pending.put("clear", f, [...clear]));
    void this.flush();
  }

  private refreshPersistent(): void {
    if (this.o.persistent === false) return;
    for (const f of this.open.values()) this.dropped(this.pending.refresh(f, [PERSISTENT_CREATE]));
  }

  private dropped(list: Pending[]): void {
    for (const d of list)
      this.o.logger.warn(
        { key: d.finding.key },
        `fault notification dropped (${this.pending.size} waiting for Home Assistant): ${d.kind} ${d.finding.title}`,
      );
  }

  /** One call at a time, oldest notice first; stops at the first sign that the link is gone. */
  private async flush(): Promise<void> {
    this.wanted = true;
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.wanted) {
        this.wanted = false;
        await this.drain();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async drain(): Promise<void> {
    while (this.running && this.o.ha.linkState.state === "up") {
      const p = this.pending.list()[0];
      if (!p) return;
      if (!(await this.deliver(p))) return;
      this.pending.done(p);
    }
  }

  /** Calls p's remaining targets; false when the link failed (p keeps what is left). */
  private async deliver(p: Pending): Promise<boolean> {
    const notice = this.notice(p);
    while (p.targets.length > 0) {
      const target = p.targets[0]!;
      const [domain, service] = split(target);
      try {
        await this.o.ha.callService(domain, service, this.data(target, p, notice));
        p.told = true;
        if (this.refused.delete(target))
          this.o.logger.info(`Home Assistant accepts ${target} again: fault notifications reach it`);
      } catch (e) {
        const why = (e as Error).message;
        // Link trouble, not a refusal: keep the rest for the reconnect. (The websocket library rejects a
        // call on an already closed socket with its bare error code 3, a call cut off with connection_lost.)
        if (
          this.o.ha.linkState.state !== "up" ||
          /not called: the link is|connection_lost|failed: 3$/.test(why)
        )
          return false;
        this.refusedOnce(target, why.replace(/^Home Assistant service \S+ failed: /, ""));
      }
      p.targets.shift();
    }
    this.o.logger.debug({ key: p.finding.key, kind: p.kind }, `fault notification sent: ${notice.title}`);
    return true;
  }

  private notice(p: Pending): Notice {
    if (p.kind === "open") return openNotice(p.finding);
    if (p.kind === "repeat") return repeatNotice(p.finding, this.o.timezone);
    if (p.kind === "refresh")
      return p.finding.notifiedAtMs > p.finding.openedAtMs
        ? repeatNotice(p.finding, this.o.timezone)
        : openNotice(p.finding);
    return clearedNotice(p.finding, this.o.timezone, p.unannounced);
  }

  private data(target: string, p: Pending, n: Notice): Record<string, unknown> {
    const id = notificationId(p.finding.key);
    if (target === PERSISTENT_CREATE) return { notification_id: id, title: n.title, message: n.message };
    if (target === PERSISTENT_DISMISS) return { notification_id: id };
    return { title: n.title, message: n.message };
  }

  private refusedOnce(target: string, why: string): void {
    if (this.refused.has(target)) return;
    this.refused.add(target);
    const fix = target.startsWith("notify.")
      ? `check the notify service name in site.yaml automations.faults.notify (Home Assistant lists them under Developer tools → Actions, e.g. notify.mobile_app_<phone>)`
      : "check that Home Assistant's persistent_notification integration is loaded, or set automations.faults.persistent: false";
    this.o.logger.error(
      { service: target },
      `fault notifications: Home Assistant refused ${target} (${why}); not retried — ${fix}`,
    );
  }
}

function split(target: string): [string, string] {
  const dot = target.indexOf(".");
  return [target.slice(0, dot), target.slice(dot + 1)];
}

/**
 * The notifier a site asks for: automations.faults on, a Home Assistant link, and something to tell
 * (notify services, or persistent notifications, which are on by default). Otherwise none.
 */
export function faultNotifierFor(o: {
  config: SiteConfig;
  ha: HaLinkApi | undefined;
  bus: EventBus;
  logger: Logger;
}): FaultNotifier | undefined {
  const faults = o.config.automations.faults;
  if (!faults || !o.ha) return undefined;
  const notify = faults.notify ?? [];
  const persistent = faults.persistent !== false;
  if (notify.length === 0 && !persistent) return undefined;
  return new FaultNotifier({
    bus: o.bus,
    ha: o.ha,
    notify,
    persistent,
    timezone: o.config.site.timezone,
    logger: o.logger,
  });
}
