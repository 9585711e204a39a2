// Structured JSON logging: one object per line on stdout, each carrying the request id when there is one.
// Why our own: a dozen lines, no dependency, and the same code works inside worker threads.

export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line carries `fields` (e.g. `{ request_id }`). */
  child(fields: LogFields): Logger;
}

export function isLogLevel(value: string): value is LogLevel {
  return value in LEVEL_ORDER;
}

export function createLogger(
  level: LogLevel = "info",
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (lineLevel: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[lineLevel] < LEVEL_ORDER[level]) return;
    const record = { time: new Date().toISOString(), level: lineLevel, msg, ...base, ...fields };
    write(`${JSON.stringify(record, errorReplacer)}\n`);
  };
  return {
    level,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** Errors serialize to `{}` by default; keep their message and stack. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** What may be logged about a prompt at info level: its length and a short hash, never the text. */
export function promptSummary(prompt: string, hash: string): LogFields {
  return { prompt_chars: prompt.length, prompt_sha256: hash.slice(0, 12) };
}
