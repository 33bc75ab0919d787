/**
 * One `<base>/<name>/set[/<key>]` message → validated command → `onCommand` → `<base>/<name>/set/result`.
 * Nothing reaches `onCommand` unless validateCommand passed; every refusal is answered and logged.
 */
import { type Command, retainedRefusal, type Transaction, validateCommand } from "./commands.ts";
import { type ScheduleCommand, type SiteCommand, validateSiteCommand } from "./site-commands.ts";
import type { InverterSnapshot, LimiterSnapshot, ScheduleSnapshot } from "./snapshot.ts";
import { bridgeTopics, type OutMessage, type SetTopic, topicName } from "./topics.ts";

export type CommandOutcome = { ok: true; detail?: Record<string, unknown> } | { ok: false; error: string };
export type CommandHandler = (serial: string, command: Command) => Promise<CommandOutcome> | CommandOutcome;

export interface EntityLog {
  debug?(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface SetContext {
  baseTopic: string;
  inverters: readonly InverterSnapshot[];
  onCommand: CommandHandler;
  send: (m: OutMessage) => void;
  log: EntityLog;
  /**
   * Whether the broker holds `text` retained on `topic`. MQTT 3.1.1 brokers clear the retain flag for
   * established subscriptions, so a command published retained while we run arrives looking live.
   */
  retainedOnBroker?: (topic: string, text: string) => Promise<boolean>;
}

export async function handleSet(
  ctx: SetContext,
  set: SetTopic,
  topic: string,
  text: string,
  retained: boolean,
): Promise<void> {
  if (text === "") {
    // `mosquitto_pub -r -n` clears a retained command: the broker forwards the empty payload. Nothing to do.
    ctx.log.debug?.(`entities: ${topic}: empty payload (a retained command was cleared), ignored`);
    return;
  }
  const resultTopic = `${ctx.baseTopic}/${set.name}/set/result`;
  const reply = (body: Record<string, unknown>) =>
    ctx.send({ topic: resultTopic, payload: JSON.stringify(body), retain: false, qos: 1 });
  const s = ctx.inverters.find((i) => topicName(i.name, i.serial) === set.name);
  if (!s) {
    const known = ctx.inverters.map((i) => topicName(i.name, i.serial));
    const error = `${topic}: no inverter is named "${set.name}" — known names: ${known.join(", ") || "(none yet)"}`;
    ctx.log.warn(`entities: ${error}`);
    reply({ ok: false, error });
    const log = { level: "warning", message: error };
    ctx.send({
      topic: bridgeTopics(ctx.baseTopic).logging,
      payload: JSON.stringify(log),
      retain: false,
      qos: 0,
    });
    return;
  }
  const r = validateCommand({
    topic,
    payload: text,
    retained,
    model: s.model,
    ...(set.key !== undefined ? { key: set.key } : {}),
    ...(s.on !== undefined ? { on: s.on } : {}),
  });
  await answer(ctx, topic, text, retained, r, reply, (c) => ctx.onCommand(s.serial, c));
}

export type SiteCommandHandler = (command: SiteCommand) => Promise<CommandOutcome> | CommandOutcome;
/** Runs a validated schedule override; without it the override is refused (the site has no schedule). */
export type ScheduleCommandHandler = (command: ScheduleCommand) => Promise<CommandOutcome> | CommandOutcome;

/** `<base>/site/set[/<key>]` → validated site command → `onSiteCommand` → `<base>/site/set/result`. */
export async function handleSiteSet(
  ctx: Pick<SetContext, "baseTopic" | "send" | "log" | "retainedOnBroker"> & {
    limiter: LimiterSnapshot | undefined;
    schedule?: ScheduleSnapshot | undefined;
    onSiteCommand?: SiteCommandHandler;
    onScheduleCommand?: ScheduleCommandHandler;
  },
  key: string | undefined,
  topic: string,
  text: string,
  retained: boolean,
): Promise<void> {
  if (text === "") {
    ctx.log.debug?.(`entities: ${topic}: empty payload (a retained command was cleared), ignored`);
    return;
  }
  const reply = (body: Record<string, unknown>) =>
    ctx.send({
      topic: `${ctx.baseTopic}/site/set/result`,
      payload: JSON.stringify(body),
      retain: false,
      qos: 1,
    });
  const r = validateSiteCommand({
    topic,
    payload: text,
    retained,
    limiter: ctx.onSiteCommand ? ctx.limiter : undefined,
    schedule: ctx.onScheduleCommand ? ctx.schedule : undefined,
    ...(key !== undefined ? { key } : {}),
  });
  await answer(ctx, topic, text, retained, r, reply, (c) =>
    c.kind === "schedule_override" ? ctx.onScheduleCommand!(c) : ctx.onSiteCommand!(c),
  );
}

type Validated<C> =
  | { ok: true; command: C; transaction?: Transaction }
  | { ok: false; error: string; transaction?: Transaction };

/**
 * The common end of every `/set`: a refusal, a command still held retained on the broker, or the command
 * run and its outcome, each answered on the result topic with the transaction echoed.
 */
async function answer<C extends { kind: string }>(
  ctx: Pick<SetContext, "log" | "retainedOnBroker">,
  topic: string,
  text: string,
  retained: boolean,
  r: Validated<C>,
  reply: (body: Record<string, unknown>) => void,
  run: (command: C) => Promise<CommandOutcome> | CommandOutcome,
): Promise<void> {
  const tx = r.transaction !== undefined ? { transaction: r.transaction } : {};
  if (!r.ok) {
    ctx.log.warn(`entities: refused ${r.error}`);
    reply({ ok: false, error: r.error, ...tx });
    return;
  }
  if (!retained && (await ctx.retainedOnBroker?.(topic, text))) {
    const error = retainedRefusal(topic);
    ctx.log.warn(`entities: refused ${error}`);
    reply({ ok: false, error, ...tx });
    return;
  }
  try {
    const outcome = await run(r.command);
    reply(
      outcome.ok
        ? { ok: true, command: r.command, ...(outcome.detail ?? {}), ...tx }
        : { ok: false, command: r.command, error: outcome.error, ...tx },
    );
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const error = `${topic}: the controller could not run ${r.command.kind}: ${why}`;
    ctx.log.error(`entities: ${error}`);
    reply({ ok: false, command: r.command, error, ...tx });
  }
}
