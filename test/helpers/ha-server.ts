/**
 * A Home Assistant websocket API server for tests, written from HA's documentation and its
 * websocket_api sources (auth.py, connection.py, messages.py, commands.py) — behaviour, not code:
 * - auth phase: auth_required {ha_version} → client auth {access_token} → auth_ok {ha_version}, or
 *   auth_invalid {message} and HA closes the socket; a malformed first message is also auth_invalid.
 * - commands carry an increasing integer `id`; a repeated or lower id gets error id_reuse, a message without
 *   id/type gets invalid_format, an unknown type unknown_command. Results are
 *   {id, type:"result", success, result} or {…, success:false, error:{code, message}}.
 * - supported_features {features:{coalesce_messages:1}}: from then on, messages queued in the same tick
 *   go out as one JSON array, as HA's writer does.
 * - subscribe_entities [entity_ids]: result null, then an event with every (matching) state as
 *   {a:{id:{s,a,c,lc[,lu]}}}; afterwards {c:{id:{"+":{…},"-":{a:[…]}}}} for changes and {r:[id]} for removals.
 * - unsubscribe_events {subscription}, call_service (not_found "Service d.s not found.",
 *   home_assistant_error), ping → pong.
 * - The test sets and removes states, goes down and comes back on the same port (an HA restart), or drops
 *   every connection while the server stays up.
 * - For fuzzing only, a broken HA: sendRaw puts any text frame on every authenticated connection, and
 *   sendEntityEvent any `event` body on their live subscribe_entities subscriptions — what a real HA never
 *   sends, so everything else stays as HA does it.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

interface EntityRecord {
  entityId: string;
  state: string;
  attributes: Record<string, unknown>;
  contextId: string;
  /** Seconds since the epoch, as HA sends them. */
  lastChanged: number;
  lastUpdated: number;
}

export interface ServiceCall {
  domain: string;
  service: string;
  serviceData?: Record<string, unknown>;
  target?: Record<string, unknown>;
}

/** Throw from a service handler to answer home_assistant_error with this message. */
export class HaServiceFailure extends Error {}

type ServiceHandler = (call: ServiceCall) => unknown;

interface Client {
  socket: WebSocket;
  authed: boolean;
  lastId: number;
  coalesce: boolean;
  queue: string[];
  /** subscription id → entity filter (undefined = all). */
  entitySubs: Map<number, Set<string> | undefined>;
}

export interface HaServerOptions {
  token: string;
  haVersion?: string;
  port?: number;
}

export class HaTestServer {
  readonly haVersion: string;
  /** Every message clients sent after authenticating, in order (the auth message itself is not kept). */
  readonly received: Record<string, unknown>[] = [];
  readonly serviceCalls: ServiceCall[] = [];
  authAttempts = 0;
  authFailures = 0;
  /** Connections accepted since start (each reconnect is one). */
  connections = 0;
  /** Set false to leave pings unanswered, like a half-open connection. */
  answerPings = true;
  private wss: WebSocketServer | undefined;
  private readonly clients = new Set<Client>();
  private readonly states = new Map<string, EntityRecord>();
  private readonly services = new Map<string, ServiceHandler>();
  private port = 0;
  private lastStamp = 0;

  private constructor(private readonly o: HaServerOptions) {
    this.haVersion = o.haVersion ?? "2025.11.1";
  }

  static async start(o: HaServerOptions): Promise<HaTestServer> {
    const s = new HaTestServer(o);
    await s.listen(o.port ?? 0);
    return s;
  }

  /** The address a user writes in site.yaml. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/websocket`;
  }

  /** Authenticated clients with at least one subscribe_entities live. */
  get entitySubscribers(): number {
    return [...this.clients].filter((c) => c.authed && c.entitySubs.size > 0).length;
  }

  /** Live subscribe_entities subscriptions over all clients. */
  get entitySubscriptions(): number {
    return [...this.clients].reduce((n, c) => n + c.entitySubs.size, 0);
  }

  get openConnections(): number {
    return this.clients.size;
  }

  setState(entityId: string, state: string, attributes: Record<string, unknown> = {}): void {
    // Strictly increasing, so two updates in one millisecond still differ as they would in HA.
    const now = Math.max(Date.now() / 1000, this.lastStamp + 0.001);
    this.lastStamp = now;
    const old = this.states.get(entityId);
    const rec: EntityRecord = {
      entityId,
      state,
      attributes: { ...attributes },
      contextId: randomUUID().replaceAll("-", ""),
      lastChanged: old && old.state === state ? old.lastChanged : now,
      lastUpdated: now,
    };
    this.states.set(entityId, rec);
    this.fanOut(
      entityId,
      old ? { c: { [entityId]: diff(old, rec) } } : { a: { [entityId]: compressed(rec) } },
    );
  }

  /** HA's last_updated of an entity, in seconds since the epoch (undefined when absent). */
  lastUpdated(entityId: string): number | undefined {
    return this.states.get(entityId)?.lastUpdated;
  }

  removeEntity(entityId: string): void {
    if (!this.states.delete(entityId)) return;
    this.fanOut(entityId, { r: [entityId] });
  }

  /** A text frame as is (not JSON, wrong ids, unknown types…) to every authenticated client. */
  sendRaw(text: string): void {
    for (const c of this.clients) if (c.authed && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
  }

  /** `{id, type: "event", event}` on every live subscribe_entities subscription, with any `event` body. */
  sendEntityEvent(event: unknown): void {
    for (const c of this.clients)
      for (const subId of c.entitySubs.keys()) this.send(c, { id: subId, type: "event", event });
  }

  /** The ids of the live subscribe_entities subscriptions (to aim frames with right or wrong ids). */
  get entitySubscriptionIds(): number[] {
    return [...this.clients].flatMap((c) => [...c.entitySubs.keys()]);
  }

  registerService(domain: string, service: string, handler: ServiceHandler = () => undefined): void {
    this.services.set(`${domain}.${service}`, handler);
  }

  /** Closes every client connection; the server keeps listening (closing mid-subscription). */
  dropConnections(): void {
    for (const c of this.clients) c.socket.close(1000);
  }

  /** HA stops: every connection closed, nothing listening until comeBack(). States are kept. */
  async goDown(): Promise<void> {
    const wss = this.wss;
    this.wss = undefined;
    if (!wss) return;
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
    await new Promise<void>((r) => wss.close(() => r()));
  }

  /** HA starts again on the same port. */
  async comeBack(): Promise<void> {
    await this.listen(this.port);
  }

  async restart(): Promise<void> {
    await this.goDown();
    await this.comeBack();
  }

  async close(): Promise<void> {
    await this.goDown();
  }

  private async listen(port: number): Promise<void> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port, path: "/api/websocket" });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    this.wss = wss;
    wss.on("connection", (socket) => this.accept(socket));
  }

  private accept(socket: WebSocket): void {
    this.connections++;
    const c: Client = { socket, authed: false, lastId: 0, coalesce: false, queue: [], entitySubs: new Map() };
    this.clients.add(c);
    socket.on("close", () => this.clients.delete(c));
    socket.on("error", () => {});
    socket.on("message", (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        socket.close(1003);
        return;
      }
      if (c.authed) this.command(c, msg as Record<string, unknown>);
      else this.auth(c, msg as Record<string, unknown>);
    });
    this.sendNow(c, { type: "auth_required", ha_version: this.haVersion });
  }

  private auth(c: Client, msg: Record<string, unknown>): void {
    this.authAttempts++;
    if (msg?.type !== "auth" || typeof msg.access_token !== "string") {
      this.authFailures++;
      this.sendNow(c, {
        type: "auth_invalid",
        message: "Auth message incorrectly formatted: expected an auth message with access_token",
      });
      c.socket.close();
      return;
    }
    if (msg.access_token !== this.o.token) {
      this.authFailures++;
      this.sendNow(c, { type: "auth_invalid", message: "Invalid access token or password" });
      c.socket.close();
      return;
    }
    c.authed = true;
    this.sendNow(c, { type: "auth_ok", ha_version: this.haVersion });
  }

  private command(c: Client, msg: Record<string, unknown>): void {
    this.received.push(msg);
    const id = msg?.id;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || typeof msg.type !== "string") {
      this.send(
        c,
        error(typeof id === "number" ? id : null, "invalid_format", "Message incorrectly formatted."),
      );
      return;
    }
    if (id <= c.lastId) {
      this.send(c, error(id, "id_reuse", "Identifier values have to increase."));
      return;
    }
    c.lastId = id;
    switch (msg.type) {
      case "supported_features": {
        const f = msg.features as Record<string, unknown> | undefined;
        this.send(c, result(id, null));
        c.coalesce = f?.coalesce_messages === 1 || f?.coalesce_messages === true;
        return;
      }
      case "ping":
        if (this.answerPings) this.send(c, { id, type: "pong" });
        return;
      case "subscribe_entities": {
        const ids = msg.entity_ids;
        const filter = Array.isArray(ids) ? new Set(ids.map(String)) : undefined;
        c.entitySubs.set(id, filter);
        this.send(c, result(id, null));
        const a: Record<string, unknown> = {};
        for (const rec of this.states.values()) {
          if (!filter || filter.has(rec.entityId)) a[rec.entityId] = compressed(rec);
        }
        this.send(c, { id, type: "event", event: { a } });
        return;
      }
      case "unsubscribe_events": {
        const sub = msg.subscription;
        if (typeof sub === "number" && c.entitySubs.delete(sub)) this.send(c, result(id, null));
        else this.send(c, error(id, "not_found", "Subscription not found."));
        return;
      }
      case "call_service":
        this.callService(c, id, msg);
        return;
      default:
        this.send(c, error(id, "unknown_command", "Unknown command."));
    }
  }

  private callService(c: Client, id: number, msg: Record<string, unknown>): void {
    const call: ServiceCall = { domain: String(msg.domain), service: String(msg.service) };
    if (msg.service_data !== undefined) call.serviceData = msg.service_data as Record<string, unknown>;
    if (msg.target !== undefined) call.target = msg.target as Record<string, unknown>;
    this.serviceCalls.push(call);
    const handler = this.services.get(`${call.domain}.${call.service}`);
    if (!handler) {
      this.send(c, error(id, "not_found", `Service ${call.domain}.${call.service} not found.`));
      return;
    }
    try {
      const response = handler(call);
      const context = { id: randomUUID().replaceAll("-", ""), parent_id: null, user_id: "test-user" };
      this.send(c, result(id, msg.return_response ? { context, response } : { context }));
    } catch (e) {
      this.send(c, error(id, "home_assistant_error", (e as Error).message));
    }
  }

  private fanOut(entityId: string, event: Record<string, unknown>): void {
    for (const c of this.clients) {
      for (const [subId, filter] of c.entitySubs) {
        if (!filter || filter.has(entityId)) this.send(c, { id: subId, type: "event", event });
      }
    }
  }

  /** Queued and flushed at the end of the tick: one array when the client asked for coalescing. */
  private send(c: Client, msg: unknown): void {
    c.queue.push(JSON.stringify(msg));
    if (c.queue.length > 1) return;
    setImmediate(() => {
      const q = c.queue.splice(0);
      if (c.socket.readyState !== c.socket.OPEN) return;
      if (c.coalesce && q.length > 1) c.socket.send(`[${q.join(",")}]`);
      else for (const m of q) c.socket.send(m);
    });
  }

  private sendNow(c: Client, msg: unknown): void {
    c.socket.send(JSON.stringify(msg));
  }
}

function result(id: number, r: unknown) {
  return { id, type: "result", success: true, result: r };
}

function error(id: number | null, code: string, message: string) {
  return { id, type: "result", success: false, error: { code, message } };
}

/** HA's compressed state for adds: lu only when it differs from lc, context as a bare id string. */
function compressed(r: EntityRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { s: r.state, a: r.attributes, c: r.contextId, lc: r.lastChanged };
  if (r.lastUpdated !== r.lastChanged) out.lu = r.lastUpdated;
  return out;
}

/** HA's state diff: "+" with what is new or changed, "-" with removed attribute names. */
function diff(old: EntityRecord, now: EntityRecord): Record<string, unknown> {
  const plus: Record<string, unknown> = {};
  if (old.state !== now.state) plus.s = now.state;
  if (old.lastChanged !== now.lastChanged) plus.lc = now.lastChanged;
  else if (old.lastUpdated !== now.lastUpdated) plus.lu = now.lastUpdated;
  if (old.contextId !== now.contextId) plus.c = now.contextId;
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(now.attributes)) {
    if (JSON.stringify(old.attributes[k]) !== JSON.stringify(v)) changed[k] = v;
  }
  if (Object.keys(changed).length > 0) plus.a = changed;
  const removed = Object.keys(old.attributes).filter((k) => !(k in now.attributes));
  const d: Record<string, unknown> = { "+": plus };
  if (removed.length > 0) d["-"] = { a: removed };
  return d;
}
