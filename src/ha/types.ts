/**
 * What the rest of localecu sees of the Home Assistant link (src/ha/link.ts): its state, entity states it
 * watches, and service calls. The automations depend on this interface, not on the websocket library.
 */

export type HaLinkStateName =
  /** Connecting or reconnecting (with backoff). */
  | "connecting"
  /** Authenticated; subscriptions live. */
  | "up"
  /** Lost; retrying in the background. */
  | "down"
  /** HA refused the token: no retry until the setting is fixed (the message names it). */
  | "auth_failed"
  /** Not configured (no `homeassistant:` section) or stopped. */
  | "off";

export interface HaLinkState {
  state: HaLinkStateName;
  /** Human-readable reason; never contains the token. */
  detail?: string;
}

/** One entity's state as HA reports it (subscribe_entities). */
export interface HaEntityState {
  entityId: string;
  /** HA's state string ("1234.5", "unavailable", "unknown", "on"). */
  state: string;
  attributes: Record<string, unknown>;
  /** When HA last changed or updated it (epoch ms). */
  lastUpdatedMs: number;
}

export interface HaLinkApi {
  readonly linkState: HaLinkState;
  /** Called on every state change; returns an unsubscribe function. */
  onLinkState(cb: (s: HaLinkState) => void): () => void;
  /**
   * Calls `cb` with the entity's current state when known and on every change, across reconnects and HA
   * restarts (resubscribed automatically). `cb(undefined)` when the entity is removed or absent. Returns an
   * unsubscribe function.
   */
  watchEntity(entityId: string, cb: (s: HaEntityState | undefined) => void): () => void;
  /** Rejects with an Error naming the service and HA's message when HA refuses or the link is down. */
  callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: { entity_id?: string | string[] },
  ): Promise<unknown>;
}
