import { Command, Help, type Option } from 'commander';
import { registerMigrate } from './commands/migrate';
import { registerSchema } from './commands/schema';
import { registerServe } from './commands/serve';
import { registerImport } from './commands/import';
import { registerRuns } from './commands/runs';
import { registerSources } from './commands/sources';
import { registerDemo } from './commands/demo';
import { registerClients } from './commands/clients';
import { registerWorker } from './commands/worker';
import { registerSchedule } from './commands/schedule';
import { registerReconcile } from './commands/reconcile';
import { registerLinks } from './commands/links';
import { registerCruce } from './commands/cruce';
import { registerArchive } from './commands/archive';
import { registerAudit } from './commands/audit';
import { t, type MessageKey } from './i18n';

// Commander's own help words (section titles, "[options]", "default:") in the CLI's language.
const TITLES: Record<string, MessageKey> = {
  'Usage:': 'help.usage',
  'Options:': 'help.options',
  'Commands:': 'help.commands',
  'Arguments:': 'help.arguments',
  'Global Options:': 'help.globalOptions',
};

const translatedHelp = {
  styleTitle: (title: string) => (TITLES[title] ? t(TITLES[title]) : title),
  commandUsage(this: Help, cmd: Command) {
    return Help.prototype.commandUsage.call(this, cmd).replace('[options]', t('help.optionsToken')).replace('[command]', t('help.commandToken'));
  },
  subcommandTerm(this: Help, cmd: Command) {
    return Help.prototype.subcommandTerm.call(this, cmd).replace('[options]', t('help.optionsToken')).replace('[command]', t('help.commandToken'));
  },
  optionDescription(this: Help, option: Option) {
    return Help.prototype.optionDescription.call(this, option).replace(/\(default: /, `(${t('help.default')}: `);
  },
};

/**
 * The command tree with every human text (descriptions, option and argument help, commander's own
 * words) from the i18n catalogue of the language set before this is called. main.ts parses with it;
 * tests walk it to check that no text is left untranslated.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('juntos-hub')
    .description(t('help.program'))
    .option('--lang <lang>', t('help.lang'))
    .helpOption('-h, --help', t('help.helpOption'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .configureHelp(translatedHelp)
    // Set before the subcommands are added, which inherit them: main.ts prints parse errors itself, translated.
    .configureOutput({ outputError: () => {} })
    .exitOverride();

  registerServe(program);
  registerMigrate(program);
  registerSchema(program);
  registerImport(program);
  registerSources(program, registerRuns(program));
  registerDemo(program);
  registerClients(program);
  registerWorker(program);
  registerSchedule(program);
  registerReconcile(program);
  registerLinks(program);
  registerCruce(program);
  registerArchive(program);
  registerAudit(program);
  return program;
}
