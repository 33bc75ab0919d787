/**
 * The emulated ECU on TCP, speaking port 8899's framing: a request is complete at its (last) `END`,
 * with or without the LF the integrations add; one request is answered per connection (ECU-R-Pro
 * units need a new connection per request, ecu_reader ecu_api.py); an idle connection is closed
 * after ~15 s, as an ECU-R does (npeter README).
 */
import { createServer, type Socket } from "node:net";
import { DEFAULT_EMULATED_ECU_ID, EcuEmulatorCore, type EcuEmulatorCoreOptions } from "./core.ts";
import type { EcuEmulatorControls } from "./faults.ts";
import { type EcuPagesMode, type EcuPagesServer, startEcuPages } from "./pages.ts";
import { ecuProfile } from "./profile.ts";

export interface EcuEmulatorOptions extends EcuEmulatorCoreOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port; default 8899. */
  port?: number;
  /** Real ms after which an idle connection is closed (default 15 000). */
  idleCloseMs?: number;
  /** Every request and what was done with it (for the CLI's stderr). */
  log?(line: string): void;
  /**
   * The web pages that queue commands (pages.ts), on a second listener: only ECU-R-Pro and ECU-C have
   * them. `removed` also makes 0001 report a firmware that removed them, unless `firmware` is given.
   */
  http?: { port?: number; pages?: EcuPagesMode };
}

export interface EcuEmulator {
  readonly host: string;
  readonly port: number;
  /** tcp://host:port with the port actually bound. */
  readonly url: string;
  readonly core: EcuEmulatorCore;
  readonly controls: EcuEmulatorControls;
  /** The web pages' listener; undefined on ECU-R 2160 and ECU-B (no web UI) or without `http`. */
  readonly http?: EcuPagesServer;
  close(): Promise<void>;
}

/** Firmwares reported to have dropped the pages (ecu-lan-protocol.md §3.1: ecu_reader#129, #131). */
const REMOVED_FIRMWARE: Record<string, string> = {
  "ECU-R-Pro": "ECU_R_PRO_2.1.29A",
  "ECU-C": "ECU-C-Z_C1.2.24B",
};

/** ENDs a complete request needs: 0003 and 0004 carry one argument group after the ECU id. */
const ENDS: Record<string, number> = { "0003": 2, "0004": 2, "0006": 2, "0032": 2 };
/** Longest request we wait for; more without a complete request is not a client of ours. */
const MAX_REQUEST = 512;

/** The first whole request in what arrived (through its last END and an optional LF), or undefined. */
function firstRequest(text: string): string | undefined {
  if (text.length < 13) return undefined;
  let end = -3;
  for (let n = ENDS[text.slice(9, 13)] ?? 1; n > 0; n--) {
    end = text.indexOf("END", end + 3);
    if (end < 0) return undefined;
  }
  // The LF may still be on its way; the ECUs answer without it anyway.
  return text.slice(0, text[end + 3] === "\n" ? end + 4 : end + 3);
}

export async function startEcuEmulator(opts: EcuEmulatorOptions): Promise<EcuEmulator> {
  const host = opts.host ?? "127.0.0.1";
  const model = ecuProfile(opts.ecuId ?? DEFAULT_EMULATED_ECU_ID).model;
  const removedFw = opts.http?.pages === "removed" ? REMOVED_FIRMWARE[model] : undefined;
  const core = new EcuEmulatorCore(
    opts.firmware === undefined && removedFw !== undefined ? { ...opts, firmware: removedFw } : opts,
  );
  const sockets = new Set<Socket>();
  const idleMs = opts.idleCloseMs ?? 15_000;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let text = "";
    let handled = false;
    const idle = setTimeout(() => socket.destroy(), idleMs);
    idle.unref();
    socket.on("close", () => {
      clearTimeout(idle);
      sockets.delete(socket);
    });
    socket.on("error", () => socket.destroy()); // a reset by the client is an ordinary end here
    socket.on("data", (chunk: Buffer) => {
      if (handled) return;
      text += chunk.toString("latin1");
      if (text.length > MAX_REQUEST) {
        socket.destroy();
        return;
      }
      const request = firstRequest(text);
      if (request === undefined) return;
      handled = true;
      const action = core.handle(request);
      opts.log?.(
        `${request.trim()} → ${action.kind === "answer" ? `${action.bytes.length} bytes${action.cutAt === undefined ? "" : `, cut at ${action.cutAt}`}` : `${action.kind} (${action.why})`}`,
      );
      if (action.kind === "close") socket.end();
      else if (action.kind === "answer") {
        const bytes = action.cutAt === undefined ? action.bytes : action.bytes.subarray(0, action.cutAt);
        send(socket, bytes, core.controls.chunkBytes, action.cutAt !== undefined);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8899, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : (opts.port ?? 8899);
  const closeTcp = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  let http: EcuPagesServer | undefined;
  if (opts.http && (model === "ECU-R-Pro" || model === "ECU-C")) {
    try {
      http = await startEcuPages(core, { host, ...opts.http });
    } catch (e) {
      await closeTcp();
      throw e;
    }
  }
  return {
    host,
    port,
    url: `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`,
    core,
    controls: core.controls,
    ...(http ? { http } : {}),
    close: async () => {
      await http?.close();
      await closeTcp();
    },
  };
}

/** Writes the answer whole or in pieces (one per event-loop turn, so they leave as separate segments). */
function send(socket: Socket, bytes: Buffer, chunk: number | undefined, thenClose: boolean): void {
  const done = () => {
    if (thenClose) socket.end();
  };
  if (!chunk || chunk >= bytes.length) {
    socket.write(bytes, done);
    return;
  }
  let off = 0;
  const next = () => {
    if (socket.destroyed) return;
    if (off >= bytes.length) {
      done();
      return;
    }
    socket.write(bytes.subarray(off, off + chunk));
    off += chunk;
    setTimeout(next, 1);
  };
  next();
}
