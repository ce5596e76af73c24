import type { Software } from '@vigie/shared';

type Fact = string | number | boolean | null;
/** One section of facts, as stored. */
export type FactsView = Readonly<Record<string, Fact>>;

/** A stored snapshot read back, with every section present (empty when the agent sent none). */
export interface SnapshotView {
  readonly hardware: FactsView;
  readonly os: FactsView;
  readonly cpu: FactsView;
  readonly updates: FactsView;
  readonly antivirus: FactsView;
  readonly memoryModules: readonly FactsView[];
  readonly disks: readonly FactsView[];
  readonly networkInterfaces: readonly FactsView[];
  readonly software: readonly Software[];
}

const isRecord = (v: unknown): v is Record<string, Fact> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const facts = (v: unknown): FactsView => (isRecord(v) ? v : {});
const list = (v: unknown): FactsView[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** Reads an assembled snapshot (already validated chunk by chunk at ingest) into a full view. */
export function snapshotView(snapshot: Record<string, unknown>): SnapshotView {
  return {
    hardware: facts(snapshot.hardware),
    os: facts(snapshot.os),
    cpu: facts(snapshot.cpu),
    updates: facts(snapshot.updates),
    antivirus: facts(snapshot.antivirus),
    memoryModules: list(snapshot.memoryModules),
    disks: list(snapshot.disks),
    networkInterfaces: list(snapshot.networkInterfaces),
    software: Array.isArray(snapshot.software) ? (snapshot.software as Software[]) : [],
  };
}
