/** A Liberty copy with `dont_use : true;` in each listed cell (pure): what ABC and dfflibmap honour in every yosys version. */

/** Insert the attribute after `cell ("name") {` for every listed cell; returns the text and the cells found. */
export function markDontUse(libertyText: string, cells: readonly string[]): { text: string; marked: string[] } {
  const wanted = new Set(cells.map((c) => c.trim()).filter(Boolean));
  const marked: string[] = [];
  const text = libertyText.replace(/(cell\s*\(\s*"?([A-Za-z0-9_$]+)"?\s*\)\s*\{)/g, (whole, _open: string, name: string) => {
    if (!wanted.has(name)) return whole;
    marked.push(name);
    return `${whole}\n        dont_use : true;`;
  });
  return { text, marked };
}

/** Cell names from a dont_use list file: one per line, `#` comments ignored. */
export function parseDontUseList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}
