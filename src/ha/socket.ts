/**
 * The websocket the library's Connection runs on, opened with `ws` (Node 20 has no global WebSocket) and
 * authenticated the way home-assistant-js-websocket's own createSocket does it: wait for auth_required,
 * send auth, resolve on auth_ok with `haVersion` set, and announce coalesced messages from HA 2022.9.
 * One attempt only: retries and backoff belong to the link.
 */
import type { HaWebSocket } from "home-assistant-js-websocket";
import WebSocket from "ws";
import { parseJsonObject } from "../json.ts";

export class HaSocketError extends Error {
  override readonly name = "HaSocketError";
  constructor(
    /** auth: HA refused the token (do not retry); connect: anything else (retry later). */
    readonly kind: "auth" | "connect",
    message: string,
  ) {
    super(message);
  }
}

export interface OpenOptions {
  wsUrl: string;
  token: string;
  /** Whole handshake: TCP, upgrade and auth (default 10 s). */
  timeoutMs?: number;
  /** A frame after auth that is no message (not JSON, not objects), or that the library choked on: dropped. */
  onBadFrame?: (why: string) => void;
}

export function openHaSocket(o: OpenOptions): Promise<HaWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(o.wsUrl, { handshakeTimeout: o.timeoutMs ?? 10_000 });
    let settled = false;
    const fail = (kind: "auth" | "connect", why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("message");
      socket.close();
      reject(new HaSocketError(kind, why));
    };
    // A stalled server can leave us with neither open nor close: bound the whole auth phase.
    const timer = setTimeout(() => {
      fail("connect", `no auth_ok within ${o.timeoutMs ?? 10_000} ms`);
      socket.terminate();
    }, o.timeoutMs ?? 10_000);
    // Errors always come with or before a close; a listener must exist or ws throws them.
    socket.on("error", (err) => fail("connect", err.message || String(err)));
    socket.on("close", (code) => fail("connect", `closed during the handshake (code ${code})`));
    socket.on("message", (data, isBinary) => {
      if (settled) return;
      let msg: { type?: string; ha_version?: string; message?: string };
      try {
        msg = JSON.parse(isBinary ? "" : data.toString());
      } catch {
        fail("connect", "the server sent something that is not JSON — is the URL Home Assistant's?");
        return;
      }
      if (msg.type === "auth_required") {
        socket.send(JSON.stringify({ type: "auth", access_token: o.token }));
      } else if (msg.type === "auth_invalid") {
        fail("auth", msg.message ?? "auth_invalid");
      } else if (msg.type === "auth_ok") {
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners("message");
        socket.removeAllListeners("close");
        socket.removeAllListeners("error");
        socket.on("error", () => {}); // the Connection sees the close that follows
        guardFrames(socket, o.onBadFrame ?? (() => {}));
        const ha = socket as unknown as HaWebSocket;
        ha.haVersion = msg.ha_version ?? "0.0.0";
        if (atLeast(ha.haVersion, 2022, 9)) {
          // id 1 is reserved for this by the library's Connection (its command ids start at 2).
          socket.send(
            JSON.stringify({ type: "supported_features", id: 1, features: { coalesce_messages: 1 } }),
          );
        }
        resolve(ha);
      }
    });
  });
}

type Listener = (ev: { data: unknown }) => void;

/**
 * The library parses each frame in its own message listener, without a try: a frame that is not JSON, or
 * JSON that is not a list of message objects, throws out of the socket's data handler and ends the
 * process. Its listener gets only frames of objects, and a throw inside it (an event for an id that is no
 * subscription) is reported, not raised. HA answers each command once: a second result for a live
 * subscription would make the library forget it and unsubscribe, leaving the link up but deaf, so it is
 * dropped too.
 */
function guardFrames(socket: WebSocket, onBad: (why: string) => void): void {
  const wrapped = new Map<Listener, Listener>();
  /** Our live subscriptions by command id, and whether HA has answered the subscribe. */
  const subs = new Map<number, "pending" | "answered">();
  const send = socket.send.bind(socket) as (data: string, ...rest: unknown[]) => void;
  const add = socket.addEventListener.bind(socket) as (type: string, l: Listener, o?: unknown) => void;
  const remove = socket.removeEventListener.bind(socket) as (type: string, l: Listener) => void;
  const guarded =
    (listener: Listener): Listener =>
    (ev) => {
      const text = typeof ev.data === "string" ? ev.data : Buffer.from(ev.data as Buffer).toString("utf8");
      let group: unknown;
      try {
        group = JSON.parse(text);
      } catch {
        onBad(`a frame that is not JSON (${clip(text)})`);
        return;
      }
      const items = Array.isArray(group) ? group : [group];
      if (
        items.length === 0 ||
        !items.every((m) => typeof m === "object" && m !== null && !Array.isArray(m))
      ) {
        onBad(`a frame that is not a message object (${clip(text)})`);
        return;
      }
      const kept = items.filter((m) => {
        const id = (m as { id?: unknown }).id;
        if ((m as { type?: unknown }).type !== "result" || typeof id !== "number" || !subs.has(id))
          return true;
        if (subs.get(id) === "pending") {
          subs.set(id, "answered");
          return true;
        }
        onBad(`a second result for live subscription ${id} (${clip(JSON.stringify(m))})`);
        return false;
      });
      if (kept.length === 0) return;
      const event = kept.length === items.length ? ev : { data: JSON.stringify(kept) };
      try {
        listener.call(socket, event);
      } catch (e) {
        onBad(
          `a message the link could not handle (${clip(text)}): ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    };
  Object.assign(socket, {
    send(data: string, ...rest: unknown[]) {
      const m = parseJsonObject(typeof data === "string" ? data : "");
      if (m && typeof m.id === "number" && typeof m.type === "string" && m.type.startsWith("subscribe_"))
        subs.set(m.id, "pending");
      if (m?.type === "unsubscribe_events" && typeof m.subscription === "number") subs.delete(m.subscription);
      send(data, ...rest);
    },
    addEventListener(type: string, listener: Listener, opts?: unknown) {
      if (type !== "message") return add(type, listener, opts);
      const g = guarded(listener);
      wrapped.set(listener, g);
      return add(type, g, opts);
    },
    removeEventListener(type: string, listener: Listener) {
      const g = type === "message" ? wrapped.get(listener) : undefined;
      if (g) wrapped.delete(listener);
      return remove(type, g ?? listener);
    },
  });
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split(".").map((p) => Number.parseInt(p, 10));
  if (a === undefined || Number.isNaN(a)) return false;
  return a > major || (a === major && (b ?? 0) >= minor);
}
