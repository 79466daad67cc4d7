"""Add words to a tesseract model's LSTM dictionary (lstm-word-dawg).

  /usr/bin/python3 training/ocr/dictionary.py --model models/ocr/eng.traineddata.gz --words runs/ocr-words.tsv

Tesseract's LSTM decoder searches its beam with the word dictionary: where a letter is uncertain, a reading that
makes a dictionary word wins. The English dictionary the stock model carries (338,080 words) has JALAN and
SELANGOR but not JLN, TMN, PERINDUSTRIAN or the place names Malaysian receipts print. words.ts lists the words of
the training shops' reference text; each is added as printed there (capitals), capitalised and in lower case, next
to every word the model already has. Only the dictionary changes: the network, its weights and the character set
are the same bytes. finetune.py runs this on the model it trains; run alone, it rewrites --model in place (and
its eng.json's sha256 when that file is beside it).

Needs Debian's tesseract-ocr (combine_tessdata, dawg2wordlist, wordlist2dawg).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}')


def read_words(tsv: str) -> list[str]:
    """The first column of words.ts's table (its header line skipped)."""
    with open(tsv, encoding='utf8') as f:
        rows = [line.rstrip('\n').split('\t') for line in f]
    return [r[0] for r in rows[1:] if r and r[0]]


def extend_dictionary(traineddata: str, words: list[str], out: str) -> dict:
    """Writes `out`: `traineddata` (uncompressed) with `words` added to its LSTM word dictionary."""
    with tempfile.TemporaryDirectory(prefix='invex-dict-') as tmp:
        model = os.path.join(tmp, 'eng.traineddata')
        shutil.copyfile(traineddata, model)
        _run(['combine_tessdata', '-u', model, os.path.join(tmp, 'eng.')])
        unicharset = os.path.join(tmp, 'eng.lstm-unicharset')
        dawg = os.path.join(tmp, 'eng.lstm-word-dawg')
        listed = os.path.join(tmp, 'words.txt')
        _run(['dawg2wordlist', unicharset, dawg, listed])
        with open(listed, encoding='utf8') as f:
            base = {w for w in f.read().split('\n') if w}
        # A word spelt with a character the model cannot output would make wordlist2dawg fail.
        with open(unicharset, encoding='utf8') as f:
            chars = {line.split(' ', 1)[0] for line in f.read().split('\n')[1:] if line}
        forms = {v for w in words for v in (w, w.capitalize(), w.lower()) if set(v) <= chars}
        added = sorted(forms - base)
        with open(listed, 'w', encoding='utf8') as f:
            f.write('\n'.join(sorted(base | forms)) + '\n')
        os.remove(dawg)
        _run(['wordlist2dawg', listed, dawg, unicharset])
        _run(['combine_tessdata', '-o', model, dawg])
        shutil.copyfile(model, out)
    return {'base_words': len(base), 'added_words': len(added), 'source_words': len(words)}


def write_gz(src: str, dst: str) -> str:
    """gzip with mtime 0 (the same model gives the same bytes); returns the sha256 of the .gz."""
    with open(src, 'rb') as s, open(dst, 'wb') as raw:
        with gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as d:
            shutil.copyfileobj(s, d)
    with open(dst, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='models/ocr/eng.traineddata.gz')
    ap.add_argument('--words', default='runs/ocr-words.tsv')
    ap.add_argument('--version', help="new version for eng.json (default: unchanged)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='invex-dict-') as tmp:
        plain = os.path.join(tmp, 'in.traineddata')
        with gzip.open(args.model, 'rb') as s, open(plain, 'wb') as d:
            shutil.copyfileobj(s, d)
        extended = os.path.join(tmp, 'out.traineddata')
        info = extend_dictionary(plain, read_words(args.words), extended)
        sha256 = write_gz(extended, args.model)
    meta_path = os.path.join(os.path.dirname(args.model), 'eng.json')
    if os.path.exists(meta_path):
        with open(meta_path, encoding='utf8') as f:
            meta = json.load(f)
        meta['sha256'] = sha256
        meta['dictionary'] = info
        if args.version:
            meta['version'] = args.version
        with open(meta_path, 'w', encoding='utf8') as f:
            json.dump(meta, f, indent=2)
            f.write('\n')
    print(json.dumps({**info, 'sha256': sha256}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
