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
