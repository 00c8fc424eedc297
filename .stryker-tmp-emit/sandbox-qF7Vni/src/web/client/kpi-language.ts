/**
 * CodeMirror 6 support for the KPI language: highlighting (a stream tokenizer over the grammar's
 * keywords, grammar/tokens.ts), completion from /api/catalog (sources, `source.` → tables,
 * `source.table.` → columns, functions, KPI ids, properties) and live diagnostics from
 * /api/definitions/validate, underlined at the exact span the compiler reports.
 */
// @ts-nocheck

import { autocompletion, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic as CmDiagnostic, linter } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { post } from './api.ts';

export interface Catalog {
  readonly sources: {
    name: string;
    tables: { name: string; timeColumn: string; columns: { name: string; type: string }[] }[];
  }[];
  readonly functions: string[];
  readonly kpis: { id: string; name: string }[];
}

/** A diagnostic as the service reports it (src/ir/diagnostic.ts). */
export interface ServiceDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly span: {
    start: { line: number; column: number; offset: number };
    end: { line: number; column: number; offset: number };
  };
}

const KEYWORDS = new Set(
  'kpi rollup let and or not in between is null like case when then else end true false distinct where active on within'.split(
    ' ',
  ),
);
const PROPERTIES = [
  'category',
  'description',
  'formula',
  'dimensions',
  'grains',
  'filters',
  'schedule',
  'thresholds',
  'format',
  'approximate',
];

export function kpiLanguage(functions: readonly string[]): StreamLanguage<unknown> {
  const fns = new Set(functions);
  return StreamLanguage.define({
    name: 'kpi',
    token(stream) {
      if (stream.eatSpace()) return null;
      if (stream.match('--')) {
        stream.skipToEnd();
        return 'comment';
      }
      if (stream.match(/^'(?:[^']|'')*'?/)) return 'string';
      if (stream.match(/^"(?:[^"]|"")*"?/)) return 'string';
      if (stream.match(/^`(?:[^`]|``)*`?/)) return 'variableName';
      if (stream.match(/^\d+(?:\.\d+)?/)) return 'number';
      if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
        const word = stream.current().toLowerCase();
        if (KEYWORDS.has(word)) return 'keyword';
        if (PROPERTIES.includes(word) && stream.peek() === ':') return 'propertyName';
        if (fns.has(word) && stream.peek() === '(') return 'atom';
        return 'variableName';
      }
      stream.next();
      return 'operator';
    },
    languageData: { commentTokens: { line: '--' } },
  });
}

// Colours from the page's palette, so both themes keep their contrast.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--s3)', fontWeight: '600' },
  { tag: tags.propertyName, color: 'var(--s0)' },
  { tag: tags.atom, color: 'var(--s1)' },
  { tag: tags.string, color: 'var(--s2)' },
  { tag: tags.number, color: 'var(--s4)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
]);

export function kpiCompletion(catalog: Catalog) {
  return (context: CompletionContext) => {
    const word = context.matchBefore(/[A-Za-z_][\w]*(?:\.[\w]*)*|\.[\w]*/);
    if (!word && !context.explicit) return null;
    const text = word?.text ?? '';
    const parts = text.split('.');
    const from = word ? word.from + text.lastIndexOf('.') + 1 : context.pos;
    let options: Completion[];
    if (parts.length === 2) {
      const source = catalog.sources.find((s) => s.name === parts[0]);
      options = (source?.tables ?? []).map((t) => ({
        label: t.name,
        type: 'class',
        detail: `table, time ${t.timeColumn}`,
      }));
    } else if (parts.length === 3) {
      const table = catalog.sources.find((s) => s.name === parts[0])?.tables.find((t) => t.name === parts[1]);
      options = (table?.columns ?? []).map((c) => ({ label: c.name, type: 'property', detail: c.type }));
    } else {
      options = [
        ...catalog.sources.map((s) => ({ label: s.name, type: 'namespace', detail: 'source' })),
        ...catalog.functions.map((f) => ({ label: f, type: 'function', apply: `${f}(`, detail: 'function' })),
        ...catalog.kpis.map((k) => ({ label: k.id, type: 'variable', detail: k.name })),
        ...PROPERTIES.map((p) => ({ label: p, type: 'keyword', apply: `${p}: `, detail: 'property' })),
        ...[...KEYWORDS].map((k) => ({ label: k, type: 'keyword' })),
      ];
    }
    return { from, options, validFor: /^\w*$/ };
  };
}

export interface LintReport {
  readonly diagnostics: readonly ServiceDiagnostic[];
  readonly valid: boolean;
}

/** Diagnostics from the service as the user types; `onReport` also gets them (the list under the editor). */
export function kpiLinter(onReport: (report: LintReport) => void, delay = 300): Extension {
  return linter(
    async (view: EditorView): Promise<CmDiagnostic[]> => {
      const text = view.state.doc.toString();
      if (!text.trim()) {
        onReport({ diagnostics: [], valid: false });
        return [];
      }
      try {
        const { data } = await post<{ valid: boolean; diagnostics: ServiceDiagnostic[] }>(
          '/api/definitions/validate',
          text,
          {
            'Content-Type': 'text/plain',
          },
        );
        // The document may have changed while the request ran: clamp spans to it.
        const length = view.state.doc.length;
        onReport({ diagnostics: data.diagnostics, valid: data.valid });
        return data.diagnostics.map((d) => {
          const from = Math.min(d.span.start.offset, length);
          const to = Math.min(Math.max(d.span.end.offset, from + 1), length);
          return {
            from: to > from ? from : Math.max(0, from - 1),
            to: Math.max(to, from),
            severity: d.severity,
            source: d.code,
            message: `${d.message}${d.hint ? ` (${d.hint})` : ''}`,
          };
        });
      } catch (error) {
        onReport({ diagnostics: [], valid: false });
        throw error;
      }
    },
    { delay },
  );
}

export function kpiSupport(catalog: Catalog, onReport: (report: LintReport) => void): Extension[] {
  return [
    kpiLanguage(catalog.functions),
    syntaxHighlighting(highlight),
    autocompletion({ override: [kpiCompletion(catalog)] }),
    kpiLinter(onReport),
  ];
}
