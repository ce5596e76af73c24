export declare const YOUNG_GENERATION_FLAG: string;
export declare function hasSemiSpaceSize(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean;
export declare function hubNodeOptions(nodeOptions?: string): string;
