/**
 * The MQTT client the controller publishes with, seen through: every publish also goes to `onPublish`
 * (the local page's mirror), everything else is the client itself.
 */
export function tapPublishes<C extends object>(
  client: C,
  onPublish: (topic: string, payload: string, retain: boolean) => void,
): C {
  return new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === "publish" && typeof v === "function") {
        return (
          topic: string,
          payload: string | Uint8Array,
          opts?: { retain?: boolean },
          ...rest: unknown[]
        ) => {
          try {
            onPublish(
              topic,
              typeof payload === "string" ? payload : Buffer.from(payload).toString(),
              opts?.retain === true,
            );
          } catch {
            // The page is a bystander: nothing it does may stop a publish.
          }
          return (v as (...a: unknown[]) => unknown).call(target, topic, payload, opts, ...rest);
        };
      }
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
