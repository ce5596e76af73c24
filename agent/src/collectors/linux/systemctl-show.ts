import type { ServiceSample } from '@vigie/shared';

type ServiceState = ServiceSample['state'];

/**
 * Maps the output of `systemctl show --property=Id,LoadState,ActiveState -- a b c` to states.
 * systemctl prints one blank-line-separated block per unit, in the order asked.
 */
export function parseSystemctlShow(stdout: string, names: readonly string[]): ServiceSample[] {
  const blocks = stdout.trim() === '' ? [] : stdout.trim().split(/\n\s*\n/);
  return names.map((name, i) => {
    const props = new Map<string, string>();
    for (const line of (blocks[i] ?? '').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trim());
    }
    return { name, state: unitState(props) };
  });
}

function unitState(props: ReadonlyMap<string, string>): ServiceState {
  // An unknown unit is still "inactive" to systemd; say we do not know rather than "stopped".
  if (props.get('LoadState') === 'not-found') return 'unknown';
  switch (props.get('ActiveState')) {
    case 'active':
    case 'reloading':
    case 'refreshing':
      return 'running';
    case 'inactive':
    case 'failed':
    case 'deactivating':
      return 'stopped';
    default:
      return 'unknown';
  }
}
