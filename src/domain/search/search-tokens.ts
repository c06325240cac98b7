/*
 * The search vocabulary, computed once in TypeScript so both databases index exactly the same tokens: SQLite's FTS5
 * tokenizer is told to keep `_ - . /` inside tokens, and PostgreSQL gets the tokens as an array (array_to_tsvector),
 * so neither database re-splits them its own way.
 */

/** Characters that join the parts of a file name: `hero_v1.2.psd`, `shot-010`, `props/chair`. */
const JOINERS = /[_\-./]+/u;
/** Anything that is neither a letter, a digit nor a joiner separates words. */
const NOT_WORD = /[^\p{L}\p{N}_\-./]+/gu;
const EDGE_JOINERS = /^[_\-./]+|[_\-./]+$/gu;
const MARKS = /\p{M}+/gu;

/** Longest token kept (PostgreSQL's lexeme limit is 2 KiB; nobody searches for 200 characters). */
export const MAX_TOKEN_LENGTH = 200;
/** A chunk with more parts than this keeps its parts and neighbour pairs only, not every run. */
const MAX_PARTS_FOR_RUNS = 8;

/** Lower case without diacritics (`Café` -> `cafe`), compatibility forms folded (`ﬁ` -> `fi`). */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** Whitespace/punctuation separated chunks of folded text, with joiners trimmed from their ends. */
export function searchChunks(text: string): string[] {
  return foldText(text)
    .replace(NOT_WORD, ' ')
    .split(' ')
    .map((c) => c.replace(EDGE_JOINERS, '').slice(0, MAX_TOKEN_LENGTH))
    .filter((c) => c !== '');
}

/**
 * The tokens a text is found by: each chunk whole, each of its parts, and each run of neighbouring parts with their
 * original joiners. `hero_v1.2.psd` gives hero_v1.2.psd, hero, v1, 2, psd, hero_v1, v1.2, 2.psd, hero_v1.2, v1.2.psd.
 * Distinct, in first-seen order.
 */
export function searchTokens(text: string): string[] {
  const out = new Set<string>();
  for (const chunk of searchChunks(text)) {
    out.add(chunk);
    const parts: string[] = [];
    const joiners: string[] = [];
    let rest = chunk;
    for (let m = JOINERS.exec(rest); m; m = JOINERS.exec(rest)) {
      parts.push(rest.slice(0, m.index));
      joiners.push(m[0]);
      rest = rest.slice(m.index + m[0].length);
    }
    parts.push(rest);
    if (parts.length === 1) {
      continue;
    }
    const maxRun = parts.length <= MAX_PARTS_FOR_RUNS ? parts.length - 1 : 2;
    for (let size = 1; size <= maxRun; size++) {
      for (let start = 0; start + size <= parts.length; start++) {
        let run = parts[start] ?? '';
        for (let i = start + 1; i < start + size; i++) {
          run += `${joiners[i - 1] ?? ''}${parts[i] ?? ''}`;
        }
        if (run !== '') {
          out.add(run);
        }
      }
    }
  }
  return [...out];
}

/**
 * The terms of a user's query: its chunks, folded like indexed text, distinct. Every term must match (AND), as a
 * prefix of an indexed token. The result is plain data; dialects quote it, so user text never reaches MATCH or
 * tsquery syntax.
 */
export function queryTerms(text: string): string[] {
  return [...new Set(searchChunks(text))].slice(0, 16);
}
