import type { Command } from 'commander';
import { loadCliConfig, withRuntime } from '../runtime';
import { t } from '../i18n';

export function registerDemo(program: Command) {
  program
    .command('demo')
    .description(t('help.demo.description'))
    .option('--households <n>', t('help.demo.households'), '2000')
    .option('--seed <n>', t('help.demo.seed'), '20091231')
    .action(async (opts: { households: string; seed: string }) => {
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const { seedDemo } = await import('../seedDemo');
        await seedDemo(rt.app, { households: Number(opts.households), seed: Number(opts.seed), onProgress: (m) => process.stderr.write(`${m}\n`) });
      });
    });
}
