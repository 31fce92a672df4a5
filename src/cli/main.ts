import { CommanderError } from 'commander';
import { buildProgram } from './program';
import { CliError, setJsonOutput } from './runtime';
import { isLanguage, setLanguage, t } from './i18n';
import { serializeError } from '../platform/logger';
import { preConfigSettings } from '../platform/config';

// `juntos-hub runs | head`: the reader closing the pipe is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// The language comes first (an error in the arguments is reported in it too): --lang, then JUNTOS_LANG.
const langArg = process.argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
const lang =
  langArg < 0 ? (preConfigSettings().lang ?? 'es') : process.argv[langArg].includes('=') ? process.argv[langArg].split('=')[1] : process.argv[langArg + 1];
if (isLanguage(lang)) setLanguage(lang);

/** Commander's parse errors as one translated line (it prints nothing itself: outputError is silenced). */
const COMMANDER_MESSAGES: Record<string, Parameters<typeof t>[0]> = {
  'commander.unknownCommand': 'errors.unknownCommand',
  'commander.unknownOption': 'errors.unknownOption',
  'commander.missingArgument': 'errors.missingArgument',
  'commander.optionMissingArgument': 'errors.missingOptionValue',
  'commander.missingMandatoryOptionValue': 'errors.missingMandatoryOption',
  'commander.excessArguments': 'errors.excessArguments',
  'commander.invalidArgument': 'errors.invalidArgument',
};
let activeCommand = '';

const program = buildProgram()
  .hook('preSubcommand', (_cmd, sub) => {
    activeCommand = sub.name();
  })
  .hook('preAction', (_cmd, action) => {
    activeCommand = action.parent && action.parent !== program ? `${action.parent.name()} ${action.name()}` : action.name();
    if (!isLanguage(lang)) throw new CliError(t('errors.badLanguage'), 2);
    setJsonOutput(Boolean(action.opts().json || action.parent?.opts().json));
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; every parse error is a usage error: one line, exit 2.
    if (e.exitCode === 0 || ['commander.help', 'commander.helpDisplayed', 'commander.version'].includes(e.code)) process.exit(e.exitCode);
    const key = COMMANDER_MESSAGES[e.code];
    const value = /'([^']+)'/.exec(e.message)?.[1] ?? '';
    const message = key ? t(key, { value }) : e.message.replace(/^error: /, '');
    process.stderr.write(
      `${t('errors.prefix')}: ${t('errors.usage', { message, command: activeCommand }).replace('juntos-hub  --help', 'juntos-hub --help')}\n`,
    );
    process.exit(2);
  }
  if (e instanceof CliError) {
    if (e.message) process.stderr.write(`${e.message}\n`);
    process.exit(e.exitCode);
  }
  // Anything else is a defect or an environment problem: one line without the stack (a database
  // error's message can quote the SQL and its parameters; serializeError scrubs it), the stack at debug.
  const err = serializeError(e);
  process.stderr.write(`${t('errors.unexpected', { type: String(err.type ?? 'Error'), message: String(err.message ?? '') })}\n`);
  const { logLevel } = preConfigSettings();
  if (logLevel === 'debug' || logLevel === 'trace') process.stderr.write(`${String(err.stack ?? '')}\n`);
  process.exit(1);
}
