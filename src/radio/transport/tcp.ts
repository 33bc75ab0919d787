/** `tcp://host:port`: a stick behind ser2net (raw mode) or on another machine, or the emulator. */
import net from "node:net";
import { RadioError } from "../errors.ts";
import { BaseTransport } from "./index.ts";

export interface TcpTransportOptions {
  connectTimeoutMs?: number;
  /** TCP keep-alive probe delay: finds a dead ser2net host while the line is idle. */
  keepAliveMs?: number;
}

export class TcpTransport extends BaseTransport {
  private socket: net.Socket | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly opts: TcpTransportOptions = {},
  ) {
    super(`tcp://${host}:${port}`);
  }

  open(): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
      socket.setTimeout(timeoutMs);
      const fail = (e: Error) => {
        socket.destroy();
        reject(
          new RadioError(
            "unreachable",
            `cannot connect to ${this.url}: ${e.message} — is ser2net or the emulator listening there?`,
            { cause: e },
          ),
        );
      };
      const onTimeout = () => fail(new Error(`no connection within ${timeoutMs} ms`));
      socket.once("error", fail);
      socket.once("timeout", onTimeout);
      socket.once("connect", () => {
        socket.off("error", fail);
        socket.off("timeout", onTimeout);
        socket.setTimeout(0);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, this.opts.keepAliveMs ?? 10_000);
        this.socket = socket;
        let lastError: Error | undefined;
        socket.on("data", (b: Buffer) => this.events.emit("data", new Uint8Array(b)));
        socket.on("error", (e) => {
          lastError = e;
          this.events.emit("error", e);
        });
        socket.on("close", () => {
          this.socket = undefined;
          this.markClosed(lastError ?? new Error(`${this.url} closed the connection`));
        });
        this.markOpen();
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.writeTo(this.socket, bytes);
  }

  close(): Promise<void> {
    const s = this.socket;
    if (!s) return Promise.resolve();
    this.socket = undefined;
    return new Promise((resolve) => {
      s.once("close", () => resolve());
      this.markClosed(undefined);
      s.destroy();
    });
  }
}
