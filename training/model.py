"""The invoice NER network: a small layout-aware transformer encoder over page words.

Inputs are exactly what src/ner/featurize.ts produces (all int32 except `shape`):
  ngram_ids [B,T,K], word_ids [B,T], shape [B,T,F] float32, bbox [B,T,6] (x0,y0,x1,y1,w,h on 0..1000), mask [B,T].
Output: logits [B,T,num_labels]. Attention is written out by hand so that the ONNX export is plain
MatMul/Softmax (torch's fused encoder fast path does not export cleanly).
"""

import inspect
import math

import torch
from torch import nn

BBOX_SCALE = 1000
# 2D relative-position buckets per axis side: signed log scale over the 0..1000 page grid (log(1 + 1000 / 4) * 2 ≈ 11).
REL_BUCKETS = 12
REL_UNIT = 4.0
REL_SIDE = 2 * REL_BUCKETS + 1


def rel_bucket_table():
    """Bucket of every possible doubled centre distance -2000..2000 (centres are half-integers on 0..1000):
    signed log scale, so a word's neighbours on its line and the line above get their own buckets and far words
    share few. A lookup table rather than log/floor on T×T pairs: the same numbers, a fraction of the time in ONNX."""
    d = torch.arange(-2 * BBOX_SCALE, 2 * BBOX_SCALE + 1, dtype=torch.float32) * 0.5
    mag = torch.floor(torch.log(1.0 + torch.abs(d) / REL_UNIT) * 2.0).clamp(max=REL_BUCKETS)
    return (torch.sign(d) * mag + REL_BUCKETS).long()


class Attention(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        assert d % heads == 0
        self.h = heads
        self.dh = d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x, bias):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        # Scale q (T×dh) rather than the scores (T×T); no dropout on the T×T weights: it costs more than it helps.
        att = torch.softmax(torch.matmul(q * (1.0 / math.sqrt(self.dh)), k.transpose(-1, -2)) + bias, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        return self.out(y)


class Block(nn.Module):
    """Pre-norm transformer layer: stable to train from scratch without long warm-up."""

    def __init__(self, d: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.att = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff, d))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        x = x + self.drop(self.att(self.ln1(x), bias))
        return x + self.drop(self.ff(self.ln2(x)))


class InvoiceNer(nn.Module):
    def __init__(
        self,
        num_labels: int,
        ngram_buckets: int,
        word_buckets: int,
        shape_features: int,
        max_len: int,
        d: int = 128,
        layers: int = 2,
        heads: int = 4,
        ff: int = 256,
        emb: int = 32,
        coord: int = 24,
        dropout: float = 0.1,
        rel2d: bool = False,
    ):
        super().__init__()
        self.hparams = dict(
            num_labels=num_labels,
            ngram_buckets=ngram_buckets,
            word_buckets=word_buckets,
            shape_features=shape_features,
            max_len=max_len,
            d=d,
            layers=layers,
            heads=heads,
            ff=ff,
            emb=emb,
            coord=coord,
            dropout=dropout,
            rel2d=rel2d,
        )
        self.ngram = nn.Embedding(ngram_buckets, emb, padding_idx=0)
        self.word = nn.Embedding(word_buckets, emb, padding_idx=0)
        # LayoutLM-style: x0/x1 share the x table, y0/y1 the y table, plus width and height tables.
        self.x = nn.Embedding(BBOX_SCALE + 1, coord)
        self.y = nn.Embedding(BBOX_SCALE + 1, coord)
        self.w = nn.Embedding(BBOX_SCALE + 1, coord)
        self.hgt = nn.Embedding(BBOX_SCALE + 1, coord)
        self.inp = nn.Linear(2 * emb + 6 * coord + shape_features, d)
        self.pos = nn.Embedding(max_len, d)
        self.ln_in = nn.LayerNorm(d)
        self.drop = nn.Dropout(dropout)
        # Spatial attention bias per head from the (dx, dy) bucket of each word pair (LayoutLMv2-style), shared by the
        # layers: lets the model read "the label left of this value" or "the line under 'Bill to'" directly.
        self.rel2d = nn.Embedding(REL_SIDE**2, heads) if rel2d else None
        # Derived from constants, so not part of the state dict (checkpoints stay interchangeable).
        self.register_buffer("rel_lut", rel_bucket_table(), persistent=False)
        self.blocks = nn.ModuleList([Block(d, heads, ff, dropout) for _ in range(layers)])
        self.ln_out = nn.LayerNorm(d)
        self.cls = nn.Linear(d, num_labels)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)
            if m.padding_idx is not None:
                with torch.no_grad():
                    m.weight[m.padding_idx].zero_()

    def rel_pairs(self, bbox):
        """[B,T,T] index into the rel2d table of every word pair: (dx bucket) * REL_SIDE + (dy bucket) of the centres.
        Inference computes the same from rel2d.json in JS (src/ner/featurize.ts `relPairs`) and feeds it as `rel_pair`:
        two T×T table lookups cost a fifth of the ONNX run, a JS loop a fraction of that."""
        bb = bbox.long().clamp(0, BBOX_SCALE)
        sx = bb[:, :, 0] + bb[:, :, 2]  # doubled centres, 0..2000
        sy = bb[:, :, 1] + bb[:, :, 3]
        off = 2 * BBOX_SCALE
        bx = self.rel_lut[sx.unsqueeze(2) - sx.unsqueeze(1) + off]  # row i, column j: bucket of c_i - c_j
        by = self.rel_lut[sy.unsqueeze(2) - sy.unsqueeze(1) + off]
        return bx * REL_SIDE + by

    def forward(self, ngram_ids, word_ids, shape, bbox, mask, rel_pair=None):
        ng = ngram_ids.long()
        cnt = (ng > 0).sum(dim=2, keepdim=True).clamp(min=1).to(shape.dtype)
        ng_mean = self.ngram(ng).sum(dim=2) / cnt  # padding rows are zero vectors
        bb = bbox.long().clamp(0, BBOX_SCALE)
        lay = torch.cat(
            [
                self.x(bb[:, :, 0]),
                self.y(bb[:, :, 1]),
                self.x(bb[:, :, 2]),
                self.y(bb[:, :, 3]),
                self.w(bb[:, :, 4]),
                self.hgt(bb[:, :, 5]),
            ],
            dim=-1,
        )
        h = self.inp(torch.cat([ng_mean, self.word(word_ids.long()), lay, shape], dim=-1))
        t = ngram_ids.shape[1]
        pos = torch.arange(t, device=h.device)
        h = self.drop(self.ln_in(h + self.pos(pos).unsqueeze(0)))
        # Additive mask: padded keys get a large negative score (not -inf: all-padding rows stay finite).
        bias = (1.0 - mask.to(h.dtype)).unsqueeze(1).unsqueeze(2) * -1e4
        if self.rel2d is not None:
            pair = self.rel_pairs(bbox) if rel_pair is None else rel_pair.long()
            bias = bias + self.rel2d(pair).permute(0, 3, 1, 2)  # [B,T,T,H] → [B,H,T,T]
        for blk in self.blocks:
            h = blk(h, bias)
        return self.cls(self.ln_out(h))


INPUT_NAMES = ["ngram_ids", "word_ids", "shape", "bbox", "mask"]
OUTPUT_NAMES = ["logits"]


def onnx_inputs(model: InvoiceNer, example: tuple) -> tuple[list, tuple]:
    """Input names and example tensors of the exported graph: a rel2d model also takes `rel_pair` [B,T,T] int32."""
    if model.rel2d is None:
        return list(INPUT_NAMES), tuple(example)
    with torch.no_grad():
        pair = model.rel_pairs(example[3]).to(torch.int32)
    return [*INPUT_NAMES, "rel_pair"], (*example, pair)


def rel2d_table() -> dict:
    """What the JS side needs to compute `rel_pair` exactly as `InvoiceNer.rel_pairs` does (written as rel2d.json)."""
    return {"offset": 2 * BBOX_SCALE, "side": REL_SIDE, "lut": rel_bucket_table().tolist()}


def export_onnx(model: InvoiceNer, example: tuple, path: str) -> dict:
    """ONNX, opset 14, dynamic batch and sequence axes. Returns the graph's inputs for `example`, by name."""
    model.eval()
    names, example = onnx_inputs(model, example)
    # torch ≥ 2.9 defaults to the dynamo exporter; the TorchScript one gives the same graph on every version we train with.
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    dyn = {
        "ngram_ids": {0: "batch", 1: "seq"},
        "word_ids": {0: "batch", 1: "seq"},
        "shape": {0: "batch", 1: "seq"},
        "bbox": {0: "batch", 1: "seq"},
        "mask": {0: "batch", 1: "seq"},
        "rel_pair": {0: "batch", 1: "seq", 2: "seq"},
        "logits": {0: "batch", 1: "seq"},
    }
    with torch.no_grad():
        torch.onnx.export(
            model,
            example,
            path,
            input_names=names,
            output_names=OUTPUT_NAMES,
            dynamic_axes={k: v for k, v in dyn.items() if k in names or k in OUTPUT_NAMES},
            opset_version=14,
            do_constant_folding=True,
            **extra,
        )
    return dict(zip(names, example))


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
