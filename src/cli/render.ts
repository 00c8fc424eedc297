/**
 * Diagnostics as a compiler prints them: the `file:line:col: error code: message (hint)` line (the same
 * words the API returns), then the source line with a caret span under the problem. Colour only when
 * the stream is a terminal and NO_COLOR is not set (https://no-color.org); FORCE_COLOR forces it.
 */
import type { CliEnv } from '../config/cli-env.ts';
import { type Diagnostic, formatDiagnostic } from '../ir/diagnostic.ts';

export interface Style {
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly dim: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;
export const PLAIN: Style = { bold: plain, red: plain, yellow: plain, cyan: plain, dim: plain };
const ANSI: Style = {
  bold: wrap(1, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
};

/** Colour for a stream: as the environment says (CliEnv.colour: FORCE_COLOR, NO_COLOR), else if it is a terminal. */
export function styleFor(stream: { isTTY?: boolean }, colour: CliEnv['colour']): Style {
  if (colour === 'always') return ANSI;
  if (colour === 'never') return PLAIN;
  return stream.isTTY ? ANSI : PLAIN;
}

const MAX_LINE = 120;

/**
 * The diagnostic line plus, when the source text is known and the span is on a real line, that line
 * (shortened around the span when long) with `^^^` under the span (one caret for an empty span).
 */
export function renderDiagnostic(
  file: string,
  d: Diagnostic,
  source: string | undefined,
  style: Style,
): string {
  const head = formatDiagnostic(file, d);
  const sev = d.severity === 'error' ? style.red : style.yellow;
  const colored = head.replace(`${d.severity} ${d.code}:`, `${sev(`${d.severity} ${d.code}`)}:`);
  const lines = [colored.replace(`${file}:`, `${style.bold(`${file}:`)}`)];
  const excerpt = source === undefined ? undefined : sourceExcerpt(source, d);
  if (excerpt) {
    const gutter = String(d.span.start.line);
    const pad = ' '.repeat(gutter.length);
    lines.push(`${style.dim(`${gutter} |`)} ${excerpt.text}`);
    lines.push(
      `${style.dim(`${pad} |`)} ${' '.repeat(excerpt.caretAt)}${sev('^'.repeat(excerpt.caretLength))}`,
    );
  }
  return lines.join('\n');
}

function sourceExcerpt(
  source: string,
  d: Diagnostic,
): { text: string; caretAt: number; caretLength: number } | undefined {
  const { start, end } = d.span;
  if (start.line < 1) return undefined;
  const line = source.split(/\r?\n/)[start.line - 1];
  if (line === undefined) return undefined;
  // Tabs would misalign the caret: show them as one space each.
  const text = line.replace(/\t/g, ' ');
  let from = Math.max(0, Math.min(start.column - 1, text.length));
  const to =
    end.line === start.line ? Math.max(from + 1, Math.min(end.column - 1, text.length)) : text.length;
  let length = Math.max(1, to - from);
  if (text.trim() === '') return undefined;
  if (text.length <= MAX_LINE) return { text, caretAt: from, caretLength: length };
  // Long line: a window around the span with … at the cut ends.
  const windowStart = Math.max(0, Math.min(from - 20, text.length - MAX_LINE));
  const window = text.slice(windowStart, windowStart + MAX_LINE);
  from -= windowStart;
  length = Math.min(length, MAX_LINE - from);
  const left = windowStart > 0 ? '…' : '';
  const right = windowStart + MAX_LINE < text.length ? '…' : '';
  return { text: `${left}${window}${right}`, caretAt: from + left.length, caretLength: Math.max(1, length) };
}

/** Several diagnostics of one source, each rendered, blank-line separated when they carry excerpts. */
export function renderDiagnostics(
  file: string,
  diagnostics: readonly Diagnostic[],
  source: string | undefined,
  style: Style,
): string {
  return diagnostics
    .map((d) => renderDiagnostic(d.file ?? file, d, d.file && d.file !== file ? undefined : source, style))
    .join('\n');
}
