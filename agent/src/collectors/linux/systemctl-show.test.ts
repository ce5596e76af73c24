import { describe, expect, it } from 'vitest';
import { parseSystemctlShow } from './systemctl-show.js';

describe('parseSystemctlShow', () => {
  it('maps one block per unit, in the order asked', () => {
    const stdout = [
      'Id=ssh.service\nLoadState=loaded\nActiveState=active',
      'Id=cron.service\nLoadState=loaded\nActiveState=failed',
      'Id=nope.service\nLoadState=not-found\nActiveState=inactive',
      'Id=odd.service\nLoadState=loaded\nActiveState=activating',
    ].join('\n\n');
    expect(parseSystemctlShow(`${stdout}\n`, ['ssh', 'cron', 'nope', 'odd'])).toEqual([
      { name: 'ssh', state: 'running' },
      { name: 'cron', state: 'stopped' },
      { name: 'nope', state: 'unknown' },
      { name: 'odd', state: 'unknown' },
    ]);
  });

  it('reports unknown for units missing from the output', () => {
    expect(parseSystemctlShow('', ['ssh'])).toEqual([{ name: 'ssh', state: 'unknown' }]);
  });
});
