import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { bootId, count, epochMs, list, name, optionalName, seq, text } from '../primitives.js';

export const softwareSchema = z.object({
  name,
  version: optionalName,
  publisher: optionalName.optional(),
  installedAt: epochMs.optional(),
  /** Where it was found: dpkg, rpm, apk, snap, flatpak, registry, applications… */
  source: name,
});
export type Software = z.infer<typeof softwareSchema>;

/** Free-form but bounded facts (manufacturer, model, serial…), kept verbatim. */
const facts = z.record(name, z.union([text, z.number(), z.boolean(), z.null()]));

/**
 * One chunk of an inventory snapshot. A snapshot is split in chunks under the frame limit; the
 * hub assembles the chunks of one `hash` and replaces the host's inventory when all arrived.
 */
export const inventorySchema = z
  .object({
    type: z.literal('inventory'),
    bootId,
    seq,
    at: epochMs,
    /** Hash of the whole snapshot: the agent sends a snapshot only when it changed. */
    hash: z.string().min(8).max(128),
    chunk: count,
    chunks: z.number().int().min(1).max(LIMITS.maxInventoryChunks),
    hardware: facts.optional(),
    os: facts.optional(),
    cpu: facts.optional(),
    /** Pending OS updates: `manager`, `pending`, `security` (null: unknown), `rebootRequired`. */
    updates: facts.optional(),
    /** Antivirus: `product`, `enabled`, `signaturesAt` (epoch ms), `signaturesUpToDate`. */
    antivirus: facts.optional(),
    memoryModules: list(facts).optional(),
    disks: list(facts).optional(),
    networkInterfaces: list(facts).optional(),
    software: z.array(softwareSchema).max(LIMITS.maxSoftwarePerChunk).optional(),
  })
  .refine((m) => m.chunk < m.chunks, { message: 'chunk must be below chunks', path: ['chunk'] });
export type InventoryMessage = z.infer<typeof inventorySchema>;
