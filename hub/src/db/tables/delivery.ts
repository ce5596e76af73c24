/** Samples an agent dropped before sending them, as it declared them (`metricsGap`). */
export interface MetricGapsTable {
  agent_id: string;
  boot_id: string;
  seq: number;
  host_id: string;
  /** `at` of the oldest and newest dropped sample (agent clock). */
  from_at: number;
  to_at: number;
  count: number;
  received_at: number;
}

/** Delivery facts the hub noticed: a new boot of an agent, a hole in a boot's seq range. */
export type DeliveryEventKind = 'boot' | 'seq_gap';

export interface DeliveryEventsTable {
  agent_id: string;
  boot_id: string;
  kind: DeliveryEventKind;
  /** For `boot`, the first seq stored; for `seq_gap`, the first missing seq. */
  from_seq: number;
  /** For `boot`, the same first seq; for `seq_gap`, the last missing seq. */
  to_seq: number;
  host_id: string;
  at: number;
}
