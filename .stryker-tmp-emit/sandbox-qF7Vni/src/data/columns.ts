/**
 * Column order and PostgreSQL types of each demo table, shared by the PostgreSQL loaders (batched
 * `unnest` inserts on a server, CSV COPY into the embedded database) so both write the same columns.
 */
// @ts-nocheck

import type { AccountRow, EventRow, ExpenseRow, SessionRow, SubscriptionRow } from './generate.ts';

export interface TableLayout<Row> {
  readonly table: string;
  readonly columns: readonly (readonly [name: keyof Row & string, pgType: string])[];
}

export const ACCOUNTS: TableLayout<AccountRow> = {
  table: 'public.accounts',
  columns: [
    ['id', 'bigint'],
    ['email', 'text'],
    ['created_at', 'timestamptz'],
    ['region', 'text'],
    ['channel', 'text'],
    ['campaign', 'text'],
    ['plan_type', 'text'],
    ['country', 'text'],
  ],
};
export const SUBSCRIPTIONS: TableLayout<SubscriptionRow> = {
  table: 'public.subscriptions',
  columns: [
    ['id', 'bigint'],
    ['account_id', 'bigint'],
    ['plan_type', 'text'],
    ['region', 'text'],
    ['status', 'text'],
    ['amount', 'numeric'],
    ['currency', 'text'],
    ['started_at', 'timestamptz'],
    ['canceled_at', 'timestamptz'],
  ],
};
export const EXPENSES: TableLayout<ExpenseRow> = {
  table: 'finance.expenses',
  columns: [
    ['id', 'bigint'],
    ['category', 'text'],
    ['channel', 'text'],
    ['campaign', 'text'],
    ['amount', 'numeric'],
    ['spent_at', 'timestamptz'],
  ],
};
export const EVENTS: TableLayout<EventRow> = {
  table: 'analytics.events',
  columns: [
    ['_id', 'text'],
    ['account_id', 'bigint'],
    ['type', 'text'],
    ['ts', 'timestamptz'],
    ['region', 'text'],
    ['properties', 'jsonb'],
  ],
};
export const SESSIONS: TableLayout<SessionRow> = {
  table: 'analytics.sessions',
  columns: [
    ['_id', 'text'],
    ['account_id', 'bigint'],
    ['started_at', 'timestamptz'],
    ['duration_s', 'bigint'],
    ['device', 'text'],
  ],
};

/** A value as PostgreSQL text input (null stays null). */
export function pgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One CSV line for COPY … (FORMAT csv): NULL is an unquoted empty field, text is always quoted. */
export function csvLine<Row>(layout: TableLayout<Row>, row: Row): string {
  return layout.columns
    .map(([name]) => {
      const text = pgText(row[name]);
      return text === null ? '' : `"${text.replaceAll('"', '""')}"`;
    })
    .join(',');
}
