import { LIMITS } from '@vigie/shared';
import type { CollectRequest } from '../collector.js';

/** The policy's service names that can appear in a sample (non-empty, bounded length and count). */
export function watchedServiceNames(request: CollectRequest): string[] {
  return request.services
    .filter((n) => n.length > 0 && n.length <= LIMITS.maxNameLength)
    .slice(0, LIMITS.maxListItems);
}
