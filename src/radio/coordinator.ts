/**
 * Coordinator bring-up and health of an APS-firmware ZNP stick.
 *
 * Bring-up (aps-link.ts bringUpSequence, checked against frames.json `bringup_trace`): clear state
 * (26 05 03 01 03), reset (41 00 00 → 41 80 …), IEEE/coordinator/PAN/channel (26 05 …), AF_REGISTER
 * (24 00 …), start (26 00 → 66 00), then wait for ZDO state 9 (45 C0 09) and confirm it with
 * UTIL_GET_DEVICE_INFO (27 00 → 67 00 …, device state byte 09).
 *
 * Afterwards: an unsolicited SYS_RESET_IND (the stick rebooted: brown-out, watchdog, replug behind a
 * hub) means the network is gone, so we bring it up again; a periodic health check catches a stick
 * that went quiet or left state 9.
 */
import {
  bringUpSequence,
  coordinatorIeee,
  type DeviceInfo,
  healthCheck,
  is,
  parseDeviceInfo,
  parseStateChange,
  parseSysResetInd,
  STATE_COORDINATOR,
  type ZnpFrame,
} from "../protocol/index.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { RadioError } from "./errors.ts";
import { errorMessage, hexByte, type RadioLogger, silentLogger } from "./log.ts";
import { type BackoffOptions, backoffDelay } from "./rate.ts";
import type { Waiter, ZnpLink } from "./znp-link.ts";

export type CoordinatorState = "down" | "bringing-up" | "ready" | "no-answer";

export interface CoordinatorOptions {
  clock?: Clock;
  logger?: RadioLogger;
  random?: () => number;
  /** SYS_RESET_IND after the reset request; the CC2531 takes ~1 s. */
  resetTimeoutMs?: number;
  /** State 9 after ZB_START_REQUEST; forming a network takes a few seconds. */
  startTimeoutMs?: number;
  /** 0 disables the periodic check. */
  healthIntervalMs?: number;
  /** Delay between failed bring-ups while the transport stays open. */
  retry?: Partial<BackoffOptions>;
  /** The stick reset by itself (not our bring-up's reset step): the fault diagnosis counts these. */
  onReset?: (reason: string) => void;
}

export interface CoordinatorStateChange {
  state: CoordinatorState;
  reason?: string;
  device?: DeviceInfo;
}

export class Coordinator {
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private current: CoordinatorState = "down";
  private bringing: Promise<DeviceInfo> | undefined;
  private zdoState: number | undefined;
  private healthTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private failures = 0;
  private running = false;
  private off: (() => void) | undefined;

  constructor(
    private readonly link: ZnpLink,
    readonly ecuId: Uint8Array,
    private readonly onChange: (c: CoordinatorStateChange) => void,
    private readonly opts: CoordinatorOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  get state(): CoordinatorState {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.off = this.link.onAreq((f) => this.onAreq(f));
    this.scheduleHealth();
  }

  stop(): void {
    this.running = false;
    this.off?.();
    this.off = undefined;
    for (const t of [this.healthTimer, this.retryTimer]) if (t !== undefined) this.clock.clearTimeout(t);
    this.healthTimer = this.retryTimer = undefined;
    this.current = "down";
  }

  /** The transport went down: everything the stick knew is suspect until the next bring-up. */
  linkLost(reason: string): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.zdoState = undefined;
    this.setState({ state: "down", reason });
  }

  /** Brings the coordinator up, or joins the bring-up already running. */
  bringUp(): Promise<DeviceInfo> {
    if (!this.bringing) {
      this.bringing = this.runBringUp().finally(() => {
        this.bringing = undefined;
      });
    }
    return this.bringing;
  }

  /** UTIL_GET_DEVICE_INFO must report device state 9 (coordinator started). */
  async checkHealth(): Promise<DeviceInfo> {
    const info = parseDeviceInfo(await this.link.request(healthCheck()));
    if (info.status !== 0 || info.deviceState !== STATE_COORDINATOR) {
      throw new RadioError(
        "no-answer",
        `the stick reports device state ${info.deviceState} (status ${info.status}), not 9 (coordinator started)`,
      );
    }
    const want = coordinatorIeee(this.ecuId);
    if (info.ieee !== want) {
      this.logger.warn(
        `stick IEEE is ${info.ieee}, expected ${want} for this ECU id; inverters may not answer`,
      );
    }
    return info;
  }

  private async runBringUp(): Promise<DeviceInfo> {
    this.setState({ state: "bringing-up" });
    try {
      const info = await this.steps();
      this.failures = 0;
      this.setState({ state: "ready", device: info });
      return info;
    } catch (e) {
      const reason = errorMessage(e);
      if (e instanceof RadioError && (e.code === "link-down" || e.code === "stopped")) {
        // The transport reconnects and a new bring-up follows; nothing to retry here.
        this.setState({ state: "down", reason });
        throw e;
      }
      this.logger.warn(`stick bring-up failed: ${reason}`);
      this.setState({ state: "no-answer", reason });
      this.scheduleRetry();
      throw e instanceof RadioError && e.code !== "timeout"
        ? e
        : new RadioError(
            "no-answer",
            `the stick did not complete coordinator bring-up: ${reason} — is it a CC2530/CC2531 with APS ZNP firmware?`,
            { cause: e },
          );
    }
  }

  private async steps(): Promise<DeviceInfo> {
    const resetMs = this.opts.resetTimeoutMs ?? 5000;
    const startMs = this.opts.startTimeoutMs ?? 15_000;
    let state9: Waiter<ZnpFrame> | undefined;
    try {
      for (const step of bringUpSequence(this.ecuId)) {
        if (step.expect === "SYS_RESET_IND") {
          const w = this.link.waitFor((f) => is(f, "SYS_RESET_IND"), resetMs, `SYS_RESET_IND (${step.what})`);
          this.zdoState = undefined;
          await this.link.send(step.frame);
          await w.promise;
          continue;
        }
        if (is(step.frame, "ZB_START_REQUEST")) {
          state9 = this.link.waitFor(
            (f) => is(f, "ZDO_STATE_CHANGE_IND") && f.data[0] === STATE_COORDINATOR,
            startMs,
            "ZDO state 9 (coordinator started)",
          );
        }
        const srsp = await this.link.request(step.frame);
        // ZB_START_REQUEST's SRSP carries no status on this firmware (trace: FE 00 66 00 66).
        const status = srsp.data[0];
        if (status !== undefined && status !== 0) {
          throw new RadioError(
            "stick-status",
            `the stick refused to ${step.what} (status ${hexByte(status)})`,
          );
        }
      }
      if (this.zdoState !== STATE_COORDINATOR) await state9?.promise;
      return await this.checkHealth();
    } finally {
      state9?.cancel();
    }
  }

  private onAreq(f: ZnpFrame): void {
    if (is(f, "ZDO_STATE_CHANGE_IND")) {
      this.zdoState = parseStateChange(f);
      return;
    }
    if (!is(f, "SYS_RESET_IND")) return;
    this.zdoState = undefined;
    if (this.bringing) return; // our own reset step
    const r = parseSysResetInd(f);
    this.logger.warn(`stick reset by itself (reason ${r.reason}); bringing the coordinator up again`);
    this.opts.onReset?.(`reset by itself (reason ${r.reason})`);
    this.bringUp().catch(() => undefined); // failure already logged and retried
  }

  private scheduleHealth(): void {
    const every = this.opts.healthIntervalMs ?? 60_000;
    if (!this.running || every <= 0) return;
    this.healthTimer = this.clock.setTimeout(() => {
      this.healthTimer = undefined;
      this.healthTick().finally(() => this.scheduleHealth());
    }, every);
  }

  private async healthTick(): Promise<void> {
    if (this.bringing || this.current !== "ready") return;
    try {
      await this.checkHealth();
    } catch (e) {
      if (e instanceof RadioError && (e.code === "link-down" || e.code === "stopped")) return;
      this.logger.warn(`stick health check failed: ${errorMessage(e)}; bringing it up again`);
      await this.bringUp().catch(() => undefined);
    }
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer !== undefined) return;
    this.failures++;
    const delay = backoffDelay(
      this.failures,
      { initialMs: 5000, maxMs: 120_000, ...this.opts.retry },
      this.opts.random,
    );
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.running && this.current === "no-answer") this.bringUp().catch(() => undefined);
    }, delay);
  }

  private setState(c: CoordinatorStateChange): void {
    this.current = c.state;
    this.onChange(c);
  }
}
