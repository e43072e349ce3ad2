/**
 * Liberty Boolean functions (pure): `!A`, `A'`, `A&B`, `A*B`, `A B` (and), `A|B`, `A+B`, `A^B`, parentheses,
 * constants 0 and 1. Precedence: not, and, xor, or.
 */

export type Expr =
  | { op: 'var'; name: string }
  | { op: 'const'; value: 0 | 1 }
  | { op: 'not'; a: Expr }
  | { op: 'and' | 'or' | 'xor'; a: Expr; b: Expr };

export function parseBooleanExpr(text: string): Expr {
  const tokens = text.match(/[A-Za-z_][A-Za-z0-9_[\].]*|[01]|[!'&*|+^()]/g) ?? [];
  const stripped = text.replace(/[A-Za-z_][A-Za-z0-9_[\].]*|[01]|[!'&*|+^()]|\s/g, '');
  if (stripped !== '') throw new Error(`function "${text}": unexpected "${stripped}"`);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new Error(`function "${text}": ${what}`);
  };
  const primary = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) return fail('unexpected end');
    let e: Expr;
    if (t === '!') e = { op: 'not', a: primary() };
    else if (t === '(') {
      e = or();
      if (tokens[i++] !== ')') fail("missing ')'");
    } else if (t === '0' || t === '1') e = { op: 'const', value: t === '1' ? 1 : 0 };
    else if (/^[A-Za-z_]/.test(t)) e = { op: 'var', name: t };
    else return fail(`unexpected "${t}"`);
    while (peek() === "'") {
      i++;
      e = { op: 'not', a: e };
    }
    return e;
  };
  const and = (): Expr => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t === '&' || t === '*') {
        i++;
        e = { op: 'and', a: e, b: primary() };
      } else if (t !== undefined && (t === '!' || t === '(' || /^[A-Za-z_01]/.test(t))) e = { op: 'and', a: e, b: primary() };
      else return e;
    }
  };
  const xor = (): Expr => {
    let e = and();
    while (peek() === '^') {
      i++;
      e = { op: 'xor', a: e, b: and() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = xor();
    while (peek() === '|' || peek() === '+') {
      i++;
      e = { op: 'or', a: e, b: xor() };
    }
    return e;
  };
  const e = or();
  if (i !== tokens.length) fail(`unexpected "${tokens[i]}"`);
  return e;
}

/** Evaluate with Boolean variables (the reference for the word simulator). */
export function evalExpr(e: Expr, env: (name: string) => boolean): boolean {
  switch (e.op) {
    case 'var': return env(e.name);
    case 'const': return e.value === 1;
    case 'not': return !evalExpr(e.a, env);
    case 'and': return evalExpr(e.a, env) && evalExpr(e.b, env);
    case 'or': return evalExpr(e.a, env) || evalExpr(e.b, env);
    case 'xor': return evalExpr(e.a, env) !== evalExpr(e.b, env);
  }
}
