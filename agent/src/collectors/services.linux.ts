import type { Collector } from './collector.js';
import type { ExecFile, Log } from './deps.js';
import { parseSystemctlShow } from './linux/systemctl-show.js';
import { createLogOnce, errorMessage } from './util/log-once.js';
import { watchedServiceNames } from './util/service-names.js';

/**
 * Watched services' states from one `systemctl show` on slow cycles only (it spawns a child,
 * which the fast cycle must never do). Without systemd every service is `unknown`.
 */
export function createLinuxServicesCollector(deps: { execFile: ExecFile; log: Log }): Collector<'services'> {
  const logOnce = createLogOnce(deps.log);
  return {
    section: 'services',
    async collect(request) {
      const names = watchedServiceNames(request);
      if (!request.slow || names.length === 0) return undefined;
      try {
        // `--` so a policy's service name can never be read as an option.
        const { stdout } = await deps.execFile('systemctl', [
          'show',
          '--property=Id,LoadState,ActiveState',
          '--',
          ...names,
        ]);
        return parseSystemctlShow(stdout, names);
      } catch (err) {
        logOnce(`systemctl:${errorMessage(err)}`, 'systemctl failed, services reported unknown', {
          err: errorMessage(err),
        });
        return names.map((name) => ({ name, state: 'unknown' as const }));
      }
    },
  };
}
