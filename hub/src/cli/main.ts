import { parseArgs } from 'node:util';
import { cliLanguage, cliTexts, EX_USAGE, HOST_ROLES, type HostRole } from '@vigie/shared';
import { createUserWithToken } from '../access/create-user.js';
import type { HubConfig } from '../config/config.js';
import { setUserPassword } from '../console/security/accounts.js';
import { passwordProblem } from '../console/security/password.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { USER_ROLES, type UserRole } from '../db/tables/users.js';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { createLogger } from '../logger.js';
import { listEnrolmentTokens, revokeEnrolmentToken } from '../repositories/enrolment-tokens.js';
import { countUsers } from '../repositories/users.js';
import { cryptoRandom } from '../security/secrets.js';
import { startHub } from '../server.js';
import { findClientByName, setUserClients } from '../tenancy/clients.js';
import { HUB_VERSION } from '../version.js';
import { COMMON, configFromFlags, parseStart, UsageError, usageOfParseError } from './flags.js';
import { HELP } from './help.js';

const EXIT = { ok: 0, failure: 1, usage: EX_USAGE } as const;

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageOfParseError(error);
  }
}

async function withDatabase<T>(
  cfg: HubConfig,
  work: (db: ReturnType<typeof openDatabase>) => Promise<T>,
): Promise<T> {
  const db = openDatabase(cfg.db);
  try {
    const migrated = await migrateToLatest(db);
    if (!migrated.ok) throw migrated.error;
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function start(args: string[]): Promise<number> {
  const cfg = parseStart(args);
  if (cfg === undefined) return help('start');
  const log = createLogger(cfg.logLevel);
  const started = await startHub(cfg, { log });
  if (!started.ok) {
    log.fatal({ err: started.error, code: started.code }, 'hub failed to start');
    process.stderr.write(`vigie-hub: ${started.code}: ${String(started.error)}\n`);
    return EXIT.failure;
  }
  const { hub } = started;
  if ((await countUsers(hub.deps.db)) === 0) {
    const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
    if (admin.ok) {
      // A console password too, so the person starting the hub can sign in at /console.
      const password = cryptoRandom(12).toString('base64url');
      await setUserPassword(hub.deps.db, 'admin', password);
      process.stderr.write(
        `\nFirst start: created user 'admin', shown only this once:\n\n  API token         ${admin.token}\n  console password  ${password}   (${hub.url}/console)\n\n`,
      );
    }
  }
  process.stderr.write(`listening ${hub.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await hub.close();
  return EXIT.ok;
}

async function migrate(args: string[]): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) return help('migrate');
  const cfg = configFromFlags(values);
  const db = openDatabase(cfg.db);
  const migrated = await migrateToLatest(db);
  await db.destroy();
  if (!migrated.ok) {
    process.stderr.write(`vigie-hub: migration failed: ${String(migrated.error)}\n`);
    return EXIT.failure;
  }
  process.stdout.write(
    migrated.applied.length > 0
      ? `applied: ${migrated.applied.join(', ')}\n`
      : 'database already up to date\n',
  );
  return EXIT.ok;
}

async function token(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    client: { type: 'string' },
    site: { type: 'string' },
    role: { type: 'string' },
    uses: { type: 'string' },
    ttl: { type: 'string' },
    note: { type: 'string' },
  });
  const [action, id] = positionals;
  if (values.help || action === undefined) return help('token');
  const cfg = configFromFlags(values);
  const deps = { clock: Date.now, random: cryptoRandom };
  if (action === 'create') {
    const role = values.role;
    if (role !== undefined && !HOST_ROLES.includes(role as HostRole))
      throw new UsageError(`--role must be one of ${HOST_ROLES.join(', ')}`);
    const maxUses = Number(values.uses ?? 1);
    const ttlHours = Number(values.ttl ?? 168);
    if (!Number.isInteger(maxUses) || maxUses < 1) throw new UsageError('--uses must be a whole number ≥ 1');
    if (!Number.isFinite(ttlHours) || ttlHours <= 0)
      throw new UsageError('--ttl must be a number of hours > 0');
    const created = await withDatabase(cfg, (db) =>
      createEnrolmentToken(
        { ...deps, db },
        {
          client: values.client ?? 'default',
          site: values.site ?? 'default',
          role: role as HostRole | undefined,
          maxUses,
          ttlMs: ttlHours * 3_600_000,
          note: values.note,
          createdBy: 'cli',
        },
      ),
    );
    if (values.quiet) {
      process.stdout.write(`${created.token}\n`);
    } else {
      process.stdout.write(
        `enrolment token ${created.id} (${maxUses} use(s), expires ${new Date(created.expiresAt).toISOString()}):\n\n` +
          `  ${created.token}\n\nOn each machine:\n  vigie-agent enroll --hub <hub url> --token ${created.token}\n`,
      );
    }
    return EXIT.ok;
  }
  if (action === 'list') {
    const tokens = await withDatabase(cfg, (db) => listEnrolmentTokens(db));
    for (const t of tokens) {
      const state = t.revoked_at !== null ? 'revoked' : t.expires_at <= Date.now() ? 'expired' : 'active';
      process.stdout.write(
        `${t.id}\t${t.client}/${t.site}\t${t.uses}/${t.max_uses} used\t${state}\texpires ${new Date(t.expires_at).toISOString()}\n`,
      );
    }
    return EXIT.ok;
  }
  if (action === 'revoke') {
    if (!id) throw new UsageError('token revoke needs the token id (see token list)');
    const found = await withDatabase(cfg, (db) => revokeEnrolmentToken(db, id, Date.now()));
    if (!found) {
      process.stderr.write(`vigie-hub: no enrolment token ${id}\n`);
      return EXIT.failure;
    }
    process.stdout.write(`revoked ${id}\n`);
    return EXIT.ok;
  }
  throw new UsageError(`unknown token action '${action}'`);
}

/** The password piped on standard input, without its final newline (never a flag: flags end up in `ps`). */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function user(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    clients: { type: 'string' },
  });
  const [action, name] = positionals;
  if (values.help || (action !== 'create' && action !== 'set-password'))
    return action === undefined || values.help ? help('user') : usage(`unknown user action '${action}'`);
  if (!name) throw new UsageError(`user ${action} needs a name`);
  if (action === 'set-password' && !values['password-stdin'])
    throw new UsageError('user set-password reads the password from --password-stdin');
  const password = values['password-stdin'] ? await readPasswordFromStdin() : undefined;
  const cfg = configFromFlags(values);
  if (action === 'set-password') {
    const set = await withDatabase(cfg, (db) => setUserPassword(db, name, password ?? ''));
    if (!set.ok) {
      process.stderr.write(`vigie-hub: cannot set the password of '${name}': ${set.code}\n`);
      return EXIT.failure;
    }
    if (!values.quiet) process.stdout.write(`console password of ${name} set\n`);
    return EXIT.ok;
  }
  const role = (values.role ?? '') as UserRole;
  if (!USER_ROLES.includes(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem)
      throw new UsageError(`the password is ${problem === 'TOO_SHORT' ? 'too short' : 'too long'}`);
  }
  // --clients limits a technician to these clients (names); admins are never limited.
  const clientNames = values.clients
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (clientNames !== undefined && role === 'admin')
    throw new UsageError('--clients does not apply to admins');
  const created = await withDatabase(cfg, async (db) => {
    const clientIds: string[] = [];
    for (const clientName of clientNames ?? []) {
      const client = await findClientByName(db, clientName);
      if (!client) return { ok: false, code: 'UNKNOWN_CLIENT', client: clientName } as const;
      clientIds.push(client.id);
    }
    const result = await createUserWithToken({ db, clock: Date.now, random: cryptoRandom }, { name, role });
    if (result.ok && password !== undefined) await setUserPassword(db, name, password);
    if (result.ok && clientNames !== undefined) await setUserClients(db, result.userId, clientIds);
    return result;
  });
  if (!created.ok) {
    process.stderr.write(
      created.code === 'UNKNOWN_CLIENT'
        ? `vigie-hub: no client named '${created.client}'\n`
        : `vigie-hub: a user named '${name}' already exists\n`,
    );
    return EXIT.failure;
  }
  process.stdout.write(
    values.quiet
      ? `${created.token}\n`
      : `user ${name} (${role}) created. API token, shown once:\n\n  ${created.token}\n`,
  );
  return EXIT.ok;
}

function help(topic: keyof typeof HELP = 'main'): number {
  process.stdout.write(`${HELP[topic]}\n`);
  return EXIT.ok;
}

function usage(message: string): number {
  process.stderr.write(`vigie-hub: ${message}\n${cliTexts(cliLanguage(process.env)).seeHelp('vigie-hub')}\n`);
  return EXIT.usage;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { start, migrate, token, user };

/** Run the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return help();
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${HUB_VERSION}\n`);
    return EXIT.ok;
  }
  if (command === 'help') {
    const topic = rest[0];
    return topic !== undefined && topic in HELP ? help(topic as keyof typeof HELP) : help();
  }
  const run = COMMANDS[command];
  if (!run) return usage(`unknown command '${command}'`);
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    process.stderr.write(`vigie-hub: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
