/**
 * The Home Assistant link: one websocket session at a time through home-assistant-js-websocket, our own
 * capped, jittered reconnect (the library's fixed 1–5 s retry would hammer a restarting HA from every
 * controller at once), entity watches that survive reconnects and HA restarts, service calls, and a ping
 * keepalive so a half-open TCP connection is noticed. A refused token stops the retries until restart.
 *
 * Watches use `subscribe_entities` with `entity_ids`: only the watched entities cross the link, not every
 * state change of a large HA (the library's subscribeEntities has no filter). When the set of watched ids
 * changes, a new subscription replaces the old one; HA starts each with the full states of its ids.
 */
import { type Connection, callService, createConnection } from "home-assistant-js-websocket";
import type WebSocket from "ws";
import { isJsonObject } from "../json.ts";
import type { Logger } from "../log.ts";
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";
import type { HaCredentials } from "./credentials.ts";
import { applyEntityEvent, type EntityEvent } from "./entity-states.ts";
import { HaSocketError, openHaSocket } from "./socket.ts";
import type { HaEntityState, HaLinkApi, HaLinkState } from "./types.ts";

export interface HaLinkOptions {
  /** Resolved at start(); a throw (unreadable token file, unset variable) is reported as auth_failed. */
  credentials: () => HaCredentials;
  logger: Logger;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Ping interval while up (default 30 s) and how long a pong may take (default 10 s). */
  keepaliveMs?: number;
  pongTimeoutMs?: number;
  /** Handshake including auth (default 10 s). */
  connectTimeoutMs?: number;
}

type EntityCallback = (s: HaEntityState | undefined) => void;

/** One subscribe_entities; `primed` once HA sent its first event (the full states of `ids`). */
interface EntitySubscription {
  key: string;
  ids: readonly string[];
  primed: boolean;
  unsub?: () => Promise<void>;
  dropped: boolean;
}

export class HaLink implements HaLinkApi {
  private state: HaLinkState = { state: "off", detail: "not started" };
  private readonly stateListeners = new Set<(s: HaLinkState) => void>();
  private readonly watchers = new Map<string, Set<EntityCallback>>();
  /** Known states; an entity's object is replaced only when it changes (entity-states.ts). */
  private readonly states = new Map<string, HaEntityState>();
  /** The object last delivered per watched entity (undefined = told it is absent). */
  private readonly delivered = new Map<string, HaEntityState | undefined>();
  private sub: EntitySubscription | undefined;
  private syncQueued = false;
  private creds: HaCredentials | undefined;
  private conn: Connection | undefined;
  private running = false;
  /** Bumped on stop and on each new attempt, so a late handshake from an older attempt is discarded. */
  private generation = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: HaLinkOptions) {}

  get linkState(): HaLinkState {
    return { ...this.state };
  }

  onLinkState(cb: (s: HaLinkState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  /** Starts connecting in the background; never throws and never waits for Home Assistant. */
  start(): void {
    if (this.running) return;
    try {
      this.creds = this.o.credentials();
    } catch (e) {
      this.setState({ state: "auth_failed", detail: (e as Error).message });
      return;
    }
    this.running = true;
    this.attempt = 0;
    this.setState({ state: "connecting", detail: `connecting to ${this.creds.wsUrl}` });
    void this.connect();
  }

  async stop(): Promise<void> {
    const wasActive = this.running || this.state.state === "auth_failed";
    this.running = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.endSession();
    if (wasActive) this.setState({ state: "off", detail: "stopped" });
  }

  watchEntity(entityId: string, cb: EntityCallback): () => void {
    let set = this.watchers.get(entityId);
    if (!set) {
      set = new Set();
      this.watchers.set(entityId, set);
    }
    set.add(cb);
    const sub = this.sub;
    if (sub?.primed && sub.ids.includes(entityId)) {
      // Already known: asynchronously, so the caller has its unsubscribe function before the first call.
      queueMicrotask(() => {
        if (!set.has(cb)) return;
        const now = this.states.get(entityId);
        this.delivered.set(entityId, now);
        this.deliver(cb, entityId, now);
      });
    } else this.queueSync();
    return () => {
      if (!set.delete(cb) || set.size > 0 || this.watchers.get(entityId) !== set) return;
      this.watchers.delete(entityId);
      this.delivered.delete(entityId);
      this.queueSync();
    };
  }

  async callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: { entity_id?: string | string[] },
  ): Promise<unknown> {
    const name = `${domain}.${service}`;
    const conn = this.conn;
    if (this.state.state !== "up" || !conn) {
      const why = this.state.detail ? ` (${this.state.detail})` : "";
      throw new Error(`Home Assistant service ${name} not called: the link is ${this.state.state}${why}`);
    }
    try {
      return await callService(conn, domain, service, data, target);
    } catch (e) {
      throw new Error(`Home Assistant service ${name} failed: ${describeHaError(e)}`);
    }
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    const creds = this.creds!;
    let conn: Connection;
    try {
      conn = await createConnection({
        createSocket: () =>
          openHaSocket({
            wsUrl: creds.wsUrl,
            token: creds.token,
            timeoutMs: this.o.connectTimeoutMs,
            onBadFrame: (why) =>
              this.o.logger.warn(
                { detail: why },
                `Home Assistant sent ${why} — dropped; if this repeats, check that ${creds.wsUrl} is Home Assistant`,
              ),
          }),
      });
    } catch (e) {
      if (gen !== this.generation) return;
      if (e instanceof HaSocketError && e.kind === "auth") {
        // Retrying a refused token only fills HA's log with failed logins (and can get our IP banned).
        this.running = false;
        this.setState({ state: "auth_failed", detail: authFailedDetail(creds, e.message) });
        return;
      }
      const why = e instanceof Error ? e.message : String(e);
      this.setState({
        state: "down",
        detail: `cannot reach Home Assistant at ${creds.wsUrl}: ${why} — retrying with backoff`,
      });
      this.scheduleRetry();
      return;
    }
    if (gen !== this.generation || !this.running) {
      conn.close();
      return;
    }
    this.conn = conn;
    this.attempt = 0;
    conn.addEventListener("disconnected", () => this.onDisconnected(conn));
    this.syncSubscription();
    this.startKeepalive(conn);
    this.setState({
      state: "up",
      detail: `connected to ${creds.wsUrl} (Home Assistant ${conn.haVersion ?? "unknown version"})`,
    });
  }

  private onDisconnected(conn: Connection): void {
    if (conn !== this.conn) return;
    // Our backoff replaces the library's reconnect: close() marks the connection as done.
    this.endSession();
    if (!this.running) return;
    this.setState({
      state: "down",
      detail: `lost the connection to ${this.creds!.wsUrl} — reconnecting with backoff`,
    });
    this.scheduleRetry();
  }

  private endSession(): void {
    clearInterval(this.keepaliveTimer);
    const conn = this.conn;
    this.conn = undefined;
    if (this.sub) this.sub.dropped = true;
    this.sub = undefined;
    conn?.close();
  }

  private scheduleRetry(): void {
    const delayMs = backoffDelayMs(this.attempt, this.o.backoff ?? DEFAULT_BACKOFF, this.o.random);
    this.o.logger.debug({ attempt: this.attempt + 1, delayMs }, "Home Assistant: next connection attempt");
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.running) void this.connect();
    }, delayMs);
  }

  private startKeepalive(conn: Connection): void {
    const every = this.o.keepaliveMs ?? 30_000;
    const within = this.o.pongTimeoutMs ?? 10_000;
    let waiting = false;
    this.keepaliveTimer = setInterval(() => {
      if (waiting || conn !== this.conn) return;
      waiting = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), within);
      });
      Promise.race([conn.ping().then(() => "pong" as const), timeout])
        .then((r) => {
          if (r === "timeout" && conn === this.conn) {
            this.o.logger.debug({ withinMs: within }, "Home Assistant: no pong, dropping the connection");
            // A half-open TCP connection never closes on its own: cut it so the close handler runs.
            (conn.socket as unknown as WebSocket | undefined)?.terminate();
          }
        })
        .catch(() => {}) // the ping failed because the socket closed: the close handler takes over
        .finally(() => {
          clearTimeout(timer);
          waiting = false;
        });
    }, every);
  }

  /** Batches watch changes made in one tick into one new subscription. */
  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      this.syncSubscription();
    });
  }

  /** Makes the live subscription cover exactly the watched ids: a new one first, then the old one goes. */
  private syncSubscription(): void {
    const conn = this.conn;
    if (!conn) return;
    const ids = [...this.watchers.keys()].sort();
    // States of entities no longer watched are not kept (they would go stale unseen).
    for (const id of this.states.keys()) if (!this.watchers.has(id)) this.states.delete(id);
    const key = ids.join(",");
    if (this.sub && this.sub.key === key) return;
    const old = this.sub;
    this.sub = undefined;
    if (ids.length > 0) {
      const sub: EntitySubscription = { key, ids, primed: false, dropped: false };
      this.sub = sub;
      conn
        .subscribeMessage<EntityEvent>(
          (ev) => this.onEntityEvent(sub, ev),
          {
            type: "subscribe_entities",
            entity_ids: ids,
          },
          { resubscribe: false },
        )
        .then((unsub) => {
          sub.unsub = unsub;
          if (sub.dropped) void unsub().catch(() => {});
        })
        .catch((e: unknown) => {
          if (sub.dropped) return;
          this.o.logger.warn(
            { entityIds: ids, error: describeHaError(e) },
            "Home Assistant refused subscribe_entities: watched entities get no updates",
          );
        });
    }
    if (old) {
      old.dropped = true;
      // Its events are ignored from now on; unsubscribing only saves HA the work.
      void old.unsub?.().catch(() => {});
    }
  }

  private onEntityEvent(sub: EntitySubscription, ev: EntityEvent | unknown): void {
    if (sub !== this.sub) return;
    if (!sub.primed) {
      // The first event holds every state of the subscribed ids: one missing from it does not exist.
      const adds = isJsonObject(ev) && isJsonObject(ev.a) ? ev.a : undefined;
      for (const id of sub.ids) if (!adds || !Object.hasOwn(adds, id)) this.states.delete(id);
      sub.primed = true;
    }
    const problems: string[] = [];
    applyEntityEvent(this.states, ev, problems);
    for (const p of problems)
      this.o.logger.warn(
        { detail: p },
        `Home Assistant sent an entity state we cannot read: ${p} — ignored, the entity keeps its last state`,
      );
    for (const id of sub.ids) {
      const cbs = this.watchers.get(id);
      if (!cbs) continue;
      const now = this.states.get(id);
      if (this.delivered.has(id) && this.delivered.get(id) === now) continue;
      this.delivered.set(id, now);
      for (const cb of [...cbs]) this.deliver(cb, id, now);
    }
  }

  private deliver(cb: EntityCallback, id: string, s: HaEntityState | undefined): void {
    try {
      cb(s ? { ...s, attributes: { ...s.attributes } } : undefined);
    } catch (err) {
      this.o.logger.error({ err, entityId: id }, "Home Assistant: an entity watcher threw");
    }
  }

  private setState(next: HaLinkState): void {
    if (next.state === this.state.state && next.detail === this.state.detail) return;
    this.state = next;
    const level = next.state === "auth_failed" ? "error" : next.state === "down" ? "warn" : ("info" as const);
    this.o.logger[level]({ state: next.state, detail: next.detail }, `Home Assistant link ${next.state}`);
    for (const cb of [...this.stateListeners]) {
      try {
        cb({ ...next });
      } catch (err) {
        this.o.logger.error({ err }, "Home Assistant: a link-state listener threw");
      }
    }
  }
}

/** HA's {code, message}, or the library's {error: {code, message}} for a lost connection. */
function describeHaError(e: unknown): string {
  if (e instanceof Error) return e.message;
  const o = e as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
  const inner = o?.error ?? o;
  if (inner && typeof inner === "object" && "message" in inner) {
    const code = inner.code === 3 ? "connection_lost" : String(inner.code);
    return `${code}: ${String(inner.message)}`;
  }
  return String(e);
}

function authFailedDetail(c: HaCredentials, haMessage: string): string {
  const fix = c.tokenSetting.startsWith("SUPERVISOR_TOKEN")
    ? "restart the add-on; its config needs homeassistant_api: true"
    : `create a long-lived access token (HA: your profile → Security) and put it in ${c.tokenSetting}`;
  return `Home Assistant at ${c.wsUrl} refused the token from ${c.tokenSetting} (${haMessage}) — ${fix}`;
}
