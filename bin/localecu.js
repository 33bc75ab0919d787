#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npx localecu` works straight after `npm install`,
// with no build step that could go stale.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
