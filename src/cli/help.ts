/** What `cli --help` and `cli <command> --help` print; every command the CLI runs has an entry (a test checks). */
export interface CommandHelp {
  /** Positional arguments, as shown in the usage line, e.g. `<kid>`. */
  args?: string;
  /** One sentence: what the command does and what it prints. */
  summary: string;
  /** Each option the command reads, `--name <value>` → what it means; no other option is accepted. */
  options?: Record<string, { value?: string; required?: boolean; says: string }>;
  /** True when the command needs no database (it runs offline). */
  offline?: boolean;
}

export const COMMAND_HELP: Record<string, CommandHelp> = {
  'principal:create': {
    summary: 'Creates a principal and its API key; prints {"id","key","role","name"} as the last line. The key is not shown again.',
    options: {
      role: { value: 'admin|operator|department|agency', required: true, says: 'what the principal may do' },
      name: { value: 'name', required: true, says: 'who holds the key, shown in the audit log' },
      department: { value: 'code', says: 'the department a department principal acts for, e.g. industry_it' },
      counties: { value: 'A,B', says: 'county codes the principal is limited to (all when omitted)' },
      domains: { value: 'X,Y', says: 'restriction domains an agency principal answers for, e.g. land_supply' },
    },
  },
  'principal:list': { summary: 'Prints one JSON line per principal (never a key).' },
  'principal:revoke': { args: '<id>', summary: 'Revokes a principal\'s key at once; prints {"id","revoked":true}.' },
  'keys:rotate': {
    summary:
      'Adds a signing key in this instance\'s SIGNING_KEY_DIR, published in the database before it signs; prints {"kid"}.',
  },
  'keys:revoke': {
    args: '<kid>',
    summary: 'Marks a signing key compromised from an instant; prints {"kid","revokedAt","reason"}.',
    options: {
      at: { value: 'instant', says: 'ISO 8601 instant with an offset, not in the future (now when omitted)' },
      reason: { value: 'text', says: 'why, kept with the key and shown in the JWKS' },
    },
  },
  'keys:list': { summary: 'Prints one line per published signing key: {"kid","alg","createdAt","revokedAt"}.' },
  'witness:add': {
    summary: 'Registers (or replaces) a witness\'s Ed25519 public key for co-signing checkpoints; prints {"name","kid"}.',
    options: {
      name: { value: 'name', required: true, says: 'the witness, e.g. province' },
      jwk: { value: 'file', required: true, says: 'its public JWK (a private one is refused)' },
    },
  },
  'secrets:seal': {
    offline: true,
    summary:
      'Reads the platform secret (whsec_...) on standard input and prints it sealed with SECRETS_KEK (enc:v1:...), for CREDIT_PLATFORM_SECRET or a config file.',
  },
  'secrets:reseal': {
    summary:
      'Seals every stored subscription secret that is in clear or under an older key with the active SECRETS_KEK; prints {"examined","resealed"}.',
  },
  'record:verify': {
    args: '<file>',
    offline: true,
    summary:
      'Verifies signed records or pushes in a file (signature, key validity, inclusion proof); one line per record, exit 0 only when all verify.',
    options: { jwks: { value: 'file|url', required: true, says: 'the gateway\'s published keys (/.well-known/jwks.json)' } },
  },
  'ledger:verify': {
    offline: true,
    summary: 'Rebuilds the transparency log from its entries and checks it against a checkpoint; prints {"ok",...}.',
    options: {
      from: { value: 'file|base url', required: true, says: 'an exported log, or the gateway to read it from' },
      checkpoint: { value: 'file', says: 'a checkpoint kept earlier: the log must still contain it' },
      jwks: { value: 'file|url', says: 'keys to check signatures with (the gateway\'s own when omitted)' },
      key: { value: 'api key', says: 'an operator key, to read the log from a gateway' },
    },
  },
};

/** Exit statuses, as printed by --help (sysexits.h where one fits). */
const EXIT_STATUSES =
  'exit status: 0 success; 1 error or failed verification; 64 bad usage; 69 PostgreSQL unreachable; 78 invalid configuration';

function optionLine(name: string, o: NonNullable<CommandHelp['options']>[string]): string {
  const flag = `--${name}${o.value ? ` <${o.value}>` : ''}`;
  return `  ${o.required ? flag : `[${flag}]`}\n      ${o.says}`;
}

export function usageOf(name: string): string {
  const h = COMMAND_HELP[name];
  const opts = Object.entries(h.options ?? {}).map(([n, o]) => {
    const flag = `--${n}${o.value ? ` <${o.value}>` : ''}`;
    return o.required ? flag : `[${flag}]`;
  });
  return ['npm run cli --', name, h.args, ...opts].filter(Boolean).join(' ');
}

export function commandHelp(name: string): string {
  const h = COMMAND_HELP[name];
  const options = Object.entries(h.options ?? {}).map(([n, o]) => optionLine(n, o));
  return [
    `usage: ${usageOf(name)}`,
    '',
    h.summary,
    ...(options.length ? ['', 'options:', ...options] : []),
    '',
    h.offline ? 'Runs offline: needs no database.' : 'Reads the gateway\'s configuration (DATABASE_URL, ...) and needs its database.',
    EXIT_STATUSES,
    '',
  ].join('\n');
}

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMAND_HELP).map((n) => n.length));
  return [
    'usage: npm run cli -- <command> [arguments] [options]',
    '       npm run cli -- <command> --help',
    '',
    'commands:',
    ...Object.entries(COMMAND_HELP).map(([n, h]) => `  ${n.padEnd(width)}  ${h.summary}`),
    '',
    EXIT_STATUSES,
    '',
  ].join('\n');
}

/** The first option a command does not take, or a required one that is missing: a usage error. */
export function usageProblem(name: string, positional: string[], flags: Record<string, string>): string | null {
  const { args, options = {} } = COMMAND_HELP[name];
  const wanted = args ? args.split(' ').length : 0;
  if (positional.length < wanted) return `${name}: ${args} is required`;
  if (positional.length > wanted) return `${name}: unexpected argument ${positional[wanted]}`;
  const unknown = Object.keys(flags).find((f) => !(f in options));
  if (unknown) return `${name}: unknown option --${unknown}`;
  const missing = Object.entries(options).find(([n, o]) => o.required && (flags[n] === undefined || flags[n] === 'true'));
  return missing ? `${name}: --${missing[0]} <${missing[1].value}> is required` : null;
}
