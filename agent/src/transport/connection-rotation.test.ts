import type { CredentialMessage, Hello } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import { type ScriptedHub, startScriptedHub, waitFor } from '../test-support/scripted-hub.js';
import { type Connection, createConnection } from './connection.js';
import { createOutbox } from './outbox.js';

const HELLO: Omit<Hello, 'type' | 'bootId'> = {
  protocolVersion: 1,
  credential: { agentId: 'agt_0123456789', secret: 's'.repeat(32) },
  fingerprint: 'f'.repeat(64),
  agentVersion: '0.1.0',
  hostname: 'srv-test-01',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0', arch: 'x64' },
};
const ROTATED: CredentialMessage = {
  type: 'credential',
  agentId: 'agt_0123456789',
  secret: `vgs_${'n'.repeat(43)}`,
  previousValidUntil: 1_764_086_400_000,
};

const open: Array<{ hub: ScriptedHub; connection: Connection }> = [];
afterEach(async () => {
  for (const { hub, connection } of open.splice(0)) {
    await connection.close();
    await hub.close();
  }
});

async function start(saveSecret: (message: CredentialMessage) => Promise<boolean>) {
  const hub = await startScriptedHub();
  const connection = createConnection({
    url: hub.wsUrl,
    hello: () => HELLO,
    outbox: createOutbox({ bootId: 'boot_rotation_1', log: SILENT_LOG }),
    onEvent: () => {},
    log: SILENT_LOG,
    clock: Date.now,
    random: () => 0.5,
    backoff: { baseMs: 20, capMs: 100 },
    saveSecret,
  });
  open.push({ hub, connection });
  connection.start();
  await waitFor(() => connection.state === 'ready', 'ready');
  return { hub, connection };
}

describe('credential rotation on the connection', () => {
  it('saves the new secret, confirms it, and says hello with it after a reconnect', async () => {
    const saved: string[] = [];
    const { hub } = await start(async (message) => {
      saved.push(message.secret);
      return true;
    });
    hub.send(ROTATED);
    await waitFor(() => hub.received.some((m) => m.type === 'credentialSaved'), 'credentialSaved');
    expect(saved).toEqual([ROTATED.secret]);
    hub.current()?.close(4020, 'superseded');
    await waitFor(() => hub.hellos.length === 2, 'second hello');
    expect(hub.hellos[1]?.credential.secret).toBe(ROTATED.secret);
  });

  it('neither confirms nor switches when the secret could not be saved', async () => {
    let attempts = 0;
    const { hub } = await start(async () => {
      attempts += 1;
      return false;
    });
    hub.send(ROTATED);
    await waitFor(() => attempts === 1, 'the save attempt');
    hub.current()?.close(4020, 'superseded');
    await waitFor(() => hub.hellos.length === 2, 'second hello');
    expect(hub.received.some((m) => m.type === 'credentialSaved')).toBe(false);
    expect(hub.hellos[1]?.credential.secret).toBe(HELLO.credential.secret);
  });
});
