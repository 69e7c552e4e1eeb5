import { COMMANDS, STANDALONE } from './commands';
import { COMMAND_HELP, commandHelp, generalHelp, usageProblem } from './help';

describe('command-line help', () => {
  it('describes every command the CLI runs, and no other', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual([...Object.keys(COMMANDS), ...Object.keys(STANDALONE)].sort());
    for (const name of Object.keys(STANDALONE)) expect([name, COMMAND_HELP[name].offline]).toEqual([name, true]);
  });

  it('lists every command in the general help and every option in the command help', () => {
    const general = generalHelp();
    for (const [name, help] of Object.entries(COMMAND_HELP)) {
      expect(general).toContain(`  ${name}`);
      const text = commandHelp(name);
      expect(text).toContain(`npm run cli -- ${name}`);
      for (const option of Object.keys(help.options ?? {})) expect(text).toContain(`--${option}`);
    }
  });

  it('refuses an unknown option, a missing required one and a missing or extra argument', () => {
    expect(usageProblem('keys:revoke', ['kid-1'], { at: '2026-01-01T00:00:00+08:00' })).toBeNull();
    expect(usageProblem('keys:revoke', ['kid-1'], { when: 'now' })).toBe('keys:revoke: unknown option --when');
    expect(usageProblem('keys:revoke', [], {})).toBe('keys:revoke: <kid> is required');
    expect(usageProblem('keys:list', ['extra'], {})).toBe('keys:list: unexpected argument extra');
    expect(usageProblem('witness:add', [], { name: 'province' })).toBe('witness:add: --jwk <file> is required');
    // A flag given without a value does not count as given.
    expect(usageProblem('witness:add', [], { name: 'province', jwk: 'true' })).toBe('witness:add: --jwk <file> is required');
  });
});
