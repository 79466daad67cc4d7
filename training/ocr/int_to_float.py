"""Turn an integer ("fast"/"best_int") tesseract LSTM model into a float one that lstmtraining can fine-tune.

The only English models we can install (npm @tesseract.js-data/eng, Debian tesseract-ocr-eng) hold their LSTM
weights as int8 rows with one scale per row; lstmtraining refuses them ("is an integer (fast) model, cannot continue
training"). Each int row is w_int * scale of the float row it came from, so the float network is recovered to
within int8 rounding, which is what the int model computes with anyway. This walks tesseract's serialised network
(src/lstm/*.cpp Serialize/DeSerialize, format of tesseract 4/5), rewrites every WeightMatrix in float (double)
form, marks every layer as not training (as a shipped float model is) and clears TF_INT_MODE.

  /usr/bin/python3 training/ocr/int_to_float.py eng.lstm eng-float.lstm
"""

from __future__ import annotations

import struct
import sys

TYPE_NAMES = [
    'Invalid', 'Input', 'Convolve', 'Maxpool', 'Parallel', 'Replicated', 'ParBidiLSTM', 'DepParUDLSTM',
    'Par2dLSTM', 'Series', 'Reconfig', 'RTLReversed', 'TTBReversed', 'XYTranspose', 'LSTM', 'SummLSTM',
    'Logistic', 'LinLogistic', 'LinTanh', 'Tanh', 'Relu', 'Linear', 'Softmax', 'SoftmaxNoCTC', 'LSTMSoftmax',
    'LSTMBinarySoftmax', 'TensorFlow',
]
PLUMBING = {'Parallel', 'Replicated', 'ParBidiLSTM', 'DepParUDLSTM', 'Par2dLSTM', 'Series', 'RTLReversed',
            'TTBReversed', 'XYTranspose'}
FULLY_CONNECTED = {'Logistic', 'LinLogistic', 'LinTanh', 'Tanh', 'Relu', 'Linear', 'Softmax', 'SoftmaxNoCTC'}
LSTM_TYPES = {'LSTM', 'SummLSTM', 'LSTMSoftmax', 'LSTMBinarySoftmax'}
NF_LAYER_SPECIFIC_LR = 64
WM_INT8, WM_DOUBLE = 1, 128
TF_INT_MODE = 1


class Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize('<' + fmt)
        values = struct.unpack_from('<' + fmt, self.data, self.pos)
        self.pos += size
        return values

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def string(self) -> bytes:
        (n,) = self.take('I')
        return self.raw(n)


class Converter:
    def __init__(self, data: bytes):
        self.r = Reader(data)
        self.out = bytearray()
        self.matrices = 0

    def copy(self, n: int):
        self.out += self.r.raw(n)

    def weight_matrix(self):
        (mode,) = self.r.take('B')
        if not mode & WM_DOUBLE:
            raise ValueError('old-format weight matrix: not supported')
        if not mode & WM_INT8:
            # Already float (a model written by training): copied as it stands (not training, so no deltas).
            self.out += struct.pack('<B', mode)
            dim1, dim2 = self.r.take('II')
            self.out += struct.pack('<II', dim1, dim2)
            self.copy(8 + 8 * dim1 * dim2)
            return
        dim1, dim2 = self.r.take('II')
        self.r.take('b')  # the int array's empty_ value
        weights = self.r.take(f'{dim1 * dim2}b')
        (n_scales,) = self.r.take('I')
        scales = self.r.take(f'{n_scales}d')
        if n_scales < dim1:
            raise ValueError(f'{n_scales} scales for {dim1} rows')
        self.out += struct.pack('<B', mode & ~WM_INT8)
        self.out += struct.pack('<II', dim1, dim2)
        self.out += struct.pack('<d', 0.0)  # the float array's empty_ value
        # On disk each scale is max|row| / 127, so a weight is its int8 value times the scale.
        values = [weights[i * dim2 + j] * scales[i] for i in range(dim1) for j in range(dim2)]
        self.out += struct.pack(f'<{dim1 * dim2}d', *values)
        self.matrices += 1

    def network(self):
        r = self.r
        (tag,) = r.take('b')
        self.out += struct.pack('<b', tag)
        if tag == 0:
            name = r.string()
            self.out += struct.pack('<I', len(name)) + name
            type_name = name.decode()
        else:
            type_name = TYPE_NAMES[tag]
        r.take('b')  # training_: written as TS_DISABLED, as a shipped float model has it
        self.out += struct.pack('<b', 0)
        needs_backprop, flags, ni, no, num_weights = r.take('biiii')
        self.out += struct.pack('<biiii', needs_backprop, flags, ni, no, num_weights)
        layer_name = r.string()
        self.out += struct.pack('<I', len(layer_name)) + layer_name

        if type_name == 'Input':
            self.copy(5 * 4)
        elif type_name in ('Convolve', 'Maxpool', 'Reconfig'):
            self.copy(2 * 4)
        elif type_name in PLUMBING:
            (size,) = r.take('I')
            self.out += struct.pack('<I', size)
            for _ in range(size):
                self.network()
            if flags & NF_LAYER_SPECIFIC_LR:
                (n,) = r.take('I')
                self.out += struct.pack('<I', n)
                self.copy(4 * n)
        elif type_name in FULLY_CONNECTED:
            self.weight_matrix()
        elif type_name in LSTM_TYPES:
            (na,) = r.take('i')
            self.out += struct.pack('<i', na)
            if type_name == 'LSTMSoftmax':
                nf = no
            elif type_name == 'LSTMBinarySoftmax':
                nf = max(1, (no - 1).bit_length())
            else:
                nf = 0
            # CI, GI, GF1, GO, and GFS only for 2-D LSTMs (known once CI's output count is read).
            start = r.pos
            r.take('B')
            ci_outputs, _ = r.take('II')
            r.pos = start
            ns = ci_outputs
            gates = 5 if na - nf == ni + 2 * ns else 4
            for _ in range(gates):
                self.weight_matrix()
            if type_name in ('LSTMSoftmax', 'LSTMBinarySoftmax'):
                self.network()
        else:
            raise ValueError(f'layer type {type_name} not supported')

    def convert(self) -> bytes:
        self.network()
        r = self.r
        network_str = r.string()
        self.out += struct.pack('<I', len(network_str)) + network_str
        (training_flags,) = r.take('i')
        self.out += struct.pack('<i', training_flags & ~TF_INT_MODE)
        # training_iteration_, sample_iteration_, null_char_, adam_beta_, learning_rate_, momentum_ and, where the
        # model carries its own charsets, those: unchanged.
        self.out += r.data[r.pos:]
        return bytes(self.out)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(argv[1], 'rb') as f:
        data = f.read()
    converter = Converter(data)
    out = converter.convert()
    with open(argv[2], 'wb') as f:
        f.write(out)
    print(f'{argv[1]} -> {argv[2]}: {converter.matrices} weight matrices in float, {len(out)} bytes')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
