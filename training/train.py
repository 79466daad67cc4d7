"""Trains the invoice NER model on the arrays written by src/ner/export-arrays.ts, exports ONNX.

Usage: /usr/bin/python3 training/train.py --arrays DIR --out DIR [--epochs N] [--smoke] ...
Normally run through `npm run train` (training/train.ts), which exports the arrays first and checks the
ONNX model in onnxruntime-node afterwards against the torch logits this script saves.

Seeded and reproducible on one machine: same arrays + same flags = same weights (CPU, fixed threads).
"""

import argparse
import json
import math
import os
import random
import sys
import time
import warnings

# Passive OpenMP waits: on a shared 2-core machine, spinning threads made training 5x slower when other jobs ran.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import InvoiceNer, count_params, export_onnx, rel2d_table  # noqa: E402

MAX_ONNX_BYTES = 15_000_000  # the budget of the issue, as training/train.ts checks it


def log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------------------------------------------
# Data


class Split:
    """One split of the exported arrays, memory-mapped; windows are views into the flat token arrays."""

    def __init__(self, root: str, name: str, h: dict, k: int, f: int):
        self.name = name
        self.h = h
        files = h["files"]

        def load(key):
            spec = files[key]
            return np.memmap(os.path.join(root, spec["file"]), dtype=spec["dtype"], mode="r", shape=tuple(spec["shape"])) if h["tokens"] else np.zeros(tuple(spec["shape"]), dtype=spec["dtype"])

        self.ngram = load("ngram")
        self.word = load("word")
        self.shape = load("shape")
        self.bbox = load("bbox")
        self.label = load("label")
        self.off = np.asarray(h["windowOffset"], dtype=np.int64)
        self.len = np.asarray(h["windowLength"], dtype=np.int64)
        self.start = np.asarray(h["windowStart"], dtype=np.int64)
        self.wpage = np.asarray(h["windowPage"], dtype=np.int64)
        self.page_len = np.asarray(h["pageLength"], dtype=np.int64)
        self.page_doc = np.asarray(h["pageDoc"], dtype=np.int64)
        self.doc_source = h["docSource"]
        self.doc_family = h["docFamily"]
        self.k = k
        self.f = f

    @property
    def windows(self) -> int:
        return len(self.off)

    def batch(self, idx, with_labels=True):
        """Pads the given windows into model inputs (numpy), labels -100 on padding."""
        lens = self.len[idx]
        b, t = len(idx), int(lens.max())
        ng = np.zeros((b, t, self.k), np.int32)
        wd = np.zeros((b, t), np.int32)
        sh = np.zeros((b, t, self.f), np.float32)
        bb = np.zeros((b, t, 6), np.int32)
        mk = np.zeros((b, t), np.int32)
        lb = np.full((b, t), -100, np.int64)
        for r, w in enumerate(idx):
            o, n = int(self.off[w]), int(self.len[w])
            ng[r, :n] = self.ngram[o : o + n]
            wd[r, :n] = self.word[o : o + n]
            sh[r, :n] = self.shape[o : o + n]
            bb[r, :n] = self.bbox[o : o + n]
            mk[r, :n] = 1
            lb[r, :n] = self.label[o : o + n]
        return (ng, wd, sh, bb, mk), lb


def window_source(split: Split, w: int) -> str:
    return split.doc_source[int(split.page_doc[int(split.wpage[w])])]


def scale_repeats(repeat: dict[str, int], split: Split) -> dict[str, int]:
    """Name-swapped copies (document ids ending in #namesN, src/corpus/augment.ts) count as showings of their
    document: a source's repeats are divided by its documents per original, so that a real document is shown about
    as often per epoch as without copies, now partly under other names."""
    out = {}
    for src, n in repeat.items():
        ids = [d for d, s in zip(split.h["docId"], split.doc_source) if s == src]
        originals = sum(1 for d in ids if "#names" not in d)
        out[src] = max(1, round(n * originals / len(ids))) if originals else n
    return out


def make_batches(split: Split, batch_tokens: int, rng: random.Random | None, repeat: dict[str, int] | None = None):
    """Groups windows of similar length so padding stays small; shuffled when rng is given.
    `repeat` shows the windows of a source that many times per epoch (few real documents among many synthetic)."""
    ids = [w for w in range(split.windows) for _ in range((repeat or {}).get(window_source(split, w), 1) if repeat else 1)]
    order = sorted(ids, key=lambda w: (int(split.len[w]), w))
    batches, cur, cur_max = [], [], 0
    for w in order:
        n = int(split.len[w])
        if cur and max(cur_max, n) * (len(cur) + 1) > batch_tokens:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append(w)
        cur_max = max(cur_max, n)
    if cur:
        batches.append(cur)
    if rng is not None:
        rng.shuffle(batches)
    return batches


def hide_words(inputs, p, rng):
    """Word dropout: hides the whole-word id of a share p of the words, and all n-grams of a share p/2.
    p is a scalar or one rate per window ([B, 1])."""
    ng, wd, sh, bb, mk = inputs
    real = mk > 0
    wd = np.where(real & (rng.random(wd.shape) < p), 0, wd).astype(np.int32)
    ng = np.where((real & (rng.random(wd.shape) < np.asarray(p) / 2))[:, :, None], 0, ng).astype(np.int32)
    return ng, wd, sh, bb, mk


def token_weights(split, idx, lb, partial: set, o_weight: float):
    """Per-token loss weights: O tokens of partially labeled sources (real sets whose labels name only a few
    fields) weigh o_weight, since an unlabeled VAT id or a second printing of the name there is not really O."""
    tw = np.ones(lb.shape, np.float32)
    for r, w in enumerate(idx):
        if window_source(split, w) in partial:
            tw[r][lb[r] == 0] = o_weight
    return tw


def to_torch(inputs, device):
    return tuple(torch.from_numpy(np.ascontiguousarray(a)).to(device) for a in inputs)


# ------------------------------------------------------------------------------------------------
# Metrics (the same BIO repair and span rules as src/ner/decode.ts)


def spans(tags: list[str]):
    """BIO-repaired entity spans (type, start, end-exclusive): an I- that does not continue its type starts a span."""
    out, cur = [], None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and (cur is None or cur[0] != t[2:])):
            if cur is not None:
                out.append((cur[0], cur[1], i))
                cur = None
            if t != "O":
                cur = (t[2:], i)
    return out


def evaluate(model, split: Split, labels, device, batch_tokens: int):
    """Per-page merged predictions (most central window wins) → token and entity micro P/R/F1."""
    model.eval()
    preds = [np.zeros(int(n), np.int64) for n in split.page_len]
    golds = [np.zeros(int(n), np.int64) for n in split.page_len]
    best = [np.full(int(n), -1, np.int64) for n in split.page_len]
    loss_sum, loss_n = 0.0, 0
    with torch.no_grad():
        for idx in make_batches(split, batch_tokens, None):
            inputs, lb = split.batch(idx)
            logits = model(*to_torch(inputs, device))
            lbt = torch.from_numpy(lb).to(device)
            loss_sum += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), lbt.reshape(-1), ignore_index=-100, reduction="sum"))
            loss_n += int((lbt != -100).sum())
            am = logits.argmax(-1).cpu().numpy()
            for r, w in enumerate(idx):
                p, s, n = int(split.wpage[w]), int(split.start[w]), int(split.len[w])
                pos = np.arange(n)
                central = np.minimum(pos, n - 1 - pos)
                take = central > best[p][s : s + n]
                best[p][s : s + n][take] = central[take]
                preds[p][s : s + n][take] = am[r, :n][take]
                golds[p][s : s + n] = lb[r, :n]
    tp = fp = fn = 0
    ttp = tfp = tfn = 0
    per_source: dict[str, list[int]] = {}
    per_field: dict[str, list[int]] = {}
    for p in range(len(preds)):
        pt = [labels[i] for i in preds[p]]
        gt = [labels[i] for i in golds[p]]
        ps, gs = set(spans(pt)), set(spans(gt))
        a, b, c = len(ps & gs), len(ps - gs), len(gs - ps)
        tp, fp, fn = tp + a, fp + b, fn + c
        src = split.doc_source[int(split.page_doc[p])]
        acc = per_source.setdefault(src, [0, 0, 0])
        acc[0] += a
        acc[1] += b
        acc[2] += c
        for s in ps | gs:
            fa = per_field.setdefault(s[0], [0, 0, 0])
            if s in ps and s in gs:
                fa[0] += 1
            elif s in ps:
                fa[1] += 1
            else:
                fa[2] += 1
        gp, pp = golds[p], preds[p]
        ttp += int(((pp == gp) & (gp != 0)).sum())
        tfp += int(((pp != gp) & (pp != 0)).sum())
        tfn += int(((pp != gp) & (gp != 0)).sum())

    def prf(a, b, c):
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "support": a + c}

    model.train()
    return {
        "loss": round(loss_sum / max(1, loss_n), 5),
        "entity": prf(tp, fp, fn),
        "token": prf(ttp, tfp, tfn),
        "per_source": {k: prf(*v) for k, v in sorted(per_source.items())},
        "per_field": {k: prf(*v) for k, v in sorted(per_field.items())},
    }


# ------------------------------------------------------------------------------------------------
# Training


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to 10% of the base rate."""
    if step < warmup:
        return base * (step + 1) / warmup
    prog = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * prog)))


SIZING_STEPS = 20


def class_weights(train: Split, n: int, mode: str, o_weight: float) -> torch.Tensor:
    """O gets o_weight; entity labels 1, or more for rare ones (a document has one total, but many line items)."""
    w = torch.ones(n)
    if mode == "inv-sqrt":
        counts = np.bincount(np.asarray(train.label, dtype=np.int64), minlength=n)[1:].astype(np.float64)
        med = np.median(counts[counts > 0]) if (counts > 0).any() else 1.0
        w[1:] = torch.from_numpy(np.clip(np.sqrt(med / np.maximum(counts, 1)), 0.5, 4.0)).float()
    w[0] = o_weight
    return w


def size_epochs(args, splits, train_tok_per_s: float, setup_secs: float, train_tokens: int) -> int:
    """Epochs that fit the budget: training (with source repeats) plus dev scoring per epoch, then final scoring and export."""
    tok = {n: s.h["tokens"] for n, s in splits.items()}
    eval_rate = train_tok_per_s * 2.5  # a forward pass costs about a third of forward + backward + step
    epoch_secs = train_tokens / train_tok_per_s + tok.get("dev", 0) / eval_rate
    final_secs = (tok.get("dev", 0) + tok.get("test", 0)) / eval_rate + 30
    fit = int((args.budget_minutes * 60 - setup_secs - final_secs) // max(1e-9, epoch_secs))
    return max(1, min(args.max_epochs, fit))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arrays", required=True, help="directory with header.json from exportArrays")
    ap.add_argument("--out", required=True, help="model directory to write (model.onnx, training.json, check/)")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop after the epoch that crosses this budget (0: none)")
    ap.add_argument(
        "--budget-minutes",
        type=float,
        default=0,
        help="size the number of epochs from the throughput of the first steps so the whole run fits (0: use --epochs)",
    )
    ap.add_argument("--max-epochs", type=int, default=40, help="cap on epochs sized by --budget-minutes")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (0: none)")
    ap.add_argument("--batch-tokens", type=int, default=4096)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--o-weight", type=float, default=0.5, help="class weight of the O label (O dominates)")
    ap.add_argument(
        "--class-weight",
        choices=["flat", "inv-sqrt"],
        # inv-sqrt: same micro F1 as flat on a 600-document run, better rare document fields (due_date .03 → .42).
        default="inv-sqrt",
        help="entity label weights: flat (1) or sqrt(median count / count), clipped to [0.5, 4]",
    )
    ap.add_argument("--d", type=int, default=128)
    # 3 layers: dev entity F1 .959 vs .952 for 2 (same data and flags, GPU runs of 30 epochs), at ~1.3x the NER time.
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=256)
    ap.add_argument("--emb", type=int, default=32)
    ap.add_argument("--coord", type=int, default=24)
    ap.add_argument("--dropout", type=float, default=0.15)
    ap.add_argument(
        "--word-dropout",
        type=float,
        default=0.2,
        help="share of training words whose whole-word id is hidden (and half that share: their n-grams too), so "
        "the model learns values from their shape and surroundings instead of memorising names",
    )
    ap.add_argument(
        "--source-word-dropout",
        default="zugferd=0.5,sroie=0.3",
        help="word dropout per source, e.g. zugferd=0.5: a few real documents repeated many times must not teach "
        "their sellers' names as words",
    )
    ap.add_argument(
        "--partial-sources",
        default="sroie,zugferd",
        help="sources labeled for a few fields only (e.g. sroie,zugferd): their O tokens weigh --partial-o-weight",
    )
    ap.add_argument("--partial-o-weight", type=float, default=0.3)
    ap.add_argument(
        "--rel2d",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="2D relative-position attention bias (dx, dy buckets per head)",
    )
    ap.add_argument("--repeat-source", default="sroie=6,zugferd=8", help="per-epoch showings of each document of a source, name-swapped copies included, e.g. sroie=3,zugferd=3")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--smoke", action="store_true", help="a few steps, export, check: for CI")
    ap.add_argument("--init-only", action="store_true", help="export the untrained network (benchmarks)")
    ap.add_argument(
        "--from-checkpoint",
        help="skip training: load checkpoint.pt of an earlier run (e.g. one trained on a GPU machine), then score and "
        "export as usual; its training history is kept in training.json",
    )
    ap.add_argument(
        "--checkpoint-only",
        choices=["float32", "float16"],
        help="after training, write checkpoint.pt with weights of this type and stop: no final scoring, no export "
        "(a GPU machine trains, this one scores and exports with --from-checkpoint; float16 halves what comes back)",
    )
    args = ap.parse_args(argv)
    # torch.onnx's shape-inference notes on prim::Constant are harmless and drown the training log.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")
    if args.smoke:
        args.epochs, args.max_steps, args.warmup = 1, args.max_steps or 4, 2

    t_start = time.time()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    set_seed(args.seed)
    with open(os.path.join(args.arrays, "header.json")) as fh:
        header = json.load(fh)
    fz = header["featurizer"]
    labels = header["labels"]
    k, f = fz["ngramsPerWord"], fz["shapeFeatures"]
    splits = {name: Split(args.arrays, name, h, k, f) for name, h in header["splits"].items()}
    train, dev = splits.get("train"), splits.get("dev")
    if train is None or train.windows == 0:
        log("no training windows")
        return 2
    if dev is None or dev.windows == 0:
        log("no dev windows: scoring on train")
        dev = train
    counts = {n: {"docs": s.h["docs"], "pages": s.h["pages"], "windows": s.windows, "tokens": s.h["tokens"]} for n, s in splits.items()}
    log(f"data {json.dumps(counts)} device={device} threads={args.threads}")

    ckpt = torch.load(args.from_checkpoint, map_location="cpu") if args.from_checkpoint else None
    if ckpt is not None:
        for key in ("d", "layers", "heads", "ff", "emb", "coord", "dropout", "rel2d"):
            setattr(args, key, ckpt["hparams"][key])
    model = InvoiceNer(
        num_labels=len(labels),
        ngram_buckets=fz["ngramBuckets"],
        word_buckets=fz["wordBuckets"],
        shape_features=f,
        max_len=fz["window"],
        d=args.d,
        layers=args.layers,
        heads=args.heads,
        ff=args.ff,
        emb=args.emb,
        coord=args.coord,
        dropout=args.dropout,
        rel2d=args.rel2d,
    ).to(device)
    log(f"model params={count_params(model)} ({count_params(model) * 4 / 1e6:.1f} MB fp32)")

    weights = class_weights(train, len(labels), args.class_weight, args.o_weight).to(device)
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2 or "ln" in n]
    decay = [p for n, p in model.named_parameters() if not (p.ndim < 2 or "ln" in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)

    rng = random.Random(args.seed)
    np_rng = np.random.default_rng(args.seed)
    partial = {p for p in args.partial_sources.split(",") if p}
    real_dropout = {k: float(v) for k, v in (p.split("=") for p in args.source_word_dropout.split(",") if p)}
    repeat = {k: int(v) for k, v in (p.split("=") for p in args.repeat_source.split(",") if p)}
    repeat = scale_repeats(repeat, train)
    log(f"repeats per epoch {repeat}")
    steps_per_epoch = len(make_batches(train, args.batch_tokens, None, repeat))
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    history, best_f1, best_state, best_epoch, step = [], -1.0, None, 0, 0
    tokens_seen, pages_seen, train_secs = 0, 0, 0.0
    stop = args.init_only or ckpt is not None
    if ckpt is not None:
        model.load_state_dict(ckpt["state_dict"])
        run = ckpt.get("run", {})
        history, best_epoch, epoch = run.get("history", []), run.get("best_epoch", 0), run.get("epochs", 0)
        train_secs, pages_seen, tokens_seen = run.get("train_seconds", 0.0), run.get("pages_seen", 0), run.get("tokens_seen", 0)
        log(f"loaded {args.from_checkpoint} (epoch {best_epoch} of {epoch}, trained on {run.get('device', '?')})")
    epochs, sized, t_train0 = args.epochs, False, time.time()
    if ckpt is None:
        epoch = 0
    while not stop and epoch < epochs:
        epoch += 1
        model.train()
        t0 = time.time()
        loss_sum, loss_n = 0.0, 0
        for idx in make_batches(train, args.batch_tokens, rng, repeat):
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total_steps, args.lr, args.warmup)
            inputs, lb = train.batch(idx)
            if args.word_dropout > 0 or real_dropout:
                rates = np.array([[real_dropout.get(window_source(train, w), args.word_dropout)] for w in idx])
                inputs = hide_words(inputs, rates, np_rng)
            logits = model(*to_torch(inputs, device))
            y = torch.from_numpy(lb).to(device).reshape(-1)
            ce = F.cross_entropy(logits.reshape(-1, len(labels)), y, weight=weights, ignore_index=-100, reduction="none")
            tw = torch.from_numpy(token_weights(train, idx, lb, partial, args.partial_o_weight)).to(device).reshape(-1)
            # The weighted mean cross_entropy computes, with the token weights folded in.
            denom = (weights[y.clamp(min=0)] * (y != -100) * tw).sum().clamp(min=1e-6)
            loss = (ce * tw).sum() / denom
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            loss_sum += float(loss)
            loss_n += 1
            tokens_seen += int((lb != -100).sum())
            pages_seen += len(idx)
            if args.budget_minutes and not sized and step == SIZING_STEPS:
                sized = True
                epoch_tokens = sum(int(train.len[w]) for b in make_batches(train, args.batch_tokens, None, repeat) for w in b)
                epochs = size_epochs(args, splits, tokens_seen / (time.time() - t_train0), t_train0 - t_start, epoch_tokens)
                total_steps = steps_per_epoch * epochs
                log(f"sized to {epochs} epochs for a {args.budget_minutes} min budget (reproduce with --epochs {epochs})")
            if step % 50 == 0:
                el = time.time() - t0
                log(f"epoch {epoch} step {step}/{total_steps} loss {loss_sum / loss_n:.4f} {pages_seen / max(1e-9, train_secs + el):.1f} windows/s")
            if args.max_steps and step >= args.max_steps:
                stop = True
                break
        train_secs += time.time() - t0
        t_ev = time.time()
        ev = evaluate(model, dev, labels, device, args.batch_tokens * 2)
        ev_secs = time.time() - t_ev
        rec = {"epoch": epoch, "steps": step, "train_loss": round(loss_sum / max(1, loss_n), 5), "dev": ev, "secs": round(time.time() - t0, 1)}
        history.append(rec)
        log(
            f"epoch {epoch} train_loss {rec['train_loss']:.4f} dev_loss {ev['loss']:.4f} "
            f"dev entity F1 {ev['entity']['f1']:.4f} token F1 {ev['token']['f1']:.4f} "
            f"per source {json.dumps({s: v['f1'] for s, v in ev['per_source'].items()})} ({rec['secs']} s)"
        )
        if args.budget_minutes and sized and epoch == 1:
            # The first steps' throughput is a rough guess (attention costs grow with the square of the window
            # length, and those steps may have drawn short windows); a whole epoch, dev scoring included, is not.
            epoch_secs = time.time() - t0
            tok = {n: s.h["tokens"] for n, s in splits.items()}
            final_secs = ev_secs * (tok.get("dev", 0) + tok.get("test", 0)) / max(1, tok.get("dev", 0)) + 30
            left = args.budget_minutes * 60 - (time.time() - t_start) - final_secs
            epochs = max(1, min(args.max_epochs, 1 + int(left // max(1e-9, epoch_secs))))
            total_steps = steps_per_epoch * epochs
            log(f"resized to {epochs} epochs after epoch 1 ({epoch_secs:.0f} s per epoch)")
        if ev["entity"]["f1"] > best_f1:
            best_f1, best_epoch = ev["entity"]["f1"], epoch
            best_state = {n: t.detach().clone() for n, t in model.state_dict().items()}
        if args.max_minutes and (time.time() - t_start) / 60 > args.max_minutes:
            log(f"time budget of {args.max_minutes} min reached after epoch {epoch}")
            stop = True

    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval().cpu()
    os.makedirs(args.out, exist_ok=True)
    run = ckpt.get("run", {}) if ckpt is not None else {}
    run = {
        "history": history,
        "best_epoch": best_epoch,
        "epochs": epoch,
        "train_seconds": round(train_secs, 1),
        "pages_seen": pages_seen,
        "tokens_seen": tokens_seen,
        "device": run.get("device", str(device)),
        "torch": run.get("torch", torch.__version__),
        "args": run.get("args", vars(args)),
    }
    if args.checkpoint_only:
        dtype = getattr(torch, args.checkpoint_only)
        state = {n: t.to(dtype) if t.is_floating_point() else t for n, t in model.state_dict().items()}
        run["checkpoint_dtype"] = args.checkpoint_only
        torch.save({"state_dict": state, "hparams": model.hparams, "run": run}, os.path.join(args.out, "checkpoint.pt"))
        log(f"checkpoint ({args.checkpoint_only}) of epoch {best_epoch} in {args.out}; score and export with --from-checkpoint")
        return 0
    final = {}
    if not args.init_only:
        for name, s in splits.items():
            # Scoring the train split would cost as much as another epoch and says little.
            if s.windows and name != "train":
                final[name] = evaluate(model, s, labels, torch.device("cpu"), args.batch_tokens * 2)
                log(f"best (epoch {best_epoch}) {name}: entity F1 {final[name]['entity']['f1']:.4f} per source {json.dumps({k2: v['f1'] for k2, v in final[name]['per_source'].items()})}")
    torch.save({"state_dict": model.state_dict(), "hparams": model.hparams, "run": run}, os.path.join(args.out, "checkpoint.pt"))

    # Export, then save a dev batch and the torch logits for the onnxruntime-node check (training/train.ts).
    check_src = dev if dev.windows else train
    idx = list(range(min(3, check_src.windows)))
    inputs, _ = check_src.batch(idx)
    onnx_path = os.path.join(args.out, "model.onnx")
    example = to_torch(inputs, torch.device("cpu"))
    feeds = export_onnx(model, example, onnx_path)
    with torch.no_grad():
        logits = model(*example).numpy()
    rel_path = os.path.join(args.out, "rel2d.json")
    if model.rel2d is not None:
        with open(rel_path, "w") as fh:
            json.dump(rel2d_table(), fh)
    elif os.path.exists(rel_path):
        os.remove(rel_path)  # left by an earlier rel2d run in the same folder
    check_dir = os.path.join(args.out, "check")
    os.makedirs(check_dir, exist_ok=True)
    check = {"inputs": {}, "logits": {"file": "logits.f32", "shape": list(logits.shape)}}
    for name, arr in ((n, t.numpy()) for n, t in feeds.items()):
        arr.tofile(os.path.join(check_dir, f"{name}.bin"))
        check["inputs"][name] = {"file": f"{name}.bin", "dtype": "float32" if arr.dtype == np.float32 else "int32", "shape": list(arr.shape)}
    logits.astype(np.float32).tofile(os.path.join(check_dir, "logits.f32"))
    with open(os.path.join(check_dir, "check.json"), "w") as fh:
        json.dump(check, fh)
    size = os.path.getsize(onnx_path)
    log(f"exported {onnx_path} ({size / 1e6:.2f} MB)")

    report = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "args": run["args"],
        "exported_by": {"torch": torch.__version__, "from_checkpoint": args.from_checkpoint} if ckpt is not None else None,
        "hparams": model.hparams,
        "params": count_params(model),
        "onnx_bytes": size,
        "data": counts,
        "sources": {n: sorted(set(s.doc_source)) for n, s in splits.items()},
        "best_epoch": best_epoch,
        "epochs": epoch,
        "history": history,
        "final": final,
        "train_seconds": round(train_secs, 1),
        "train_windows_per_second": round(pages_seen / train_secs, 2) if train_secs else None,
        "train_tokens_per_second": round(tokens_seen / train_secs, 1) if train_secs else None,
        "total_seconds": round(time.time() - t_start, 1),
        "torch": run["torch"],
        "device": run["device"],
    }
    with open(os.path.join(args.out, "training.json"), "w") as fh:
        json.dump(report, fh, indent=2)
    if size > MAX_ONNX_BYTES:
        log(f"model.onnx is {size} bytes, over the {MAX_ONNX_BYTES} byte budget")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
