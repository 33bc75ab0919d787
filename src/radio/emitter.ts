/**
 * A small typed emitter: `on(name, fn)` returns its own unsubscribe function (hajs style), and a
 * throwing handler is logged as `radio/<event>` instead of breaking the emitter or the process.
 */
import { errorMessage, type RadioLogger, silentLogger } from "./log.ts";

type Handler<T> = (value: T) => void;

export class TypedEmitter<M extends object> {
  private readonly handlers = new Map<keyof M, Set<Handler<never>>>();

  constructor(
    private readonly logger: RadioLogger = silentLogger,
    private readonly scope = "radio",
  ) {}

  on<K extends keyof M>(name: K, fn: Handler<M[K]>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const h = fn as Handler<never>;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  emit<K extends keyof M>(name: K, value: M[K]): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const h of [...set]) {
      try {
        (h as Handler<M[K]>)(value);
      } catch (e) {
        this.logger.error({ err: e }, `${this.scope}/${String(name)}: handler failed: ${errorMessage(e)}`);
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.handlers.get(name)?.size ?? 0;
  }

  clear(): void {
    this.handlers.clear();
  }
}
