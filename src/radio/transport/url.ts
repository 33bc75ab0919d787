/**
 * `openTransport(url)`: picks the transport from what the user typed and wraps it so it reconnects.
 *   /dev/ttyUSB0, /dev/serial/by-id/…, COM3, serial:///dev/ttyACM0  → serial, 115200 8N1
 *   tcp://host:port                                                 → TCP (ser2net raw, emulator)
 * In-process streams (the emulator in tests and the demo) use `openStreamTransport`.
 */
import type { Duplex } from "node:stream";
import { RadioError } from "../errors.ts";
import type { Transport } from "./index.ts";
import { ReconnectingTransport, type ReconnectOptions } from "./reconnect.ts";
import { type SerialPortFactory, SerialTransport } from "./serial.ts";
import { StreamTransport } from "./stream.ts";
import { TcpTransport, type TcpTransportOptions } from "./tcp.ts";

export type TransportTarget = { kind: "serial"; path: string } | { kind: "tcp"; host: string; port: number };

export function parseTransportUrl(url: string): TransportTarget {
  const u = url.trim();
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/i.exec(u);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) throw badUrl(url, `TCP port ${port} is outside 1–65535`);
    return { kind: "tcp", host: tcp[1]!.replace(/^\[|\]$/g, ""), port };
  }
  if (/^tcp:/i.test(u)) throw badUrl(url, "a TCP port is written tcp://host:port");
  const serial = /^serial:\/\/(.+)$/i.exec(u);
  if (serial) return { kind: "serial", path: serial[1]! };
  if (u.startsWith("/") || /^COM\d+$/i.test(u) || /^\\\\\.\\COM\d+$/i.test(u))
    return { kind: "serial", path: u };
  throw badUrl(url, "expected a serial device (/dev/ttyUSB0, COM3) or tcp://host:port");
}

export interface OpenTransportOptions extends ReconnectOptions {
  tcp?: TcpTransportOptions;
  /** Injects the serial port implementation (tests pass serialport's SerialPortMock). */
  serialPort?: SerialPortFactory;
}

export function openTransport(url: string, opts: OpenTransportOptions = {}): ReconnectingTransport {
  const target = parseTransportUrl(url);
  const factory: () => Transport =
    target.kind === "tcp"
      ? () => new TcpTransport(target.host, target.port, opts.tcp)
      : () => new SerialTransport(target.path, opts.serialPort);
  return new ReconnectingTransport(url, factory, opts);
}

export function openStreamTransport(
  factory: () => Duplex,
  opts: ReconnectOptions & { url?: string } = {},
): ReconnectingTransport {
  const url = opts.url ?? "stream://in-process";
  return new ReconnectingTransport(url, () => new StreamTransport(factory, url), opts);
}

function badUrl(url: string, why: string): RadioError {
  return new RadioError("bad-url", `cannot use stick port '${url}': ${why}`);
}
