export {
  ALWAYS_OPEN,
  addBusinessTime,
  type BusinessCalendar,
  businessTimeBetween,
  calendarProblem,
  isAlwaysOpen,
  isBusinessTime,
  type WeeklyHours,
} from './calendar/business-time.js';
export {
  DAY_MS,
  dayOf,
  instantOf,
  isoDate,
  isTimeZone,
  type LocalTime,
  localTime,
  MINUTE_MS,
  minuteOf,
  offsetMs,
  type Weekday,
  weekdayOf,
} from './calendar/local-time.js';
export { calendarSchema, timeZoneSchema, weeklyHoursSchema } from './calendar/schemas.js';
export { CHECK_KINDS, type CheckCategory, type CheckKind, isCheckKind } from './checks/check-kinds.js';
export { DEFAULT_CHECK_RULES, defaultRule, effectiveRules } from './checks/default-rules.js';
export {
  type Evaluation,
  evaluateRule,
  INITIAL_RULE_STATE,
  type Observation,
  type RuleState,
  type StateChange,
} from './checks/evaluate.js';
export {
  CHECK_DIRECTIONS,
  type CheckDirection,
  type CheckRule,
  checkRuleSchema,
  checkRulesSchema,
  globMatches,
  isCleared,
  isTriggered,
  type ResourceFilter,
  RULE_LEVELS,
  type RuleKind,
  type RuleLevel,
  ruleAppliesTo,
  type Threshold,
  thresholdProblems,
} from './checks/rule.js';
export {
  badValueMessage,
  type CliLanguage,
  cliLanguage,
  cliTexts,
  EX_USAGE,
  expectedOf,
  parseArgsMessage,
} from './cli/cli-messages.js';
export { CHECK_STATE_RANK, CHECK_STATES, type CheckState } from './domain/check-state.js';
export {
  type EscalationStep,
  type EscalationTarget,
  escalationStepSchema,
  escalationStepsSchema,
} from './domain/escalation.js';
export {
  HOST_ROLES,
  type HostRole,
  OS_PLATFORMS,
  type OsInfo,
  type OsPlatform,
  osInfoSchema,
} from './domain/host.js';
export {
  INCIDENT_STATES,
  type IncidentState,
  OPEN_INCIDENT_STATES,
  PRIORITIES,
  type Priority,
  SUPPORT_LEVELS,
  type SupportLevel,
} from './domain/incident.js';
export type { OnCallOverride, OnCallSchedule, Rotation } from './domain/oncall.js';
export {
  type EnrolRequest,
  type EnrolResponse,
  enrolRequestSchema,
  enrolResponseSchema,
} from './enrolment/enrolment.js';
export { type ApiErrorBody, ERROR_CODES, type ErrorCode } from './errors/error-codes.js';
export {
  checkOverridesSchema,
  POLICY_LAYER_SCOPES,
  type PolicyLayerScope,
  type PolicyLayerSettings,
  policyLayerSchema,
} from './policy/layer.js';
export { DEFAULT_POLICY, type Policy, policySchema } from './policy/policy.js';
export {
  type EffectivePolicy,
  type LayerName,
  layerName,
  mergeOverride,
  type PolicyLayer,
  type PolicyProblem,
  resolvePolicy,
} from './policy/resolve.js';
export {
  CHECK_SNAPSHOT_CAPABILITY,
  type CheckSnapshotMessage,
  checkSnapshotSchema,
  MAX_SNAPSHOT_CHECKS,
  SNAPSHOT_CHECK_STATES,
  type SnapshotCheck,
  type SnapshotCheckState,
  snapshotCheckSchema,
} from './protocol/agent/check-snapshot.js';
export { type CheckStateMessage, checkStateSchema } from './protocol/agent/check-state.js';
export { type CredentialSavedMessage, credentialSavedSchema } from './protocol/agent/credential-saved.js';
export { type Hello, helloSchema } from './protocol/agent/hello.js';
export {
  type InventoryMessage,
  inventorySchema,
  type Software,
  softwareSchema,
} from './protocol/agent/inventory.js';
export { type MetricsMessage, metricsSchema } from './protocol/agent/metrics.js';
export { type MetricsGapMessage, metricsGapSchema } from './protocol/agent/metrics-gap.js';
export {
  PROBE_METHODS,
  PROBE_OUTCOMES,
  type ProbeMethod,
  type ProbeOutcome,
  type ProbeResultMessage,
  probeResultSchema,
} from './protocol/agent/probe-result.js';
export {
  REMEDIATION_OUTCOMES,
  REMEDIATION_REFUSALS,
  type RemediationOutcome,
  type RemediationRefusal,
  type RemediationResultMessage,
  remediationResultSchema,
} from './protocol/agent/remediation-result.js';
export { CLOSE_CODES, type CloseCodeName, closeCodeName } from './protocol/close-codes.js';
export {
  closeReason,
  type DecodeError,
  type DecodeResult,
  decodeAgentMessage,
  decodeHubMessage,
  encodeMessage,
  type RawFrame,
  type RefusedSample,
} from './protocol/codec.js';
export { isPlainValidMetrics } from './protocol/fast-metrics.js';
export {
  HELLO_KEY_INFO,
  HELLO_NONCE_HEADER,
  HELLO_PROOF_SCHEME,
  type HelloProof,
  type HelloProofInput,
  helloNonce,
  helloProofPayload,
  helloProofSchema,
} from './protocol/hello-proof.js';
export { type AckMessage, ackSchema } from './protocol/hub/ack.js';
export { type CredentialMessage, credentialMessageSchema } from './protocol/hub/credential.js';
export { type ErrorMessage, errorMessageSchema } from './protocol/hub/error.js';
export { type PolicyMessage, policyMessageSchema } from './protocol/hub/policy.js';
export { type ProbesMessage, probesMessageSchema } from './protocol/hub/probes.js';
export { REMEDIATION_CAPABILITY, type RemediateMessage, remediateSchema } from './protocol/hub/remediate.js';
export { type WelcomeMessage, welcomeSchema } from './protocol/hub/welcome.js';
export { LIMITS } from './protocol/limits.js';
export {
  type AgentControlMessage,
  type AgentDataMessage,
  type AgentMessage,
  type AgentMessageType,
  agentMessageSchema,
  type HubMessage,
  type HubMessageType,
  hubMessageSchema,
} from './protocol/messages.js';
export { isPlainValidAgentEvent, isPlainValidSoftware } from './protocol/plain-agent-events.js';
export {
  isPlainRecord,
  optional as plainOptional,
  type PlainCheck,
  type PlainField,
  type PlainShape,
  plainArray,
  plainBoolean,
  plainInteger,
  plainList,
  plainNullable,
  plainNumber,
  plainObject,
  plainOneOf,
  plainString,
  plainVariants,
  required as plainRequired,
} from './protocol/plain-checks.js';
export { decodeHubMessagePlainFirst } from './protocol/plain-codec.js';
export { isPlainValidHubMessage, isPlainValidPolicy } from './protocol/plain-hub-messages.js';
export {
  type AllowEntry,
  type AllowList,
  allowEntrySchema,
  createAllowList,
  probeTargets,
  refusedTargets,
} from './protocol/probes/allow.js';
export {
  isHostname,
  MAX_PROBES_PER_AGENT,
  PROBE_KINDS,
  PROBES_CAPABILITY,
  type ProbeKind,
  type ProbeSpec,
  type ProbeSpecInput,
  probeHost,
  probeId,
  probePort,
  probeSpecSchema,
  urlHost,
} from './protocol/probes/spec.js';
export * from './protocol/sample.js';
export { SAMPLE_DELTA_CAPABILITY } from './protocol/sample-delta.js';
export {
  createMetricsDeltaEncoder,
  createSampleDeltaEncoder,
  type MetricsDeltaEncoder,
  type SampleDeltaEncoder,
} from './protocol/sample-delta-encode.js';
export {
  createMetricsDeltaDecoder,
  createSampleDeltaDecoder,
  type MetricsDeltaDecoder,
  type SampleDeltaDecoder,
} from './protocol/sample-delta-expand.js';
export { readableSample } from './protocol/sample-readable.js';
export {
  createStaticCarry,
  createStaticStripper,
  STATIC_ON_CHANGE_CAPABILITY,
  type StaticCarry,
  type StaticStripper,
} from './protocol/sample-statics.js';
export { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './protocol/version.js';
export {
  isRemediableCheck,
  REMEDIABLE_CHECKS,
  REMEDIATION_ACTIONS,
  REMEDIATION_LIMITS,
  type RemediableCheck,
  type RemediationAction,
  type RemediationParams,
  remediationParamsSchema,
  serviceUnitName,
} from './remediation/actions.js';
export {
  DEFAULT_REMEDIATION,
  type RemediationRule,
  type RemediationRuleOverride,
  remediationLayerSchema,
  remediationRuleSchema,
} from './remediation/rule.js';
export {
  type AgentUpdate,
  type AnnouncedArtefact,
  agentUpdateSchema,
  agentVersionSchema,
  announcedArtefactSchema,
  artefactSignatureSchema,
  artefactSignedText,
  MAX_ARTEFACT_BYTES,
  signingPublicKeySchema,
} from './update/agent-update.js';
