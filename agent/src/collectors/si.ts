import type * as systeminformation from 'systeminformation';

/** The `systeminformation` functions the non-Linux collectors call (tests pass recorded values). */
export type SiCollect = Pick<
  typeof systeminformation,
  | 'currentLoad'
  | 'mem'
  | 'fsSize'
  | 'disksIO'
  | 'fsStats'
  | 'networkStats'
  | 'cpuTemperature'
  | 'battery'
  | 'time'
  | 'processes'
  | 'services'
>;

const SI_FUNCTIONS = [
  'currentLoad',
  'mem',
  'fsSize',
  'disksIO',
  'fsStats',
  'networkStats',
  'cpuTemperature',
  'battery',
  'time',
  'processes',
  'services',
] as const satisfies readonly (keyof SiCollect)[];

/**
 * The real systeminformation, imported on the first call: the Linux fast cycle never calls it
 * (decision 0002), and loading it cost the agent's process ~10 MiB of memory for nothing.
 */
export function lazySystemInformation(): SiCollect {
  let loading: Promise<SiCollect> | undefined;
  const load = () => {
    loading ??= import('systeminformation');
    return loading;
  };
  const entries = SI_FUNCTIONS.map((name) => [
    name,
    async (...args: unknown[]) => {
      const si = await load();
      return (si[name] as (...a: unknown[]) => unknown)(...args);
    },
  ]);
  return Object.fromEntries(entries) as SiCollect;
}
