import { DEFAULT_POLICY } from '@vigie/shared';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const configSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.coerce.number().int().min(0).max(65_535).default(8420),
  db: z.string().min(1).default('./var/vigie-hub.db'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** How often the hub pings each agent; a socket that missed one ping is terminated. */
  heartbeatIntervalSec: z.coerce.number().min(0.05).max(3600).default(30),
  helloTimeoutSec: z.coerce.number().min(0.05).max(600).default(10),
  /** Metrics interval in the policy sent to agents. */
  metricsIntervalSec: z.coerce.number().int().min(1).max(3600).default(DEFAULT_POLICY.metricsIntervalSec),
});

export type HubConfig = Readonly<z.infer<typeof configSchema>>;
export type HubConfigInput = { [K in keyof HubConfig]?: string | number | undefined };

/** Environment variable for each setting; flags win over the environment, which wins over defaults. */
export const CONFIG_ENV: { readonly [K in keyof HubConfig]: string } = {
  host: 'VIGIE_HUB_HOST',
  port: 'VIGIE_HUB_PORT',
  db: 'VIGIE_HUB_DB',
  logLevel: 'VIGIE_LOG_LEVEL',
  heartbeatIntervalSec: 'VIGIE_HUB_HEARTBEAT_INTERVAL',
  helloTimeoutSec: 'VIGIE_HUB_HELLO_TIMEOUT',
  metricsIntervalSec: 'VIGIE_METRICS_INTERVAL',
};

export type ConfigResult = { ok: true; config: HubConfig } | { ok: false; message: string };

/** Read the hub's configuration once, at startup, into a frozen object; errors name the setting. */
export function loadHubConfig(flags: HubConfigInput, env: NodeJS.ProcessEnv): ConfigResult {
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_ENV) as (keyof HubConfig)[]) {
    const value = flags[key] ?? env[CONFIG_ENV[key]];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const source =
      flags[key as keyof HubConfig] !== undefined ? `--${key}` : CONFIG_ENV[key as keyof HubConfig];
    return { ok: false, message: `invalid ${source ?? key}: ${issue?.message ?? 'invalid value'}` };
  }
  return { ok: true, config: Object.freeze(parsed.data) };
}
