/** One package with an update waiting. */
export interface PendingUpdate {
  readonly name: string;
  readonly version: string;
  readonly security: boolean;
}

/** What a package manager says is waiting; `security` is null when it cannot tell. */
export interface PendingUpdates {
  readonly manager: 'apt' | 'dnf' | 'yum' | 'windows-update';
  readonly pending: number;
  readonly security: number | null;
  readonly packages: readonly PendingUpdate[];
}

/** Counts a list of pending packages. */
export function summarise(
  manager: PendingUpdates['manager'],
  packages: PendingUpdate[],
  securityKnown: boolean,
): PendingUpdates {
  return {
    manager,
    pending: packages.length,
    security: securityKnown ? packages.filter((p) => p.security).length : null,
    packages,
  };
}
