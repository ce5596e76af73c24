import type { AgentSessionsTable } from './tables/agent-sessions.js';
import type { AgentBootsTable, AgentsTable } from './tables/agents.js';
import type { CheckStatesTable } from './tables/check-states.js';
import type { ClientsTable, SitesTable, UserClientsTable } from './tables/clients.js';
import type { ConsoleSessionsTable } from './tables/console-sessions.js';
import type { DeliveryEventsTable, MetricGapsTable } from './tables/delivery.js';
import type { EnrolmentTokensTable } from './tables/enrolment-tokens.js';
import type {
  BusinessCalendarsTable,
  EscalationPoliciesTable,
  IncidentEscalationsTable,
  OncallOverridesTable,
  OncallSchedulesTable,
  UserContactsTable,
} from './tables/escalation.js';
import type { HostsTable } from './tables/hosts.js';
import type { IncidentContextTable } from './tables/incident-context.js';
import type { HeldSignalsTable, IncidentEventsTable, IncidentsTable } from './tables/incidents.js';
import type { InventoriesTable, InventoryChunksTable } from './tables/inventories.js';
import type {
  HostAntivirusTable,
  HostUpdatesTable,
  HostWarrantiesTable,
  InventoryChangesTable,
  InventoryHardwareTable,
  InventorySignalsTable,
  InventorySoftwareTable,
  LicenceAuditTable,
  LicencesTable,
} from './tables/inventory-history.js';
import type { KbArticlesTable } from './tables/kb-articles.js';
import type { MaintenanceWindowsTable } from './tables/maintenance-windows.js';
import type { NotificationChannelsTable } from './tables/notification-channels.js';
import type { OutboxTable } from './tables/outbox.js';
import type { PolicyLayersTable } from './tables/policy-layers.js';
import type { ProbeAgentsTable, ProbeResultsTable, ProbeSitesTable, ProbesTable } from './tables/probes.js';
import type { ProblemsTable } from './tables/problems.js';
import type { RemediationAttemptsTable, RemediationsTable } from './tables/remediations.js';
import type { RetentionStateTable, SampleRollupsTable } from './tables/rollups.js';
import type { SamplesTable } from './tables/samples.js';
import type { SecurityAuditTable, SignInFailuresTable } from './tables/security-audit.js';
import type { ApiTokensTable, UsersTable } from './tables/users.js';

/** The hub's schema as Kysely sees it. Migrations never import this (they are frozen in time). */
export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  console_sessions: ConsoleSessionsTable;
  enrolment_tokens: EnrolmentTokensTable;
  hosts: HostsTable;
  agents: AgentsTable;
  agent_boots: AgentBootsTable;
  agent_sessions: AgentSessionsTable;
  samples: SamplesTable;
  sample_rollups: SampleRollupsTable;
  retention_state: RetentionStateTable;
  check_states: CheckStatesTable;
  inventories: InventoriesTable;
  inventory_chunks: InventoryChunksTable;
  inventory_software: InventorySoftwareTable;
  inventory_changes: InventoryChangesTable;
  inventory_signals: InventorySignalsTable;
  host_updates: HostUpdatesTable;
  host_warranties: HostWarrantiesTable;
  host_antivirus: HostAntivirusTable;
  licences: LicencesTable;
  licence_audit: LicenceAuditTable;
  inventory_hardware: InventoryHardwareTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_context: IncidentContextTable;
  held_signals: HeldSignalsTable;
  probe_sites: ProbeSitesTable;
  probes: ProbesTable;
  probe_agents: ProbeAgentsTable;
  probe_results: ProbeResultsTable;
  problems: ProblemsTable;
  maintenance_windows: MaintenanceWindowsTable;
  kb_articles: KbArticlesTable;
  notification_channels: NotificationChannelsTable;
  outbox: OutboxTable;
  metric_gaps: MetricGapsTable;
  delivery_events: DeliveryEventsTable;
  business_calendars: BusinessCalendarsTable;
  escalation_policies: EscalationPoliciesTable;
  incident_escalations: IncidentEscalationsTable;
  user_contacts: UserContactsTable;
  oncall_schedules: OncallSchedulesTable;
  oncall_overrides: OncallOverridesTable;
  clients: ClientsTable;
  sites: SitesTable;
  user_clients: UserClientsTable;
  policy_layers: PolicyLayersTable;
  security_audit: SecurityAuditTable;
  sign_in_failures: SignInFailuresTable;
  remediations: RemediationsTable;
  remediation_attempts: RemediationAttemptsTable;
}
