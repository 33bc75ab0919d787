/**
 * mqtt.js leaves Nagle's algorithm on: a reading's second small publish then waits until the broker has
 * acknowledged the first, and Linux delays that ACK by up to 40 ms. Sent at once instead, on every
 * (re)connect (each builds a new socket). A WebSocket stream has no such switch and is left as it is.
 */
import type { MqttClient } from "mqtt";

export function sendWithoutDelay(client: MqttClient): MqttClient {
  client.on("connect", () => {
    (client.stream as { setNoDelay?: (on: boolean) => unknown } | undefined)?.setNoDelay?.(true);
  });
  return client;
}
