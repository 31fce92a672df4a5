import type { Command } from 'commander';
import { loadCliConfig, withRuntime } from '../runtime';

export function registerDemo(program: Command) {
  program
    .command('demo')
    .description(
      'Fill an empty registry with synthetic demo data: Sisbén IV, BDUA, RUAF and RUV files of a realistic Colombian ' +
        'population, imported and reconciled through the real pipeline. Does nothing if the registry already has persons.',
    )
    .option('--households <n>', 'number of households', '2000')
    .option('--seed <n>', 'random seed (same seed, same people)', '20091231')
    .action(async (opts: { households: string; seed: string }) => {
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const { seedDemo } = await import('../seedDemo');
        await seedDemo(rt.app, { households: Number(opts.households), seed: Number(opts.seed), onProgress: (m) => process.stderr.write(`${m}\n`) });
      });
    });
}
