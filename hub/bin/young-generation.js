// The hub's young generation, chosen by measurement (docs/decisions/0038-hub-young-generation.md).
// V8 sizes it when the isolate is created, from node's command line or NODE_OPTIONS only:
// `v8.setFlagsFromString` at run time leaves it as it was (measured on Node 20).

/** The semi-space size the hub runs with unless node was given one. */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=32';

const SEMI_SPACE = /--max[-_]semi[-_]space[-_]size/;

/** Whether node was given a semi-space size already, on its command line or in NODE_OPTIONS. */
export function hasSemiSpaceSize(execArgv, nodeOptions) {
  return execArgv.some((arg) => SEMI_SPACE.test(arg)) || SEMI_SPACE.test(nodeOptions ?? '');
}

/** NODE_OPTIONS to start a hub with (from this process's by default): the hub's size first, so a size already there wins (V8 keeps the last). */
export function hubNodeOptions(nodeOptions = process.env.NODE_OPTIONS) {
  return [YOUNG_GENERATION_FLAG, nodeOptions].filter(Boolean).join(' ');
}
