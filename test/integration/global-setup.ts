// Brings up the real local stack once for the integration project (see src/stack/).
// Filled in by the foundation work; until then the integration project has no files.
export default async function setup(): Promise<void> {}
