import type { ServiceSample } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Log } from './deps.js';
import type { SiCollect } from './si.js';
import { createLogOnce, errorMessage } from './util/log-once.js';
import { watchedServiceNames } from './util/service-names.js';

/** Watched services from `systeminformation.services` on slow cycles; unlisted names are unknown. */
export function createSiServicesCollector(deps: {
  si: Pick<SiCollect, 'services'>;
  log: Log;
}): Collector<'services'> {
  const logOnce = createLogOnce(deps.log);
  return {
    section: 'services',
    async collect(request) {
      const names = watchedServiceNames(request);
      if (!request.slow || names.length === 0) return undefined;
      try {
        const found = new Map(
          (await deps.si.services(names.join(','))).map((s) => [s.name.toLowerCase(), s]),
        );
        return names.map((name): ServiceSample => {
          const s = found.get(name.toLowerCase());
          return { name, state: s ? (s.running ? 'running' : 'stopped') : 'unknown' };
        });
      } catch (err) {
        logOnce(errorMessage(err), 'service query failed, services reported unknown', {
          err: errorMessage(err),
        });
        return names.map((name) => ({ name, state: 'unknown' as const }));
      }
    },
  };
}
