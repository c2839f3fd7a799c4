// A one-line progress bar on stderr, redrawn at most ten times a second.

import type { TrackProgress } from '../track/track-history.js';

const WIDTH = 28;
const REDRAW_MS = 100;

export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress: TrackProgress) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_MS && progress.done < progress.total) return;
      lastDraw = now;
      const ratio = progress.total === 0 ? 1 : progress.done / progress.total;
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      stream.write(`\r${label} ${bar} ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')} commits`);
      drawn = true;
    },
    /** Clears the bar; safe to call more than once. */
    stop() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
