// Types of wal-commits.mjs for the TypeScript tests beside it.
export interface WalCounter {
  poll(): void;
  totals(): { commits: number; pages: number; restarts: number };
  close(): void;
}
export function createWalCounter(path: string): WalCounter;
