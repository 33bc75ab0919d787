/**
 * A USB stick on a serial device (`/dev/ttyUSB0`, `/dev/ttyACM0`, `COM3`): 115200 8N1, no flow control,
 * as ESP-ECU drives the CC2530/CC2531 APS firmware.
 */
import { SerialPort } from "serialport";
import { RadioError } from "../errors.ts";
import { BaseTransport } from "./index.ts";

export const STICK_BAUD = 115_200;

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits: 8;
  parity: "none";
  stopBits: 1;
  rtscts: false;
  autoOpen: false;
}

/** The slice of serialport's SerialPort we use; injectable so tests can pass SerialPortMock. */
export interface SerialPortLike {
  open(cb: (err: Error | null) => void): void;
  write(data: Uint8Array, cb: (err: Error | null | undefined) => void): boolean;
  close(cb: (err: Error | null) => void): void;
  readonly isOpen: boolean;
  on(event: "data", fn: (b: Buffer) => void): unknown;
  on(event: "error", fn: (e: Error) => void): unknown;
  on(event: "close", fn: (e?: Error | null) => void): unknown;
  removeAllListeners(): unknown;
}

export type SerialPortFactory = (options: SerialOpenOptions) => SerialPortLike;

const defaultFactory: SerialPortFactory = (o) => new SerialPort(o);

export class SerialTransport extends BaseTransport {
  private port: SerialPortLike | undefined;

  constructor(
    readonly path: string,
    private readonly factory: SerialPortFactory = defaultFactory,
    private readonly baudRate = STICK_BAUD,
  ) {
    super(path);
  }

  open(): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let port: SerialPortLike;
      try {
        port = this.factory({
          path: this.path,
          baudRate: this.baudRate,
          dataBits: 8,
          parity: "none",
          stopBits: 1,
          rtscts: false,
          autoOpen: false,
        });
      } catch (e) {
        reject(this.unreachable(e));
        return;
      }
      port.open((err) => {
        if (err) {
          reject(this.unreachable(err));
          return;
        }
        this.port = port;
        let lastError: Error | undefined;
        port.on("data", (b) => this.events.emit("data", new Uint8Array(b)));
        port.on("error", (e) => {
          lastError = e;
          this.events.emit("error", e);
        });
        // serialport passes a DisconnectedError when the stick is unplugged.
        port.on("close", (e) => {
          if (this.port === port) this.port = undefined;
          this.markClosed(e ?? lastError ?? new Error(`${this.path} closed`));
        });
        this.markOpen();
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.writeTo(this.port, bytes);
  }

  close(): Promise<void> {
    const p = this.port;
    if (!p) return Promise.resolve();
    this.port = undefined;
    this.markClosed(undefined);
    return new Promise((resolve) => {
      if (!p.isOpen) {
        resolve();
        return;
      }
      p.close(() => resolve());
    });
  }

  private unreachable(e: unknown): RadioError {
    const why = e instanceof Error ? e.message : String(e);
    return new RadioError(
      "unreachable",
      `cannot open serial port ${this.path}: ${why} — is the stick plugged in, the path right (ls /dev/serial/by-id) and the user in the dialout group?`,
      { cause: e },
    );
  }
}
