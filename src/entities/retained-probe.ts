/**
 * Was this command published retained? MQTT 3.1.1 brokers (aedes, mosquitto) clear the retain flag on
 * messages to established subscriptions (§3.3.1.3), so one published retained while we run arrives
 * looking live. A fresh subscription to the exact topic receives the broker's retained copy with the flag
 * set; if it equals the command, the command was retained. The UNSUBACK is the barrier: a broker sends
 * the retained copy before it answers the unsubscribe. Works on every broker and protocol version, unlike
 * MQTT 5's "retain as published" (aedes speaks 3.1.1 only).
 */
import type { EntityMqttClient } from "./publisher.ts";

export class RetainedProbe {
  /** Retained payloads received on a topic while a probe subscription for it is open. */
  private readonly probes = new Map<string, { retained: string[]; users: number }>();

  constructor(private readonly client: EntityMqttClient) {}

  /** Takes a retained message that arrived for an open probe; false when it is not one. */
  take(topic: string, text: string, retain: boolean): boolean {
    const probe = this.probes.get(topic);
    if (!probe || !retain) return false;
    probe.retained.push(text);
    return true;
  }

  async isRetained(topic: string, text: string): Promise<boolean> {
    const c = this.client;
    if (!c.subscribeAsync || !c.unsubscribeAsync) return false;
    const probe = this.probes.get(topic) ?? { retained: [], users: 0 };
    probe.users++;
    this.probes.set(topic, probe);
    try {
      await c.subscribeAsync([topic], { qos: 0 });
      await c.unsubscribeAsync([topic]);
    } finally {
      if (--probe.users === 0) this.probes.delete(topic);
    }
    return probe.retained.includes(text);
  }
}
