import { type ArtefactStore, createArtefactStore } from './artefacts/artefact-store.js';
import type { HubConfig } from './config/config.js';
import type { HubDeps } from './config/deps.js';
import { parseIncidentSettings } from './config/incident-settings.js';
import { hubPolicy } from './config/policy-file.js';
import { engineOf } from './db/dialect.js';
import { createCredentialCache } from './identity/credential-cache.js';
import type { IncidentNotifier } from './incidents/notifier.js';
import type { IncidentRuntime } from './incidents/runtime.js';
import { parseSlaSettings } from './incidents/sla/parse-settings.js';
import { STORED_UPSTREAM } from './incidents/upstream.js';
import { createLiveSessions, type LiveSessions } from './ingest/live-sessions.js';
import { createHubMetrics, type HubMetrics } from './metrics/hub-metrics.js';
import {
  createNotifications,
  type NotificationOverrides,
  type Notifications,
} from './notify/notifications.js';
import { notificationSettings } from './notify/settings.js';
import { createPolicyService, type PolicyService, policyReceivers } from './policies/policy-service.js';
import { sessionLink } from './remediation/link.js';
import { createRemediationService, type RemediationService } from './remediation/service.js';
import { clientAddressResolver, parseTrustedProxies } from './security/client-address.js';

/** What the services are built on; passed in so callers (and tests) control time, ids and storage. */
export type HubBase = Pick<HubDeps, 'db' | 'clock' | 'random' | 'log'>;

/** The `--trusted-proxies` list, validated when the configuration was loaded. */
function trustedProxies(config: Pick<HubConfig, 'trustedProxies'>) {
  if (config.trustedProxies === undefined) return undefined;
  const parsed = parseTrustedProxies(config.trustedProxies);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.proxies;
}

/** Every long-lived service of the hub, built once from the parsed configuration. */
export interface HubServices {
  /** What every component is handed: the base, the incident runtime, the credential cache. */
  readonly deps: HubDeps;
  /** The outbox the incident runtime queues notices to, and its delivery worker (not started). */
  readonly notifications: Notifications;
  /** The agents connected to this instance. */
  readonly sessions: LiveSessions;
  /** Policy layers over the `--policy` defaults, pushed to the connected agents they reach. */
  readonly policies: PolicyService;
  /** The agent artefacts served at /downloads (`--agent-artefacts`). */
  readonly artefacts: ArtefactStore;
  /** The Prometheus registry served at /metrics and the observers ingest and delivery report to. */
  readonly metrics: HubMetrics;
  /** N0 remediation (0029): its ingest hooks are in `deps`, its tick is started by the server. */
  readonly remediation: RemediationService;
}

/** The incident rules and SLA settings of the configuration (`--incident-rules`, `--sla-rules`). */
export function createIncidentRuntime(
  config: Pick<HubConfig, 'incidentRules' | 'slaRules'>,
  parts: { notifier: IncidentNotifier; random: HubDeps['random'] },
): IncidentRuntime {
  // The configuration was validated when it was loaded: a failure here is a programming error.
  const incidents = parseIncidentSettings(config.incidentRules);
  if (!incidents.ok) throw new Error(incidents.message);
  const sla = parseSlaSettings(config.slaRules);
  if (!sla.ok) throw new Error(sla.message);
  return {
    settings: incidents.settings,
    sla: sla.settings,
    notifier: parts.notifier,
    random: parts.random,
    // Devices in front of hosts as stored (probes write them); incidents only reads them here.
    upstream: STORED_UPSTREAM,
  };
}

/**
 * The hub's composition root: notifications, the incident runtime queuing through them, the
 * credential cache, live sessions, policies and artefacts, each built once. `seams` replaces DNS,
 * SMTP and jitter in tests.
 */
export function createHubServices(
  config: HubConfig,
  base: HubBase,
  seams: NotificationOverrides = {},
): HubServices {
  const sessions = createLiveSessions(base.clock);
  const metrics = createHubMetrics({
    db: base.db,
    connectedAgents: () => sessions.size,
    // Several hubs share PostgreSQL: each one's series carry its instance id.
    ...(engineOf(base.db) === 'postgres' && { instanceId: sessions.instanceId }),
  });
  const notifications = createNotifications(base, notificationSettings(config), seams, metrics.delivery);
  const incidents = createIncidentRuntime(config, { notifier: notifications.notifier, random: base.random });
  // N0 remediation: the hub asks the agents connected here, under the same policy defaults.
  const remediation = createRemediationService({
    ...base,
    runtime: incidents,
    defaults: hubPolicy(config),
    link: sessionLink(sessions),
  });
  const deps: HubDeps = {
    ...base,
    clientAddress: clientAddressResolver(trustedProxies(config)),
    credentials: createCredentialCache(base.db, base.clock),
    incidents,
    remediation: remediation.hooks,
  };
  // The `--policy` file is the defaults under the stored layers (global, client, site, role, host).
  const policies = createPolicyService(deps, hubPolicy(config), () => policyReceivers(sessions));
  return {
    deps,
    notifications,
    sessions,
    policies,
    artefacts: createArtefactStore(config.agentArtefactsDir),
    metrics,
    remediation,
  };
}
