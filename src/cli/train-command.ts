/** `invex train`: exports the corpus arrays, trains the NER model with PyTorch and ships it as ONNX. */
import { trainMain } from '../../training/train.js';

export const TRAIN_USAGE = `usage: invex train [--corpus DIR] [--out DIR] [--work DIR] [--budget-minutes M | --epochs N] [--max-minutes M] [--name-swaps N] [--smoke] [-- train.py flags]

Featurizes the corpus (INVEX_CORPUS_DIR), runs training/train.py with /usr/bin/python3 (python3-torch), checks the
ONNX export against torch, and writes model.onnx, labels.json, featurizer.json and training.json to --out
(default models/invoice-ner). --name-swaps: copies of each real training document with other supplier and customer
names in the same places (default 0: an experiment, see the model card), so that the model learns where names are
printed rather than the few names the real sets repeat.`;

export async function trainCommand(argv: string[]): Promise<undefined> {
  await trainMain(argv);
  return undefined;
}
