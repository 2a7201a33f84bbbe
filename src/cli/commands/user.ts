/**
 * `neurotrade user create --email E (--password-stdin | --password P)`: create an account the way
 * the API's registration does (argon2id hash, PAPER mode, audited) and print its id on stdout.
 * The password rules are the API's (PASSWORD_MIN_LENGTH..PASSWORD_MAX_LENGTH characters) and so
 * is the email check. `--password-stdin` keeps the password out of the shell history and the
 * process list: `printf %s "$PW" | neurotrade user create --email me@example.com --password-stdin`.
 * Exit codes: 0 created, 1 the email is already registered (or the store failed), 2 bad arguments.
 */
import type { Command } from 'commander';
import { z } from 'zod';
// The rules' file, not the module's index: the rest of auth loads when a user is created.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords.js';
import { loadConfig } from '../../config/index.js';
import { DomainError, ErrorCode, isDomainError } from '../../domain/index.js';
import { createRepositories, openStore } from '../../store/index.js';
import { info, out, printJson, UsageError } from '../output.js';

export interface UserCreateArgs {
  email?: string | undefined;
  password?: string | undefined;
  passwordStdin?: boolean | undefined;
  json?: boolean | undefined;
}

/** The same email rule as POST /api/auth/register. */
const emailSchema = z.email().max(254);

export function checkEmail(email: string | undefined): string {
  const value = (email ?? '').trim();
  if (!emailSchema.safeParse(value).success) {
    throw new UsageError(
      `--email must be an email address of at most 254 characters (got ${JSON.stringify(email ?? '')})`,
    );
  }
  return value;
}

export function checkPassword(password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new UsageError(
      `the password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters (got ${password.length})`,
    );
  }
  return password;
}

/** All of stdin, without the one trailing newline `echo` adds. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      '--password-stdin reads the password from a pipe, e.g. printf %s "$PW" | neurotrade ...',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function passwordFrom(args: UserCreateArgs): Promise<string> {
  if (args.passwordStdin && args.password !== undefined) {
    throw new UsageError('use --password-stdin or --password, not both');
  }
  if (args.passwordStdin) return checkPassword(await readStdin());
  if (args.password !== undefined) return checkPassword(args.password);
  throw new UsageError('give the password with --password-stdin (recommended) or --password');
}

export function register(program: Command): void {
  const user = program.command('user').description('manage user accounts');
  user
    .command('create')
    .description('create a user (PAPER mode) and print its id')
    .requiredOption('--email <email>', 'the login email (unique, case-insensitive)')
    .option('--password-stdin', 'read the password from standard input (keeps it out of the history)')
    .option('--password <password>', 'the password (visible in the process list: prefer --password-stdin)')
    .option('--json', 'print {id, email, mode, createdAt} as JSON')
    .action(async (args: UserCreateArgs) => {
      const email = checkEmail(args.email);
      const password = await passwordFrom(args);
      const config = loadConfig();
      const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      try {
        await store.migrate();
        const repos = createRepositories(store.db);
        // The hasher (a native module) loads when a user is created, not with the program.
        const { createArgon2Hasher } = await import('../../auth/index.js');
        const passwordHash = await createArgon2Hasher().hash(password);
        const created = await repos.users.create({ email, passwordHash }).catch((err: unknown) => {
          if (isDomainError(err, ErrorCode.CONFLICT)) {
            throw new DomainError(ErrorCode.CONFLICT, `a user with the email ${email} already exists`);
          }
          throw err;
        });
        await repos.audit.append({
          userId: created.id,
          kind: 'auth.registered',
          message: 'account created (neurotrade user create)',
        });
        if (args.json) {
          printJson({
            id: created.id,
            email: created.email,
            mode: created.mode,
            createdAt: created.createdAt.toISOString(),
          });
        } else {
          out(created.id);
        }
        info(`created ${created.email} (${created.mode} mode): log in to the dashboard with it`);
      } finally {
        await store.close();
      }
    });
}
