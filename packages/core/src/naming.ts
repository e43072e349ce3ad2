/** Naming helpers shared by the runner, the CLI and the docs (pure). */

/** Stage ids are `Domain.Action` in UpperCamel, e.g. `Model.Inventory`, `Check.Rules`. */
export const STAGE_ID_PATTERN = /^[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*$/;

/** `Model.Inventory` -> `model-inventory` (the run-folder slug). */
export function stageSlug(stageId: string): string {
  return stageId
    .replace(/\./g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** `reticleWidthUm` -> `reticle-width-um` (CLI flag form of a config key). */
export function camelToKebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `reticle-width-um` -> `reticleWidthUm`. */
export function kebabToCamel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Zero-padded stage number for run folders: 1 -> "01". */
export function stageNumber(index: number): string {
  return String(index + 1).padStart(2, '0');
}
