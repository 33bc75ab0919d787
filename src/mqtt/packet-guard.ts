/**
 * Cuts off an MQTT connection as soon as a packet announces more than `maxBytes`, reading only the fixed
 * headers (MQTT 3.1.1 / 5 §2.2: one type byte, then the remaining length as 1–4 bytes of 7 bits, low
 * group first, 0x80 = more follow). The broker's parser would otherwise buffer the whole packet first.
 */
import type { Socket } from "node:net";

export function packetSizeGuard(socket: Socket, maxBytes: number): void {
  let phase: "type" | "length" | "body" = "type";
  let length = 0;
  let shift = 0;
  let lengthBytes = 0;
  let bodyLeft = 0;
  socket.on("data", (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (phase === "body") {
        const take = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= take;
        i += take;
        if (bodyLeft === 0) phase = "type";
        continue;
      }
      const b = chunk[i++]!;
      if (phase === "type") {
        phase = "length";
        length = 0;
        shift = 0;
        lengthBytes = 0;
        continue;
      }
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      lengthBytes++;
      if (length > maxBytes || lengthBytes > 4) {
        socket.destroy();
        return;
      }
      if ((b & 0x80) === 0) {
        bodyLeft = length;
        phase = length === 0 ? "type" : "body";
      }
    }
  });
}
