/** `${ENV:NAME}` placeholders of the stack's configuration templates (trino/etc, druid/conf). */

/** Replaces each `${ENV:NAME}` whose NAME has a value; leaves the others (Trino fills them from its environment). */
export function renderTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{ENV:([A-Z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}
