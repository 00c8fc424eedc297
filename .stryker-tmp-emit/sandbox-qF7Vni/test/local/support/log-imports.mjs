// @ts-nocheck
// `node --import ./log-imports.mjs …`: writes every module the process resolves to KPI_IMPORT_LOG (one
// URL a line), so a test can see what a command really loads — ES modules through a resolve hook, and
// CommonJS `require` (the CLI is one script that requires its external packages) through Module._load.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.KPI_IMPORT_LOG) appendFileSync(process.env.KPI_IMPORT_LOG, r.url + '\\n');
  return r;
}`)}`,
);

const load = Module._load;
Module._load = function logged(request, parent, isMain) {
  if (process.env.KPI_IMPORT_LOG) {
    let url = request;
    try {
      const path = Module._resolveFilename(request, parent, isMain);
      url = path.startsWith('/') ? pathToFileURL(path).href : `node:${path.replace(/^node:/, '')}`;
    } catch {
      // Unresolvable: the require below throws the real error.
    }
    appendFileSync(process.env.KPI_IMPORT_LOG, `${url}\n`);
  }
  // biome-ignore lint/complexity/noArguments: pass every argument on, as Node's loader gets them.
  return load.apply(this, arguments);
};
