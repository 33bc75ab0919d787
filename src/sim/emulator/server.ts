/**
 * The emulated stick on TCP, like a real stick behind ser2net (`tcp://host:port`). One stick serves
 * every connection in turn: its NV, network and timers survive a reconnect (nobody power-cycled it),
 * and only SYS_RESET_REQ resets it. As with ser2net's `kickolduser`, a new connection replaces the old.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type LineFaultOptions, LineFaults } from "../line-faults.ts";
import { StickEmulator } from "./stick.ts";
import { StickCore, type StickOptions } from "./stick-core.ts";

export interface ServeEmulatorOptions extends StickOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Give every connection a faulty line with these probabilities. */
  lineFaults?: LineFaultOptions;
}

export interface EmulatorServer {
  readonly server: Server;
  /** tcp://host:port with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly core: StickCore;
  /** The line of the connected host (for on-demand faults), if one is connected. */
  current(): LineFaults | undefined;
  close(): Promise<void>;
}

export async function serveEmulator(opts: ServeEmulatorOptions): Promise<EmulatorServer> {
  const host = opts.host ?? "127.0.0.1";
  const core = new StickCore(opts);
  let active: { socket: Socket; line: LineFaults } | undefined;

  const server = createServer((socket) => {
    if (active) active.socket.destroy(); // kick the old user
    socket.setNoDelay(true);
    const line = new LineFaults(new StickEmulator({ core }), opts.lineFaults);
    const mine = { socket, line };
    active = mine;
    socket.on("data", (chunk: Buffer) => {
      if (!line.destroyed) line.write(chunk);
    });
    line.on("data", (chunk: Buffer) => {
      if (!socket.destroyed) socket.write(chunk);
    });
    const drop = () => {
      if (active === mine) active = undefined;
      if (!line.destroyed) line.destroy();
      if (!socket.destroyed) socket.destroy();
    };
    socket.on("close", drop);
    socket.on("error", drop); // a reset by the host is an ordinary disconnect here
    line.on("close", drop);
    line.on("error", drop);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    server,
    url: `tcp://${urlHost}:${port}`,
    port,
    core,
    current: () => active?.line,
    close: () =>
      new Promise<void>((resolve) => {
        active?.socket.destroy();
        core.close();
        server.close(() => resolve());
      }),
  };
}
