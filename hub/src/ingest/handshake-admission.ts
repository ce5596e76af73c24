/** Unauthenticated sockets (awaiting or checking hello) allowed at once, per address and overall. */
export interface HandshakeLimits {
  readonly perAddress: number;
  readonly total: number;
}

export const HANDSHAKE_LIMIT_DEFAULTS: HandshakeLimits = { perAddress: 16, total: 512 };

/**
 * One admitted handshake: `helloStarted` once its first frame came, `release` once it is over.
 * Methods: call them on the ticket, not detached.
 */
export interface HandshakeTicket {
  helloStarted(): void;
  /** Idempotent: when the handshake ends (ready or closed) or the socket is shed. */
  release(): void;
}

export type Admission = { ok: true; ticket: HandshakeTicket } | { ok: false; mine: number; total: number };

/** A hello that took longer than this (from its socket's open to the end of its handshake) means the hub is behind. */
export const HELLO_BEHIND_MS = 1000;

/**
 * When the hub last could not keep up with the agents' hellos (0023): a newcomer refused because
 * every slot was a hello being checked, or a hello that took longer than `behindMs` to get
 * through (queued behind others, a cold credential cache, a loaded CPU). Agents are knocking and
 * the hub is the bottleneck: their hosts are not silent, they are waiting for the hub. Only the
 * hub's own state counts, never what an unverified hello claims.
 */
export function createHelloBacklog(clock: () => number, behindMs = HELLO_BEHIND_MS) {
  let behindAt: number | undefined;
  // Insertion order is the order hellos started: the first entry is the oldest in progress.
  const checking = new Map<object, number>();
  return {
    /** A newcomer refused: every slot is a hello being checked. */
    refused(): void {
      behindAt = clock();
    },
    /** A hello arrived on a socket admitted at `admittedAt` (its wait counts from the socket's open). */
    started(hello: object, admittedAt: number): void {
      if (!checking.has(hello)) checking.set(hello, admittedAt);
    },
    now: clock,
    finished(hello: object): void {
      const startedAt = checking.get(hello);
      checking.delete(hello);
      const now = clock();
      if (startedAt !== undefined && now - startedAt > behindMs) behindAt = now;
    },
    /** The last moment the hub was behind (now, while a hello has waited too long), if ever. */
    behindAt(): number | undefined {
      const now = clock();
      const oldest = checking.values().next();
      if (!oldest.done && now - oldest.value > behindMs) return now;
      return behindAt;
    },
  };
}
export type HelloBacklog = ReturnType<typeof createHelloBacklog>;

/**
 * Admission of unauthenticated sockets. Over the per-address cap the newcomer is refused (the
 * address only hurts itself); at the global cap the OLDEST socket that has not sent its hello yet
 * is shed (`shed` closes it) to admit the newcomer, so sockets that never say hello, from however
 * many addresses, cannot keep a real agent — which says hello at once — out. Only when every slot
 * is a hello being checked is the newcomer refused.
 */
export function createHandshakeAdmission(limits: HandshakeLimits, backlog: HelloBacklog) {
  const byAddress = new Map<string, number>();
  let total = 0;
  // Insertion order is admission order: the first entry is the oldest silent socket.
  const silent = new Map<HandshakeTicket, () => void>();

  /** A ticket's end: its slot is free again. */
  function release(ticket: AdmittedTicket): void {
    silent.delete(ticket);
    backlog.finished(ticket);
    total -= 1;
    const left = (byAddress.get(ticket.address) ?? 1) - 1;
    if (left <= 0) byAddress.delete(ticket.address);
    else byAddress.set(ticket.address, left);
  }

  /** Its first frame came: no longer a silent socket to shed, a hello being checked. */
  function started(ticket: AdmittedTicket): void {
    silent.delete(ticket);
    backlog.started(ticket, ticket.admittedAt);
  }

  // A class (made once per admission, for its maps): a socket holds its ticket until its
  // handshake ends, with its figures and not two closures of its own.
  class AdmittedTicket implements HandshakeTicket {
    private released = false;
    constructor(
      readonly address: string,
      readonly admittedAt: number,
    ) {}

    helloStarted(): void {
      if (!this.released) started(this);
    }

    release(): void {
      if (this.released) return;
      this.released = true;
      release(this);
    }
  }

  function admit(address: string, shed: () => void): Admission {
    const mine = byAddress.get(address) ?? 0;
    if (mine >= limits.perAddress) return { ok: false, mine, total };
    if (total >= limits.total) {
      const oldest = silent.entries().next();
      if (oldest.done) {
        backlog.refused();
        return { ok: false, mine, total };
      }
      const [victim, shedVictim] = oldest.value;
      victim.release();
      shedVictim();
    }
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    total += 1;
    const ticket = new AdmittedTicket(address, backlog.now());
    silent.set(ticket, shed);
    return { ok: true, ticket };
  }

  return {
    admit,
    /** Handshakes in progress overall (for logs and tests). */
    total: () => total,
    /** When the hub last could not keep up with hellos (the silence sweep's hold, 0023). */
    behindAt: backlog.behindAt,
  };
}
export type HandshakeAdmission = ReturnType<typeof createHandshakeAdmission>;

/** Hellos checked at once; the rest wait their turn in arrival order. */
export const HELLOS_AT_ONCE = 16;

/**
 * Turns for checking hellos. Without it every admitted hello is checked at once, interleaved at
 * each database await: when the hub is slower than the agents' welcome timeout (15 s) divided by
 * the hellos in flight, every one of them finishes too late, the agents give up and retry, and
 * none gets in (the 2 000-agent restart bench saw 13 welcomes/s and 38 000 abandoned sockets).
 * In turns, the first ones are welcomed fast, and a hello whose agent gave up while waiting is
 * skipped at no cost (the caller checks its socket when its turn comes).
 */
export function createHelloGate(atOnce: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const leave = (): void => {
    const next = waiting.shift();
    // The slot passes to the next in line, or is given back.
    if (next) next();
    else running -= 1;
  };
  return {
    /** Resolves when it is this hello's turn, with the function that ends the turn (call it once). */
    async enter(): Promise<() => void> {
      if (running < atOnce) running += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let left = false;
      return () => {
        if (left) return;
        left = true;
        leave();
      };
    },
    /** Hellos waiting for a turn (logs and tests). */
    waiting: () => waiting.length,
  };
}
export type HelloGate = ReturnType<typeof createHelloGate>;
