"""Tesseract training files from the receipts that lines.ts wrote (`/usr/bin/python3 training/ocr/prepare.py
runs/ocr-lines --traineddata DIR/eng.traineddata`).

For each `<split>/<page>.png` with its `.lines.json` (lines.ts: receipts in train/ and val/; synth-lines.ts:
invoices in train/ and val-synth/), unless an up-to-date .lstmf is there already, writes a box file of WordStr lines (one per reference line,
each ended by tesseract's tab marker) and runs `tesseract ... lstm.train`, which cuts every line out of the page as
tesseract's own line images are cut and stores it with its text in `<page>.lstmf`; then `<split>.list`.

SROIE's reference text is in capitals whatever the receipt prints ("TEL:07-..." for "Tel:07-..."). Trained on that,
tesseract would learn to print every letter as a capital; so each letter takes the case our OCR read it with where
the two readings agree (aligned with difflib), and letters OCR missed take the case of the nearest agreeing letter
of the same word. Letters of words OCR missed entirely stay capitals.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher


def caps(text: str) -> str:
    """Upper case letter by letter, keeping the length ('ß' stays, not 'SS'), so positions line up."""
    return ''.join(c.upper() if len(c.upper()) == 1 else c for c in text)


def recase(reference: str, ocr: str) -> str:
    if not ocr:
        return reference
    out = list(reference)
    lower: list[bool | None] = [None] * len(reference)
    matcher = SequenceMatcher(None, caps(reference), caps(ocr), autojunk=False)
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            c = ocr[b + k]
            if c.isalpha() and caps(c) == caps(reference[a + k]):
                out[a + k] = c
                lower[a + k] = c.islower()
    start = 0
    for end in [i for i, c in enumerate(reference) if c == ' '] + [len(reference)]:
        known = [i for i in range(start, end) if lower[i] is not None]
        for i in range(start, end):
            if lower[i] is None and out[i].isalpha() and known:
                nearest = min(known, key=lambda j: abs(j - i))
                out[i] = out[i].lower() if lower[nearest] else out[i].upper()
        start = end + 1
    return ''.join(out)


def box_file(doc: dict) -> str:
    height = doc['height']
    rows = []
    for line in doc['lines']:
        x0, y0, x1, y1 = line['box']
        text = recase(line['text'], line['ocr'])
        # Box files count y from the bottom.
        rows.append(f'WordStr {x0} {height - y1} {x1} {height - y0} 0 #{text}')
        rows.append(f'\t {x1} {height - y1} {x1 + 1} {height - y0} 0')
    return '\n'.join(rows) + '\n'


def prepare(path: str, tessdata: str) -> str | None:
    stem = path[: -len('.png')]
    if os.path.exists(stem + '.lstmf') and os.path.getmtime(stem + '.lstmf') >= os.path.getmtime(stem + '.lines.json'):
        return stem + '.lstmf'
    with open(stem + '.lines.json', encoding='utf8') as f:
        doc = json.load(f)
    with open(stem + '.box', 'w', encoding='utf8') as f:
        f.write(box_file(doc))
    # PSM 6: one block over the page, so every line's box has a block to be cut from. One thread per process
    # (OpenMP's spinning threads cost more than they give on pages this small); the pool runs --jobs of them.
    subprocess.run(
        ['tesseract', path, stem, '--psm', '6', '--dpi', '300', '--tessdata-dir', tessdata, '-l', 'eng', 'lstm.train'],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, 'OMP_THREAD_LIMIT': '1'},
    )
    return stem + '.lstmf' if os.path.exists(stem + '.lstmf') else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--traineddata', required=True, help='folder with the eng.traineddata to cut lines with')
    # tesseract looks for the lstm.train config beside the traineddata.
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    configs = os.path.join(args.traineddata, 'configs')
    if not os.path.exists(configs):
        shutil.copytree('/usr/share/tesseract-ocr/5/tessdata/configs', configs)
    splits = sorted(d for d in os.listdir(args.dir) if os.path.isdir(os.path.join(args.dir, d)))
    for split in splits:
        folder = os.path.join(args.dir, split)
        pngs = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.png'))
        with ThreadPoolExecutor(args.jobs) as pool:
            made = [f for f in pool.map(lambda p: prepare(p, args.traineddata), pngs) if f]
        with open(os.path.join(args.dir, f'{split}.list'), 'w', encoding='utf8') as f:
            f.write(''.join(os.path.abspath(m) + '\n' for m in made))
        print(f'{split}: {len(made)} of {len(pngs)} pages -> {split}.list')
    return 0


if __name__ == '__main__':
    sys.exit(main())
