"""Rewrites an exported invoice-ner graph for faster CPU inference (run with /usr/bin/python3; needs python3-onnx).

    optimize_onnx.py MODEL_DIR [--out DIR] [--int8 column|tensor|off] [--weights u8|s8|s7]

MODEL_DIR holds model.onnx and rel2d.json as training/train.py writes them. Three rewrites, each checked by
training/train.ts in onnxruntime-node against the graph it started from:

1. rel_pair → rel_bias. The exported graph looks the learned 2D bias of every word pair up itself: a [B,T,T,H]
   Gather and a transpose to [B,H,T,T], a quarter of its run time. The rewritten graph takes that bias as an input,
   which src/ner/featurize.ts `relBias` computes in a plain loop from the table written into rel2d.json (`weights`).
2. Attention → com.microsoft.MultiHeadAttention: each layer's q·kᵀ, bias, softmax and ·v in one kernel, without
   the reshapes and transposes of the exported graph. Same arithmetic (the outputs agree to ~1e-6).
3. int8 weights: every MatMul with a constant weight becomes DynamicQuantizeMatMul (8-bit weights per output column,
   activations quantised per call). Attention itself stays float. Changes the logits slightly; the caller measures
   how much and the model card gives the scores. The weights are stored as uint8 around zero point 128 (`--weights
   u8`, the same 255 levels as int8 ±127): with int8 weights onnxruntime multiplies by VPMADDUBSW on x86 CPUs
   without VNNI (AVX2, e.g. AMD EPYC before Zen 4), whose 16-bit sum of two products saturates above 32,767
   (255·127·2 = 64,770), so those CPUs computed other numbers than VNNI ones: model 0.3.1 (int8) scored ZUGFeRD 244
   of 265 values on an AVX2 machine against 248 on a VNNI one, and its bundled samples' confidences differed. With
   uint8 weights onnxruntime takes its U8U8 kernels, which do not saturate: 0.3.2 (0.3.1's levels as uint8) gives
   0.3.1's VNNI results on the AVX2 machine, value for value, at the same speed. `--weights s7` (int8 ±63) avoids
   the saturation at half the precision (ZUGFeRD 246).

Each rewrite is skipped when the graph does not have the shape it expects (an older or foreign export), with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"


def note(msg: str) -> None:
    print(f"[optimize] {msg}", flush=True)


class Graph:
    """Indexes of one graph: producer and consumers of every value, constant initializers."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.g = model.graph
        self.reindex()

    def reindex(self) -> None:
        self.producer = {o: n for n in self.g.node for o in n.output}
        self.consumers: dict[str, list] = {}
        for n in self.g.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.inits = {i.name: i for i in self.g.initializer}

    def const(self, name: str):
        """The value of an initializer or a Constant node's output, else None."""
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        p = self.producer.get(name)
        if p is not None and p.op_type == "Constant":
            return numpy_helper.to_array(p.attribute[0].t)
        return None

    def attr(self, node, name: str):
        for a in node.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return None

    def rename_input(self, old: str, new: str) -> None:
        for n in self.g.node:
            for k, i in enumerate(n.input):
                if i == old:
                    n.input[k] = new

    def prune(self) -> None:
        """Drops nodes and initializers that no graph output depends on."""
        need = {o.name for o in self.g.output}
        keep = []
        for n in reversed(list(self.g.node)):
            if any(o in need for o in n.output):
                keep.append(n)
                need.update(i for i in n.input if i)
        keep_ids = {id(n) for n in keep}
        for n in [n for n in self.g.node if id(n) not in keep_ids]:
            self.g.node.remove(n)
        for i in [i for i in self.g.initializer if i.name not in need]:
            self.g.initializer.remove(i)
        self.reindex()

    def use_ms_domain(self) -> None:
        if not any(o.domain == MS_DOMAIN for o in self.model.opset_import):
            self.model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))


def rel_pair_to_bias(gr: Graph, rel2d: dict) -> bool:
    """rel_pair input → rel_bias input; the table moves to rel2d['weights']. False if there is nothing to do."""
    if not any(i.name == "rel_pair" for i in gr.g.input):
        return False
    gathers = [n for n in gr.g.node if n.op_type == "Gather" and n.input[0] in gr.inits and n.input[0].startswith("rel2d")]
    if len(gathers) != 1:
        raise SystemExit("rel_pair graph without one rel2d Gather: not an invoice-ner export")
    gather = gathers[0]
    after = gr.consumers.get(gather.output[0], [])
    if len(after) != 1 or after[0].op_type != "Transpose" or list(gr.attr(after[0], "perm")) != [0, 3, 1, 2]:
        raise SystemExit("rel2d Gather is not followed by the [B,T,T,H] → [B,H,T,T] transpose")
    table = gr.const(gather.input[0])
    heads = table.shape[1]
    gr.rename_input(after[0].output[0], "rel_bias")
    gr.g.input.remove(next(i for i in gr.g.input if i.name == "rel_pair"))
    gr.g.input.append(helper.make_tensor_value_info("rel_bias", TensorProto.FLOAT, ["batch", heads, "seq", "seq"]))
    gr.prune()
    rel2d["weights"] = table.astype(np.float32).tolist()
    return True


def fuse_attention(gr: Graph) -> int:
    """Replaces each exported attention block by MultiHeadAttention. Returns how many were fused."""
    fused = 0
    for soft in [n for n in gr.g.node if n.op_type == "Softmax"]:
        try:
            add = gr.producer[soft.input[0]]
            assert add.op_type == "Add"
            qk = gr.producer[add.input[0]]
            bias = add.input[1]
            if qk.op_type != "MatMul":
                qk, bias = gr.producer[add.input[1]], add.input[0]
            assert qk.op_type == "MatMul"
            mul, kt = gr.producer[qk.input[0]], gr.producer[qk.input[1]]
            assert mul.op_type == "Mul" and kt.op_type == "Transpose" and list(gr.attr(kt, "perm")) == [0, 1, 3, 2]
            q_gather = gr.producer[mul.input[0]]
            scale = float(np.asarray(gr.const(mul.input[1])).reshape(-1)[0])
            k_gather = gr.producer[kt.input[0]]
            (av,) = gr.consumers[soft.output[0]]
            assert av.op_type == "MatMul"
            v_gather = gr.producer[av.input[1]]
            gathers = (q_gather, k_gather, v_gather)
            assert all(x.op_type == "Gather" for x in gathers)
            split = gr.producer[q_gather.input[0]]
            assert all(x.input[0] == split.output[0] for x in gathers)
            assert [int(gr.const(x.input[1])) for x in gathers] == [0, 1, 2]
            # qkv [B,T,3·H·dh] → reshape [B,T,3,H,dh] → transpose (2,0,3,1,4): q, k, v are thirds of the last axis.
            assert split.op_type == "Transpose" and list(gr.attr(split, "perm")) == [2, 0, 3, 1, 4]
            reshape = gr.producer[split.input[0]]
            assert reshape.op_type == "Reshape"
            qkv = reshape.input[0]
            (back,) = gr.consumers[av.output[0]]
            assert back.op_type == "Transpose" and list(gr.attr(back, "perm")) == [0, 2, 1, 3]
            (merge,) = gr.consumers[back.output[0]]
            assert merge.op_type == "Reshape"
            shape = gr.producer[reshape.input[1]]
            heads, dh = (int(gr.const(i)) for i in shape.input[3:5])
        except (AssertionError, KeyError, ValueError, TypeError):
            note(f"attention at {soft.name} does not have the exported shape; left as it is")
            continue
        base = soft.name.rsplit("/", 1)[0] + "/mha"
        d = heads * dh
        sizes = f"{base}/split_sizes"
        gr.g.initializer.append(numpy_helper.from_array(np.array([d, d, d], dtype=np.int64), sizes))
        q, k, v, out = (f"{base}/{x}" for x in ("q", "k", "v", "out"))
        new = [
            helper.make_node("Split", [qkv, sizes], [q, k, v], name=f"{base}/Split", axis=-1),
            helper.make_node(
                "MultiHeadAttention",
                [q, k, v, "", "", bias],
                [out],
                name=f"{base}/MultiHeadAttention",
                domain=MS_DOMAIN,
                num_heads=heads,
                scale=scale,
            ),
        ]
        gr.rename_input(merge.output[0], out)
        at = list(gr.g.node).index(merge)
        for i, n in enumerate(new):
            gr.g.node.insert(at + i, n)
        gr.reindex()
        fused += 1
    if fused:
        gr.use_ms_domain()
        gr.prune()
    return fused


def quantize_weights(gr: Graph, per: str, kind: str = "u8") -> int:
    """MatMul(x, W const) → DynamicQuantizeMatMul(x, W, scale, zero). Returns how many were rewritten."""
    top = 63 if kind == "s7" else 127
    count = 0
    for n in [n for n in gr.g.node if n.op_type == "MatMul" and n.input[1] in gr.inits]:
        w = gr.const(n.input[1]).astype(np.float32)
        if w.ndim != 2:
            continue
        amax = np.abs(w).max(axis=0) if per == "column" else np.array(np.abs(w).max())
        scale = np.maximum(amax / top, 1e-12).astype(np.float32)
        q = np.clip(np.round(w / scale), -top, top).astype(np.int8)
        zero = np.zeros(scale.shape, dtype=np.int8)
        if kind == "u8":
            # The same levels stored as uint8 around zero point 128: onnxruntime then takes its U8U8 kernels.
            q = (q.astype(np.int16) + 128).astype(np.uint8)
            zero = np.full(scale.shape, 128, dtype=np.uint8)
        base = n.name or n.output[0]
        names = [f"{base}/w_int8", f"{base}/w_scale", f"{base}/w_zero"]
        for arr, name in zip((q, scale, zero), names):
            gr.g.initializer.append(numpy_helper.from_array(arr, name))
        new = helper.make_node(
            "DynamicQuantizeMatMul", [n.input[0], *names], list(n.output), name=f"{base}/int8", domain=MS_DOMAIN
        )
        at = list(gr.g.node).index(n)
        gr.g.node.remove(n)
        gr.g.node.insert(at, new)
        count += 1
    if count:
        gr.use_ms_domain()
        gr.prune()
    return count


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--out", help="write here instead of rewriting MODEL_DIR (the other model files are copied)")
    ap.add_argument("--int8", choices=["column", "tensor", "off"], default="column")
    ap.add_argument("--weights", choices=["u8", "s8", "s7"], default="u8",
                    help="weight storage: u8 (8-bit levels as uint8, zero point 128), s8 (int8 ±127), s7 (int8 ±63)")
    ap.add_argument("--no-mha", action="store_true", help="keep the exported attention ops")
    args = ap.parse_args(argv)

    src = args.model_dir
    out = args.out or src
    if out != src:
        os.makedirs(out, exist_ok=True)
        for f in os.listdir(src):
            # The model files only: a training work folder also holds the checkpoint and the arrays.
            if os.path.isfile(os.path.join(src, f)) and not f.endswith(".pt"):
                shutil.copyfile(os.path.join(src, f), os.path.join(out, f))
    model = onnx.load(os.path.join(src, "model.onnx"))
    gr = Graph(model)
    rel_path = os.path.join(src, "rel2d.json")
    rel2d = json.load(open(rel_path)) if os.path.exists(rel_path) else None
    done = []
    if rel2d is not None and rel_pair_to_bias(gr, rel2d):
        done.append("rel_pair → rel_bias")
    if args.no_mha:
        pass
    elif not any(i.name == "rel_bias" for i in gr.g.input):
        # Without the 2D bias the attention bias is the [B,1,1,T] padding mask, a shape MultiHeadAttention's
        # attention_bias does not broadcast from.
        note("no rel_bias input: attention left as exported")
    else:
        n = fuse_attention(gr)
        done.append(f"{n} attention blocks fused")
    if args.int8 != "off":
        n = quantize_weights(gr, args.int8, args.weights)
        done.append(f"{n} MatMuls int8 per {args.int8} ({args.weights} weights)")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "model.onnx"))
    if rel2d is not None:
        with open(os.path.join(out, "rel2d.json"), "w") as fh:
            json.dump(rel2d, fh)
    note(f"{os.path.join(out, 'model.onnx')}: {', '.join(done) or 'nothing to do'} "
         f"({os.path.getsize(os.path.join(out, 'model.onnx')) / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
