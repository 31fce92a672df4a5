import cliProgress from 'cli-progress';
import { t, type MessageKey } from './i18n';

/**
 * Progress of a long command, one phase at a time: each phase has its own bar with its own unit and
 * ETA (a bar that mixed phases would sit at 50 % through a long apply while its ETA climbed). On a
 * terminal the bar redraws in place on stderr; elsewhere each phase is one line; with `--json`, or
 * `quiet`, nothing is printed (stdout is for the result).
 */
export class PhasedProgress {
  private bar: cliProgress.SingleBar | null = null;
  private phase: string | null = null;
  private phaseStarted = 0;

  constructor(
    private readonly mode: 'bar' | 'lines' | 'quiet',
    private readonly label: (phase: string) => string,
  ) {}

  get isBar() {
    return this.mode === 'bar';
  }

  static for(json: boolean | undefined, label: (phase: string) => string): PhasedProgress {
    return new PhasedProgress(json ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines', label);
  }

  /**
   * Shows a phase at `value` of `total` (its format: an i18n key holding cli-progress tokens and the
   * payload's). Entering a new phase closes the previous phase's bar where it stood.
   */
  show(phase: string, format: MessageKey, value: number, total: number, payload: Record<string, unknown> = {}) {
    const full = { ...payload, elapsed: this.phase === phase ? Math.round((Date.now() - this.phaseStarted) / 1000) : 0 };
    if (this.phase !== phase) {
      this.finishPhase();
      this.phase = phase;
      this.phaseStarted = Date.now();
      if (this.mode === 'lines') process.stderr.write(`${this.label(phase)}\n`);
      if (this.mode !== 'bar') return;
      this.bar = new cliProgress.SingleBar(
        { format: ` {bar} ${t(format)}`, hideCursor: true, stream: process.stderr, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(Math.max(1, total), Math.min(value, Math.max(1, total)), full);
      return;
    }
    if (!this.bar) return;
    this.bar.setTotal(Math.max(1, total));
    this.bar.update(value, full);
  }

  private finishPhase() {
    this.bar?.stop();
    this.bar = null;
  }

  stop() {
    this.finishPhase();
    this.phase = null;
  }
}
