/**
 * The embedded MQTT broker used when site.yaml names no broker (and by `npm start`'s demo): aedes on a TCP
 * port, bound to 127.0.0.1 unless told otherwise, with retained messages kept in memory.
 *
 * Nothing we publish comes near 64 KiB (the largest is a discovery config of a few KiB), so bigger
 * publishes are refused and their sender disconnected: one client must not fill the broker's memory.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";
import { packetSizeGuard } from "./packet-guard.ts";

/** The largest payload the embedded broker accepts by default (bytes). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/**
 * Room for a PUBLISH's topic and headers on top of its payload: a packet larger than payload + this is
 * cut off while it is still arriving, before it is buffered whole.
 */
const PACKET_OVERHEAD_BYTES = 4096;
/**
 * The largest retained message the controller itself publishes is `<base>/bridge/devices`, zigbee2mqtt's
 * device list: ~10 KB per inverter (its exposes). 64 KiB would cut the controller off from its own broker
 * at 7 inverters; the cap grows with the site instead (16 KiB per inverter leaves room for long names).
 */
export function payloadCapFor(inverters: number): number {
  return MAX_PAYLOAD_BYTES + inverters * 16 * 1024;
}

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Why the broker could not start, as one line that says how to fix it. */
export class BrokerStartError extends Error {}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startEmbeddedBroker(
  opts: { host?: string; port?: number; maxPayloadBytes?: number } = {},
): Promise<EmbeddedBroker> {
  const host = opts.host ?? "127.0.0.1";
  const maxPayload = opts.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const broker = await Aedes.createBroker({
    authorizePublish: (_client, packet, done) => {
      if (packet.topic.startsWith("$SYS/")) return done(new Error("$SYS/ topics are reserved"));
      if (packet.payload.length > maxPayload) {
        return done(new Error(`payload of ${packet.payload.length} bytes exceeds ${maxPayload}`));
      }
      done(null);
    },
  });
  const server: Server = createServer((socket: Socket) => {
    packetSizeGuard(socket, maxPayload + PACKET_OVERHEAD_BYTES);
    // Each state message goes out as it is made: Nagle would hold small ones back for the previous ACK.
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 1883, host, () => resolve());
    });
  } catch (e) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const err = e as NodeJS.ErrnoException;
    const where = `${host}:${opts.port ?? 1883}`;
    const fix =
      err.code === "EADDRINUSE"
        ? "is already in use (another broker or demo?): stop it, or choose another port with --mqtt-port / LOCALECU_MQTT_PORT (0 picks a free one)"
        : err.code === "EADDRNOTAVAIL"
          ? "is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its LAN addresses"
          : err.code === "EACCES"
            ? "needs privileges (ports below 1024): choose a port above 1024"
            : `cannot be opened: ${err.message}`;
    throw new BrokerStartError(`embedded MQTT broker: ${where} ${fix}`);
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 1883);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `mqtt://${urlHost}:${port}`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
        // Clients holding the socket open would keep server.close() waiting forever.
        for (const c of Object.values(
          (broker as unknown as { clients: Record<string, { close(): void }> }).clients,
        ))
          c.close();
      }),
  };
}
