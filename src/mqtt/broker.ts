/**
 * The embedded MQTT broker used when site.yaml names no broker (and by `npm start`'s demo): aedes on a TCP
 * port, bound to 127.0.0.1 unless told otherwise, with retained messages kept in memory.
 */
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  opts: { host?: string; port?: number } = {},
): Promise<EmbeddedBroker> {
  const host = opts.host ?? "127.0.0.1";
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? new Error(
              `MQTT port ${opts.port} on ${host} is already in use: choose another with --mqtt-port or LOCALECU_MQTT_PORT`,
            )
          : e,
      ),
    );
    server.listen(opts.port ?? 1883, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 1883);
  return {
    url: `mqtt://${host}:${port}`,
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
