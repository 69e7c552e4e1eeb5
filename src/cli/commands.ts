import { keyCommands } from './keys.commands';
import { Command, principalCommands } from './principal.commands';
import { secretsCommands, secretsStandaloneCommands } from './secrets.commands';
import { signingCommands, StandaloneCommand } from './signing.commands';

export const COMMANDS: Record<string, Command> = { ...principalCommands, ...keyCommands, ...secretsCommands };
// These need only the config (offline verification): no database is opened for them.
export const STANDALONE: Record<string, StandaloneCommand> = { ...signingCommands, ...secretsStandaloneCommands };
