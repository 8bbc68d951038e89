/** Sessions and runs in SQLite: see store.ts for the database, compare.ts for comparisons, bundle.ts for .tandem files. */
export { openStore, Store, StoreError, toSavedOutcome, type SaveOptions, type SavedRun } from "./store";
export { compareRuns, diffSources, samplesOf } from "./compare";
export { snapshotSources, hashSources, type Sources } from "./snapshot";
export { tandemHome, defaultDbPath } from "./home";
export { SCHEMA_VERSION, SchemaTooNewError } from "./migrations";
