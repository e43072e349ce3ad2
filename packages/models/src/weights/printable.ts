/** A name from a file, made safe for a one-line message: control and non-ASCII bytes escaped, long names cut (pure). */
export function printable(name: string, max = 80): string {
  const escaped = name.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`);
  return escaped.length > max ? `${escaped.slice(0, max)}...(${name.length} chars)` : escaped;
}
