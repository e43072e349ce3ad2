/**
 * A Liberty copy holding only the sequential cells (pure). Yosys's `dfflibmap` considers only cells with an
 * `ff` or `latch` group, but parses the whole file on every call: on the 13 MB SKY130 library that is most
 * of a small module's mapping time. Everything outside the dropped cell groups (header, templates,
 * operating conditions, the kept cells with their `dont_use` marks) is copied byte for byte, so the flops
 * chosen are the same.
 */

/** Top-level `cell (...) { ... }` groups of a Liberty text: [start, end) offsets, skipping comments and strings. */
export function libertyCellGroups(text: string): { name: string; start: number; end: number }[] {
  const groups: { name: string; start: number; end: number }[] = [];
  const cellHead = /cell\s*\(\s*"?([^")\s]+)"?\s*\)\s*\{/y;
  let depth = 0;
  let open: { name: string; start: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (ch === '"') {
      while (++i < text.length && text[i] !== '"') if (text[i] === '\\') i++;
    } else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 1 && open) {
        groups.push({ ...open, end: i + 1 });
        open = undefined;
      }
    } else if (depth === 1 && !open && ch === 'c') {
      cellHead.lastIndex = i;
      const m = cellHead.exec(text);
      if (m && (i === 0 || /[\s;{}]/.test(text[i - 1]))) {
        // The group's own brace is counted when the scan reaches it.
        open = { name: m[1], start: i };
        i = cellHead.lastIndex - 2;
      }
    }
  }
  if (depth !== 0) throw new Error(`Liberty text: unbalanced braces (depth ${depth} at the end)`);
  return groups;
}

/** Is this cell group sequential (an `ff`, `latch` or `statetable` group inside)? */
function isSequential(group: string): boolean {
  return /[\s{;](ff|ff_bank|latch|latch_bank|statetable)\s*\(/.test(group);
}

/** The Liberty text without its combinational cells: for `dfflibmap -liberty`. */
export function flopCellsLiberty(text: string): { text: string; cells: string[] } {
  const groups = libertyCellGroups(text);
  const parts: string[] = [];
  const cells: string[] = [];
  let at = 0;
  for (const g of groups) {
    const body = text.slice(g.start, g.end);
    if (isSequential(body)) {
      cells.push(g.name);
      continue;
    }
    // Drop the group with its indentation and the line break after it.
    const lineStart = text.lastIndexOf('\n', g.start - 1) + 1;
    parts.push(text.slice(at, /^[ \t]*$/.test(text.slice(lineStart, g.start)) ? lineStart : g.start));
    at = text[g.end] === '\n' ? g.end + 1 : g.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), cells };
}
