/**
 * The only module that imports onnxruntime-node (CPU execution provider). One InferenceSession per
 * model file per process, created lazily on first use and shared; `closeSessions()` releases them.
 * Tensors cross this boundary as plain typed arrays so that no other module sees ORT types.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { config } from '../config.js';
import { InvexError } from '../errors.js';

export type TensorType = 'float32' | 'int32' | 'int64';

export interface TensorData {
  type: TensorType;
  data: Float32Array | Int32Array | BigInt64Array;
  dims: readonly number[];
}

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface InputInfo {
  name: string;
  /** Element type the model declares, e.g. `int64` for Hugging Face input_ids. */
  type: string;
}

export interface OnnxSession {
  readonly path: string;
  readonly inputs: readonly InputInfo[];
  readonly outputNames: readonly string[];
  /** Runs the model; every output is returned as float32. */
  run(feeds: Record<string, TensorData>): Promise<Record<string, OutputTensor>>;
}

export interface SessionOptions {
  /** Threads inside one operator; defaults to INVEX_NER_THREADS (1) so NER does not fight OCR for cores. */
  threads?: number;
}

const sessions = new Map<string, Promise<{ s: ort.InferenceSession; api: OnnxSession }>>();

function wrap(path: string, s: ort.InferenceSession): OnnxSession {
  const inputs = s.inputNames.map((name, i) => {
    const meta = s.inputMetadata[i];
    return { name, type: meta?.isTensor ? String(meta.type) : 'unknown' };
  });
  return {
    path,
    inputs,
    outputNames: s.outputNames,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await s.run(ortFeeds);
      const res: Record<string, OutputTensor> = {};
      for (const [name, t] of Object.entries(out)) {
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
        res[name] = { data, dims: t.dims };
      }
      for (const t of Object.values(ortFeeds)) t.dispose();
      return res;
    },
  };
}

/** The shared session for `modelPath`, created on first call (later options are ignored). */
export async function loadSession(modelPath: string, opts: SessionOptions = {}): Promise<OnnxSession> {
  const path = resolve(modelPath);
  let p = sessions.get(path);
  if (!p) {
    if (!existsSync(path)) throw new InvexError('INVEX_E_MODEL_MISSING', `ONNX model not found: ${path}`);
    const threads = opts.threads ?? config().nerThreads;
    p = ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
      .then((s) => ({ s, api: wrap(path, s) }))
      .catch((err: unknown) => {
        sessions.delete(path);
        throw new InvexError('INVEX_E_MODEL_MISSING', `cannot load ONNX model ${path}: ${String(err)}`, {
          cause: err,
        });
      });
    sessions.set(path, p);
  }
  return (await p).api;
}

/** Releases every session of this process; the next loadSession creates a fresh one. */
export async function closeSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const p of all) {
    try {
      await (await p).s.release();
    } catch {
      // A session that failed to load has nothing to release.
    }
  }
}
