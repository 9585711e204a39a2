// Python's str.strip() for the text-encoder prompt (SANA's `prompt.lower().strip()`): JS trim() strips
// U+FEFF and keeps U+001C–U+001F and U+0085, Python does the opposite.

/** Characters for which Python's str.isspace() is true (all of them; none beyond the BMP). */
const PY_SPACE = new Set(
  [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
    0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ].map((code) => String.fromCharCode(code)),
);

export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.has(text.charAt(start))) start++;
  while (end > start && PY_SPACE.has(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Python's str.lower(): full case mapping incl. final sigma, as JS does (same Unicode version aside). */
export function pythonLower(text: string): string {
  return text.toLowerCase();
}
