/**
 * Liberty (.lib) parsing (pure): groups `name (args) { ... }`, simple attributes `name : value ;` and
 * complex attributes `name (args) ;`. A hand-written scanner: the 12.8 MB SKY130 library parses in
 * well under a second.
 */

export interface LibertyGroup {
  readonly type: string;
  readonly args: string[];
  readonly attrs: Map<string, string>;
  readonly groups: LibertyGroup[];
}

/** Parse Liberty text into its top-level group (`library (...)`). Throws with a line number on bad syntax. */
export function parseLiberty(text: string, file = 'liberty'): LibertyGroup {
  let pos = 0;
  const n = text.length;
  const lineAt = (p: number) => text.slice(0, p).split('\n').length;
  const fail = (message: string): never => {
    throw new Error(`${file}:${lineAt(pos)}: ${message}`);
  };
  const skipSpace = () => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else if (c === 92 && (text.charCodeAt(pos + 1) === 10 || text.charCodeAt(pos + 1) === 13)) pos += 2; // line continuation
      else if (c === 47 && text.charCodeAt(pos + 1) === 42) {
        const end = text.indexOf('*/', pos + 2);
        pos = end < 0 ? n : end + 2;
      } else if (c === 47 && text.charCodeAt(pos + 1) === 47) {
        const end = text.indexOf('\n', pos);
        pos = end < 0 ? n : end + 1;
      } else break;
    }
  };
  /** A word, number, or quoted string (quotes removed). */
  const token = (): string => {
    skipSpace();
    if (text.charCodeAt(pos) === 34) {
      const end = text.indexOf('"', pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    const start = pos;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 40 || c === 41 || c === 123 || c === 125 || c === 58 || c === 59 || c === 44 || c === 32 || c === 9 || c === 10 || c === 13 || c === 34) break;
      pos++;
    }
    if (pos === start) fail(`unexpected '${text[pos]}'`);
    return text.slice(start, pos);
  };
  const args = (): string[] => {
    const out: string[] = [];
    skipSpace();
    if (text[pos] !== '(') fail("expected '('");
    pos++;
    for (;;) {
      skipSpace();
      if (text[pos] === ')') {
        pos++;
        return out;
      }
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      out.push(token());
    }
  };
  const body = (group: LibertyGroup) => {
    for (;;) {
      skipSpace();
      if (pos >= n) fail('unexpected end of file inside a group');
      if (text[pos] === '}') {
        pos++;
        return;
      }
      const name = token();
      skipSpace();
      if (text[pos] === ':') {
        pos++;
        skipSpace();
        // Simple attribute: value up to ';' (or end of line when the ';' is missing).
        let value: string;
        if (text[pos] === '"') value = token();
        else {
          const start = pos;
          while (pos < n && text[pos] !== ';' && text[pos] !== '\n' && text[pos] !== '}') pos++;
          value = text.slice(start, pos).trim();
        }
        skipSpace();
        if (text[pos] === ';') pos++;
        group.attrs.set(name, value);
      } else if (text[pos] === '(') {
        const a = args();
        skipSpace();
        if (text[pos] === '{') {
          pos++;
          const child: LibertyGroup = { type: name, args: a, attrs: new Map(), groups: [] };
          body(child);
          group.groups.push(child);
        } else {
          if (text[pos] === ';') pos++;
          // A repeated complex attribute (fanout_length(1, ...) fanout_length(2, ...)) keeps every one: name, name#1, ...
          let key = name;
          for (let k = 1; group.attrs.has(key); k++) key = `${name}#${k}`;
          group.attrs.set(key, a.join(','));
        }
      } else fail(`expected ':' or '(' after ${name}`);
    }
  };
  const type = token();
  const a = args();
  skipSpace();
  if (text[pos] !== '{') fail("expected '{'");
  pos++;
  const root: LibertyGroup = { type, args: a, attrs: new Map(), groups: [] };
  body(root);
  return root;
}
