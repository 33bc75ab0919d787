/**
 * The publish pacer: publishes pass straight through while the socket keeps up; once more than the high
 * water mark is unsent they wait, in the order they were made, and go out as the socket drains.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { pacePublishes } from "../../src/controller/publish-pacer.ts";

/** A client whose socket holds whatever is published until the test lets it drain. */
class FakeClient {
  readonly sent: string[] = [];
  readonly stream = Object.assign(new EventEmitter(), { writableLength: 0 });
  connected = true;
  publish(topic: string, payload: string): this {
    this.sent.push(topic);
    this.stream.writableLength += payload.length;
    return this;
  }
  /** The kernel took everything: the socket is empty and says so. */
  flush(): void {
    this.stream.writableLength = 0;
    this.stream.emit("drain");
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe("pacePublishes", () => {
  it("holds publishes while the socket is backed up and sends them in order as it drains", async () => {
    const raw = new FakeClient();
    const { client, drain } = pacePublishes(raw, { highWaterBytes: 100 });
    // 60 bytes each: the second passes at 60 unsent, the third finds 120 > 100 and waits.
    for (const t of ["a", "b", "c", "d", "e"]) client.publish(t, "x".repeat(60));
    expect(raw.sent).toEqual(["a", "b"]);
    // Other members are the client's own.
    expect(client.connected).toBe(true);
    const drained = drain();
    raw.flush();
    await tick();
    expect(raw.sent).toEqual(["a", "b", "c", "d"]);
    raw.flush();
    await tick();
    expect(raw.sent).toEqual(["a", "b", "c", "d", "e"]);
    await drained;
    // Nothing held any more: the next publish goes straight out, even with bytes unsent below the mark.
    client.publish("f", "x".repeat(10));
    expect(raw.sent.at(-1)).toBe("f");
  });

  it("keeps sending when the socket never says drain (a stalled or replaced connection)", async () => {
    const raw = new FakeClient();
    const { client, drain } = pacePublishes(raw, { highWaterBytes: 10 });
    client.publish("a", "x".repeat(20));
    client.publish("b", "x".repeat(20));
    expect(raw.sent).toEqual(["a"]);
    // The old socket is gone; the client's new one is empty but a new stream emits no drain.
    raw.stream.writableLength = 0;
    await drain();
    expect(raw.sent).toEqual(["a", "b"]);
  });
});
