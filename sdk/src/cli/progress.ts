// Shows that a long call is alive: a spinner with elapsed seconds on a terminal's stderr, or a single line
// when stderr is a pipe (CI logs should not fill with carriage returns). stdout stays clean for results.
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Progress {
  /** Prints a line above the spinner (e.g. a retry notice). */
  note(message: string): void;
  stop(): void;
}

let active: Progress | undefined;

/** A status line on stderr (e.g. a retry notice) that does not collide with a running spinner. */
export function printStatus(message: string): void {
  if (active !== undefined) active.note(message);
  else process.stderr.write(`${message}\n`);
}

export function startProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const progress = createProgress(label, stream);
  active = progress;
  return {
    note: (message) => progress.note(message),
    stop() {
      if (active === progress) active = undefined;
      progress.stop();
    },
  };
}

function createProgress(label: string, stream: NodeJS.WriteStream): Progress {
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  if (!stream.isTTY) {
    stream.write(`${label}…\n`);
    return { note: (message) => stream.write(`${message}\n`), stop: () => {} };
  }
  let frame = 0;
  const draw = (): void => {
    stream.write(`\r\x1b[2K${FRAMES[frame % FRAMES.length]} ${label}… ${elapsed()}`);
    frame++;
  };
  draw();
  const timer = setInterval(draw, 80);
  return {
    note(message) {
      stream.write(`\r\x1b[2K${message}\n`);
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    },
  };
}
