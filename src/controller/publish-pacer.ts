/**
 * Paces publishes to the socket: while the client's connection holds more than `highWaterBytes` unsent,
 * further publishes wait here (in order) and go out as it drains. A full re-publish (start, reconnect, HA
 * back online) is ~20 KB of discovery per inverter sent in one synchronous burst; unpaced, 500 inverters'
 * worth sat in socket buffers, in the embedded broker and in its subscribers' buffers at once (~40 MB), and
 * the heap that burst left behind set V8's collection limit for hours (docs/BENCHMARKS.md "Scale").
 * A reading's few messages pass straight through: nothing waits unless the socket is already backed up.
 */

/** The part of an mqtt.js client the pacer needs; `stream` is its current connection. */
export interface PacedClient {
  publish(topic: string, payload: string | Uint8Array, opts?: object, ...rest: unknown[]): unknown;
  stream?: {
    writableLength?: number;
    once(event: "drain", cb: () => void): unknown;
    removeListener(event: "drain", cb: () => void): unknown;
  };
}

export interface PublishPacer<C> {
  /** The client with a paced publish; everything else is the client's own. */
  client: C;
  /** Resolves once every held publish was handed to the client (or after `timeoutMs`). */
  drain(timeoutMs?: number): Promise<void>;
}

/** Past this, even with the socket backed up, the next held publish goes out (a stalled or replaced stream). */
const RETRY_MS = 100;

export function pacePublishes<C extends PacedClient>(
  client: C,
  opts: { highWaterBytes: number },
): PublishPacer<C> {
  const held: unknown[][] = [];
  let waiting = false;
  const publish = (args: unknown[]) =>
    (Reflect.get(client, "publish", client) as (...a: unknown[]) => unknown).apply(client, args);
  const backedUp = () => (client.stream?.writableLength ?? 0) > opts.highWaterBytes;
  const idle: (() => void)[] = [];

  const release = () => {
    waiting = false;
    while (held.length > 0 && !backedUp()) publish(held.shift()!);
    if (held.length > 0) wait();
    else for (const done of idle.splice(0)) done();
  };
  const wait = () => {
    if (waiting) return;
    waiting = true;
    let released = false;
    const stream = client.stream;
    const once = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      stream?.removeListener("drain", once);
      // Off the emitter's stack: the next publishes may fill the socket and wait again.
      setImmediate(release);
    };
    const timer = setTimeout(once, RETRY_MS);
    stream?.once("drain", once);
  };

  const paced = new Proxy(client, {
    get(target, prop) {
      if (prop !== "publish") return Reflect.get(target, prop, target);
      return (...args: unknown[]) => {
        if (held.length === 0 && !backedUp()) return publish(args);
        held.push(args);
        wait();
        return paced;
      };
    },
  });

  return {
    client: paced,
    drain(timeoutMs = 5000) {
      if (held.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
