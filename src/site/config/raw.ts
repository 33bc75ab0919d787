/**
 * The YAML as it looks after schema validation (snake_case). Only the resolvers read these; the
 * rest of the code uses the camelCase SiteConfig. Kept in step with schema/site.schema.json.
 */
import type { GridCodeId } from "../../commission/grid-codes.ts";

export interface RawOrientation {
  tilt_deg: number;
  azimuth_deg: number;
}

export interface RawModule {
  make?: string;
  model?: string;
  wp: number;
  voc_v: number;
  vmp_v: number;
  imp_a?: number;
  isc_a: number;
  temp_coeff_voc_pct_per_c?: number;
  cells?: number;
}

export interface RawPanelObject {
  id?: string;
  module: string | RawModule;
  name?: string;
  array?: string;
  orientation?: RawOrientation;
}

export type RawPanel = string | RawPanelObject;
export type RawChannels = Partial<Record<"A" | "B" | "C" | "D", RawPanel>>;

export interface RawInverter {
  serial: string;
  name?: string;
  model?: "QS1" | "QS1A" | "YC600" | "YC1000" | "DS3";
  channels?: RawChannels;
}

export interface RawBranch {
  name?: string;
  breaker_a: number;
  inverters: string[];
}

export interface RawCell {
  inverter: string;
  row?: number;
  column?: number;
  x?: number;
  y?: number;
  channels?: RawChannels;
}

export interface RawArray {
  name: string;
  label?: string;
  orientation?: RawOrientation;
  rows?: number;
  columns?: number;
  cells: RawCell[];
}

export interface RawMqtt {
  url?: string;
  username?: string;
  password?: string;
  password_file?: string;
  password_env?: string;
  client_id?: string;
  protocol_version?: 4 | 5;
  tls?: { ca?: string; cert?: string; key?: string; reject_unauthorized?: boolean };
  base_topic?: string;
  discovery_prefix?: string;
  embedded?: { port?: number; host?: string };
}

export interface RawConfig {
  stick?: { port: string; ecu_id?: string; baud_rate?: number };
  ecu?: { host: string; port?: number; poll_s?: number; ecu_id?: string; http_port?: number };
  mqtt?: RawMqtt | null;
  homeassistant?: { url?: string; token?: string; token_file?: string; token_env?: string };
  site: {
    name?: string;
    timezone: string;
    latitude?: number;
    longitude?: number;
    min_temperature_c?: number;
    energy_calibration?: number;
    data_dir?: string;
    history_days?: number;
    grid_code?: GridCodeId;
    grid_overrides?: Record<string, number>;
  };
  modules?: Record<string, RawModule>;
  panels?: Record<string, RawPanel>;
  inverters: RawInverter[];
  branches?: RawBranch[];
  map?: { arrays: RawArray[] };
  automations?: {
    export_limit?: Record<string, unknown> | null;
    faults?: Record<string, unknown> | null;
    schedule?: Record<string, unknown> | null;
  };
  poll?: { interval_s?: number };
  web?: { port?: number | boolean; bind?: string };
}
