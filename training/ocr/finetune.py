"""Fine-tune tesseract's English LSTM on receipt and invoice lines (`npm run train:ocr` runs lines.ts and synth-lines.ts, then this).

  /usr/bin/python3 training/ocr/finetune.py --lines runs/ocr-lines --work runs/ocr-finetune \
      --iterations 12000 --out models/ocr

1. The shipped integer model (@tesseract.js-data/eng 4.0.0_best_int, the one invex reads with) is unpacked and its
   LSTM turned into float (int_to_float.py): the starting point.
2. prepare.py cuts the lines of lines.ts (SROIE receipts) and synth-lines.ts (generated invoices) into tesseract's
   training files (.lstmf), the receipts' letter case restored.
3. lstmtraining continues from the float model for --iterations lines of train.list (receipt and invoice pages);
   then the last checkpoint is written as a traineddata, converted back to int (the size and speed of the stock
   model), and its character error rate on each held-out list (val: receipts of shops not trained on; val-synth:
   invoices) measured against the stock model's with lstmeval.
4. The words of the training shops' receipts (words.ts, `--words`) are added to the model's LSTM dictionary
   (dictionary.py), so the decoder prefers them where a letter is uncertain.
5. `<out>/eng.traineddata.gz` and `<out>/eng.json` (iterations, line counts, error rates, dictionary) are written.

Needs Debian's tesseract-ocr (tesseract, lstmtraining, lstmeval, combine_tessdata, dawg2wordlist, wordlist2dawg).
Seeded by tesseract itself (lstmtraining's fixed random seed), so a rerun on the same files gives the same model.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import dictionary  # noqa: E402
import int_to_float  # noqa: E402
import prepare  # noqa: E402

STOCK = os.path.join(ROOT, 'node_modules', '@tesseract.js-data', 'eng', '4.0.0_best_int', 'eng.traineddata.gz')


def run(cmd: list[str], log: str | None = None) -> str:
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    text = done.stdout + done.stderr
    if log:
        with open(log, 'a', encoding='utf8') as f:
            f.write('$ ' + ' '.join(cmd) + '\n' + text)
    return text


def char_error(traineddata: str, listfile: str, log: str) -> float:
    """lstmeval's character error rate (per cent) of a model on a list of .lstmf files."""
    text = run(['lstmeval', '--model', traineddata, '--eval_listfile', listfile], log)
    m = re.search(r'BCER eval=([0-9.]+)', text) or re.search(r'char error rate=([0-9.]+)', text)
    if not m:
        raise RuntimeError(f'no error rate in lstmeval output:\n{text[-2000:]}')
    return float(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--lines', default='runs/ocr-lines')
    ap.add_argument('--work', default='runs/ocr-finetune')
    ap.add_argument('--iterations', type=int, default=12000)
    ap.add_argument('--out', default='models/ocr')
    ap.add_argument('--version', default='0.1.0', help="the model's version, written to eng.json")
    ap.add_argument('--words', default='runs/ocr-words.tsv',
                    help="words.ts's table: words added to the dictionary (none when the file is missing)")
    ap.add_argument('--skip-prepare', action='store_true', help='reuse the .lstmf files of an earlier run')
    ap.add_argument('--resume', action='store_true', help="go on from the work folder's last checkpoint to --iterations")
    ap.add_argument('--start', default=STOCK,
                    help='the (integer) traineddata, .gz or not, whose LSTM training continues from: default the stock '
                    'model; models/ocr/eng.traineddata.gz continues the shipped fine-tuned network')
    args = ap.parse_args()
    t0 = time.time()
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, 'log.txt')

    stock_dir = os.path.join(work, 'stock')
    os.makedirs(stock_dir, exist_ok=True)
    stock = os.path.join(stock_dir, 'eng.traineddata')
    with gzip.open(STOCK) as src, open(stock, 'wb') as dst:
        shutil.copyfileobj(src, dst)
    start_td = stock
    if os.path.abspath(args.start) != os.path.abspath(STOCK):
        start_td = os.path.join(work, 'start.traineddata')
        with (gzip.open(args.start) if args.start.endswith('.gz') else open(args.start, 'rb')) as src, open(
            start_td, 'wb'
        ) as dst:
            shutil.copyfileobj(src, dst)
    run(['combine_tessdata', '-e', start_td, os.path.join(work, 'eng.lstm')], log)
    with open(os.path.join(work, 'eng.lstm'), 'rb') as f:
        converted = int_to_float.Converter(f.read())
    start = os.path.join(work, 'eng-float.lstm')
    with open(start, 'wb') as f:
        f.write(converted.convert())
    print(f'start: {converted.matrices} weight matrices turned into float')

    if not args.skip_prepare:
        subprocess.run(
            [sys.executable, os.path.join(HERE, 'prepare.py'), args.lines, '--traineddata', stock_dir], check=True
        )
    train_list = os.path.abspath(os.path.join(args.lines, 'train.list'))

    prefix = os.path.join(work, 'receipts')
    checkpoint = prefix + '_checkpoint'
    resume = args.resume and os.path.exists(checkpoint)
    if not resume:
        for f in os.listdir(work):
            if f.startswith('receipts'):
                os.remove(os.path.join(work, f))
    print(f'lstmtraining: {args.iterations} iterations' + (' (resumed)' if resume else ''))
    run(
        [
            'lstmtraining',
            '--continue_from', checkpoint if resume else start,
            '--traineddata', stock,
            '--model_output', prefix,
            '--train_listfile', train_list,
            '--max_iterations', str(args.iterations),
            '--debug_interval', '0',
        ],
        log,
    )
    float_model = os.path.join(work, 'eng-float.traineddata')
    run(['lstmtraining', '--stop_training', '--continue_from', checkpoint, '--traineddata', stock,
         '--model_output', float_model], log)
    int_model = os.path.join(work, 'eng.traineddata')
    run(['lstmtraining', '--stop_training', '--convert_to_int', '--continue_from', checkpoint,
         '--traineddata', stock, '--model_output', int_model], log)

    errors = {}
    for name in sorted(f[: -len('.list')] for f in os.listdir(args.lines) if f.startswith('val') and f.endswith('.list')):
        listfile = os.path.abspath(os.path.join(args.lines, name + '.list'))
        errors[name] = {'stock': char_error(stock, listfile, log), 'fine_tuned': char_error(int_model, listfile, log)}
        print(f'{name} character error rate: stock {errors[name]["stock"]:.2f} %, fine-tuned {errors[name]["fine_tuned"]:.2f} %')

    # The error rates above are the tuned network's, measured before its dictionary grows.
    dictionary_info = None
    if os.path.exists(args.words):
        dictionary_info = dictionary.extend_dictionary(int_model, dictionary.read_words(args.words), int_model)
        print(f'dictionary: {dictionary_info["added_words"]} words added to {dictionary_info["base_words"]}')
    os.makedirs(args.out, exist_ok=True)
    sha256 = dictionary.write_gz(int_model, os.path.join(args.out, 'eng.traineddata.gz'))
    count = lambda path: sum(1 for _ in open(path, encoding='utf8'))  # noqa: E731
    info = {
        'name': 'invex-eng-ocr',
        'version': args.version,
        'base': '@tesseract.js-data/eng 4.0.0_best_int',
        **({'continued_from': os.path.relpath(args.start, ROOT)} if start_td != stock else {}),
        'iterations': args.iterations,
        'train_pages': count(train_list),
        'char_error_percent': errors,
        'minutes': round((time.time() - t0) / 60, 1),
        'sha256': sha256,
        **({'dictionary': dictionary_info} if dictionary_info else {}),
    }
    with open(os.path.join(args.out, 'eng.json'), 'w', encoding='utf8') as f:
        json.dump(info, f, indent=2)
        f.write('\n')
    print(json.dumps(info))
    return 0


if __name__ == '__main__':
    sys.exit(main())
