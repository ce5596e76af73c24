import { z } from 'zod';
import { type RuleKind, resourceFilterSchema } from '../checks/rule.js';
import { bytes, list, name } from '../protocol/primitives.js';
import { remediationLayerSchema } from '../remediation/rule.js';
import { policySchema } from './policy.js';

/**
 * Where a policy layer applies, from the broadest to the narrowest. The effective policy of a host
 * is the hub's defaults, then each of these layers that matches the host, in this order.
 */
export const POLICY_LAYER_SCOPES = ['global', 'client', 'site', 'role', 'host'] as const;
export type PolicyLayerScope = (typeof POLICY_LAYER_SCOPES)[number];

const seconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);

/** Part of one level's thresholds; missing keys keep the value of the layer below. */
const thresholdOverrideSchema = z.strictObject({
  trigger: z.number().optional(),
  clear: z.number().optional(),
  forSec: seconds.optional(),
});

/** Settings every check kind has; `null` for a level removes it (e.g. no warning, critical only). */
const commonOverride = {
  enabled: z.boolean().optional(),
  warning: thresholdOverrideSchema.nullable().optional(),
  critical: thresholdOverrideSchema.nullable().optional(),
  forSec: seconds.optional(),
  clearForSec: seconds.optional(),
  resources: resourceFilterSchema.optional(),
};

const plainOverride = z.strictObject(commonOverride);

const withOptions = <T extends z.ZodType>(options: T) =>
  z.strictObject({ ...commonOverride, options: options.optional() });

/**
 * Per check kind, the part of its rule a layer changes (applied to every rule of that kind);
 * options keys are optional too, so a layer can change one of them.
 */
export const checkOverridesSchema = z.strictObject({
  'cpu.busy': plainOverride.optional(),
  'memory.pressure': plainOverride.optional(),
  'swap.pressure': plainOverride.optional(),
  'fs.usage': withOptions(
    z.strictObject({
      freeFloorBytes: z
        .strictObject({ warning: bytes.nullable().optional(), critical: bytes.nullable().optional() })
        .optional(),
    }),
  ).optional(),
  'fs.inodes': plainOverride.optional(),
  'fs.forecast': withOptions(
    z.strictObject({
      windowSec: z.number().int().min(60).max(86_400).optional(),
      minPoints: z.number().int().min(2).max(10_000).optional(),
      minSpanSec: z.number().int().min(0).max(86_400).optional(),
    }),
  ).optional(),
  'service.down': withOptions(z.strictObject({ services: list(name).optional() })).optional(),
  'disk.smart': plainOverride.optional(),
  'temperature.high': plainOverride.optional(),
  'battery.wear': plainOverride.optional(),
  'host.reboot': withOptions(z.strictObject({ holdSec: seconds.optional() })).optional(),
  'clock.drift': plainOverride.optional(),
} satisfies Record<RuleKind, z.ZodType>);

/** Maintenance windows (ids) a layer names; kept with the policy, shown in the effective view. */
const windowId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/**
 * What one layer sets. A key left out inherits from the layer below; a layer is replaced whole
 * when it is saved, so removing a key from it means "inherit again". Lists replace, objects merge.
 * Unknown keys are refused: a typo must not silently inherit.
 */
export const policyLayerSchema = z.strictObject({
  metricsIntervalSec: policySchema.shape.metricsIntervalSec.optional(),
  processesIntervalSec: policySchema.shape.processesIntervalSec.optional(),
  inventoryCron: policySchema.shape.inventoryCron.optional(),
  services: policySchema.shape.services.optional(),
  checks: checkOverridesSchema.optional(),
  maintenanceWindows: list(windowId).optional(),
  /** Signed agent updates on or off for the hosts this layer reaches (0017). */
  autoUpdate: policySchema.shape.autoUpdate,
  /** N0 remediation per check kind (hub side: agents never receive it; decision 0029). */
  remediation: remediationLayerSchema.optional(),
});
export type PolicyLayerSettings = z.infer<typeof policyLayerSchema>;
