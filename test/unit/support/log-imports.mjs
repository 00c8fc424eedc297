// `node --import ./log-imports.mjs …`: writes every module URL the process resolves to KPI_IMPORT_LOG
// (one a line), so a test can see what a command really loads.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.KPI_IMPORT_LOG) appendFileSync(process.env.KPI_IMPORT_LOG, r.url + '\\n');
  return r;
}`)}`,
);
