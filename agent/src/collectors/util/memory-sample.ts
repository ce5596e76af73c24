import type { MemorySample } from '@vigie/shared';
import { pct } from './numbers.js';

/**
 * The memory section from raw totals, the same way on every platform: "used" is what is not
 * available (reclaimable cache counts as free), figures clamped so percentages stay in 0–100.
 */
export function memorySample(figures: {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
}): MemorySample {
  const totalBytes = Math.max(0, figures.totalBytes);
  const availableBytes = Math.min(totalBytes, Math.max(0, figures.availableBytes));
  const usedBytes = totalBytes - availableBytes;
  const swapTotalBytes = Math.max(0, figures.swapTotalBytes);
  const swapUsedBytes = Math.min(swapTotalBytes, Math.max(0, figures.swapUsedBytes));
  return {
    totalBytes,
    usedBytes,
    availableBytes,
    usedPct: pct(usedBytes, totalBytes),
    swapTotalBytes,
    swapUsedBytes,
    swapUsedPct: pct(swapUsedBytes, swapTotalBytes),
  };
}
