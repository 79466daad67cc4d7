/**
 * A minimal WordPiece tokenizer reading a Hugging Face `tokenizer.json` (BERT family), for models brought
 * by the user (`--model DIR`). It tokenizes one of our words at a time, so pieces map back to words
 * exactly. Covers BertNormalizer / Lowercase / NFD / StripAccents, BertPreTokenizer / Whitespace, and
 * [CLS]/[SEP] from TemplateProcessing or BertProcessing.
 */
import { readFileSync } from 'node:fs';
import { InvexError } from '../errors.js';

export interface WordPiece {
  vocab: ReadonlyMap<string, number>;
  unkId: number;
  clsId: number;
  sepId: number;
  padId: number;
  /** Token ids of one word (empty for a word that normalises to nothing). */
  encodeWord(text: string): number[];
}

interface NormalizerSpec {
  type: string;
  lowercase?: boolean;
  strip_accents?: boolean | null;
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  normalizers?: NormalizerSpec[];
}

interface TokenizerJson {
  normalizer?: NormalizerSpec | null;
  pre_tokenizer?: { type: string; pretokenizers?: { type: string }[] } | null;
  post_processor?: {
    type: string;
    cls?: [string, number];
    sep?: [string, number];
    single?: ({ SpecialToken?: { id: string } } | { Sequence?: { id: string } })[];
    special_tokens?: Record<string, { ids: number[] }>;
  } | null;
  added_tokens?: { id: number; content: string }[];
  model: {
    type: string;
    vocab: Record<string, number>;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
}

// BERT counts all non-alphanumeric ASCII as punctuation, plus Unicode P* categories.
const isPunct = (c: string) => {
  const cp = c.codePointAt(0) ?? 0;
  if (
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126)
  ) {
    return true;
  }
  return /\p{P}/u.test(c);
};
const isCjk = (c: string) =>
  /[\u4e00-\u9fff\u3400-\u4dbf\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\uf900-\ufaff\u{2f800}-\u{2fa1f}]/u.test(
    c,
  );
const isControl = (c: string) => c !== '\t' && c !== '\n' && c !== '\r' && /\p{C}/u.test(c);

type Step = (s: string) => string;

function normalizerSteps(spec: NormalizerSpec | null | undefined): Step[] {
  if (!spec) return [];
  const stripAccents: Step = (s) => s.normalize('NFD').replace(/\p{Mn}/gu, '');
  switch (spec.type) {
    case 'BertNormalizer': {
      const steps: Step[] = [];
      if (spec.clean_text !== false) {
        steps.push((s) =>
          Array.from(s)
            .filter((c) => c !== '\0' && c !== '\ufffd' && !isControl(c))
            .map((c) => (/\s/u.test(c) ? ' ' : c))
            .join(''),
        );
      }
      if (spec.handle_chinese_chars !== false) {
        steps.push((s) =>
          Array.from(s)
            .map((c) => (isCjk(c) ? ` ${c} ` : c))
            .join(''),
        );
      }
      const lower = spec.lowercase !== false;
      // BERT: strip_accents null means "follow lowercase".
      if (spec.strip_accents === true || ((spec.strip_accents ?? null) === null && lower))
        steps.push(stripAccents);
      if (lower) steps.push((s) => s.toLowerCase());
      return steps;
    }
    case 'Lowercase':
      return [(s) => s.toLowerCase()];
    case 'NFD':
    case 'NFC':
    case 'NFKC':
    case 'NFKD':
      return [(s) => s.normalize(spec.type as 'NFD')];
    case 'StripAccents':
      return [stripAccents];
    case 'Sequence':
      return (spec.normalizers ?? []).flatMap(normalizerSteps);
    default:
      throw new InvexError('INVEX_E_MODEL_MISSING', `tokenizer.json: unsupported normalizer ${spec.type}`);
  }
}

/** BertPreTokenizer: split on whitespace, and every punctuation character is its own piece. */
function preTokenize(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of s) {
    if (/\s/u.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else if (isPunct(c)) {
      if (cur) out.push(cur);
      out.push(c);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function specialIds(j: TokenizerJson, vocab: Map<string, number>): { cls: number; sep: number } {
  const pp = j.post_processor;
  const byName = (name: string) => {
    const id = pp?.special_tokens?.[name]?.ids[0] ?? vocab.get(name);
    if (id === undefined)
      throw new InvexError('INVEX_E_MODEL_MISSING', `tokenizer.json: special token ${name} not found`);
    return id;
  };
  if (pp?.type === 'BertProcessing' && pp.cls && pp.sep) return { cls: pp.cls[1], sep: pp.sep[1] };
  if (pp?.type === 'TemplateProcessing' && pp.single) {
    const seq = pp.single.findIndex((x) => 'Sequence' in x);
    const special = (x: (typeof pp.single)[number] | undefined) =>
      x && 'SpecialToken' in x && x.SpecialToken ? x.SpecialToken.id : undefined;
    const cls = special(pp.single[seq - 1]) ?? '[CLS]';
    const sep = special(pp.single[seq + 1]) ?? '[SEP]';
    return { cls: byName(cls), sep: byName(sep) };
  }
  return { cls: byName('[CLS]'), sep: byName('[SEP]') };
}

export function parseWordPiece(j: TokenizerJson): WordPiece {
  if (j.model?.type !== 'WordPiece') {
    throw new InvexError(
      'INVEX_E_MODEL_MISSING',
      `tokenizer.json: model type ${j.model?.type} is not WordPiece`,
    );
  }
  const vocab = new Map(Object.entries(j.model.vocab));
  for (const t of j.added_tokens ?? []) vocab.set(t.content, t.id);
  const unkTok = j.model.unk_token ?? '[UNK]';
  const unkId = vocab.get(unkTok);
  if (unkId === undefined)
    throw new InvexError('INVEX_E_MODEL_MISSING', `tokenizer.json: unk token ${unkTok} missing`);
  const prefix = j.model.continuing_subword_prefix ?? '##';
  const maxChars = j.model.max_input_chars_per_word ?? 100;
  const steps = normalizerSteps(j.normalizer);
  const { cls, sep } = specialIds(j, vocab);
  const padId = vocab.get('[PAD]') ?? 0;
  const cache = new Map<string, number[]>();

  const piece = (word: string): number[] => {
    const cps = Array.from(word);
    if (cps.length > maxChars) return [unkId];
    const ids: number[] = [];
    let start = 0;
    while (start < cps.length) {
      let end = cps.length;
      let found: number | undefined;
      while (start < end) {
        const sub = (start > 0 ? prefix : '') + cps.slice(start, end).join('');
        found = vocab.get(sub);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  };

  return {
    vocab,
    unkId,
    clsId: cls,
    sepId: sep,
    padId,
    encodeWord(text: string): number[] {
      const hit = cache.get(text);
      if (hit) return hit;
      let s = text;
      for (const step of steps) s = step(s);
      const ids = preTokenize(s).flatMap(piece);
      if (cache.size < 100_000) cache.set(text, ids);
      return ids;
    },
  };
}

export function loadWordPiece(path: string): WordPiece {
  let j: TokenizerJson;
  try {
    j = JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson;
  } catch (err) {
    throw new InvexError('INVEX_E_MODEL_MISSING', `cannot read ${path}`, { cause: err });
  }
  return parseWordPiece(j);
}
