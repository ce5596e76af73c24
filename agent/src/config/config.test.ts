import { describe, expect, it } from 'vitest';
import { type ConfigSources, loadConfig, SPOOL_CONFIG_DEFAULTS } from './config.js';

const DELIVERY_DEFAULTS = { ...SPOOL_CONFIG_DEFAULTS, insecureAllowPlaintext: false };

function sources(overrides: Partial<ConfigSources> & { files?: Record<string, string> } = {}): ConfigSources {
  const files = overrides.files ?? {};
  return {
    flags: {},
    env: {},
    readFile: async (path) => files[path],
    isRoot: false,
    homeDir: '/home/ana',
    defaultConfigFile: '/etc/vigie/agent.json',
    ...overrides,
  };
}

describe('loadConfig', () => {
  it('has defaults for everything but the hub URL', async () => {
    expect(await loadConfig(sources())).toEqual({
      ok: true,
      config: {
        stateDir: '/home/ana/.local/state/vigie-agent',
        logLevel: 'info',
        heartbeatIntervalSec: 30,
        ...DELIVERY_DEFAULTS,
      },
    });
  });

  it('keeps state under /var/lib when running as root', async () => {
    const result = await loadConfig(sources({ isRoot: true }));
    expect(result.ok && result.config.stateDir).toBe('/var/lib/vigie-agent');
  });

  it('follows XDG_STATE_HOME for a non-root user', async () => {
    const result = await loadConfig(sources({ env: { XDG_STATE_HOME: '/tmp/xdg' } }));
    expect(result.ok && result.config.stateDir).toBe('/tmp/xdg/vigie-agent');
  });

  it('reads the default config file when it exists', async () => {
    const result = await loadConfig(
      sources({ files: { '/etc/vigie/agent.json': '{"hubUrl":"https://hub.example.com","role":"server"}' } }),
    );
    expect(result).toMatchObject({
      ok: true,
      config: { hubUrl: 'https://hub.example.com', role: 'server', configFile: '/etc/vigie/agent.json' },
    });
  });

  it('layers file < environment < flags', async () => {
    const result = await loadConfig(
      sources({
        files: { '/srv/agent.json': '{"logLevel":"warn","stateDir":"/srv/state","heartbeatIntervalSec":20}' },
        env: { VIGIE_LOG_LEVEL: 'debug', VIGIE_AGENT_HEARTBEAT_INTERVAL: '15' },
        flags: { configFile: '/srv/agent.json', logLevel: 'error', metricsIntervalSec: '2' },
      }),
    );
    expect(result).toEqual({
      ok: true,
      config: {
        stateDir: '/srv/state',
        logLevel: 'error',
        heartbeatIntervalSec: 15,
        metricsIntervalSec: 2,
        configFile: '/srv/agent.json',
        ...DELIVERY_DEFAULTS,
      },
    });
  });

  it('reads the spool bounds, drain rate, CA file and plaintext opt-in from every source', async () => {
    const result = await loadConfig(
      sources({
        files: { '/etc/vigie/agent.json': '{"spoolMaxBytes":1048576,"caFile":"/etc/vigie/ca.pem"}' },
        env: { VIGIE_AGENT_SPOOL_MAX_AGE: '3600', VIGIE_INSECURE_ALLOW_PLAINTEXT: 'true' },
        flags: { drainRatePerSec: '0.5' },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      config: {
        spoolMaxBytes: 1_048_576,
        spoolMaxAgeSec: 3600,
        drainRatePerSec: 0.5,
        caFile: '/etc/vigie/ca.pem',
        insecureAllowPlaintext: true,
      },
    });
  });

  it('returns a frozen object', async () => {
    const result = await loadConfig(sources());
    expect(result.ok && Object.isFrozen(result.config)).toBe(true);
  });

  describe('names the source and key of every error', () => {
    it('a bad environment variable', async () => {
      const result = await loadConfig(
        sources({ env: { VIGIE_HUB_URL: 'hub.example.com', VIGIE_AGENT_METRICS_INTERVAL: 'ten' } }),
      );
      expect(result).toEqual({
        ok: false,
        errors: [
          {
            source: 'environment',
            message:
              "VIGIE_HUB_URL : « hub.example.com » n'est pas valide (must be an absolute http:// or https:// URL)",
          },
          {
            source: 'environment',
            message: "VIGIE_AGENT_METRICS_INTERVAL : « ten » n'est pas un nombre entier entre 1 et 3600",
          },
        ],
      });
    });

    it('a bad flag', async () => {
      const result = await loadConfig(sources({ flags: { role: 'router' } }));
      expect(result).toMatchObject({
        ok: false,
        errors: [
          { source: 'flag', message: "--role : « router » n'est pas l'une des valeurs server, workstation" },
        ],
      });
    });

    it('an unknown or invalid key of the config file', async () => {
      const result = await loadConfig(
        sources({ files: { '/etc/vigie/agent.json': '{"hubURL":"x","heartbeatIntervalSec":0}' } }),
      );
      expect(result).toMatchObject({
        ok: false,
        errors: [
          {
            source: 'file',
            message: expect.stringContaining('config file /etc/vigie/agent.json: unknown key "hubURL"'),
          },
          {
            source: 'file',
            message: expect.stringMatching(
              /^config file \/etc\/vigie\/agent\.json: key "heartbeatIntervalSec" : « 0 » n'est pas un nombre entier/,
            ),
          },
        ],
      });
    });

    it('a config file that is not JSON', async () => {
      const result = await loadConfig(sources({ files: { '/etc/vigie/agent.json': 'hubUrl = x' } }));
      expect(result).toMatchObject({
        ok: false,
        errors: [{ source: 'file', message: expect.stringMatching(/agent\.json: not valid JSON/) }],
      });
    });

    it('an explicit config file that does not exist', async () => {
      const result = await loadConfig(sources({ env: { VIGIE_CONFIG: '/nowhere.json' } }));
      expect(result).toEqual({
        ok: false,
        errors: [{ source: 'file', message: 'config file /nowhere.json: not found' }],
      });
    });
  });
});
