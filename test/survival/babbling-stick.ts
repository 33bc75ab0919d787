/**
 * A TCP stick that can start talking nonsense: in front of `localecu emulate`, it relays both ways while
 * sane; babbling, it drops everything and answers with random bytes mixed with well-formed ZNP frames
 * that mean nothing here (random subsystem, command and data), the way a stick with broken firmware or
 * the wrong device on the port would.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { encodeZnpFrame } from "../../src/protocol/znp/frame.ts";

export interface BabblingStick {
  url: string;
  babble(on: boolean): void;
  /** Bytes of nonsense sent so far. */
  nonsenseBytes(): number;
  close(): Promise<void>;
}

export async function babblingStick(upstreamPort: number, seed = 7): Promise<BabblingStick> {
  let babbling = false;
  let sent = 0;
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  const nonsense = (): Buffer => {
    if (rand() % 2 === 0) {
      const data = Uint8Array.from({ length: rand() % 40 }, () => rand() & 0xff);
      return Buffer.from(encodeZnpFrame({ cmd0: rand() & 0xff, cmd1: rand() & 0xff, data }));
    }
    return Buffer.from(Uint8Array.from({ length: 1 + (rand() % 64) }, () => rand() & 0xff));
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((host) => {
    sockets.add(host);
    const up = connect(upstreamPort, "127.0.0.1");
    sockets.add(up);
    const spew = () => {
      if (!babbling || host.destroyed) return;
      const b = nonsense();
      sent += b.length;
      host.write(b);
    };
    const timer = setInterval(spew, 100);
    host.on("data", (d) => {
      if (babbling) spew();
      else up.write(d);
    });
    up.on("data", (d) => {
      if (!babbling && !host.destroyed) host.write(d);
    });
    const end = () => {
      clearInterval(timer);
      host.destroy();
      up.destroy();
      sockets.delete(host);
      sockets.delete(up);
    };
    for (const x of [host, up]) {
      x.on("close", end);
      x.on("error", end);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `tcp://127.0.0.1:${port}`,
    babble: (on) => {
      babbling = on;
    },
    nonsenseBytes: () => sent,
    close: () =>
      new Promise<void>((r) => {
        for (const x of sockets) x.destroy();
        server.close(() => r());
      }),
  };
}
